// SPDX-License-Identifier: Apache-2.0
// request: POST /api/items?id=7&tag=a&tag=b
// body: {"name":"wörld","n":3}
// header: Content-Type: application/json; charset=utf-8
//
// Request: the incoming request the handler receives (method, URL, headers,
// body read once, immutable headers as in Workers) and Requests built by
// the handler (method normalization, body and GET/HEAD, copies of a
// Request, clone).
// include: check.js

// Expected values computed with Node.js 20.
function checks() {
  eq((() => { const r = new Request("http://A.com/x?y#z"); return [r.url, r.method, r.bodyUsed, r.redirect] })(), ["http://a.com/x?y#z","GET",false,"follow"], "(() => { const r = new Request(\"http://A.com/x?y#z\"); return [r.url, r.method, r.bodyUsed, r.redi...");
  eq((() => { const r = new Request("http://a/", {method: "post", body: "hi"}); return [r.method, r.headers.get("content-type")] })(), ["POST","text/plain;charset=UTF-8"], "(() => { const r = new Request(\"http://a/\", {method: \"post\", body: \"hi\"}); return [r.method, r.he...");
  eq((() => { const r = new Request("http://a/", {method: "patch"}); return r.method })(), "patch", "(() => { const r = new Request(\"http://a/\", {method: \"patch\"}); return r.method })()");
  eq((() => { const r = new Request("http://a/", {method: "custom"}); return r.method })(), "custom", "(() => { const r = new Request(\"http://a/\", {method: \"custom\"}); return r.method })()");
  eq((() => { try { new Request("http://a/", {method: "GET", body: "x"}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Request(\"http://a/\", {method: \"GET\", body: \"x\"}) } catch (e) { return e.name }...");
  eq((() => { try { new Request("http://a/", {method: "bad method"}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Request(\"http://a/\", {method: \"bad method\"}) } catch (e) { return e.name } })()");
  eq((() => { try { new Request("http://a/", {method: "connect"}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Request(\"http://a/\", {method: \"connect\"}) } catch (e) { return e.name } })()");
  eq((() => { try { new Request("/relative") } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Request(\"/relative\") } catch (e) { return e.name } })()");
  eq((() => { try { new Request("http://u:p@a/") } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Request(\"http://u:p@a/\") } catch (e) { return e.name } })()");
  eq((() => { try { new Request("http://a/", {redirect: "nope"}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Request(\"http://a/\", {redirect: \"nope\"}) } catch (e) { return e.name } })()");
  eq((() => { const r = new Request("http://a/", {method: "POST", body: new URLSearchParams("a=1 2")}); return r.headers.get("content-type") })(), "application/x-www-form-urlencoded;charset=UTF-8", "(() => { const r = new Request(\"http://a/\", {method: \"POST\", body: new URLSearchParams(\"a=1 2\")})...");
  eq((() => { const r = new Request("http://a/", {method: "POST", body: new Uint8Array([1]), headers: {"content-type": "x/y"}}); return r.headers.get("content-type") })(), "x/y", "(() => { const r = new Request(\"http://a/\", {method: \"POST\", body: new Uint8Array([1]), headers: ...");
  eq((() => { const r = new Request("http://a/", {method: "POST", body: new Uint8Array([1])}); return r.headers.get("content-type") })(), null, "(() => { const r = new Request(\"http://a/\", {method: \"POST\", body: new Uint8Array([1])}); return ...");
  eq((() => { const a = new Request("http://a/", {method: "POST", body: "x", headers: {h: "1"}}); const b = new Request(a); return [b.method, b.url, b.headers.get("h"), a.bodyUsed, b.bodyUsed] })(), ["POST","http://a/","1",true,false], "(() => { const a = new Request(\"http://a/\", {method: \"POST\", body: \"x\", headers: {h: \"1\"}}); cons...");
  eq((() => { const a = new Request("http://a/", {method: "POST", body: "x", headers: {h: "1"}}); const b = new Request(a, {headers: {k: "2"}}); return [b.headers.get("h"), b.headers.get("k")] })(), [null,"2"], "(() => { const a = new Request(\"http://a/\", {method: \"POST\", body: \"x\", headers: {h: \"1\"}}); cons...");
  eq((() => { const a = new Request("http://a/", {method: "POST", body: "x"}); try { new Request(a, {method: "GET"}) } catch (e) { return e.name } })(), "TypeError", "(() => { const a = new Request(\"http://a/\", {method: \"POST\", body: \"x\"}); try { new Request(a, {m...");
}

async function moreChecks(request) {
  // The incoming request, as the header comment of this file describes it.
  eq(request instanceof Request, true, "incoming request is a Request");
  eq(request.method, "POST", "incoming method");
  eq(request.url, "http://localhost/api/items?id=7&tag=a&tag=b", "incoming url");
  eq(new URL(request.url).searchParams.getAll("tag"), ["a", "b"], "incoming query");
  eq(request.headers.get("Content-Type"), "application/json; charset=utf-8", "incoming header");
  throws(() => request.headers.set("x-new", "1"), "TypeError", "incoming headers are immutable");
  throws(() => request.headers.delete("content-type"), "TypeError", "incoming headers: delete");
  eq(request.bodyUsed, false, "bodyUsed before reading");
  const copy = request.clone();
  eq(await request.json(), { name: "wörld", n: 3 }, "incoming body as JSON");
  eq(request.bodyUsed, true, "bodyUsed after reading");
  await rejects(request.text(), "TypeError", "second read of the body");
  throws(() => request.clone(), "TypeError", "clone of a used request");
  eq(await copy.text(), '{"name":"wörld","n":3}', "clone read after the original");
  eq(copy.headers.get("content-type"), "application/json; charset=utf-8", "clone keeps the headers");

  // Bodies of constructed requests.
  const src = new Uint8Array([1, 2, 3]);
  const r = new Request("http://h/", { method: "PUT", body: src });
  src[0] = 9;
  eq(Array.from(new Uint8Array(await r.arrayBuffer())), [1, 2, 3], "body bytes are copied at construction");
  const s = new Request("http://h/", { method: "POST", body: "héllo" });
  const c = s.clone();
  eq([await s.text(), await c.text()], ["héllo", "héllo"], "clone then read both");
  eq(Array.from(await new Request("http://h/", { method: "POST", body: "é" }).bytes()), [195, 169], "bytes()");
  const empty = new Request("http://h/");
  eq([await empty.text(), await empty.text(), empty.bodyUsed], ["", "", false], "no body reads as empty, not used");
  await rejects(new Request("http://h/", { method: "POST", body: "{" }).json(), "SyntaxError", "invalid JSON");
  await rejects(Request.prototype.text.call({}), "TypeError", "body method on a foreign object");
  const used = new Request("http://h/", { method: "POST", body: "x" });
  await used.text();
  throws(() => new Request(used), "TypeError", "new Request from a used request");
  eq(new Request(new Request("http://h/", { method: "DELETE" })).method, "DELETE", "method copied from the input request");
}

export default {
  async fetch(request, env) {
    checks();
    await moreChecks(request);
    return new Response("ok");
  },
};
