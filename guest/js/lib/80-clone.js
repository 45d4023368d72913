// SPDX-License-Identifier: Apache-2.0
//
// structuredClone: the HTML structured serialize/deserialize pair in one
// pass. Keeps cycles and shared references (a memory map), clones the
// built-in types the standard lists, and throws a DataCloneError for
// functions, symbols and objects with internal state it cannot copy.

(function (wb) {
  "use strict";

  const L = wb.lib;

  const errorNames = ["Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError"];
  const errorCtors = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  const typedCtors = {
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  };

  const is = L.is;
  const regexpFlags = L.getter(RegExp.prototype, "flags");

  // Objects with internal state that no clone can carry.
  const protoOf = Object.getPrototypeOf;
  const stateful = [
    protoOf(protoOf((function* () {})())),
    protoOf(protoOf((async function* () {})())),
    protoOf([][Symbol.iterator]()),
    protoOf(new Map()[Symbol.iterator]()),
    protoOf(new Set()[Symbol.iterator]()),
    protoOf(""[Symbol.iterator]()),
    protoOf("".matchAll(/a/g)),
  ];

  const cloneError = (what) => L.domError("DataCloneError", `${what} could not be cloned.`);

  function describe(v) {
    if (typeof v === "function") return v.name ? `function ${v.name}` : "function";
    if (typeof v === "symbol") return v.toString();
    try {
      return Object.prototype.toString.call(v);
    } catch (e) {
      return "object";
    }
  }

  // Own enumerable string-keyed properties, copied as data properties.
  function copyProperties(src, dst, clone) {
    for (const key of Object.keys(src)) {
      Object.defineProperty(dst, key, { value: clone(src[key]), writable: true, enumerable: true, configurable: true });
    }
  }

  function cloneValue(value, memory) {
    const clone = (v) => cloneValue(v, memory);
    if (typeof value === "symbol") throw cloneError(describe(value));
    if (value === null || (typeof value !== "object" && typeof value !== "function")) return value;
    if (memory.has(value)) return memory.get(value);
    if (typeof value === "function") throw cloneError(describe(value));
    let out;
    if (is.boolean(value)) out = new Boolean(Boolean.prototype.valueOf.call(value));
    else if (is.number(value)) out = new Number(Number.prototype.valueOf.call(value));
    else if (is.bigint(value)) out = Object(BigInt.prototype.valueOf.call(value));
    else if (is.string(value)) out = new String(String.prototype.valueOf.call(value));
    else if (is.date(value)) out = new Date(Date.prototype.getTime.call(value));
    else if (is.regexp(value)) out = new RegExp(L.regexpSource.call(value), regexpFlags.call(value));
    else if (L.isArrayBuffer(value)) out = ArrayBuffer.prototype.slice.call(value, 0);
    else if (is.shared(value)) throw cloneError("SharedArrayBuffer");
    if (out !== undefined) {
      memory.set(value, out);
      return out;
    }
    if (ArrayBuffer.isView(value)) {
      // The buffer goes through the memory too: views that shared one
      // buffer share its clone.
      const buffer = clone(value.buffer);
      const name = L.typedArrayName(value);
      out = name === undefined
        ? new DataView(buffer, value.byteOffset, value.byteLength)
        : new typedCtors[name](buffer, value.byteOffset, value.length);
      memory.set(value, out);
      return out;
    }
    if (is.map(value)) {
      out = new Map();
      memory.set(value, out);
      const entries = Array.from(Map.prototype.entries.call(value));
      for (const [k, v] of entries) out.set(clone(k), clone(v));
      return out;
    }
    if (is.set(value)) {
      out = new Set();
      memory.set(value, out);
      const items = Array.from(Set.prototype.values.call(value));
      for (const v of items) out.add(clone(v));
      return out;
    }
    if (value instanceof DOMException) {
      out = new DOMException(value.message, value.name);
      memory.set(value, out);
      return out;
    }
    if (is.error(value)) {
      return cloneError_(value, memory, clone);
    }
    if (Array.isArray(value)) {
      out = new Array(value.length);
      memory.set(value, out);
      copyProperties(value, out, clone);
      return out;
    }
    if (
      value instanceof Promise || is.weakMap(value) || is.weakSet(value) || is.symbol(value) ||
      stateful.some((p) => p.isPrototypeOf(value)) ||
      L.platformClasses.some((c) => value instanceof c)
    ) {
      throw cloneError(describe(value));
    }
    out = {};
    memory.set(value, out);
    copyProperties(value, out, clone);
    return out;
  }

  // Errors keep their type (one of the standard ones), message, stack and
  // cause, as V8 clones them.
  function cloneError_(value, memory, clone) {
    const name = errorNames.includes(value.name) ? value.name : "Error";
    const md = Object.getOwnPropertyDescriptor(value, "message");
    const out = md !== undefined && "value" in md ? new errorCtors[name](String(md.value)) : new errorCtors[name]();
    memory.set(value, out);
    const hidden = (key, v) => Object.defineProperty(out, key, { value: v, writable: true, configurable: true });
    const stack = Object.getOwnPropertyDescriptor(value, "stack");
    if (stack !== undefined && typeof stack.value === "string") hidden("stack", stack.value);
    const cause = Object.getOwnPropertyDescriptor(value, "cause");
    if (cause !== undefined && "value" in cause) hidden("cause", clone(cause.value));
    return out;
  }

  function structuredClone(value, options = undefined) {
    L.requireArgs(arguments, 1, "Failed to execute 'structuredClone'");
    if (options !== undefined && options !== null && typeof options !== "object" && typeof options !== "function") {
      throw new TypeError("Failed to execute 'structuredClone': The provided value is not of type 'StructuredSerializeOptions'.");
    }
    if (options !== undefined && options !== null && options.transfer !== undefined) {
      if (Array.from(options.transfer).length > 0) {
        throw L.domError("DataCloneError", "Failed to execute 'structuredClone': transferring objects is not supported.");
      }
    }
    return cloneValue(value, new Map());
  }

  L.defineGlobal("structuredClone", structuredClone);
})(__wb);
