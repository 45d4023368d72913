// SPDX-License-Identifier: Apache-2.0
//
// The Web API library of the JavaScript guest. The runner evaluates the
// files of this folder, concatenated in name order, as one global script
// after it has defined `__wb` (its native helpers, see RUNTIME.md). Every file
// is one function expression called with `__wb`; the helpers the files
// share live on `__wb.lib`, so nothing but the public globals is left
// behind once the last file deletes `__wb`. That last file's expression
// statement is the script's completion value: the hooks the runner calls.
//
// This file: shared helpers (argument conversion, brand checks, byte views,
// UTF-8 with the BOM handled here, global definitions, iterators) and
// DOMException.

(function (wb) {
  "use strict";

  const L = (wb.lib = {});

  // Interfaces and functions are writable, configurable, non-enumerable
  // properties of the global object, as the built-ins are.
  L.defineGlobal = function (name, value) {
    Object.defineProperty(globalThis, name, {
      value,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  };

  // `Object.prototype.toString.call(x)` gives "[object Name]", as WebIDL
  // interfaces do.
  L.setTag = function (cls, tag) {
    Object.defineProperty(cls.prototype, Symbol.toStringTag, {
      value: tag,
      configurable: true,
    });
  };

  // Attributes defined with class syntax are accessors on the prototype;
  // WebIDL makes them enumerable, which for..in and inspection rely on.
  L.enumerable = function (cls, names) {
    for (const n of names) {
      const d = Object.getOwnPropertyDescriptor(cls.prototype, n);
      d.enumerable = true;
      Object.defineProperty(cls.prototype, n, d);
    }
  };

  // ---- DOMException -------------------------------------------------------

  const legacyCodes = {
    IndexSizeError: 1,
    HierarchyRequestError: 3,
    WrongDocumentError: 4,
    InvalidCharacterError: 5,
    NoModificationAllowedError: 7,
    NotFoundError: 8,
    NotSupportedError: 9,
    InvalidStateError: 11,
    SyntaxError: 12,
    InvalidModificationError: 13,
    NamespaceError: 14,
    InvalidAccessError: 15,
    TypeMismatchError: 17,
    SecurityError: 18,
    NetworkError: 19,
    AbortError: 20,
    URLMismatchError: 21,
    QuotaExceededError: 22,
    TimeoutError: 23,
    InvalidNodeTypeError: 24,
    DataCloneError: 25,
  };
  const exceptionName = new WeakMap();

  class DOMException extends Error {
    constructor(message = "", name = "Error") {
      super(String(message));
      exceptionName.set(this, String(name));
      // The stack starts where the exception was created, not in here.
      if (typeof this.stack === "string") this.stack = this.stack.replace(/^ +at DOMException .*\n/, "");
    }
    get name() {
      const n = exceptionName.get(this);
      if (n === undefined) throw new TypeError("Illegal invocation");
      return n;
    }
    get code() {
      return legacyCodes[this.name] || 0;
    }
  }
  L.setTag(DOMException, "DOMException");
  L.enumerable(DOMException, ["name", "code"]);
  const constants = [
    "INDEX_SIZE_ERR", "DOMSTRING_SIZE_ERR", "HIERARCHY_REQUEST_ERR",
    "WRONG_DOCUMENT_ERR", "INVALID_CHARACTER_ERR", "NO_DATA_ALLOWED_ERR",
    "NO_MODIFICATION_ALLOWED_ERR", "NOT_FOUND_ERR", "NOT_SUPPORTED_ERR",
    "INUSE_ATTRIBUTE_ERR", "INVALID_STATE_ERR", "SYNTAX_ERR",
    "INVALID_MODIFICATION_ERR", "NAMESPACE_ERR", "INVALID_ACCESS_ERR",
    "VALIDATION_ERR", "TYPE_MISMATCH_ERR", "SECURITY_ERR", "NETWORK_ERR",
    "ABORT_ERR", "URL_MISMATCH_ERR", "QUOTA_EXCEEDED_ERR", "TIMEOUT_ERR",
    "INVALID_NODE_TYPE_ERR", "DATA_CLONE_ERR",
  ];
  constants.forEach((c, i) => {
    const desc = { value: i + 1, enumerable: true };
    Object.defineProperty(DOMException, c, desc);
    Object.defineProperty(DOMException.prototype, c, desc);
  });
  L.defineGlobal("DOMException", DOMException);
  L.domError = (name, message) => new DOMException(message, name);

  // ---- WebIDL-style conversions -------------------------------------------

  L.requireArgs = function (args, n, what) {
    if (args.length < n) {
      const s = n === 1 ? "" : "s";
      throw new TypeError(
        `${what}: ${n} argument${s} required, but only ${args.length} present.`
      );
    }
  };

  const nativeUsv = wb.usv;

  // USVString: a string where lone surrogates became U+FFFD.
  L.usv = function (v) {
    if (typeof v === "symbol") throw new TypeError("Cannot convert a Symbol to a string");
    return nativeUsv(v);
  };

  // ByteString: every code unit must fit in a byte.
  L.byteString = function (v, what) {
    if (typeof v === "symbol") throw new TypeError("Cannot convert a Symbol to a string");
    const s = String(v);
    if (/[^\x00-\xFF]/.test(s)) {
      throw new TypeError(`${what}: ${JSON.stringify(s)} is not a valid ByteString`);
    }
    return s;
  };

  const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const taTag = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag).get;
  const abByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;

  // The element type of a typed array ("Uint8Array"), or undefined.
  L.typedArrayName = (v) => taTag.call(v);

  L.isArrayBuffer = function (v) {
    if (typeof v !== "object" || v === null) return false;
    try {
      abByteLength.call(v);
      return true;
    } catch (e) {
      return false;
    }
  };

  // ---- Brand checks ----------------------------------------------------------

  // Tests for internal slots (what a value really is), which neither
  // Symbol.toStringTag nor a changed prototype can fake.
  const brand = (fn) => (v) => {
    try {
      fn(v);
      return true;
    } catch (e) {
      return false;
    }
  };
  const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
  L.getter = getter;
  const mapSize = getter(Map.prototype, "size");
  const setSize = getter(Set.prototype, "size");
  const regexpSource = getter(RegExp.prototype, "source");
  const dataViewLength = getter(DataView.prototype, "byteLength");
  const sabLength = typeof SharedArrayBuffer === "function" ? getter(SharedArrayBuffer.prototype, "byteLength") : null;
  L.is = {
    map: brand((v) => mapSize.call(v)),
    set: brand((v) => setSize.call(v)),
    date: brand((v) => Date.prototype.getTime.call(v)),
    regexp: brand((v) => regexpSource.call(v === RegExp.prototype ? null : v)),
    dataView: brand((v) => dataViewLength.call(v)),
    weakMap: brand((v) => WeakMap.prototype.has.call(v, {})),
    weakSet: brand((v) => WeakSet.prototype.has.call(v, {})),
    shared: brand((v) => sabLength.call(v)),
    number: brand((v) => Number.prototype.valueOf.call(v)),
    string: brand((v) => String.prototype.valueOf.call(v)),
    boolean: brand((v) => Boolean.prototype.valueOf.call(v)),
    bigint: brand((v) => BigInt.prototype.valueOf.call(v)),
    symbol: brand((v) => Symbol.prototype.valueOf.call(v)),
    error: (v) => v instanceof Error || Object.prototype.toString.call(v) === "[object Error]",
  };
  L.mapSize = mapSize;
  L.setSize = setSize;
  L.regexpSource = regexpSource;

  // A Uint8Array over the bytes of a BufferSource (no copy), or null when
  // `v` is not one.
  L.bytesOf = function (v) {
    if (L.isArrayBuffer(v)) return new Uint8Array(v);
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return null;
  };

  L.concatBytes = function (a, b) {
    if (a.length === 0) return b;
    if (b.length === 0) return a;
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };

  // ---- UTF-8 ---------------------------------------------------------------

  const nativeEncode = wb.utf8Encode;
  const nativeDecode = wb.utf8Decode;
  const bomBytes = new Uint8Array([0xef, 0xbb, 0xbf]);
  const startsWithBOM = (b) => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  // Whatever the native decoder does with a leading BOM, `decodeAll` keeps
  // it as U+FEFF; the callers strip it where the spec says so.
  const nativeStripsBOM = nativeDecode(bomBytes, false) === "";

  function decodeAll(bytes, fatal) {
    if (nativeStripsBOM && startsWithBOM(bytes)) return "\uFEFF" + nativeDecode(bytes.subarray(3), fatal);
    return nativeDecode(bytes, fatal);
  }

  L.utf8Encode = (s) => nativeEncode(s);

  // WHATWG "UTF-8 decode" (strips one BOM) or, with keepBOM, "UTF-8 decode
  // without BOM". fatal: throw a TypeError on malformed input.
  L.utf8Decode = function (bytes, fatal, keepBOM) {
    if (!keepBOM && startsWithBOM(bytes)) return decodeAll(bytes.subarray(3), fatal);
    return decodeAll(bytes, fatal);
  };

  // ---- Iterators -----------------------------------------------------------

  L.iteratorProto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

  // An iterator factory for "pair iterators" (Headers, URLSearchParams):
  // live over `pairs()`, re-read at every step as WebIDL says.
  L.pairIterator = function (tag) {
    const state = new WeakMap();
    const proto = Object.create(L.iteratorProto);
    Object.defineProperty(proto, "next", {
      value: function next() {
        const s = state.get(this);
        if (s === undefined) throw new TypeError("Illegal invocation");
        const pairs = s.pairs();
        if (s.index >= pairs.length) return { value: undefined, done: true };
        const p = pairs[s.index++];
        const value = s.kind === "keys" ? p[0] : s.kind === "values" ? p[1] : [p[0], p[1]];
        return { value, done: false };
      },
      writable: true,
      configurable: true,
      enumerable: true,
    });
    Object.defineProperty(proto, Symbol.toStringTag, { value: tag, configurable: true });
    return function (pairs, kind) {
      const it = Object.create(proto);
      state.set(it, { pairs, kind, index: 0 });
      return it;
    };
  };

  // Adds keys/values/entries/forEach/@@iterator to a class whose instances
  // map to their pairs through `pairsOf` (which brand-checks).
  L.addPairMethods = function (cls, tag, pairsOf) {
    const make = L.pairIterator(tag);
    const methods = {
      entries() {
        pairsOf(this);
        return make(() => pairsOf(this), "entries");
      },
      keys() {
        pairsOf(this);
        return make(() => pairsOf(this), "keys");
      },
      values() {
        pairsOf(this);
        return make(() => pairsOf(this), "values");
      },
      forEach(callback, thisArg = undefined) {
        pairsOf(this);
        L.requireArgs(arguments, 1, `Failed to execute 'forEach' on '${cls.name}'`);
        if (typeof callback !== "function") {
          throw new TypeError(`Failed to execute 'forEach' on '${cls.name}': parameter 1 is not of type 'Function'.`);
        }
        for (let i = 0, pairs = pairsOf(this); i < pairs.length; i++, pairs = pairsOf(this)) {
          callback.call(thisArg, pairs[i][1], pairs[i][0], this);
        }
      },
    };
    for (const k of Object.keys(methods)) {
      Object.defineProperty(cls.prototype, k, {
        value: methods[k],
        writable: true,
        configurable: true,
        enumerable: true,
      });
    }
    Object.defineProperty(cls.prototype, Symbol.iterator, {
      value: methods.entries,
      writable: true,
      configurable: true,
    });
  };

  // Brand check helper: the internal state of `obj` in `map`, else a
  // TypeError like browsers throw for a method called on a wrong object.
  L.stateOf = function (map, obj, what) {
    const s = typeof obj === "object" && obj !== null ? map.get(obj) : undefined;
    if (s === undefined) throw new TypeError(`Illegal invocation: not a ${what}`);
    return s;
  };

  // Platform objects cannot be cloned; files register their classes here.
  L.platformClasses = [];

  // How console shows platform objects: prototype -> function (object) ->
  // { entries: [[key, value]...], arrow } (arrow: "k => v" as for a Map).
  L.inspectHooks = new Map();
})(__wb);
