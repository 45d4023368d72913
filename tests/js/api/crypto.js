// SPDX-License-Identifier: Apache-2.0
//
// crypto.getRandomValues (integer typed arrays only, at most 65536 bytes,
// fills exactly the view) and crypto.randomUUID (version 4 format).
// include: check.js

function randomValues() {
  const a = new Uint8Array(64);
  eq(crypto.getRandomValues(a) === a, true, "returns its argument");
  const b = crypto.getRandomValues(new Uint8Array(64));
  // 64 random bytes are all zero, or equal to 64 others, with odds 2^-512.
  eq(a.some((x) => x !== 0), true, "bytes are filled");
  eq(a.every((x, i) => x === b[i]), false, "two draws differ");

  for (const T of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array]) {
    const t = new T(8);
    eq(crypto.getRandomValues(t) === t, true, `${T.name} accepted`);
  }
  eq(crypto.getRandomValues(new Uint8Array(0)).length, 0, "empty array");
  eq(crypto.getRandomValues(new Uint8Array(65536)).length, 65536, "65536 bytes is the limit");

  for (const v of [new Float32Array(4), new Float64Array(4), new DataView(new ArrayBuffer(4))]) {
    const e = throws(() => crypto.getRandomValues(v), "TypeMismatchError", `non-integer view ${v.constructor.name}`);
    eq([e instanceof DOMException, e.code], [true, 17], "TypeMismatchError is a DOMException");
  }
  const q = throws(() => crypto.getRandomValues(new Uint8Array(65537)), "QuotaExceededError", "65537 bytes");
  eq([q instanceof DOMException, q.code], [true, 22], "QuotaExceededError is a DOMException");
  throws(() => crypto.getRandomValues(new Uint32Array(16385)), "QuotaExceededError", "16385 Uint32 elements");
  throws(() => crypto.getRandomValues([1, 2]), "TypeError", "plain array");
  throws(() => crypto.getRandomValues(), "TypeError", "no argument");

  // Only the bytes of the view change.
  for (let attempt = 0; ; attempt++) {
    const buf = new Uint8Array(16);
    crypto.getRandomValues(new Uint8Array(buf.buffer, 4, 8));
    eq([...buf.subarray(0, 4), ...buf.subarray(12)], [0, 0, 0, 0, 0, 0, 0, 0], "bytes outside the view");
    if (buf.subarray(4, 12).some((x) => x !== 0)) break;
    if (attempt === 3) throw new Error("bytes inside the view were never filled");
  }
}

function uuids() {
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const u = crypto.randomUUID();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u)) {
      throw new Error(`randomUUID: bad format ${u}`);
    }
    seen.add(u);
  }
  eq(seen.size, 200, "randomUUID values are distinct");
}

function interfaces() {
  eq(crypto instanceof Crypto, true, "crypto is a Crypto");
  eq(Object.prototype.toString.call(crypto), "[object Crypto]", "toStringTag");
  throws(() => new Crypto(), "TypeError", "Crypto has no constructor");
  throws(() => Crypto.prototype.randomUUID.call({}), "TypeError", "randomUUID on a foreign object");
  eq(typeof crypto.getRandomValues, "function", "getRandomValues is a method");
}

export default {
  async fetch(request, env) {
    randomValues();
    uuids();
    interfaces();
    return new Response("ok");
  },
};
