// SPDX-License-Identifier: Apache-2.0
//
// URL: the WHATWG parser (special and non-special schemes, hosts: domains,
// IPv4 numeric forms, IPv6, opaque hosts; percent-encoding; dot segments;
// relative resolution), serialization, origin and the setters. Expected
// values are what Node.js 20 and browsers produce.
// include: check.js

// Expected values computed with Node.js 20.
function checks() {
  eq(new URL("http://EXAMPLE.com:80/a/./b/../c?x=1#f").href, "http://example.com/a/c?x=1#f", "new URL(\"http://EXAMPLE.com:80/a/./b/../c?x=1#f\").href");
  eq(new URL("HTTPS://ex.com:443").href, "https://ex.com/", "new URL(\"HTTPS://ex.com:443\").href");
  eq(new URL("https://ex.com:8443/").port, "8443", "new URL(\"https://ex.com:8443/\").port");
  eq(new URL("http://user:pa ss@host/").href, "http://user:pa%20ss@host/", "new URL(\"http://user:pa ss@host/\").href");
  eq(new URL("http://us@er:p@ss@host/").href, "http://us%40er:p%40ss@host/", "new URL(\"http://us@er:p@ss@host/\").href");
  eq(new URL("http://a/b c/d?e f#g h").href, "http://a/b%20c/d?e%20f#g%20h", "new URL(\"http://a/b c/d?e f#g h\").href");
  eq(new URL("http://a/%2e/%2E%2e/x").href, "http://a/x", "new URL(\"http://a/%2e/%2E%2e/x\").href");
  eq(new URL("http://a/p?q='\"<>`{}").href, "http://a/p?q=%27%22%3C%3E`{}", "new URL(\"http://a/p?q='\\\"<>`{}\").href");
  eq(new URL("foo://a/p?q='\"<>`{}").href, "foo://a/p?q='%22%3C%3E`{}", "new URL(\"foo://a/p?q='\\\"<>`{}\").href");
  eq(new URL("http://a/#\"<>`{} ").href, "http://a/#%22%3C%3E%60{}", "new URL(\"http://a/#\\\"<>`{} \").href");
  eq(new URL("http://a/^|{}`").href, "http://a/^|%7B%7D%60", "new URL(\"http://a/^|{}`\").href");
  eq(new URL("http://1.2.3.4/").host, "1.2.3.4", "new URL(\"http://1.2.3.4/\").host");
  eq(new URL("http://0x7f.1/").host, "127.0.0.1", "new URL(\"http://0x7f.1/\").host");
  eq(new URL("http://0177.0.0.1/").host, "127.0.0.1", "new URL(\"http://0177.0.0.1/\").host");
  eq(new URL("http://2130706433/").host, "127.0.0.1", "new URL(\"http://2130706433/\").host");
  throws(() => new URL("http://1.2.3.4.5/").host, "TypeError", "new URL(\"http://1.2.3.4.5/\").host");
  throws(() => new URL("http://256.1/").host, "TypeError", "new URL(\"http://256.1/\").host");
  eq(new URL("http://1.256/").host, "1.0.1.0", "new URL(\"http://1.256/\").host");
  throws(() => new URL("http://4294967296/").host, "TypeError", "new URL(\"http://4294967296/\").host");
  throws(() => new URL("http://0x100000000/").host, "TypeError", "new URL(\"http://0x100000000/\").host");
  throws(() => new URL("http://1.2.3.09/").host, "TypeError", "new URL(\"http://1.2.3.09/\").host");
  throws(() => new URL("http://foo.09/").host, "TypeError", "new URL(\"http://foo.09/\").host");
  throws(() => new URL("http://foo.0x/").host, "TypeError", "new URL(\"http://foo.0x/\").host");
  eq(new URL("http://[::1]:8080/").host, "[::1]:8080", "new URL(\"http://[::1]:8080/\").host");
  eq(new URL("http://[1:0:0:0:0:0:0:1]/").host, "[1::1]", "new URL(\"http://[1:0:0:0:0:0:0:1]/\").host");
  eq(new URL("http://[1:0::0:1:0:0]/").host, "[1::1:0:0]", "new URL(\"http://[1:0::0:1:0:0]/\").host");
  eq(new URL("http://[0:0:0:0:0:0:0:0]/").host, "[::]", "new URL(\"http://[0:0:0:0:0:0:0:0]/\").host");
  eq(new URL("http://[::ffff:1.2.3.4]/").host, "[::ffff:102:304]", "new URL(\"http://[::ffff:1.2.3.4]/\").host");
  throws(() => new URL("http://[1:2:3:4:5:6:7:8:9]/").host, "TypeError", "new URL(\"http://[1:2:3:4:5:6:7:8:9]/\").host");
  throws(() => new URL("http://[::1.2.3]/").host, "TypeError", "new URL(\"http://[::1.2.3]/\").host");
  throws(() => new URL("http://[1::2::3]/").host, "TypeError", "new URL(\"http://[1::2::3]/\").host");
  eq(new URL("http://[a:b:c:d:e:f:1.2.3.4]/").host, "[a:b:c:d:e:f:102:304]", "new URL(\"http://[a:b:c:d:e:f:1.2.3.4]/\").host");
  throws(() => new URL("http://[::1]x/").host, "TypeError", "new URL(\"http://[::1]x/\").host");
  throws(() => new URL("http://ex ample.com/").host, "TypeError", "new URL(\"http://ex ample.com/\").host");
  eq(new URL("http://ex%41mple.com/").host, "example.com", "new URL(\"http://ex%41mple.com/\").host");
  throws(() => new URL("http://ex%2Fample.com/").host, "TypeError", "new URL(\"http://ex%2Fample.com/\").host");
  eq(new URL("http://münchen.de/").host, "xn--mnchen-3ya.de", "new URL(\"http://münchen.de/\").host");
  eq(new URL("http://BÜCHER.de/").host, "xn--bcher-kva.de", "new URL(\"http://BÜCHER.de/\").host");
  eq(new URL("http://ＥＸＡＭＰＬＥ．com/").host, "example.com", "new URL(\"http://ＥＸＡＭＰＬＥ．com/\").host");
  eq(new URL("http://日本語.jp/").host, "xn--wgv71a119e.jp", "new URL(\"http://日本語.jp/\").host");
  eq(new URL("http://xn--nxasmq6b.com/").host, "xn--nxasmq6b.com", "new URL(\"http://xn--nxasmq6b.com/\").host");
  eq(new URL("http://a.b.c./").host, "a.b.c.", "new URL(\"http://a.b.c./\").host");
  eq(new URL("http:/\\/a/b").href, "http://a/b", "new URL(\"http:/\\\\/a/b\").href");
  eq(new URL("http:a/b").href, "http://a/b", "new URL(\"http:a/b\").href");
  throws(() => new URL("http://").href, "TypeError", "new URL(\"http://\").href");
  throws(() => new URL("http://:80/").href, "TypeError", "new URL(\"http://:80/\").href");
  eq(new URL("http://@a/").href, "http://a/", "new URL(\"http://@a/\").href");
  throws(() => new URL("http://a:b@/").href, "TypeError", "new URL(\"http://a:b@/\").href");
  throws(() => new URL("http://a:99999/").href, "TypeError", "new URL(\"http://a:99999/\").href");
  eq(new URL("http://a:65535/").href, "http://a:65535/", "new URL(\"http://a:65535/\").href");
  eq(new URL("http://a:0080/").href, "http://a/", "new URL(\"http://a:0080/\").href");
  throws(() => new URL("http://a:8x/").href, "TypeError", "new URL(\"http://a:8x/\").href");
  eq(new URL("foo:bar").href, "foo:bar", "new URL(\"foo:bar\").href");
  eq(new URL("foo:/bar/../baz").href, "foo:/baz", "new URL(\"foo:/bar/../baz\").href");
  eq(new URL("foo://host/a/../b").href, "foo://host/b", "new URL(\"foo://host/a/../b\").href");
  throws(() => new URL("foo:// host/").href, "TypeError", "new URL(\"foo:// host/\").href");
  eq(new URL("foo://ho%st/").href, "foo://ho%st/", "new URL(\"foo://ho%st/\").href");
  throws(() => new URL("foo://h^st/").href, "TypeError", "new URL(\"foo://h^st/\").href");
  eq(new URL("foo://[::1]/").href, "foo://[::1]/", "new URL(\"foo://[::1]/\").href");
  eq(new URL("foo://H/x").href, "foo://H/x", "new URL(\"foo://H/x\").href");
  eq(new URL("javascript:alert(1)").href, "javascript:alert(1)", "new URL(\"javascript:alert(1)\").href");
  eq(new URL("mailto:a@b.c").pathname, "a@b.c", "new URL(\"mailto:a@b.c\").pathname");
  eq(new URL("data:text/plain,hi there ").href, "data:text/plain,hi there", "new URL(\"data:text/plain,hi there \").href");
  eq(new URL("data:text/plain,hi there #x").href, "data:text/plain,hi there #x", "new URL(\"data:text/plain,hi there #x\").href");
  eq(new URL("blob:https://a.com/uuid").origin, "https://a.com", "new URL(\"blob:https://a.com/uuid\").origin");
  eq(new URL("blob:foo:bar").origin, "null", "new URL(\"blob:foo:bar\").origin");
  eq(new URL("file:///C:/a/../../b").href, "file:///C:/b", "new URL(\"file:///C:/a/../../b\").href");
  eq(new URL("file://localhost/etc/passwd").href, "file:///etc/passwd", "new URL(\"file://localhost/etc/passwd\").href");
  eq(new URL("file://host/share/x").href, "file://host/share/x", "new URL(\"file://host/share/x\").href");
  eq(new URL("file:c:\\foo\\bar").href, "file:///c:/foo/bar", "new URL(\"file:c:\\\\foo\\\\bar\").href");
  eq(new URL("file:///a/b").origin, "null", "new URL(\"file:///a/b\").origin");
  eq(new URL("ftp://a:21/").href, "ftp://a/", "new URL(\"ftp://a:21/\").href");
  eq(new URL("ws://a:80/").href, "ws://a/", "new URL(\"ws://a:80/\").href");
  eq(new URL("wss://a:443/x").origin, "wss://a", "new URL(\"wss://a:443/x\").origin");
  eq(new URL("  \t http://a/\nb\r  ").href, "http://a/b", "new URL(\"  \\t http://a/\\nb\\r  \").href");
  eq(new URL("http://a/\u0000b").href, "http://a/%00b", "new URL(\"http://a/\\u0000b\").href");
  eq(new URL("http://a/ä?ä#ä").href, "http://a/%C3%A4?%C3%A4#%C3%A4", "new URL(\"http://a/ä?ä#ä\").href");
  eq(new URL("http://a/\ud800").href, "http://a/%EF%BF%BD", "new URL(\"http://a/\\ud800\").href");
  eq(new URL("b/c", "http://a/x/y").href, "http://a/x/b/c", "new URL(\"b/c\", \"http://a/x/y\").href");
  eq(new URL("../c", "http://a/x/y/z").href, "http://a/x/c", "new URL(\"../c\", \"http://a/x/y/z\").href");
  eq(new URL("/c", "http://a/x/y").href, "http://a/c", "new URL(\"/c\", \"http://a/x/y\").href");
  eq(new URL("//h/c", "http://a/x/y").href, "http://h/c", "new URL(\"//h/c\", \"http://a/x/y\").href");
  eq(new URL("?q", "http://a/x/y?z#f").href, "http://a/x/y?q", "new URL(\"?q\", \"http://a/x/y?z#f\").href");
  eq(new URL("#f2", "http://a/x/y?z#f").href, "http://a/x/y?z#f2", "new URL(\"#f2\", \"http://a/x/y?z#f\").href");
  eq(new URL("", "http://a/x/y?z#f").href, "http://a/x/y?z", "new URL(\"\", \"http://a/x/y?z#f\").href");
  eq(new URL("http:c", "http://a/x/y").href, "http://a/x/c", "new URL(\"http:c\", \"http://a/x/y\").href");
  eq(new URL("https:c", "http://a/x/y").href, "https://c/", "new URL(\"https:c\", \"http://a/x/y\").href");
  eq(new URL("\\\\h\\c", "http://a/x").href, "http://h/c", "new URL(\"\\\\\\\\h\\\\c\", \"http://a/x\").href");
  eq(new URL("#x", "mailto:a@b").href, "mailto:a@b#x", "new URL(\"#x\", \"mailto:a@b\").href");
  throws(() => new URL("x", "mailto:a@b").href, "TypeError", "new URL(\"x\", \"mailto:a@b\").href");
  eq(new URL("c", "file:///a/b").href, "file:///a/c", "new URL(\"c\", \"file:///a/b\").href");
  eq(new URL("/C:/x", "file:///D:/y").href, "file:///C:/x", "new URL(\"/C:/x\", \"file:///D:/y\").href");
  eq(new URL("..", "file:///C:/").href, "file:///C:/", "new URL(\"..\", \"file:///C:/\").href");
  eq(new URL("x", "foo://h/a/b").href, "foo://h/a/x", "new URL(\"x\", \"foo://h/a/b\").href");
  eq(new URL("../../../x", "foo:/a").href, "foo:/x", "new URL(\"../../../x\", \"foo:/a\").href");
  eq(new URL("a", "foo:/").href, "foo:/a", "new URL(\"a\", \"foo:/\").href");
  eq(new URL("//x", "foo:/").href, "foo://x", "new URL(\"//x\", \"foo:/\").href");
  throws(() => new URL("", "foo:opaque").href, "TypeError", "new URL(\"\", \"foo:opaque\").href");
  throws(() => new URL("rel"), "TypeError", "new URL(\"rel\")");
  throws(() => new URL("http://a", "bad base"), "TypeError", "new URL(\"http://a\", \"bad base\")");
  eq(new URL("https://user:pw@a.com:8080/p/q?x=1&y=2#h").origin, "https://a.com:8080", "new URL(\"https://user:pw@a.com:8080/p/q?x=1&y=2#h\").origin");
  eq(JSON.stringify(new URL("http://a/b")), "\"http://a/b\"", "JSON.stringify(new URL(\"http://a/b\"))");
  eq(String(new URL("http://a/b")), "http://a/b", "String(new URL(\"http://a/b\"))");
  eq((() => { const u = new URL("http://a/b?x=1"); u.protocol = "https"; return u.href })(), "https://a/b?x=1", "(() => { const u = new URL(\"http://a/b?x=1\"); u.protocol = \"https\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.protocol = "foo"; return u.href })(), "http://a/b", "(() => { const u = new URL(\"http://a/b\"); u.protocol = \"foo\"; return u.href })()");
  eq((() => { const u = new URL("foo://a/b"); u.protocol = "http"; return u.href })(), "foo://a/b", "(() => { const u = new URL(\"foo://a/b\"); u.protocol = \"http\"; return u.href })()");
  eq((() => { const u = new URL("http://a:443/b"); u.protocol = "https:"; return u.href })(), "https://a/b", "(() => { const u = new URL(\"http://a:443/b\"); u.protocol = \"https:\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.protocol = "h t"; return u.href })(), "http://a/b", "(() => { const u = new URL(\"http://a/b\"); u.protocol = \"h t\"; return u.href })()");
  eq((() => { const u = new URL("http://u@a/b"); u.protocol = "file"; return u.href })(), "http://u@a/b", "(() => { const u = new URL(\"http://u@a/b\"); u.protocol = \"file\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.username = "us er@"; u.password = "p:w/"; return u.href })(), "http://us%20er%40:p%3Aw%2F@a/b", "(() => { const u = new URL(\"http://a/b\"); u.username = \"us er@\"; u.password = \"p:w/\"; return u.hr...");
  eq((() => { const u = new URL("file:///b"); u.username = "x"; return u.href })(), "file:///b", "(() => { const u = new URL(\"file:///b\"); u.username = \"x\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.host = "c.com:81"; return u.href })(), "http://c.com:81/b", "(() => { const u = new URL(\"http://a/b\"); u.host = \"c.com:81\"; return u.href })()");
  eq((() => { const u = new URL("http://a:8080/b"); u.host = "c.com"; return u.href })(), "http://c.com:8080/b", "(() => { const u = new URL(\"http://a:8080/b\"); u.host = \"c.com\"; return u.href })()");
  eq((() => { const u = new URL("http://a:8080/b"); u.host = "b.com:abc"; return u.href })(), "http://b.com:8080/b", "(() => { const u = new URL(\"http://a:8080/b\"); u.host = \"b.com:abc\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.host = ""; return u.href })(), "http://a/b", "(() => { const u = new URL(\"http://a/b\"); u.host = \"\"; return u.href })()");
  eq((() => { const u = new URL("foo://a/b"); u.host = ""; return u.href })(), "foo:///b", "(() => { const u = new URL(\"foo://a/b\"); u.host = \"\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.hostname = "c.com:81"; return u.href })(), "http://a/b", "(() => { const u = new URL(\"http://a/b\"); u.hostname = \"c.com:81\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.hostname = "x/y"; return u.href })(), "http://x/b", "(() => { const u = new URL(\"http://a/b\"); u.hostname = \"x/y\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.hostname = "[::1]"; return u.href })(), "http://[::1]/b", "(() => { const u = new URL(\"http://a/b\"); u.hostname = \"[::1]\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.port = "8080"; return u.href })(), "http://a:8080/b", "(() => { const u = new URL(\"http://a/b\"); u.port = \"8080\"; return u.href })()");
  eq((() => { const u = new URL("http://a:1/b"); u.port = ""; return u.href })(), "http://a/b", "(() => { const u = new URL(\"http://a:1/b\"); u.port = \"\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.port = "80"; return u.href })(), "http://a/b", "(() => { const u = new URL(\"http://a/b\"); u.port = \"80\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.port = "12ab"; return u.href })(), "http://a:12/b", "(() => { const u = new URL(\"http://a/b\"); u.port = \"12ab\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.port = "99999"; return u.href })(), "http://a/b", "(() => { const u = new URL(\"http://a/b\"); u.port = \"99999\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.pathname = "x y/../z"; return u.href })(), "http://a/z", "(() => { const u = new URL(\"http://a/b\"); u.pathname = \"x y/../z\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.pathname = ""; return u.href })(), "http://a/", "(() => { const u = new URL(\"http://a/b\"); u.pathname = \"\"; return u.href })()");
  eq((() => { const u = new URL("foo://a/b"); u.pathname = ""; return u.href })(), "foo://a", "(() => { const u = new URL(\"foo://a/b\"); u.pathname = \"\"; return u.href })()");
  eq((() => { const u = new URL("mailto:x"); u.pathname = "y"; return u.href })(), "mailto:x", "(() => { const u = new URL(\"mailto:x\"); u.pathname = \"y\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.search = "x=1 2&y=#"; return u.href })(), "http://a/b?x=1%202&y=%23", "(() => { const u = new URL(\"http://a/b\"); u.search = \"x=1 2&y=#\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b?x"); u.search = ""; return u.href })(), "http://a/b", "(() => { const u = new URL(\"http://a/b?x\"); u.search = \"\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.search = "?"; return u.href })(), "http://a/b?", "(() => { const u = new URL(\"http://a/b\"); u.search = \"?\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.hash = "h i"; return u.href })(), "http://a/b#h%20i", "(() => { const u = new URL(\"http://a/b\"); u.hash = \"h i\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b#x"); u.hash = ""; return u.href })(), "http://a/b", "(() => { const u = new URL(\"http://a/b#x\"); u.hash = \"\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b"); u.hash = "#"; return [u.href, u.hash] })(), ["http://a/b#",""], "(() => { const u = new URL(\"http://a/b\"); u.hash = \"#\"; return [u.href, u.hash] })()");
  eq((() => { const u = new URL("http://a/b"); u.href = "https://c/d"; return u.host })(), "c", "(() => { const u = new URL(\"http://a/b\"); u.href = \"https://c/d\"; return u.host })()");
  eq((() => { const u = new URL("http://a/b"); try { u.href = "nope" } catch (e) { return e.name } })(), "TypeError", "(() => { const u = new URL(\"http://a/b\"); try { u.href = \"nope\" } catch (e) { return e.name } })()");
  eq((() => { const u = new URL("data:x  ?q"); u.search = ""; return u.href })(), "data:x", "(() => { const u = new URL(\"data:x  ?q\"); u.search = \"\"; return u.href })()");
  eq((() => { const u = new URL("http://a/b?x=1&y=2"); u.searchParams.append("z", "3 4"); return u.href })(), "http://a/b?x=1&y=2&z=3+4", "(() => { const u = new URL(\"http://a/b?x=1&y=2\"); u.searchParams.append(\"z\", \"3 4\"); return u.hre...");
  eq((() => { const u = new URL("http://a/b?x=1"); u.searchParams.delete("x"); return u.href })(), "http://a/b", "(() => { const u = new URL(\"http://a/b?x=1\"); u.searchParams.delete(\"x\"); return u.href })()");
  eq((() => { const u = new URL("http://a/b?x=1"); const p = u.searchParams; u.search = "y=2"; return [p.get("y"), p.get("x")] })(), ["2",null], "(() => { const u = new URL(\"http://a/b?x=1\"); const p = u.searchParams; u.search = \"y=2\"; return ...");
  eq((() => { const u = new URL("http://a/b?x=1"); const p = u.searchParams; u.href = "http://c/?z=9"; return p.toString() })(), "z=9", "(() => { const u = new URL(\"http://a/b?x=1\"); const p = u.searchParams; u.href = \"http://c/?z=9\";...");
  eq((() => { const u = new URL("http://a/b?a=%zz&b=%41+c"); return [...u.searchParams] })(), [["a","%zz"],["b","A c"]], "(() => { const u = new URL(\"http://a/b?a=%zz&b=%41+c\"); return [...u.searchParams] })()");
  eq(new URL("http://a/b?x=1").search + new URL("http://a/b?").search + new URL("http://a/b#").hash, "?x=1", "new URL(\"http://a/b?x=1\").search + new URL(\"http://a/b?\").search + new URL(\"http://a/b#\").hash");
  eq([new URL("http://a").pathname, new URL("foo://a").pathname, new URL("foo://a/").pathname], ["/","","/"], "[new URL(\"http://a\").pathname, new URL(\"foo://a\").pathname, new URL(\"foo://a/\").pathname]");
  eq(new URL("http://a/b").searchParams === new URL("http://a/b").searchParams, false, "new URL(\"http://a/b\").searchParams === new URL(\"http://a/b\").searchParams");
  eq((() => { const u = new URL("http://a/b"); return u.searchParams === u.searchParams })(), true, "(() => { const u = new URL(\"http://a/b\"); return u.searchParams === u.searchParams })()");
  eq(new URL("http://a").toString === URL.prototype.toString, true, "new URL(\"http://a\").toString === URL.prototype.toString");
  eq(new URL("HTTP://A.COM/%7e?%7e#%7e").href, "http://a.com/%7e?%7e#%7e", "new URL(\"HTTP://A.COM/%7e?%7e#%7e\").href");
  eq(new URL("http://a/?%").href, "http://a/?%", "new URL(\"http://a/?%\").href");
  eq(new URL("http://a/%zz").href, "http://a/%zz", "new URL(\"http://a/%zz\").href");
  throws(() => new URL("http://%zz/").href, "TypeError", "new URL(\"http://%zz/\").href");
  throws(() => new URL("http://a%/").href, "TypeError", "new URL(\"http://a%/\").href");
  eq(new URL("http://1.2.3.4.").host, "1.2.3.4", "new URL(\"http://1.2.3.4.\").host");
  eq(new URL("http://0x.0x.0/").host, "0.0.0.0", "new URL(\"http://0x.0x.0/\").host");
  throws(() => new URL("http://09.1/").host, "TypeError", "new URL(\"http://09.1/\").host");
  eq(new URL("http://[0:1:0:1:0:1:0:1]/").host, "[0:1:0:1:0:1:0:1]", "new URL(\"http://[0:1:0:1:0:1:0:1]/\").host");
  eq(new URL("http://[1:0:0:2:0:0:0:3]/").host, "[1:0:0:2::3]", "new URL(\"http://[1:0:0:2:0:0:0:3]/\").host");
  eq(new URL("https://ex.com\\path\\x").href, "https://ex.com/path/x", "new URL(\"https://ex.com\\\\path\\\\x\").href");
  eq(new URL("foo:\\path").href, "foo:\\path", "new URL(\"foo:\\\\path\").href");
  eq(new URL("non-spec:/.//p").href, "non-spec:/.//p", "new URL(\"non-spec:/.//p\").href");
  eq(new URL("non-spec:/a/..//p").href, "non-spec:/.//p", "new URL(\"non-spec:/a/..//p\").href");
  eq(new URL("http://a/b;c=d").href, "http://a/b;c=d", "new URL(\"http://a/b;c=d\").href");
  eq(new URL("http://a/?q=\u00e9").search, "?q=%C3%A9", "new URL(\"http://a/?q=\\u00e9\").search");
  eq(new URL("ws://a/?'").search, "?%27", "new URL(\"ws://a/?'\").search");
  eq(new URL("x://a/?'").search, "?'", "new URL(\"x://a/?'\").search");
}

function moreChecks() {
  const e = throws(() => new URL("no-scheme"), "TypeError", "relative URL without base");
  eq(e.message, "Invalid URL", "message of a parse failure");
  throws(() => new URL(), "TypeError", "URL without arguments");
  eq(new URL("http://a/b", undefined).href, "http://a/b", "undefined base");
  eq(new URL("x", new URL("http://h/a/b")).href, "http://h/a/x", "URL object as base");
  eq(URL.canParse("http://a/"), true, "canParse of a valid URL");
  eq(URL.canParse("x"), false, "canParse of a relative URL");
  eq(URL.canParse("x", "http://a/"), true, "canParse with a base");
  eq(Object.prototype.toString.call(new URL("http://a/")), "[object URL]", "toStringTag");
  const get = Object.getOwnPropertyDescriptor(URL.prototype, "href").get;
  throws(() => get.call({}), "TypeError", "href getter on a foreign object");
}

// URLs already in serialized form skip the parser's state machine; these
// sit on both sides of that shortcut's edge (default ports, numeric hosts,
// dot segments, characters that get percent-encoded, case). Each is
// [input, href, host, pathname, search], or [input, null] when invalid.
function serializedForms() {
  const cases = [
    ["http://localhost/", "http://localhost/", "localhost", "/", ""],
    ["https://example.com/a/b?c=d&e=f", "https://example.com/a/b?c=d&e=f", "example.com", "/a/b", "?c=d&e=f"],
    ["http://a.b:8080/p?q=1", "http://a.b:8080/p?q=1", "a.b:8080", "/p", "?q=1"],
    ["ws://x.y:80/", "ws://x.y/", "x.y", "/", ""],
    ["wss://x.y:443/s", "wss://x.y/s", "x.y", "/s", ""],
    ["https://a:443/", "https://a/", "a", "/", ""],
    ["http://a:65535/", "http://a:65535/", "a:65535", "/", ""],
    ["http://a:65536/", null],
    ["http://a:0080/", "http://a/", "a", "/", ""],
    ["http://a:1/", "http://a:1/", "a:1", "/", ""],
    ["http://127.1/", "http://127.0.0.1/", "127.0.0.1", "/", ""],
    ["http://0x7f.1/", "http://127.0.0.1/", "127.0.0.1", "/", ""],
    ["http://a.0x10/", null],
    ["http://a.1a/", "http://a.1a/", "a.1a", "/", ""],
    ["http://a.08/", null],
    ["http://1.2.3.4/", "http://1.2.3.4/", "1.2.3.4", "/", ""],
    ["http://127.0.0.1:8787/hello?x=1", "http://127.0.0.1:8787/hello?x=1", "127.0.0.1:8787", "/hello", "?x=1"],
    ["http://255.255.255.255/", "http://255.255.255.255/", "255.255.255.255", "/", ""],
    ["http://256.0.0.1/", null],
    ["http://01.2.3.4/", "http://1.2.3.4/", "1.2.3.4", "/", ""],
    ["http://1.2.3.04/", "http://1.2.3.4/", "1.2.3.4", "/", ""],
    ["http://1.2.3.4.5/", null],
    ["http://1.2.3.4./", "http://1.2.3.4/", "1.2.3.4", "/", ""],
    ["http://a.0x/", null],
    ["http://a/b/./c", "http://a/b/c", "a", "/b/c", ""],
    ["http://a/b/../c", "http://a/c", "a", "/c", ""],
    ["http://a/%2e/c", "http://a/c", "a", "/c", ""],
    ["http://a/%2E%2e/c", "http://a/c", "a", "/c", ""],
    ["http://a/.b/..c/%2ex", "http://a/.b/..c/%2ex", "a", "/.b/..c/%2ex", ""],
    ["http://a/b/.", "http://a/b/", "a", "/b/", ""],
    ["http://a/?x='y'", "http://a/?x=%27y%27", "a", "/", "?x=%27y%27"],
    ["http://a/p'q", "http://a/p'q", "a", "/p'q", ""],
    ["http://a/?", "http://a/?", "a", "/", ""],
    ["http://a/??x", "http://a/??x", "a", "/", "??x"],
    ["http://a/x/?a=/b?c", "http://a/x/?a=/b?c", "a", "/x/", "?a=/b?c"],
    ["http://a/%zz", "http://a/%zz", "a", "/%zz", ""],
    ["http://a/%41", "http://a/%41", "a", "/%41", ""],
    ["http://a/b c", "http://a/b%20c", "a", "/b%20c", ""],
    ["http://A.B/", "http://a.b/", "a.b", "/", ""],
    ["HTTP://a/", "http://a/", "a", "/", ""],
    ["http://a", "http://a/", "a", "/", ""],
    ["http://a./", "http://a./", "a.", "/", ""],
    ["http://a..b/", "http://a..b/", "a..b", "/", ""],
    ["http://-a-.b/", "http://-a-.b/", "-a-.b", "/", ""],
    ["http://a/#f", "http://a/#f", "a", "/", ""],
    ["http://user@a/", "http://user@a/", "a", "/", ""],
    ["http://a/\\b", "http://a//b", "a", "//b", ""],
    ["http://a/[x]", "http://a/[x]", "a", "/[x]", ""],
    ["http://a/{x}", "http://a/%7Bx%7D", "a", "/%7Bx%7D", ""],
    ["http://a/x|y^z", "http://a/x|y^z", "a", "/x|y^z", ""],
    ["http://xn--nxasmq6b.com/", "http://xn--nxasmq6b.com/", "xn--nxasmq6b.com", "/", ""],
    ["http://a/é", "http://a/%C3%A9", "a", "/%C3%A9", ""],
    ["ftp://a/", "ftp://a/", "a", "/", ""],
    ["http://a/~!$&'()*+,;=:@", "http://a/~!$&'()*+,;=:@", "a", "/~!$&'()*+,;=:@", ""],
  ];
  for (const [input, href, host, pathname, search] of cases) {
    const what = `new URL(${JSON.stringify(input)})`;
    if (href === null) {
      throws(() => new URL(input), "TypeError", what);
      continue;
    }
    const u = new URL(input);
    eq([u.href, u.host, u.pathname, u.search], [href, host, pathname, search], what);
    // A Request serializes its URL the same way (credentials aside: refused).
    if (u.username === "") eq(new Request(input).url, href, `new Request(${JSON.stringify(input)}).url`);
  }
}

export default {
  async fetch(request, env) {
    checks();
    serializedForms();
    await moreChecks(request);
    return new Response("ok");
  },
};
