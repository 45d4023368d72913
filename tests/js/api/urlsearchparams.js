// SPDX-License-Identifier: Apache-2.0
//
// URLSearchParams: construction from a string, a record and a sequence,
// the methods, live iteration, the application/x-www-form-urlencoded
// parser and serializer, and the link with URL.search.
// include: check.js

// Expected values computed with Node.js 20.
function checks() {
  eq(new URLSearchParams("?a=1&b=2&a=3").getAll("a"), ["1","3"], "new URLSearchParams(\"?a=1&b=2&a=3\").getAll(\"a\")");
  eq(new URLSearchParams("a=1&&b&=c&d=").toString(), "a=1&b=&=c&d=", "new URLSearchParams(\"a=1&&b&=c&d=\").toString()");
  eq([...new URLSearchParams("a+b=c+d&%20=%2B&x=%F0%9F%98%80&bad=%FF")], [["a b","c d"],[" ","+"],["x","😀"],["bad","�"]], "[...new URLSearchParams(\"a+b=c+d&%20=%2B&x=%F0%9F%98%80&bad=%FF\")]");
  eq(new URLSearchParams({a: 1, b: [2, 3], c: undefined}).toString(), "a=1&b=2%2C3&c=undefined", "new URLSearchParams({a: 1, b: [2, 3], c: undefined}).toString()");
  eq(new URLSearchParams([["a", "1"], ["b", "2"]]).toString(), "a=1&b=2", "new URLSearchParams([[\"a\", \"1\"], [\"b\", \"2\"]]).toString()");
  eq((() => { try { new URLSearchParams([["a"]]) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new URLSearchParams([[\"a\"]]) } catch (e) { return e.name } })()");
  eq((() => { try { new URLSearchParams([1]) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new URLSearchParams([1]) } catch (e) { return e.name } })()");
  eq(new URLSearchParams(new URLSearchParams("x=1&y=2")).toString(), "x=1&y=2", "new URLSearchParams(new URLSearchParams(\"x=1&y=2\")).toString()");
  eq(new URLSearchParams({"é": "ü ~*-._!'()"}).toString(), "%C3%A9=%C3%BC+%7E*-._%21%27%28%29", "new URLSearchParams({\"é\": \"ü ~*-._!'()\"}).toString()");
  eq((() => { const p = new URLSearchParams("z=1&a=2&z=0&b=3&a=1"); p.sort(); return p.toString() })(), "a=2&a=1&b=3&z=1&z=0", "(() => { const p = new URLSearchParams(\"z=1&a=2&z=0&b=3&a=1\"); p.sort(); return p.toString() })()");
  eq((() => { const p = new URLSearchParams("a=1&b=2&a=3"); p.set("a", "9"); return p.toString() })(), "a=9&b=2", "(() => { const p = new URLSearchParams(\"a=1&b=2&a=3\"); p.set(\"a\", \"9\"); return p.toString() })()");
  eq((() => { const p = new URLSearchParams("a=1&b=2&a=3"); p.delete("a", "3"); return p.toString() })(), "a=1&b=2", "(() => { const p = new URLSearchParams(\"a=1&b=2&a=3\"); p.delete(\"a\", \"3\"); return p.toString() })()");
  eq((() => { const p = new URLSearchParams("a=1&b=2&a=3"); return [p.has("a", "3"), p.has("a", "4"), p.has("c"), p.get("c"), p.size] })(), [true,false,false,null,3], "(() => { const p = new URLSearchParams(\"a=1&b=2&a=3\"); return [p.has(\"a\", \"3\"), p.has(\"a\", \"4\"), ...");
  eq((() => { const p = new URLSearchParams("a=1&b=2"); const out = []; p.forEach((v, k, o) => out.push(k + v + (o === p))); return out })(), ["a1true","b2true"], "(() => { const p = new URLSearchParams(\"a=1&b=2\"); const out = []; p.forEach((v, k, o) => out.pus...");
  eq((() => { const p = new URLSearchParams("a=1&b=2"); return [[...p.keys()], [...p.values()], [...p.entries()]] })(), [["a","b"],["1","2"],[["a","1"],["b","2"]]], "(() => { const p = new URLSearchParams(\"a=1&b=2\"); return [[...p.keys()], [...p.values()], [...p....");
  eq(Object.prototype.toString.call(new URLSearchParams().entries()), "[object URLSearchParams Iterator]", "Object.prototype.toString.call(new URLSearchParams().entries())");
  eq(Object.prototype.toString.call(new URLSearchParams()), "[object URLSearchParams]", "Object.prototype.toString.call(new URLSearchParams())");
  eq((() => { try { new URLSearchParams().append("a") } catch (e) { return e.name } })(), "TypeError", "(() => { try { new URLSearchParams().append(\"a\") } catch (e) { return e.name } })()");
  eq(new URLSearchParams("a=\ud800").toString(), "a=%EF%BF%BD", "new URLSearchParams(\"a=\\ud800\").toString()");
  eq(String(new URLSearchParams("a=b=c")), "a=b%3Dc", "String(new URLSearchParams(\"a=b=c\"))");
  eq((() => { const p = new URLSearchParams("a=1&b=2"); const it = p.keys(); p.delete("a"); return [...it] })(), ["b"], "(() => { const p = new URLSearchParams(\"a=1&b=2\"); const it = p.keys(); p.delete(\"a\"); return [.....");
  eq((() => { const u = new URL("http://a/b?x=1&y=2"); u.searchParams.append("z", "3 4"); return u.href })(), "http://a/b?x=1&y=2&z=3+4", "(() => { const u = new URL(\"http://a/b?x=1&y=2\"); u.searchParams.append(\"z\", \"3 4\"); return u.hre...");
  eq((() => { const u = new URL("http://a/b?x=1"); u.searchParams.delete("x"); return u.href })(), "http://a/b", "(() => { const u = new URL(\"http://a/b?x=1\"); u.searchParams.delete(\"x\"); return u.href })()");
  eq((() => { const u = new URL("http://a/b?x=1"); const p = u.searchParams; u.search = "y=2"; return [p.get("y"), p.get("x")] })(), ["2",null], "(() => { const u = new URL(\"http://a/b?x=1\"); const p = u.searchParams; u.search = \"y=2\"; return ...");
  eq((() => { const u = new URL("http://a/b?x=1"); const p = u.searchParams; u.href = "http://c/?z=9"; return p.toString() })(), "z=9", "(() => { const u = new URL(\"http://a/b?x=1\"); const p = u.searchParams; u.href = \"http://c/?z=9\";...");
  eq((() => { const u = new URL("http://a/b?a=%zz&b=%41+c"); return [...u.searchParams] })(), [["a","%zz"],["b","A c"]], "(() => { const u = new URL(\"http://a/b?a=%zz&b=%41+c\"); return [...u.searchParams] })()");
  eq((() => { const u = new URL("http://a/?b=2&a=1"); u.searchParams.sort(); return u.search })(), "?a=1&b=2", "(() => { const u = new URL(\"http://a/?b=2&a=1\"); u.searchParams.sort(); return u.search })()");
  eq((() => { const u = new URL("http://a/?q=1"); u.searchParams.set("q", "a&b=c/d?é"); return [u.href, u.searchParams.get("q")] })(), ["http://a/?q=a%26b%3Dc%2Fd%3F%C3%A9","a&b=c/d?é"], "(() => { const u = new URL(\"http://a/?q=1\"); u.searchParams.set(\"q\", \"a&b=c/d?é\"); return [u.href...");
  eq(new URLSearchParams("a=1").size, 1, "new URLSearchParams(\"a=1\").size");
  eq((() => { const p = new URLSearchParams(); p.append("a", "x"); p.append("a", "y"); return [p.size, p.get("a"), String(p)] })(), [2,"x","a=x&a=y"], "(() => { const p = new URLSearchParams(); p.append(\"a\", \"x\"); p.append(\"a\", \"y\"); return [p.size,...");
  eq(typeof URLSearchParams.prototype[Symbol.iterator] === "function" && URLSearchParams.prototype[Symbol.iterator] === URLSearchParams.prototype.entries, true, "typeof URLSearchParams.prototype[Symbol.iterator] === \"function\" && URLSearchParams.prototype[Sym...");
}

export default {
  async fetch(request, env) {
    checks();
    return new Response("ok");
  },
};
