// SPDX-License-Identifier: Apache-2.0
//
// Headers, as the Fetch Standard defines it: a list of (name, value) pairs
// with case-insensitive names, iterated sorted and combined (set-cookie
// excepted), validated names and values, and a guard that makes the
// headers of an incoming request, Response.redirect() and Response.error()
// immutable. Names are kept in lower case: every getter and the iteration
// return them that way anyway, and HTTP names are case-insensitive.

(function (wb) {
  "use strict";

  const L = wb.lib;

  // state: { list: [[lowerName, value]...], guard: "none" | "immutable" }
  const headersState = new WeakMap();
  const stateOf = (o) => L.stateOf(headersState, o, "Headers");

  const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  // A ByteString value that normalization leaves as it is: no HTTP
  // whitespace at either end, no NUL, CR or LF.
  const normalValueRe = /^(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;

  function checkName(name, what) {
    // A string token is a ByteString already: one test is enough.
    if (typeof name === "string" && tokenRe.test(name)) return name.toLowerCase();
    const n = L.byteString(name, what);
    if (!tokenRe.test(n)) throw new TypeError(`${what}: Invalid name`);
    return n.toLowerCase();
  }

  // Strips leading and trailing HTTP whitespace, then refuses NUL, CR, LF.
  function checkValue(value, what) {
    if (typeof value === "string" && normalValueRe.test(value)) return value;
    const v = L.byteString(value, what).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
    if (/[\0\r\n]/.test(v)) throw new TypeError(`${what}: Invalid value`);
    return v;
  }

  function checkMutable(st, what) {
    if (st.guard === "immutable") throw new TypeError(`${what}: Headers are immutable`);
  }

  function append(st, name, value, what) {
    const n = checkName(name, what);
    const v = checkValue(value, what);
    checkMutable(st, what);
    st.list.push([n, v]);
  }

  // Fills from a HeadersInit: a sequence of pairs (Headers included) or a
  // record of strings.
  function fill(st, init, what) {
    if (typeof init !== "object" && typeof init !== "function") {
      throw new TypeError(`${what}: The provided value is not of type 'HeadersInit'.`);
    }
    if (typeof init[Symbol.iterator] === "function") {
      for (const pair of init) {
        if ((typeof pair !== "object" && typeof pair !== "function") || pair === null || typeof pair[Symbol.iterator] !== "function") {
          throw new TypeError(`${what}: The provided value cannot be converted to a sequence.`);
        }
        const items = Array.from(pair);
        if (items.length !== 2) throw new TypeError(`${what}: Invalid value`);
        append(st, items[0], items[1], what);
      }
      return;
    }
    for (const key of Reflect.ownKeys(init)) {
      if (typeof key !== "string") continue;
      const d = Reflect.getOwnPropertyDescriptor(init, key);
      if (d !== undefined && d.enumerable) append(st, key, init[key], what);
    }
  }

  // The pairs to iterate over: names sorted, values of one name combined
  // with ", " except set-cookie, whose values stay separate. Always new
  // pairs.
  function sortAndCombine(list) {
    const names = Array.from(new Set(list.map((p) => p[0]))).sort();
    const out = [];
    for (const n of names) {
      if (n === "set-cookie") {
        for (const p of list) if (p[0] === n) out.push([n, p[1]]);
      } else {
        out.push([n, combined(list, n)]);
      }
    }
    return out;
  }

  function combined(list, name) {
    let out = null;
    for (const p of list) if (p[0] === name) out = out === null ? p[1] : out + ", " + p[1];
    return out;
  }

  class Headers {
    constructor(init = undefined) {
      const st = { list: [], guard: "none" };
      headersState.set(this, st);
      if (init !== undefined && init !== null) fill(st, init, "Failed to construct 'Headers'");
      else if (init === null) throw new TypeError("Failed to construct 'Headers': The provided value is not of type 'HeadersInit'.");
    }
    append(name, value) {
      const st = stateOf(this);
      L.requireArgs(arguments, 2, "Failed to execute 'append' on 'Headers'");
      append(st, name, value, "Failed to execute 'append' on 'Headers'");
    }
    delete(name) {
      const st = stateOf(this);
      const what = "Failed to execute 'delete' on 'Headers'";
      L.requireArgs(arguments, 1, what);
      const n = checkName(name, what);
      checkMutable(st, what);
      st.list = st.list.filter((p) => p[0] !== n);
    }
    get(name) {
      const st = stateOf(this);
      const what = "Failed to execute 'get' on 'Headers'";
      L.requireArgs(arguments, 1, what);
      return combined(st.list, checkName(name, what));
    }
    getSetCookie() {
      return stateOf(this)
        .list.filter((p) => p[0] === "set-cookie")
        .map((p) => p[1]);
    }
    has(name) {
      const st = stateOf(this);
      const what = "Failed to execute 'has' on 'Headers'";
      L.requireArgs(arguments, 1, what);
      const n = checkName(name, what);
      return st.list.some((p) => p[0] === n);
    }
    set(name, value) {
      const st = stateOf(this);
      const what = "Failed to execute 'set' on 'Headers'";
      L.requireArgs(arguments, 2, what);
      const n = checkName(name, what);
      const v = checkValue(value, what);
      checkMutable(st, what);
      const i = st.list.findIndex((p) => p[0] === n);
      if (i === -1) {
        st.list.push([n, v]);
      } else {
        st.list[i] = [n, v];
        st.list = st.list.filter((p, j) => j <= i || p[0] !== n);
      }
    }
  }
  L.setTag(Headers, "Headers");
  L.enumerable(Headers, ["append", "delete", "get", "getSetCookie", "has", "set"]);
  L.addPairMethods(Headers, "Headers Iterator", (o) => sortAndCombine(stateOf(o).list));
  L.inspectHooks.set(Headers.prototype, (h) => ({ entries: sortAndCombine(stateOf(h).list) }));
  L.platformClasses.push(Headers);
  L.defineGlobal("Headers", Headers);

  // ---- For Request and Response ------------------------------------------------

  // A new Headers object over `list` (taken, not copied: pairs of a lower
  // case name and a value, already checked), with `guard`.
  L.newHeaders = function (list, guard) {
    const h = new Headers();
    const st = stateOf(h);
    st.list = list;
    st.guard = guard;
    return h;
  };

  L.copyHeaderList = (list) => list.map((p) => [p[0], p[1]]);
  L.sortAndCombine = sortAndCombine;

  // A new Headers filled from a HeadersInit (validated).
  L.headersFrom = function (init, what) {
    const h = new Headers();
    fill(stateOf(h), init, what);
    return h;
  };

  // The checked list of string pairs, those that fail validation skipped
  // (for the incoming request: a malformed header from a client must not
  // fail the handler).
  L.checkedPairs = function (pairs) {
    const st = { list: [], guard: "none" };
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[i];
      try {
        append(st, p[0], p[1], "Headers");
      } catch (e) {
        // Skipped.
      }
    }
    return st.list;
  };

  L.headersList = (h) => stateOf(h).list;
  L.headersGuard = (h) => stateOf(h).guard;
})(__wb);
