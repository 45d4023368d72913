// SPDX-License-Identifier: Apache-2.0
//
// crypto.getRandomValues and crypto.randomUUID (Web Crypto), over the
// host's secure random source. crypto.subtle is not provided.

(function (wb) {
  "use strict";

  const L = wb.lib;
  const randomFill = wb.randomFill;

  const integerArrays = [
    "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
    "Int32Array", "Uint32Array", "BigInt64Array", "BigUint64Array",
  ];
  const cryptos = new WeakSet();

  function check(obj) {
    if (!cryptos.has(obj)) throw new TypeError("Illegal invocation: not a Crypto");
  }

  class Crypto {
    constructor() {
      throw new TypeError("Illegal constructor");
    }
    getRandomValues(array) {
      check(this);
      const what = "Failed to execute 'getRandomValues' on 'Crypto'";
      L.requireArgs(arguments, 1, what);
      if (!ArrayBuffer.isView(array)) {
        throw new TypeError(`${what}: parameter 1 is not of type 'ArrayBufferView'.`);
      }
      if (!integerArrays.includes(L.typedArrayName(array))) {
        throw L.domError("TypeMismatchError", `${what}: The provided ArrayBufferView is of type '${L.typedArrayName(array) || "DataView"}', which is not an integer array type.`);
      }
      if (array.byteLength > 65536) {
        throw L.domError("QuotaExceededError", `${what}: The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536).`);
      }
      randomFill(L.bytesOf(array));
      return array;
    }
    randomUUID() {
      check(this);
      const b = new Uint8Array(16);
      randomFill(b);
      b[6] = (b[6] & 0x0f) | 0x40; // version 4
      b[8] = (b[8] & 0x3f) | 0x80; // variant 10
      let hex = "";
      for (let i = 0; i < 16; i++) hex += (b[i] < 16 ? "0" : "") + b[i].toString(16);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
  }
  L.setTag(Crypto, "Crypto");
  L.enumerable(Crypto, ["getRandomValues", "randomUUID"]);

  const crypto = Object.create(Crypto.prototype);
  cryptos.add(crypto);
  L.platformClasses.push(Crypto);
  L.defineGlobal("Crypto", Crypto);
  L.defineGlobal("crypto", crypto);
})(__wb);
