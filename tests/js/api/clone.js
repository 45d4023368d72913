// SPDX-License-Identifier: Apache-2.0
//
// structuredClone: primitives, wrapper objects, Date, RegExp, ArrayBuffer
// and views (shared buffers stay shared), Map, Set, arrays (holes, extra
// properties), plain objects, errors, cycles and shared references, and
// DataCloneError for what cannot be cloned.
// include: check.js

// Expected values computed with Node.js 20.
function checks() {
  eq((() => { const c = structuredClone({a: 1, b: [1, 2, {c: "x"}], d: null, e: undefined, h: NaN}); return [c, "e" in c, Number.isNaN(c.h)] })(), [{"a":1,"b":[1,2,{"c":"x"}],"d":null,"h":null},true,true], "(() => { const c = structuredClone({a: 1, b: [1, 2, {c: \"x\"}], d: null, e: undefined, h: NaN}); r...");
  eq((() => { const c = structuredClone({f: 1n, g: -0}); return [typeof c.f, String(c.f), Object.is(c.g, -0)] })(), ["bigint","1",true], "(() => { const c = structuredClone({f: 1n, g: -0}); return [typeof c.f, String(c.f), Object.is(c....");
  eq((() => { const c = structuredClone([1, , 3]); return [c.length, 1 in c, c[2]] })(), [3,false,3], "(() => { const c = structuredClone([1, , 3]); return [c.length, 1 in c, c[2]] })()");
  eq((() => { const c = structuredClone(Object.assign([1, 2], {x: 1})); return [Array.isArray(c), c.length, c.x] })(), [true,2,1], "(() => { const c = structuredClone(Object.assign([1, 2], {x: 1})); return [Array.isArray(c), c.le...");
  eq((() => { const c = structuredClone(new Map([[1, {a: 1}], ["s", new Set([1, 2])]])); return [c instanceof Map, c.get(1), [...c.get("s")]] })(), [true,{"a":1},[1,2]], "(() => { const c = structuredClone(new Map([[1, {a: 1}], [\"s\", new Set([1, 2])]])); return [c ins...");
  eq((() => { const d = structuredClone(new Date(123)); return [d instanceof Date, d.getTime()] })(), [true,123], "(() => { const d = structuredClone(new Date(123)); return [d instanceof Date, d.getTime()] })()");
  eq((() => { const r = structuredClone(/ab+c/gi); return [r instanceof RegExp, r.source, r.flags] })(), [true,"ab+c","gi"], "(() => { const r = structuredClone(/ab+c/gi); return [r instanceof RegExp, r.source, r.flags] })()");
  eq((() => { const r = /a/g; r.lastIndex = 3; return structuredClone(r).lastIndex })(), 0, "(() => { const r = /a/g; r.lastIndex = 3; return structuredClone(r).lastIndex })()");
  eq((() => { const v = [new Number(3), new String("s"), new Boolean(true), Object(2n)].map((x) => structuredClone(x)); return [typeof v[0], v[0] + 1, v[1] + "!", v[2].valueOf(), typeof v[3], String(v[3].valueOf())] })(), ["object",4,"s!",true,"object","2"], "(() => { const v = [new Number(3), new String(\"s\"), new Boolean(true), Object(2n)].map((x) => str...");
  eq((() => { const c = structuredClone(new Uint16Array([1, 2, 3])); return [c.constructor.name, Array.from(c)] })(), ["Uint16Array",[1,2,3]], "(() => { const c = structuredClone(new Uint16Array([1, 2, 3])); return [c.constructor.name, Array...");
  eq((() => { const c = structuredClone(new ArrayBuffer(2)); return [c instanceof ArrayBuffer, c.byteLength] })(), [true,2], "(() => { const c = structuredClone(new ArrayBuffer(2)); return [c instanceof ArrayBuffer, c.byteL...");
  eq((() => { const c = structuredClone(new DataView(new ArrayBuffer(3), 1, 2)); return [c instanceof DataView, c.byteOffset, c.byteLength, c.buffer.byteLength] })(), [true,1,2,3], "(() => { const c = structuredClone(new DataView(new ArrayBuffer(3), 1, 2)); return [c instanceof ...");
  eq((() => { const c = structuredClone(new BigInt64Array([5n])); return [c.constructor.name, String(c[0])] })(), ["BigInt64Array","5"], "(() => { const c = structuredClone(new BigInt64Array([5n])); return [c.constructor.name, String(c...");
  eq((() => { const buf = new ArrayBuffer(8); const o = {a: new Uint8Array(buf, 0, 4), b: new Uint32Array(buf, 4, 1)}; const c = structuredClone(o); c.a[0] = 1; return [c.a.buffer === c.b.buffer, c.a.buffer !== buf, c.b.byteOffset, new Uint8Array(buf)[0]] })(), [true,true,4,0], "(() => { const buf = new ArrayBuffer(8); const o = {a: new Uint8Array(buf, 0, 4), b: new Uint32Ar...");
  eq((() => { const o = {x: 1}; o.self = o; o.arr = [o]; const c = structuredClone(o); return [c !== o, c.self === c, c.arr[0] === c] })(), [true,true,true], "(() => { const o = {x: 1}; o.self = o; o.arr = [o]; const c = structuredClone(o); return [c !== o...");
  eq((() => { const s = {v: 1}; const c = structuredClone({a: s, b: s}); return c.a === c.b })(), true, "(() => { const s = {v: 1}; const c = structuredClone({a: s, b: s}); return c.a === c.b })()");
  eq((() => { const m = new Map(); m.set("m", m); const c = structuredClone(m); return c.get("m") === c })(), true, "(() => { const m = new Map(); m.set(\"m\", m); const c = structuredClone(m); return c.get(\"m\") === ...");
  eq((() => { const e = new TypeError("bad"); const c = structuredClone(e); return [c instanceof TypeError, c.name, c.message, c !== e, typeof c.stack] })(), [true,"TypeError","bad",true,"string"], "(() => { const e = new TypeError(\"bad\"); const c = structuredClone(e); return [c instanceof TypeE...");
  eq((() => { class MyErr extends RangeError {}; const e = new MyErr("m"); const c = structuredClone(e); return [c.constructor.name, c.message] })(), ["RangeError","m"], "(() => { class MyErr extends RangeError {}; const e = new MyErr(\"m\"); const c = structuredClone(e...");
  eq((() => { const e = new Error("m"); e.name = "Custom"; const c = structuredClone(e); return [c.name, c.message] })(), ["Error","m"], "(() => { const e = new Error(\"m\"); e.name = \"Custom\"; const c = structuredClone(e); return [c.nam...");
  eq((() => { const e = new Error(); const c = structuredClone(e); return [c.message, Object.prototype.hasOwnProperty.call(c, "message")] })(), ["",false], "(() => { const e = new Error(); const c = structuredClone(e); return [c.message, Object.prototype...");
  eq((() => { try { structuredClone(() => 1) } catch (e) { return [e.name, e.code, e instanceof DOMException] } })(), ["DataCloneError",25,true], "(() => { try { structuredClone(() => 1) } catch (e) { return [e.name, e.code, e instanceof DOMExc...");
  eq((() => { try { structuredClone({f() {}}) } catch (e) { return e.name } })(), "DataCloneError", "(() => { try { structuredClone({f() {}}) } catch (e) { return e.name } })()");
  eq((() => { try { structuredClone(Symbol("s")) } catch (e) { return e.name } })(), "DataCloneError", "(() => { try { structuredClone(Symbol(\"s\")) } catch (e) { return e.name } })()");
  eq((() => { try { structuredClone({s: Symbol("s")}) } catch (e) { return e.name } })(), "DataCloneError", "(() => { try { structuredClone({s: Symbol(\"s\")}) } catch (e) { return e.name } })()");
  eq((() => { try { structuredClone(new WeakMap()) } catch (e) { return e.name } })(), "DataCloneError", "(() => { try { structuredClone(new WeakMap()) } catch (e) { return e.name } })()");
  eq((() => { try { structuredClone(new WeakSet()) } catch (e) { return e.name } })(), "DataCloneError", "(() => { try { structuredClone(new WeakSet()) } catch (e) { return e.name } })()");
  eq((() => { try { structuredClone(Promise.resolve()) } catch (e) { return e.name } })(), "DataCloneError", "(() => { try { structuredClone(Promise.resolve()) } catch (e) { return e.name } })()");
  eq((() => { try { structuredClone([1].values()) } catch (e) { return e.name } })(), "DataCloneError", "(() => { try { structuredClone([1].values()) } catch (e) { return e.name } })()");
  eq((() => { try { structuredClone(Object(Symbol())) } catch (e) { return e.name } })(), "DataCloneError", "(() => { try { structuredClone(Object(Symbol())) } catch (e) { return e.name } })()");
  eq((() => { try { structuredClone() } catch (e) { return e.name } })(), "TypeError", "(() => { try { structuredClone() } catch (e) { return e.name } })()");
  eq((() => { const c = structuredClone(new (class Foo { constructor() { this.x = 1 } get y() { return 2 } })()); return [Object.getPrototypeOf(c) === Object.prototype, c] })(), [true,{"x":1}], "(() => { const c = structuredClone(new (class Foo { constructor() { this.x = 1 } get y() { return...");
  eq(structuredClone({get g() { return 5 }}), {"g":5}, "structuredClone({get g() { return 5 }})");
  eq((() => { const c = structuredClone(Object.create({inherited: 1}, {own: {value: 2, enumerable: true}, hidden: {value: 3}})); return [c, "inherited" in c] })(), [{"own":2},false], "(() => { const c = structuredClone(Object.create({inherited: 1}, {own: {value: 2, enumerable: tru...");
  eq((() => { const o = JSON.parse('{"__proto__": {"x": 1}}'); const c = structuredClone(o); return [Object.getPrototypeOf(c) === Object.prototype, Object.keys(c)] })(), [true,["__proto__"]], "(() => { const o = JSON.parse('{\"__proto__\": {\"x\": 1}}'); const c = structuredClone(o); return [O...");
  eq((() => { const c = structuredClone({[Symbol("k")]: 1, a: 2}); return [Object.getOwnPropertySymbols(c).length, c.a] })(), [0,2], "(() => { const c = structuredClone({[Symbol(\"k\")]: 1, a: 2}); return [Object.getOwnPropertySymbol...");
  eq(structuredClone("str") + structuredClone(5) + structuredClone(true) + structuredClone(undefined) + structuredClone(null), "str5trueundefinednull", "structuredClone(\"str\") + structuredClone(5) + structuredClone(true) + structuredClone(undefined) ...");
  eq((() => { try { structuredClone(1, 0) } catch (e) { return e.name } })(), "TypeError", "(() => { try { structuredClone(1, 0) } catch (e) { return e.name } })()");
  eq(structuredClone(1, null) + structuredClone(2, {}), 3, "structuredClone(1, null) + structuredClone(2, {})");
}

