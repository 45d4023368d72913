// SPDX-License-Identifier: Apache-2.0
//
// The global scope: every API is a writable, configurable, non-enumerable
// property of the global object, `self` is the global object, the
// runner's private helpers are gone and no helper of the library leaks,
// interfaces carry their toStringTag, and DOMException behaves as in
// browsers.
// include: check.js

const apis = {
  console: "object",
  crypto: "object",
  performance: "object",
  self: "object",
  atob: "function",
  btoa: "function",
  setTimeout: "function",
  clearTimeout: "function",
  setInterval: "function",
  clearInterval: "function",
  queueMicrotask: "function",
  structuredClone: "function",
  TextEncoder: "function",
  TextDecoder: "function",
  URL: "function",
  URLSearchParams: "function",
  Headers: "function",
  Request: "function",
  Response: "function",
  Crypto: "function",
  Performance: "function",
  ReadableStream: "function",
  ReadableStreamDefaultReader: "function",
  ReadableStreamDefaultController: "function",
  DOMException: "function",
};

function attributes() {
  for (const [name, type] of Object.entries(apis)) {
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    if (d === undefined) throw new Error(`${name} is not a global`);
    eq([typeof d.value, d.writable, d.enumerable, d.configurable], [type, true, false, true], `attributes of ${name}`);
  }
  eq(self === globalThis, true, "self is the global object");
  eq(Object.keys(globalThis).filter((k) => k in apis), [], "APIs are not enumerable");
  for (const name of ["TextEncoder", "TextDecoder", "URL", "URLSearchParams", "Headers", "Request", "Response", "Crypto", "Performance", "ReadableStream", "DOMException"]) {
    eq(Object.prototype.toString.call(globalThis[name].prototype), `[object ${name}]`, `toStringTag of ${name}`);
  }
  for (const name of ["URL", "Headers", "Request", "Response", "TextEncoder"]) {
    throws(() => globalThis[name](), "TypeError", `${name} called without new`);
  }
  eq(Object.prototype.toString.call(new URLSearchParams().keys()), "[object URLSearchParams Iterator]", "iterator tag");
  eq(Object.getPrototypeOf(Object.getPrototypeOf(new Headers().keys())) === Object.getPrototypeOf(Object.getPrototypeOf([].keys())), true, "iterators inherit %IteratorPrototype%");
}

function noLeaks() {
  eq(typeof __wb, "undefined", "the runner's helpers are removed");
  eq("__wb" in globalThis, false, "__wb is not a property");
  // Names the library uses internally; none may be visible to a handler,
  // neither as a property nor as a global lexical binding.
  const internal = {
    L: typeof L, wb: typeof wb, lib: typeof lib, parse: typeof parse, serialize: typeof serialize,
    inspect: typeof inspect, format: typeof format, formatValue: typeof formatValue,
    extractBody: typeof extractBody, consume: typeof consume, parseHost: typeof parseHost,
    parseIPv6: typeof parseIPv6, punycode: typeof punycode, cloneValue: typeof cloneValue,
    timers: typeof timers, emit: typeof emit, makeRequest: typeof makeRequest, readResponse: typeof readResponse,
  };
  for (const [name, type] of Object.entries(internal)) eq(type, "undefined", `internal name ${name} is not visible`);
}

function domException() {
  const e = new DOMException("bad thing", "SyntaxError");
  eq([e.name, e.message, e.code, e instanceof Error, e instanceof DOMException], ["SyntaxError", "bad thing", 12, true, true], "DOMException fields");
  eq(String(e), "SyntaxError: bad thing", "DOMException toString");
  const d = new DOMException();
  eq([d.name, d.message, d.code], ["Error", "", 0], "DOMException defaults");
  eq([DOMException.INVALID_CHARACTER_ERR, DOMException.DATA_CLONE_ERR, DOMException.URL_MISMATCH_ERR, e.ABORT_ERR], [5, 25, 21, 20], "legacy code constants");
  eq(new DOMException("m", "TimeoutError").code, 23, "TimeoutError code");
  eq(new DOMException("m", "NotAnException").code, 0, "unknown names have code 0");
}

export default {
  async fetch(request, env) {
    attributes();
    noLeaks();
    domException();
    return new Response("ok");
  },
};
