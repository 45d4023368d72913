// SPDX-License-Identifier: Apache-2.0
//
// atob and btoa: forgiving base64 decoding (whitespace, optional padding)
// and InvalidCharacterError DOMExceptions.
// include: check.js

// Expected values computed with Node.js 20.
function checks() {
  eq(btoa("hello") + btoa("") + btoa("a") + btoa("ab") + btoa("\xff\xfe"), "aGVsbG8=YQ==YWI=//4=", "btoa(\"hello\") + btoa(\"\") + btoa(\"a\") + btoa(\"ab\") + btoa(\"\\xff\\xfe\")");
  eq((() => { try { btoa("é€") } catch (e) { return [e.name, e instanceof DOMException, e.code] } })(), ["InvalidCharacterError",true,5], "(() => { try { btoa(\"é€\") } catch (e) { return [e.name, e instanceof DOMException, e.code] } })()");
  eq(atob("aGVsbG8=") + "|" + atob(" aGVs bG8 ") + "|" + atob("YQ") + "|" + atob("YWI"), "hello|hello|a|ab", "atob(\"aGVsbG8=\") + \"|\" + atob(\" aGVs bG8 \") + \"|\" + atob(\"YQ\") + \"|\" + atob(\"YWI\")");
  eq((() => { try { atob("a") } catch (e) { return [e.name, e.code] } })(), ["InvalidCharacterError",5], "(() => { try { atob(\"a\") } catch (e) { return [e.name, e.code] } })()");
  eq((() => { try { atob("a===") } catch (e) { return e.name } })(), "InvalidCharacterError", "(() => { try { atob(\"a===\") } catch (e) { return e.name } })()");
  eq((() => { try { atob("ab=c") } catch (e) { return e.name } })(), "InvalidCharacterError", "(() => { try { atob(\"ab=c\") } catch (e) { return e.name } })()");
  eq((() => { try { atob("*") } catch (e) { return e.name } })(), "InvalidCharacterError", "(() => { try { atob(\"*\") } catch (e) { return e.name } })()");
  eq(atob("YW=="), "a", "atob(\"YW==\")");
  eq(atob("YQ=="), "a", "atob(\"YQ==\")");
  eq(atob(null), "ée", "atob(null)");
  eq((() => { try { atob() } catch (e) { return e.name } })(), "TypeError", "(() => { try { atob() } catch (e) { return e.name } })()");
  eq(btoa(atob("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl5ent8fX5/gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp+goaKjpKWmp6ipqqusra6vsLGys7S1tre4ubq7vL2+v8DBwsPExcbHyMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f4OHi4+Tl5ufo6err7O3u7/Dx8vP09fb3+Pn6+/z9/v8=")), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl5ent8fX5/gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp+goaKjpKWmp6ipqqusra6vsLGys7S1tre4ubq7vL2+v8DBwsPExcbHyMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f4OHi4+Tl5ufo6err7O3u7/Dx8vP09fb3+Pn6+/z9/v8=", "btoa(atob(\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0...");
  eq(atob("/+/+").split("").map((c) => c.charCodeAt(0)), [255,239,254], "atob(\"/+/+\").split(\"\").map((c) => c.charCodeAt(0))");
  eq(btoa(String.fromCharCode(...Array.from({length: 256}, (_, i) => i))).length, 344, "btoa(String.fromCharCode(...Array.from({length: 256}, (_, i) => i))).length");
  eq(atob("\tYW\nJj\fZA\r=="), "abcd", "atob(\"\\tYW\\nJj\\fZA\\r==\")");
  eq((() => { try { atob("YQ=") } catch (e) { return e.name } })(), "InvalidCharacterError", "(() => { try { atob(\"YQ=\") } catch (e) { return e.name } })()");
  eq((() => { try { atob("Y===") } catch (e) { return e.name } })(), "InvalidCharacterError", "(() => { try { atob(\"Y===\") } catch (e) { return e.name } })()");
  eq((() => { try { atob("YQ==YQ==") } catch (e) { return e.name } })(), "InvalidCharacterError", "(() => { try { atob(\"YQ==YQ==\") } catch (e) { return e.name } })()");
  eq(atob(undefined === 1 ? "" : "AAAA").length, 3, "atob(undefined === 1 ? \"\" : \"AAAA\").length");
}

export default {
  async fetch(request, env) {
    checks();
    return new Response("ok");
  },
};
