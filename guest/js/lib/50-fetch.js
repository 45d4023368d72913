// SPDX-License-Identifier: Apache-2.0
//
// Request and Response (Fetch Standard). A body is held as bytes (shared by
// clones: they are never modified) until the handler asks for `body`, or
// is a ReadableStream given by the handler; the body mixin (text, json,
// arrayBuffer, bytes) reads either once. Blob and FormData bodies are not
// supported.

(function (wb) {
  "use strict";

  const L = wb.lib;

  // ---- Body ----------------------------------------------------------------------

  const textType = "text/plain;charset=UTF-8";

  // Extracts a body from a BodyInit: { bytes, stream, type } (one of bytes
  // and stream is null), or null for no body.
  function extractBody(value) {
    if (value === undefined || value === null) return null;
    // The encoder writes lone surrogates as U+FFFD: USVString for free.
    if (typeof value === "string") return { bytes: L.utf8Encode(value), stream: null, type: textType };
    if (L.isStream(value)) {
      if (L.streamUnusable(value)) throw new TypeError("The ReadableStream body is locked or has been read");
      return { bytes: null, stream: value, type: null };
    }
    if (L.isArrayBuffer(value)) return { bytes: new Uint8Array(value).slice(), stream: null, type: null };
    if (ArrayBuffer.isView(value)) return { bytes: L.bytesOf(value).slice(), stream: null, type: null };
    if (L.isURLSearchParams(value)) {
      return {
        bytes: L.utf8Encode(L.formSerialize(L.paramsList(value))),
        stream: null,
        type: "application/x-www-form-urlencoded;charset=UTF-8",
      };
    }
    return { bytes: L.utf8Encode(L.usv(value)), stream: null, type: textType };
  }

  // state of both Request and Response: { kind, body: Uint8Array|null,
  // stream: ReadableStream|null (once there is one, it is the body), used,
  // and the headers fields below }
  const bodyState = new WeakMap();

  // The state of a `kind` object ("Request" or "Response").
  function bodyOf(obj, kind) {
    const st = L.stateOf(bodyState, obj, kind);
    if (kind !== st.kind) throw new TypeError(`Illegal invocation: not a ${kind}`);
    return st;
  }

  const usedError = () => new TypeError("Body has already been used. It can only be used once.");

  // The bytes to read (or a promise of them); marks the body used. Throws
  // (so the promise of the async caller rejects) when it was used already.
  function consume(obj, kind) {
    const st = bodyOf(obj, kind);
    if (st.stream !== null) {
      if (L.streamUnusable(st.stream)) throw usedError();
      return L.drainStream(st.stream);
    }
    if (st.used) throw usedError();
    if (st.body === null) return new Uint8Array(0);
    st.used = true;
    return st.body;
  }

  // The body mixin, with brand checks for `kind`.
  function addBody(cls) {
    const kind = cls.name;
    const methods = {
      async arrayBuffer() {
        return (await consume(this, kind)).slice().buffer;
      },
      async bytes() {
        return (await consume(this, kind)).slice();
      },
      async text() {
        return L.utf8Decode(await consume(this, kind), false, false);
      },
      async json() {
        return JSON.parse(L.utf8Decode(await consume(this, kind), false, false));
      },
    };
    for (const k of Object.keys(methods)) {
      Object.defineProperty(cls.prototype, k, {
        value: methods[k],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    Object.defineProperty(cls.prototype, "body", {
      get() {
        const st = bodyOf(this, kind);
        if (st.stream === null && st.body !== null) st.stream = L.streamOf(st.body, st.used);
        return st.stream;
      },
      enumerable: true,
      configurable: true,
    });
    Object.defineProperty(cls.prototype, "bodyUsed", {
      get() {
        const st = bodyOf(this, kind);
        if (st.stream !== null) return L.streamDisturbed(st.stream);
        return st.body !== null && st.used;
      },
      enumerable: true,
      configurable: true,
    });
  }

  // ---- Headers of a Request or Response ---------------------------------------------

  // A state's Headers object is made when first asked for. Until then the
  // state holds the checked list (`headerList`, guard `headerGuard`) or,
  // for the incoming request, the pairs as received (`rawHeaders`), checked
  // when first needed. Once `headers` is made, the list is its own.
  function headerListOf(st) {
    if (st.headers !== null) return L.headersList(st.headers);
    if (st.rawHeaders !== null) {
      st.headerList = L.checkedPairs(st.rawHeaders);
      st.rawHeaders = null;
    }
    return st.headerList;
  }

  function headersOf(st) {
    if (st.headers === null) {
      st.headers = L.newHeaders(headerListOf(st), st.headerGuard);
      st.headerList = null;
    }
    return st.headers;
  }

  const headerGuardOf = (st) => (st.headers !== null ? L.headersGuard(st.headers) : st.headerGuard);

  // A copy of a Request or Response state: own headers, a tee of a stream
  // body (this side keeps one branch), the same bytes otherwise.
  function cloneState(st) {
    const list = L.copyHeaderList(headerListOf(st));
    const copy = { ...st, headers: null, headerList: list, headerGuard: headerGuardOf(st), rawHeaders: null };
    if (st.stream !== null) {
      if (L.streamUnusable(st.stream)) throw new TypeError("The body stream is locked");
      [st.stream, copy.stream] = st.stream.tee();
    }
    return copy;
  }

  function setContentType(st, type) {
    if (type === null) return;
    const list = headerListOf(st);
    for (let i = 0; i < list.length; i++) if (list[i][0] === "content-type") return;
    list.push(["content-type", type]);
  }

  const noInit = Object.freeze({});

  function checkInit(init, what) {
    if (init === undefined || init === null) return noInit;
    if (typeof init !== "object" && typeof init !== "function") {
      throw new TypeError(`${what}: The provided value is not of type '${what.includes("Request") ? "RequestInit" : "ResponseInit"}'.`);
    }
    return init;
  }

  // ---- Request -------------------------------------------------------------------

  const normalizedMethods = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
  const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

  function normalizeMethod(m) {
    const upper = m.toUpperCase();
    return normalizedMethods.includes(upper) ? upper : m;
  }

  // Request state: body fields plus { url, method, headers fields, redirect }.
  function requestState(url, method, body, headerList, headerGuard, rawHeaders) {
    return {
      kind: "Request", body, stream: null, used: false, url, method,
      headers: null, headerList, headerGuard, rawHeaders, redirect: "follow",
    };
  }

  function newRequest(st) {
    const r = Object.create(Request.prototype);
    bodyState.set(r, st);
    return r;
  }

  class Request {
    constructor(input, init = undefined) {
      const what = "Failed to construct 'Request'";
      L.requireArgs(arguments, 1, what);
      const opts = checkInit(init, what);
      const from = typeof input === "object" && input !== null && input instanceof Request ? bodyOf(input, "Request") : null;
      const st = requestState("", "GET", null, null, "none", null);
      if (from !== null) {
        Object.assign(st, { url: from.url, method: from.method, redirect: from.redirect });
      } else {
        const url = L.parseURL(L.usv(input));
        if (url === null) throw new TypeError(`${what}: Invalid URL`);
        if (/^[^:]*:\/\/[^/?#]*@/.test(url)) {
          throw new TypeError(`${what}: Request cannot be constructed from a URL that includes credentials: ${url}`);
        }
        st.url = url;
      }
      if (opts.method !== undefined) {
        const m = L.byteString(opts.method, what);
        if (!tokenRe.test(m)) throw new TypeError(`${what}: '${m}' is not a valid HTTP method.`);
        if (/^(CONNECT|TRACE|TRACK)$/i.test(m)) throw new TypeError(`${what}: '${m}' HTTP method is unsupported.`);
        st.method = normalizeMethod(m);
      }
      if (opts.redirect !== undefined) {
        const r = String(opts.redirect);
        if (!["follow", "error", "manual"].includes(r)) {
          throw new TypeError(`${what}: The provided value '${r}' is not a valid enum value of type RequestRedirect.`);
        }
        st.redirect = r;
      }
      if (opts.headers !== undefined) st.headers = L.headersFrom(opts.headers, what);
      else st.headerList = from !== null ? L.copyHeaderList(headerListOf(from)) : [];

      const initBody = opts.body;
      const hasInitBody = initBody !== undefined && initBody !== null;
      const fromHasBody = from !== null && (from.body !== null || from.stream !== null);
      if ((hasInitBody || fromHasBody) && (st.method === "GET" || st.method === "HEAD")) {
        throw new TypeError(`${what}: Request with GET/HEAD method cannot have body.`);
      }
      if (hasInitBody) {
        const b = extractBody(initBody);
        st.body = b.bytes;
        st.stream = b.stream;
        setContentType(st, b.type);
      } else if (fromHasBody) {
        if (from.stream !== null ? L.streamUnusable(from.stream) : from.used) {
          throw new TypeError(`${what}: Cannot construct a Request with a Request object that has already been used.`);
        }
        // The new request takes the body over: the input counts as read.
        st.body = from.body;
        st.stream = from.stream;
        from.used = true;
        if (from.stream !== null) from.stream = L.streamOf(new Uint8Array(0), true);
      }
      bodyState.set(this, st);
    }
    get method() {
      return bodyOf(this, "Request").method;
    }
    get url() {
      return bodyOf(this, "Request").url;
    }
    get headers() {
      return headersOf(bodyOf(this, "Request"));
    }
    get redirect() {
      return bodyOf(this, "Request").redirect;
    }
    clone() {
      const st = bodyOf(this, "Request");
      if (this.bodyUsed) throw new TypeError("Failed to execute 'clone' on 'Request': Request body is already used");
      return newRequest(cloneState(st));
    }
  }
  L.setTag(Request, "Request");
  L.enumerable(Request, ["method", "url", "headers", "redirect", "clone"]);
  addBody(Request);
  L.inspectHooks.set(Request.prototype, (r) => ({
    entries: [["method", r.method], ["url", r.url], ["headers", r.headers], ["bodyUsed", r.bodyUsed], ["redirect", r.redirect]],
  }));

  // ---- Response ------------------------------------------------------------------

  const nullBodyStatus = [101, 103, 204, 205, 304];
  const redirectStatus = [301, 302, 303, 307, 308];

  // WebIDL unsigned short.
  function toUnsignedShort(v) {
    const n = Number(v);
    if (!Number.isFinite(n)) return 0;
    const t = Math.trunc(n) % 65536;
    return t < 0 ? t + 65536 : t;
  }

  // Response state: body fields plus { type, status, statusText, headers
  // fields }.
  function responseState(type, status, headerList, headerGuard) {
    return {
      kind: "Response", body: null, stream: null, used: false, type, status, statusText: "",
      headers: null, headerList, headerGuard, rawHeaders: null,
    };
  }

  function newResponse(st) {
    const r = Object.create(Response.prototype);
    bodyState.set(r, st);
    return r;
  }

  // "initialize a response": validates init, fills state, adds the body.
  function initResponse(st, init, body, what) {
    const opts = checkInit(init, what);
    st.status = opts.status === undefined ? 200 : toUnsignedShort(opts.status);
    if (st.status < 200 || st.status > 599) {
      throw new RangeError(`${what}: The status provided (${st.status}) is outside the range [200, 599].`);
    }
    if (opts.statusText !== undefined) {
      st.statusText = L.byteString(opts.statusText, what);
      if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(st.statusText)) throw new TypeError(`${what}: Invalid statusText`);
    }
    if (opts.headers === undefined) st.headerList = [];
    else st.headers = L.headersFrom(opts.headers, what);
    if (body !== null) {
      if (nullBodyStatus.includes(st.status)) {
        throw new TypeError(`${what}: Response with null body status cannot have body`);
      }
      st.body = body.bytes;
      st.stream = body.stream;
      setContentType(st, body.type);
    }
  }

  class Response {
    constructor(body = null, init = undefined) {
      const what = "Failed to construct 'Response'";
      const st = responseState("default", 200, null, "none");
      initResponse(st, init, extractBody(body), what);
      bodyState.set(this, st);
    }
    static error() {
      return newResponse(responseState("error", 0, [], "immutable"));
    }
    static redirect(url, status = 302) {
      const what = "Failed to execute 'redirect' on 'Response'";
      L.requireArgs(arguments, 1, what);
      const parsed = L.parseURL(L.usv(url));
      if (parsed === null) throw new TypeError(`${what}: Invalid URL`);
      const code = toUnsignedShort(status);
      if (!redirectStatus.includes(code)) throw new RangeError(`${what}: Invalid status code`);
      return newResponse(responseState("default", code, [["location", parsed]], "immutable"));
    }
    static json(data, init = undefined) {
      const what = "Failed to execute 'json' on 'Response'";
      L.requireArgs(arguments, 1, what);
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError(`${what}: Value is not JSON serializable`);
      const st = responseState("default", 200, null, "none");
      initResponse(st, init, { bytes: L.utf8Encode(text), stream: null, type: "application/json" }, what);
      return newResponse(st);
    }
    get type() {
      return bodyOf(this, "Response").type;
    }
    get url() {
      bodyOf(this, "Response");
      return "";
    }
    get redirected() {
      bodyOf(this, "Response");
      return false;
    }
    get status() {
      return bodyOf(this, "Response").status;
    }
    get ok() {
      const s = bodyOf(this, "Response").status;
      return s >= 200 && s <= 299;
    }
    get statusText() {
      return bodyOf(this, "Response").statusText;
    }
    get headers() {
      return headersOf(bodyOf(this, "Response"));
    }
    clone() {
      const st = bodyOf(this, "Response");
      if (this.bodyUsed) throw new TypeError("Failed to execute 'clone' on 'Response': Response body is already used");
      return newResponse(cloneState(st));
    }
  }
  L.setTag(Response, "Response");
  L.enumerable(Response, ["type", "url", "redirected", "status", "ok", "statusText", "headers", "clone"]);
  addBody(Response);
  L.inspectHooks.set(Response.prototype, (r) => ({
    entries: [
      ["status", r.status], ["statusText", r.statusText], ["headers", r.headers],
      ["ok", r.ok], ["redirected", false], ["type", r.type], ["url", ""], ["bodyUsed", r.bodyUsed],
    ],
  }));

  L.platformClasses.push(Request, Response);
  L.defineGlobal("Request", Request);
  L.defineGlobal("Response", Response);

  // ---- Hooks for the runner --------------------------------------------------------

  // The incoming request: method and URL as the host sent them (standard
  // methods upper-cased, URL normalized), immutable headers as in Workers,
  // checked when the handler first looks at them.
  L.makeRequest = function (method, url, headers, body) {
    const serialized = L.serializeURL(url);
    if (serialized === null) throw new TypeError(`Invalid request URL: ${url}`);
    const raw = headers.length > 0 ? headers : null;
    const bytes = body !== null && body.length > 0 ? body : null;
    return newRequest(requestState(serialized, normalizeMethod(method), bytes, [], "immutable", raw));
  };

  // The headers go out as iteration shows them: sorted, combined.
  const wireHeaders = (list) => (list.length < 2 ? list : L.sortAndCombine(list));

  L.readResponse = function (value) {
    const st = typeof value === "object" && value !== null ? bodyState.get(value) : undefined;
    if (st === undefined || st.kind !== "Response") throw new TypeError("The handler did not return a Response object");
    if (st.type === "error") throw new TypeError("The handler returned Response.error()");
    const used = () => new TypeError("The handler returned a Response whose body has already been used");
    if (st.stream !== null) {
      if (L.streamUnusable(st.stream)) throw used();
      // As they are now: the handler may change them while the body streams.
      const headers = L.sortAndCombine(headerListOf(st));
      return L.drainStream(st.stream).then((bytes) => [st.status, headers, bytes]);
    }
    if (st.used) throw used();
    return [st.status, wireHeaders(headerListOf(st)), st.body];
  };
})(__wb);
