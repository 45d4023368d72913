// SPDX-License-Identifier: Apache-2.0
//
// TextEncoder, TextDecoder (UTF-8 only, with streaming) and atob/btoa
// (forgiving base64), as the WHATWG Encoding and HTML standards define them.

(function (wb) {
  "use strict";

  const L = wb.lib;

  // ---- TextEncoder -------------------------------------------------------------

  const encoders = new WeakSet();

  function checkEncoder(obj) {
    if (!encoders.has(obj)) throw new TypeError("Illegal invocation: not a TextEncoder");
  }

  // Bytes of the code point starting at s[i] and how many code units it took;
  // a lone surrogate is U+FFFD.
  function codePointAt(s, i) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return [0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00), 2];
    }
    if (c >= 0xd800 && c <= 0xdfff) return [0xfffd, 1];
    return [c, 1];
  }

  class TextEncoder {
    constructor() {
      encoders.add(this);
    }
    get encoding() {
      checkEncoder(this);
      return "utf-8";
    }
    encode(input = "") {
      checkEncoder(this);
      // The encoder writes lone surrogates as U+FFFD: no USVString pass.
      if (typeof input === "symbol") throw new TypeError("Cannot convert a Symbol to a string");
      return L.utf8Encode(input);
    }
    encodeInto(source, destination) {
      checkEncoder(this);
      L.requireArgs(arguments, 2, "Failed to execute 'encodeInto' on 'TextEncoder'");
      if (L.typedArrayName(destination) !== "Uint8Array") {
        throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
      }
      const s = String(source);
      let read = 0;
      let written = 0;
      const room = destination.length;
      while (read < s.length) {
        const [cp, units] = codePointAt(s, read);
        const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (written + n > room) break;
        if (n === 1) {
          destination[written] = cp;
        } else if (n === 2) {
          destination[written] = 0xc0 | (cp >> 6);
          destination[written + 1] = 0x80 | (cp & 63);
        } else if (n === 3) {
          destination[written] = 0xe0 | (cp >> 12);
          destination[written + 1] = 0x80 | ((cp >> 6) & 63);
          destination[written + 2] = 0x80 | (cp & 63);
        } else {
          destination[written] = 0xf0 | (cp >> 18);
          destination[written + 1] = 0x80 | ((cp >> 12) & 63);
          destination[written + 2] = 0x80 | ((cp >> 6) & 63);
          destination[written + 3] = 0x80 | (cp & 63);
        }
        written += n;
        read += units;
      }
      return { read, written };
    }
  }
  L.setTag(TextEncoder, "TextEncoder");
  L.enumerable(TextEncoder, ["encoding"]);
  L.inspectHooks.set(TextEncoder.prototype, () => ({ entries: [["encoding", "utf-8"]] }));

  // ---- TextDecoder -------------------------------------------------------------

  const utf8Labels = ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"];
  const decoders = new WeakMap();

  // How many bytes at the end of `b` are the start of a sequence that the
  // next chunk may complete (they are held back when streaming).
  function incompleteTail(b) {
    const n = b.length;
    for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
      const c = b[i];
      if (c >= 0x80 && c <= 0xbf) continue;
      const need = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
      if (need === 0 || n - i >= need) return 0;
      // The second byte of some lead bytes has a narrower range.
      if (n - i > 1) {
        const d = b[i + 1];
        const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
        const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
        if (d < lo || d > hi) return 0;
      }
      return n - i;
    }
    return 0;
  }

  class TextDecoder {
    constructor(label = "utf-8", options = undefined) {
      const name = String(label).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "").toLowerCase();
      if (!utf8Labels.includes(name)) {
        throw new RangeError(`Failed to construct 'TextDecoder': The encoding label provided ('${label}') is invalid.`);
      }
      if (options !== undefined && options !== null && typeof options !== "object" && typeof options !== "function") {
        throw new TypeError("Failed to construct 'TextDecoder': The provided value is not of type 'TextDecoderOptions'.");
      }
      const o = options || {};
      decoders.set(this, {
        fatal: Boolean(o.fatal),
        ignoreBOM: Boolean(o.ignoreBOM),
        pending: new Uint8Array(0),
        bomSeen: false,
      });
    }
    get encoding() {
      L.stateOf(decoders, this, "TextDecoder");
      return "utf-8";
    }
    get fatal() {
      return L.stateOf(decoders, this, "TextDecoder").fatal;
    }
    get ignoreBOM() {
      return L.stateOf(decoders, this, "TextDecoder").ignoreBOM;
    }
    decode(input = undefined, options = undefined) {
      const st = L.stateOf(decoders, this, "TextDecoder");
      let bytes = new Uint8Array(0);
      if (input !== undefined) {
        bytes = L.bytesOf(input);
        if (bytes === null) {
          throw new TypeError("Failed to execute 'decode' on 'TextDecoder': The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.");
        }
      }
      const stream = Boolean(options && options.stream);
      bytes = L.concatBytes(st.pending, bytes);
      const keep = stream ? incompleteTail(bytes) : 0;
      // Copy what is held back: the caller may reuse its buffer.
      st.pending = bytes.slice(bytes.length - keep);
      bytes = bytes.subarray(0, bytes.length - keep);
      let out;
      try {
        out = L.utf8Decode(bytes, st.fatal, true);
      } catch (e) {
        st.pending = new Uint8Array(0);
        st.bomSeen = false;
        throw e;
      }
      if (!st.ignoreBOM && !st.bomSeen && out.length > 0) {
        st.bomSeen = true;
        if (out.charCodeAt(0) === 0xfeff) out = out.slice(1);
      }
      if (!stream) st.bomSeen = false;
      return out;
    }
  }
  L.setTag(TextDecoder, "TextDecoder");
  L.enumerable(TextDecoder, ["encoding", "fatal", "ignoreBOM"]);
  L.inspectHooks.set(TextDecoder.prototype, (d) => ({
    entries: [["encoding", "utf-8"], ["fatal", d.fatal], ["ignoreBOM", d.ignoreBOM]],
  }));

  L.platformClasses.push(TextEncoder, TextDecoder);
  L.defineGlobal("TextEncoder", TextEncoder);
  L.defineGlobal("TextDecoder", TextDecoder);

  // ---- Base64 --------------------------------------------------------------------

  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const values = new Map();
  for (let i = 0; i < 64; i++) values.set(alphabet[i], i);

  function btoa(data) {
    L.requireArgs(arguments, 1, "Failed to execute 'btoa'");
    const s = String(data);
    let out = "";
    for (let i = 0; i < s.length; i += 3) {
      const a = s.charCodeAt(i);
      const b = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      const c = i + 2 < s.length ? s.charCodeAt(i + 2) : 0;
      if (a > 255 || b > 255 || c > 255) {
        throw L.domError("InvalidCharacterError", "Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.");
      }
      out += alphabet[a >> 2] + alphabet[((a & 3) << 4) | (b >> 4)];
      out += i + 1 < s.length ? alphabet[((b & 15) << 2) | (c >> 6)] : "=";
      out += i + 2 < s.length ? alphabet[c & 63] : "=";
    }
    return out;
  }

  function atob(data) {
    L.requireArgs(arguments, 1, "Failed to execute 'atob'");
    const invalid = () =>
      L.domError("InvalidCharacterError", "Failed to execute 'atob': The string to be decoded is not correctly encoded.");
    let s = String(data).replace(/[\t\n\f\r ]/g, "");
    if (s.length % 4 === 0) s = s.replace(/==?$/, "");
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw invalid();
    let out = "";
    let buffer = 0;
    let bits = 0;
    for (let i = 0; i < s.length; i++) {
      buffer = (buffer << 6) | values.get(s[i]);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((buffer >> bits) & 255);
      }
    }
    return out;
  }

  L.defineGlobal("btoa", btoa);
  L.defineGlobal("atob", atob);
})(__wb);