function moreChecks() {
  // DOMException is serializable (HTML): name, message and code survive.
  const d = new DOMException("stopped", "AbortError");
  const c = structuredClone(d);
  eq([c instanceof DOMException, c !== d, c.name, c.message, c.code], [true, true, "AbortError", "stopped", 20], "DOMException clone");
  const e = throws(() => structuredClone({ f() {} }), "DataCloneError", "method in an object");
  eq([e instanceof DOMException, e.code], [true, 25], "DataCloneError is a DOMException with code 25");
  throws(() => structuredClone(new Headers()), "DataCloneError", "platform object");
  throws(() => structuredClone(new Response("x")), "DataCloneError", "Response");
  throws(() => structuredClone(new URL("http://a/")), "DataCloneError", "URL");
  eq(structuredClone(1, { transfer: [] }), 1, "empty transfer list");
  // Deep graphs are copied, not shared.
  const inner = { n: 1 };
  const outer = { list: [inner, inner], map: new Map([["k", inner]]) };
  const copy = structuredClone(outer);
  eq([copy.list[0] === copy.list[1], copy.map.get("k") === copy.list[0], copy.list[0] !== inner], [true, true, true], "shared references");
  inner.n = 2;
  eq(copy.list[0].n, 1, "the clone does not follow the source");
}

export default {
  async fetch(request, env) {
    checks();
    await moreChecks(request);
    return new Response("ok");
  },
};
