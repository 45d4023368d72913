// SPDX-License-Identifier: Apache-2.0
//
// Response: constructor (bodies of every supported type, status range,
// statusText, headers, default content types), the body mixin, clone,
// and the statics json, redirect and error.
// include: check.js

// Expected values computed with Node.js 20.
function checks() {
  eq((() => { const r = new Response(); return [r.status, r.ok, r.statusText, r.type, r.url, r.redirected, r.bodyUsed, [...r.headers]] })(), [200,true,"","default","",false,false,[]], "(() => { const r = new Response(); return [r.status, r.ok, r.statusText, r.type, r.url, r.redirec...");
  eq((() => { const r = new Response("hi"); return [...r.headers] })(), [["content-type","text/plain;charset=UTF-8"]], "(() => { const r = new Response(\"hi\"); return [...r.headers] })()");
  eq((() => { const r = new Response("hi", {status: 201, statusText: "Made", headers: {"X": "y"}}); return [r.status, r.statusText, r.ok, [...r.headers]] })(), [201,"Made",true,[["content-type","text/plain;charset=UTF-8"],["x","y"]]], "(() => { const r = new Response(\"hi\", {status: 201, statusText: \"Made\", headers: {\"X\": \"y\"}}); re...");
  eq((() => { try { new Response("", {status: 199}) } catch (e) { return e.name } })(), "RangeError", "(() => { try { new Response(\"\", {status: 199}) } catch (e) { return e.name } })()");
  eq((() => { try { new Response("", {status: 600}) } catch (e) { return e.name } })(), "RangeError", "(() => { try { new Response(\"\", {status: 600}) } catch (e) { return e.name } })()");
  eq((() => { try { new Response("x", {status: 204}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Response(\"x\", {status: 204}) } catch (e) { return e.name } })()");
  eq((() => { const r = new Response(null, {status: 204}); return r.status })(), 204, "(() => { const r = new Response(null, {status: 204}); return r.status })()");
  eq((() => { try { new Response("x", {statusText: "a\nb"}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Response(\"x\", {statusText: \"a\\nb\"}) } catch (e) { return e.name } })()");
  eq((() => { const r = new Response(new URLSearchParams("a=1")); return r.headers.get("content-type") })(), "application/x-www-form-urlencoded;charset=UTF-8", "(() => { const r = new Response(new URLSearchParams(\"a=1\")); return r.headers.get(\"content-type\")...");
  eq((() => { const r = new Response(new ArrayBuffer(2)); return r.headers.get("content-type") })(), null, "(() => { const r = new Response(new ArrayBuffer(2)); return r.headers.get(\"content-type\") })()");
  eq((() => { const r = new Response({}); return r.headers.get("content-type") })(), "text/plain;charset=UTF-8", "(() => { const r = new Response({}); return r.headers.get(\"content-type\") })()");
  eq((() => { const r = Response.json({a: 1}, {status: 202, headers: {"x": "1"}}); return [r.status, [...r.headers]] })(), [202,[["content-type","application/json"],["x","1"]]], "(() => { const r = Response.json({a: 1}, {status: 202, headers: {\"x\": \"1\"}}); return [r.status, [...");
  eq((() => { const r = Response.json({a: 1}, {headers: {"content-type": "application/vnd+json"}}); return [...r.headers] })(), [["content-type","application/vnd+json"]], "(() => { const r = Response.json({a: 1}, {headers: {\"content-type\": \"application/vnd+json\"}}); re...");
  eq((() => { try { Response.json(undefined) } catch (e) { return e.name } })(), "TypeError", "(() => { try { Response.json(undefined) } catch (e) { return e.name } })()");
  eq((() => { try { Response.json(Symbol()) } catch (e) { return e.name } })(), "TypeError", "(() => { try { Response.json(Symbol()) } catch (e) { return e.name } })()");
  eq((() => { const r = Response.redirect("http://a/b c", 301); return [r.status, r.headers.get("location"), r.type] })(), [301,"http://a/b%20c","default"], "(() => { const r = Response.redirect(\"http://a/b c\", 301); return [r.status, r.headers.get(\"locat...");
  eq((() => { const r = Response.redirect("http://a/"); return r.status })(), 302, "(() => { const r = Response.redirect(\"http://a/\"); return r.status })()");
  eq((() => { try { Response.redirect("http://a/", 200) } catch (e) { return e.name } })(), "RangeError", "(() => { try { Response.redirect(\"http://a/\", 200) } catch (e) { return e.name } })()");
  eq((() => { try { Response.redirect("/rel") } catch (e) { return e.name } })(), "TypeError", "(() => { try { Response.redirect(\"/rel\") } catch (e) { return e.name } })()");
  eq((() => { const r = Response.redirect("http://a/"); try { r.headers.set("x", "1") } catch (e) { return e.name } })(), "TypeError", "(() => { const r = Response.redirect(\"http://a/\"); try { r.headers.set(\"x\", \"1\") } catch (e) { re...");
  eq((() => { const r = Response.error(); return [r.type, r.status, r.ok, r.statusText] })(), ["error",0,false,""], "(() => { const r = Response.error(); return [r.type, r.status, r.ok, r.statusText] })()");
  eq((() => { const r = new Response("x", {status: "201"}); return r.status })(), 201, "(() => { const r = new Response(\"x\", {status: \"201\"}); return r.status })()");
  eq((() => { const r = new Response("x"); const c = r.clone(); return [c.status, [...c.headers], c === r] })(), [200,[["content-type","text/plain;charset=UTF-8"]],false], "(() => { const r = new Response(\"x\"); const c = r.clone(); return [c.status, [...c.headers], c ==...");
  eq(Object.prototype.toString.call(new Response()), "[object Response]", "Object.prototype.toString.call(new Response())");
  eq(Object.prototype.toString.call(new Request("http://a/")), "[object Request]", "Object.prototype.toString.call(new Request(\"http://a/\"))");
  eq(Object.keys(Headers.prototype).sort().join(), "append,delete,entries,forEach,get,getSetCookie,has,keys,set,values", "Object.keys(Headers.prototype).sort().join()");
  eq((() => { const r = new Response("x", {status: 599}); return [r.status, r.ok] })(), [599,false], "(() => { const r = new Response(\"x\", {status: 599}); return [r.status, r.ok] })()");
  eq((() => { const r = new Response("x", {status: 299}); return r.ok })(), true, "(() => { const r = new Response(\"x\", {status: 299}); return r.ok })()");
  eq((() => { const r = new Response("x", {status: 300}); return r.ok })(), false, "(() => { const r = new Response(\"x\", {status: 300}); return r.ok })()");
  eq((() => { try { new Response("x", {status: 304}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Response(\"x\", {status: 304}) } catch (e) { return e.name } })()");
  eq((() => { try { new Response("x", {status: 205}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Response(\"x\", {status: 205}) } catch (e) { return e.name } })()");
  eq((() => { const r = new Response("x", {headers: [["a", "1"], ["a", "2"]]}); return r.headers.get("a") })(), "1, 2", "(() => { const r = new Response(\"x\", {headers: [[\"a\", \"1\"], [\"a\", \"2\"]]}); return r.headers.get(\"...");
  eq((() => { try { new Response("x", {headers: {"bad name": "1"}}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Response(\"x\", {headers: {\"bad name\": \"1\"}}) } catch (e) { return e.name } })()");
  eq((() => { const r = new Response("x", {headers: {"content-type": "text/html"}}); return [...r.headers] })(), [["content-type","text/html"]], "(() => { const r = new Response(\"x\", {headers: {\"content-type\": \"text/html\"}}); return [...r.head...");
  eq((() => { const r = Response.redirect(new URL("http://a/?q=é"), 308); return [r.status, r.headers.get("location")] })(), [308,"http://a/?q=%C3%A9"], "(() => { const r = Response.redirect(new URL(\"http://a/?q=é\"), 308); return [r.status, r.headers....");
  eq((() => { for (const s of [301, 302, 303, 307, 308]) Response.redirect("http://a/", s); return "all" })(), "all", "(() => { for (const s of [301, 302, 303, 307, 308]) Response.redirect(\"http://a/\", s); return \"al...");
  eq((() => { const r = Response.error(); try { r.headers.append("a", "b") } catch (e) { return e.name } })(), "TypeError", "(() => { const r = Response.error(); try { r.headers.append(\"a\", \"b\") } catch (e) { return e.name...");
  eq((() => { const r = new Response("x"); r.headers.set("a", "b"); return r.headers.get("a") })(), "b", "(() => { const r = new Response(\"x\"); r.headers.set(\"a\", \"b\"); return r.headers.get(\"a\") })()");
}

async function moreChecks() {
  eq(await new Response("héllo").text(), "héllo", "string body");
  eq(await new Response("\ufeffbom").text(), "bom", "text() strips a BOM");
  eq(await new Response(null).text(), "", "null body");
  const ab = new Uint8Array([104, 105, 33]).buffer;
  eq(await new Response(ab).text(), "hi!", "ArrayBuffer body");
  eq(await new Response(new Uint8Array(ab, 1, 2)).text(), "i!", "view body keeps offset and length");
  eq(await new Response(new DataView(ab, 0, 1)).text(), "h", "DataView body");
  eq(await new Response(new Uint16Array([0x6968])).text(), "hi", "Uint16Array body");
  eq(await new Response(new URLSearchParams({ q: "a b&c" })).text(), "q=a+b%26c", "URLSearchParams body");
  eq(await new Response({ toString: () => "obj" }).text(), "obj", "other objects become strings");
  eq(await new Response("[1,{\"a\":null}]").json(), [1, { a: null }], "json()");
  const buf = await new Response("abc").arrayBuffer();
  eq([buf instanceof ArrayBuffer, buf.byteLength], [true, 3], "arrayBuffer()");
  const bytes = await new Response("abc").bytes();
  eq([bytes instanceof Uint8Array, Array.from(bytes)], [true, [97, 98, 99]], "bytes()");

  const r = new Response("once");
  eq(r.bodyUsed, false, "bodyUsed before reading");
  const c = r.clone();
  eq(await r.text(), "once", "first read");
  eq(r.bodyUsed, true, "bodyUsed after reading");
  await rejects(r.text(), "TypeError", "second read");
  await rejects(r.arrayBuffer(), "TypeError", "second read as arrayBuffer");
  throws(() => r.clone(), "TypeError", "clone of a used response");
  eq(await c.text(), "once", "clone keeps the body");
  c.headers.set("x", "1");
  eq(r.headers.has("x"), false, "clone has its own headers");
  const n = new Response(null, { status: 204 });
  eq([await n.text(), await n.text(), n.bodyUsed], ["", "", false], "null body is never used");

  const j = Response.json({ a: [1, "é"] });
  eq([j.headers.get("content-type"), await j.text()], ["application/json", '{"a":[1,"é"]}'], "Response.json body");
  const red = Response.redirect("https://example.com/a b", 307);
  eq([red.status, red.headers.get("location"), await red.text()], [307, "https://example.com/a%20b", ""], "redirect");
  const err = Response.error();
  eq([err.type, err.status, err.headers.get("x")], ["error", 0, null], "Response.error()");
  await rejects(Response.prototype.json.call(new Request("http://h/")), "TypeError", "Response method on a Request");
}

export default {
  async fetch(request, env) {
    checks();
    await moreChecks(request);
    return new Response("ok");
  },
};
