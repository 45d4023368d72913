// SPDX-License-Identifier: Apache-2.0
//
// Headers: case-insensitive names, combined values, set-cookie kept apart
// (getSetCookie), sorted lower-case iteration, value normalization and the
// TypeErrors for invalid names and values.
// include: check.js

// Expected values computed with Node.js 20.
function checks() {
  eq((() => { const h = new Headers({"Content-Type": "text/html", "X-A": " 1 "}); h.append("x-a", "2"); return [...h] })(), [["content-type","text/html"],["x-a","1, 2"]], "(() => { const h = new Headers({\"Content-Type\": \"text/html\", \"X-A\": \" 1 \"}); h.append(\"x-a\", \"2\")...");
  eq((() => { const h = new Headers([["b", "1"], ["a", "2"], ["Set-Cookie", "c=1"], ["set-cookie", "d=2"]]); return [[...h], h.get("set-cookie"), h.getSetCookie()] })(), [[["a","2"],["b","1"],["set-cookie","c=1"],["set-cookie","d=2"]],"c=1, d=2",["c=1","d=2"]], "(() => { const h = new Headers([[\"b\", \"1\"], [\"a\", \"2\"], [\"Set-Cookie\", \"c=1\"], [\"set-cookie\", \"d=...");
  eq((() => { const h = new Headers(); h.set("A", "1"); h.append("a", "2"); h.set("a", "3"); return [...h.entries()] })(), [["a","3"]], "(() => { const h = new Headers(); h.set(\"A\", \"1\"); h.append(\"a\", \"2\"); h.set(\"a\", \"3\"); return [....");
  eq((() => { const h = new Headers({a: "1"}); h.delete("A"); return [h.has("a"), h.get("a")] })(), [false,null], "(() => { const h = new Headers({a: \"1\"}); h.delete(\"A\"); return [h.has(\"a\"), h.get(\"a\")] })()");
  eq((() => { try { new Headers({"a b": "1"}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Headers({\"a b\": \"1\"}) } catch (e) { return e.name } })()");
  eq((() => { try { new Headers({"a": "x\ny"}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Headers({\"a\": \"x\\ny\"}) } catch (e) { return e.name } })()");
  eq((() => { try { new Headers({"a": "é€"}) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Headers({\"a\": \"é€\"}) } catch (e) { return e.name } })()");
  eq((() => { try { new Headers([["a", "1", "2"]]) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Headers([[\"a\", \"1\", \"2\"]]) } catch (e) { return e.name } })()");
  eq((() => { try { new Headers("x") } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Headers(\"x\") } catch (e) { return e.name } })()");
  eq(new Headers({a: "\t x \r\n"}).get("a"), "x", "new Headers({a: \"\\t x \\r\\n\"}).get(\"a\")");
  eq(new Headers({a: "é"}).get("a"), "é", "new Headers({a: \"é\"}).get(\"a\")");
  eq((() => { const h = new Headers({a: "1", b: "2"}); const out = []; h.forEach((v, k) => out.push(k + "=" + v)); return out })(), ["a=1","b=2"], "(() => { const h = new Headers({a: \"1\", b: \"2\"}); const out = []; h.forEach((v, k) => out.push(k ...");
  eq((() => { const h = new Headers({b: "1"}); const it = h.keys(); h.append("a", "2"); return [...it] })(), ["a","b"], "(() => { const h = new Headers({b: \"1\"}); const it = h.keys(); h.append(\"a\", \"2\"); return [...it]...");
  eq(new Headers(new Headers({x: "1"})).get("X"), "1", "new Headers(new Headers({x: \"1\"})).get(\"X\")");
  eq(Object.prototype.toString.call(new Headers().keys()), "[object Headers Iterator]", "Object.prototype.toString.call(new Headers().keys())");
  eq(new Headers([["a", "1"], ["A", "2"]]).get("a"), "1, 2", "new Headers([[\"a\", \"1\"], [\"A\", \"2\"]]).get(\"a\")");
  eq((() => { try { new Headers().get("a b") } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Headers().get(\"a b\") } catch (e) { return e.name } })()");
  eq(new Headers({a: ""}).get("a"), "", "new Headers({a: \"\"}).get(\"a\")");
  eq(new Headers({a: "1"}).get("b"), null, "new Headers({a: \"1\"}).get(\"b\")");
  eq((() => { try { new Headers(null) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Headers(null) } catch (e) { return e.name } })()");
  eq((() => { const h = new Headers(); h.append("Accept", "a"); h.append("accept", "b"); return [h.get("ACCEPT"), [...h.keys()], [...h.values()]] })(), ["a, b",["accept"],["a, b"]], "(() => { const h = new Headers(); h.append(\"Accept\", \"a\"); h.append(\"accept\", \"b\"); return [h.get...");
  eq((() => { const h = new Headers([["set-cookie", "a=1"], ["x", "1"], ["Set-Cookie", "b=2"]]); h.delete("x"); return [...h] })(), [["set-cookie","a=1"],["set-cookie","b=2"]], "(() => { const h = new Headers([[\"set-cookie\", \"a=1\"], [\"x\", \"1\"], [\"Set-Cookie\", \"b=2\"]]); h.del...");
  eq((() => { const h = new Headers(); h.set("set-cookie", "a=1"); h.append("set-cookie", "b=2"); h.set("set-cookie", "c=3"); return h.getSetCookie() })(), ["c=3"], "(() => { const h = new Headers(); h.set(\"set-cookie\", \"a=1\"); h.append(\"set-cookie\", \"b=2\"); h.se...");
  eq(new Headers().getSetCookie(), [], "new Headers().getSetCookie()");
  eq((() => { try { new Headers().append("x") } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Headers().append(\"x\") } catch (e) { return e.name } })()");
  eq((() => { try { new Headers().set("", "v") } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Headers().set(\"\", \"v\") } catch (e) { return e.name } })()");
  eq((() => { try { new Headers().append("x", "a\u0000b") } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Headers().append(\"x\", \"a\\u0000b\") } catch (e) { return e.name } })()");
  eq((() => { try { new Headers().has("x:y") } catch (e) { return e.name } })(), "TypeError", "(() => { try { new Headers().has(\"x:y\") } catch (e) { return e.name } })()");
  eq(new Headers({"x": 1}).get("x"), "1", "new Headers({\"x\": 1}).get(\"x\")");
  eq(new Headers({a: "1", b: "2"}).keys().next(), {"value":"a","done":false}, "new Headers({a: \"1\", b: \"2\"}).keys().next()");
  eq(Headers.prototype[Symbol.iterator] === Headers.prototype.entries, true, "Headers.prototype[Symbol.iterator] === Headers.prototype.entries");
}

export default {
  async fetch(request, env) {
    checks();
    return new Response("ok");
  },
};
