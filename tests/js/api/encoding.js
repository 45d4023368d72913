// SPDX-License-Identifier: Apache-2.0
//
// TextEncoder (encode, encodeInto) and TextDecoder (labels, BOM handling,
// replacement of malformed sequences, fatal mode, streaming across chunks).
// include: check.js

// Expected values computed with Node.js 20.
function checks() {
  eq(Array.from(new TextEncoder().encode("aé€😀\ud800")), [97,195,169,226,130,172,240,159,152,128,239,191,189], "Array.from(new TextEncoder().encode(\"aé€😀\\ud800\"))");
  eq(new TextEncoder().encoding, "utf-8", "new TextEncoder().encoding");
  eq((() => { const u = new Uint8Array(5); const r = new TextEncoder().encodeInto("a€😀", u); return [r, Array.from(u)] })(), [{"read":2,"written":4},[97,226,130,172,0]], "(() => { const u = new Uint8Array(5); const r = new TextEncoder().encodeInto(\"a€😀\", u); return [...");
  eq((() => { const u = new Uint8Array(4); const r = new TextEncoder().encodeInto("a\ud800b", u); return [r, Array.from(u)] })(), [{"read":2,"written":4},[97,239,191,189]], "(() => { const u = new Uint8Array(4); const r = new TextEncoder().encodeInto(\"a\\ud800b\", u); retu...");
  eq(new TextDecoder().decode(new Uint8Array([0xef,0xbb,0xbf,0x68,0x69])), "hi", "new TextDecoder().decode(new Uint8Array([0xef,0xbb,0xbf,0x68,0x69]))");
  eq(new TextDecoder("utf-8", {ignoreBOM: true}).decode(new Uint8Array([0xef,0xbb,0xbf,0x68,0x69])).length, 3, "new TextDecoder(\"utf-8\", {ignoreBOM: true}).decode(new Uint8Array([0xef,0xbb,0xbf,0x68,0x69])).le...");
  eq(new TextDecoder().decode(new Uint8Array([0x61, 0xff, 0x62, 0xe2, 0x82, 0x63, 0xf0, 0x9f, 0x98])), "a�b�c�", "new TextDecoder().decode(new Uint8Array([0x61, 0xff, 0x62, 0xe2, 0x82, 0x63, 0xf0, 0x9f, 0x98]))");
  eq(new TextDecoder().decode(new Uint8Array([0xe0, 0x80, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xc0, 0xaf])), "������������", "new TextDecoder().decode(new Uint8Array([0xe0, 0x80, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x...");
  eq((() => { try { new TextDecoder("utf-8", {fatal: true}).decode(new Uint8Array([0xff])) } catch (e) { return e.name } })(), "TypeError", "(() => { try { new TextDecoder(\"utf-8\", {fatal: true}).decode(new Uint8Array([0xff])) } catch (e)...");
  eq((() => { const d = new TextDecoder(); const b = new TextEncoder().encode("€😀é"); let s = ""; for (const x of b) s += d.decode(new Uint8Array([x]), {stream: true}); return s + d.decode() })(), "€😀é", "(() => { const d = new TextDecoder(); const b = new TextEncoder().encode(\"€😀é\"); let s = \"\"; for...");
  eq((() => { const d = new TextDecoder(); return d.decode(new Uint8Array([0xef, 0xbb]), {stream: true}) + "|" + d.decode(new Uint8Array([0xbf, 0x41]), {stream: true}) + "|" + d.decode(new Uint8Array([0xef,0xbb,0xbf,0x42])) })(), "|A|﻿B", "(() => { const d = new TextDecoder(); return d.decode(new Uint8Array([0xef, 0xbb]), {stream: true...");
  eq((() => { const d = new TextDecoder(); return d.decode(new Uint8Array([0xe2, 0x82]), {stream: true}) + "|" + d.decode() })(), "|�", "(() => { const d = new TextDecoder(); return d.decode(new Uint8Array([0xe2, 0x82]), {stream: true...");
  eq((() => { const d = new TextDecoder("utf-8", {fatal: true}); d.decode(new Uint8Array([0xe2]), {stream: true}); try { d.decode() } catch (e) { return e.name } })(), "TypeError", "(() => { const d = new TextDecoder(\"utf-8\", {fatal: true}); d.decode(new Uint8Array([0xe2]), {str...");
  eq((() => { const d = new TextDecoder(); return d.decode(new Uint8Array([0xf0, 0x9f]), {stream: true}) + "|" + d.decode(new Uint8Array([0x41])) })(), "|�A", "(() => { const d = new TextDecoder(); return d.decode(new Uint8Array([0xf0, 0x9f]), {stream: true...");
  eq((() => { const d = new TextDecoder(); return d.decode(new Uint8Array([0xe0]), {stream: true}) + "|" + d.decode(new Uint8Array([0x80])) })(), "|��", "(() => { const d = new TextDecoder(); return d.decode(new Uint8Array([0xe0]), {stream: true}) + \"...");
  eq([new TextDecoder("UTF8").encoding, new TextDecoder(" unicode-1-1-utf-8 ").encoding, new TextDecoder().fatal, new TextDecoder("utf-8", {fatal: 1}).fatal], ["utf-8","utf-8",false,true], "[new TextDecoder(\"UTF8\").encoding, new TextDecoder(\" unicode-1-1-utf-8 \").encoding, new TextDecod...");
  eq(new TextDecoder().decode(new Uint16Array([0x6968])), "hi", "new TextDecoder().decode(new Uint16Array([0x6968]))");
  eq(new TextDecoder().decode(new DataView(new Uint8Array([0x41, 0x42, 0x43]).buffer, 1, 1)), "B", "new TextDecoder().decode(new DataView(new Uint8Array([0x41, 0x42, 0x43]).buffer, 1, 1))");
  eq(new TextDecoder().decode(), "", "new TextDecoder().decode()");
  eq((() => { try { new TextDecoder().decode("str") } catch (e) { return e.name } })(), "TypeError", "(() => { try { new TextDecoder().decode(\"str\") } catch (e) { return e.name } })()");
  eq(new TextDecoder().decode(new Uint8Array([0xef,0xbb,0xbf]).buffer), "", "new TextDecoder().decode(new Uint8Array([0xef,0xbb,0xbf]).buffer)");
}

async function moreChecks() {
  // Lone surrogates are encoded as U+FFFD; encodeInto never splits a character.
  const enc = new TextEncoder();
  const dest = new Uint8Array(3);
  eq(enc.encodeInto("€", dest), { read: 1, written: 3 }, "encodeInto of a 3-byte character");
  eq(enc.encodeInto("😀", dest), { read: 0, written: 0 }, "encodeInto with no room for 4 bytes");
  throws(() => enc.encodeInto("a", new Uint16Array(2)), "TypeError", "encodeInto into a Uint16Array");
  eq(enc.encode().length, 0, "encode() of nothing");
  eq(Array.from(enc.encode(12)), [49, 50], "encode converts to a string");
  // A decoder is reusable after a flush, and the BOM is stripped again.
  const dec = new TextDecoder();
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x61]);
  eq([dec.decode(bom), dec.decode(bom)], ["a", "a"], "BOM stripped on every new stream");
  eq(new TextDecoder().decode(new Uint8Array([0x61, 0xef, 0xbb, 0xbf])), "a\ufeff", "BOM kept after the start");
  // Every split point of a multi-byte text gives the same string.
  const text = "a€😀é\u0800\uffff";
  const bytes = enc.encode(text);
  for (let i = 0; i <= bytes.length; i++) {
    for (let j = i; j <= bytes.length; j++) {
      const d = new TextDecoder("utf-8", { fatal: true });
      const s = d.decode(bytes.subarray(0, i), { stream: true }) +
        d.decode(bytes.subarray(i, j), { stream: true }) + d.decode(bytes.subarray(j));
      eq(s, text, `streamed decode split at ${i} and ${j}`);
    }
  }
  eq(Object.prototype.toString.call(dec), "[object TextDecoder]", "TextDecoder toStringTag");
}

export default {
  async fetch(request, env) {
    checks();
    await moreChecks(request);
    return new Response("ok");
  },
};
