// SPDX-License-Identifier: Apache-2.0
//
// URL and URLSearchParams: the WHATWG URL Standard's basic URL parser
// (state machine, with the state overrides the setters use), host parsing
// (domains, IPv4 in all its numeric forms, IPv6, opaque hosts), the
// serializer and application/x-www-form-urlencoded.
//
// Known gap: international domain names are mapped with NFKC and lower
// case, then Punycode, which covers common names but is not full UTS #46
// (no validity checks of labels, no deviation characters).

(function (wb) {
  "use strict";

  const L = wb.lib;

  const specialPorts = { "ftp:": 21, "file:": null, "http:": 80, "https:": 443, "ws:": 80, "wss:": 443 };
  const isSpecialScheme = (s) => Object.prototype.hasOwnProperty.call(specialPorts, s + ":");
  const defaultPort = (s) => (isSpecialScheme(s) ? specialPorts[s + ":"] : null);

  const isAlpha = (c) => c !== undefined && /^[A-Za-z]$/.test(c);
  const isDigit = (c) => c !== undefined && c >= "0" && c <= "9";
  const isHex = (c) => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

  // ---- Percent-encoding ------------------------------------------------------

  // Code point predicates: true means "encode it".
  const c0Set = (c) => c < 0x20 || c > 0x7e;
  const fragmentSet = (c) => c0Set(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
  const querySet = (c) => c0Set(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
  const specialQuerySet = (c) => querySet(c) || c === 0x27;
  const pathSet = (c) => querySet(c) || c === 0x3f || c === 0x60 || c === 0x7b || c === 0x7d;
  const userinfoSet = (c) =>
    pathSet(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 || (c >= 0x5b && c <= 0x5d) || c === 0x7c;

  const hexByte = (b) => "%" + (b < 16 ? "0" : "") + b.toString(16).toUpperCase();

  function encodeCodePoint(cp, set) {
    const code = cp.codePointAt(0);
    if (!set(code)) return cp;
    let out = "";
    for (const b of L.utf8Encode(cp)) out += hexByte(b);
    return out;
  }

  function encodeString(s, set) {
    let out = "";
    for (const cp of s) out += encodeCodePoint(cp, set);
    return out;
  }

  // Percent-decodes the UTF-8 bytes of `s`.
  function percentDecode(s) {
    const bytes = L.utf8Encode(s);
    const out = new Uint8Array(bytes.length);
    let n = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x25 && i + 2 < bytes.length && isHexByte(bytes[i + 1]) && isHexByte(bytes[i + 2])) {
        out[n++] = parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16);
        i += 2;
      } else {
        out[n++] = b;
      }
    }
    return out.subarray(0, n);
  }
  const isHexByte = (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);

  // ---- Hosts -------------------------------------------------------------------

  const forbiddenHost = /[\x00\t\n\r #/:<>?@[\\\]^|]/;
  const forbiddenDomain = /[\x00-\x20#%/:<>?@[\\\]^|\x7f]/;

  function parseIPv4Number(s) {
    if (s === "") return NaN;
    let radix = 10;
    if (/^0[xX]/.test(s)) {
      s = s.slice(2);
      radix = 16;
    } else if (s.length > 1 && s[0] === "0") {
      s = s.slice(1);
      radix = 8;
    }
    if (s === "") return 0;
    const re = radix === 10 ? /^[0-9]+$/ : radix === 16 ? /^[0-9A-Fa-f]+$/ : /^[0-7]+$/;
    if (!re.test(s)) return NaN;
    return parseInt(s, radix);
  }

  function endsInANumber(s) {
    const parts = s.split(".");
    if (parts[parts.length - 1] === "") {
      if (parts.length === 1) return false;
      parts.pop();
    }
    const last = parts[parts.length - 1];
    if (last !== "" && /^[0-9]+$/.test(last)) return true;
    return !Number.isNaN(parseIPv4Number(last));
  }

  // Returns the serialized address or null (failure).
  function parseIPv4(s) {
    const parts = s.split(".");
    if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
    if (parts.length > 4) return null;
    const numbers = [];
    for (const p of parts) {
      const n = parseIPv4Number(p);
      if (Number.isNaN(n)) return null;
      numbers.push(n);
    }
    for (let i = 0; i < numbers.length - 1; i++) if (numbers[i] > 255) return null;
    if (numbers[numbers.length - 1] >= 256 ** (5 - numbers.length)) return null;
    let ipv4 = numbers[numbers.length - 1];
    for (let i = 0; i < numbers.length - 1; i++) ipv4 += numbers[i] * 256 ** (3 - i);
    const out = [];
    for (let i = 0; i < 4; i++) {
      out.unshift(String(ipv4 % 256));
      ipv4 = Math.floor(ipv4 / 256);
    }
    return out.join(".");
  }

  // Returns eight 16-bit pieces, or null.
  function parseIPv6(input) {
    const a = Array.from(input);
    const pieces = [0, 0, 0, 0, 0, 0, 0, 0];
    let index = 0;
    let compress = null;
    let p = 0;
    if (a[p] === ":") {
      if (a[p + 1] !== ":") return null;
      p += 2;
      compress = ++index;
    }
    while (p < a.length) {
      if (index === 8) return null;
      if (a[p] === ":") {
        if (compress !== null) return null;
        p++;
        compress = ++index;
        continue;
      }
      let value = 0;
      let length = 0;
      while (length < 4 && isHex(a[p])) {
        value = value * 16 + parseInt(a[p], 16);
        p++;
        length++;
      }
      if (a[p] === ".") {
        if (length === 0) return null;
        p -= length;
        if (index > 6) return null;
        let seen = 0;
        while (p < a.length) {
          let v4 = null;
          if (seen > 0) {
            if (a[p] === "." && seen < 4) p++;
            else return null;
          }
          if (!isDigit(a[p])) return null;
          while (isDigit(a[p])) {
            const n = Number(a[p]);
            if (v4 === null) v4 = n;
            else if (v4 === 0) return null;
            else v4 = v4 * 10 + n;
            if (v4 > 255) return null;
            p++;
          }
          pieces[index] = pieces[index] * 256 + v4;
          seen++;
          if (seen === 2 || seen === 4) index++;
        }
        if (seen !== 4) return null;
        break;
      } else if (a[p] === ":") {
        p++;
        if (p >= a.length) return null;
      } else if (p < a.length) {
        return null;
      }
      pieces[index++] = value;
    }
    if (compress !== null) {
      let swaps = index - compress;
      index = 7;
      while (index !== 0 && swaps > 0) {
        const t = pieces[compress + swaps - 1];
        pieces[compress + swaps - 1] = pieces[index];
        pieces[index] = t;
        index--;
        swaps--;
      }
    } else if (index !== 8) {
      return null;
    }
    return pieces;
  }

  function serializeIPv6(pieces) {
    // The first longest run of two or more zero pieces becomes "::".
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      let j = i;
      while (j < 8 && pieces[j] === 0) j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j === i ? i + 1 : j;
    }
    let out = "";
    for (let i = 0; i < 8; i++) {
      if (i === best) {
        out += i === 0 ? "::" : ":";
        i += bestLen - 1;
        continue;
      }
      out += pieces[i].toString(16) + (i < 7 ? ":" : "");
    }
    return out;
  }

  // Punycode (RFC 3492) encoding of one label.
  function punycode(label) {
    const cps = Array.from(label).map((c) => c.codePointAt(0));
    const adapt = (delta, numPoints, first) => {
      delta = first ? Math.floor(delta / 700) : delta >> 1;
      delta += Math.floor(delta / numPoints);
      let k = 0;
      while (delta > 455) {
        delta = Math.floor(delta / 35);
        k += 36;
      }
      return k + Math.floor((36 * delta) / (delta + 38));
    };
    const digit = (d) => String.fromCharCode(d < 26 ? d + 97 : d + 22);
    let out = cps.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join("");
    const basic = out.length;
    let handled = basic;
    if (basic > 0) out += "-";
    let n = 128;
    let delta = 0;
    let bias = 72;
    while (handled < cps.length) {
      const m = Math.min(...cps.filter((c) => c >= n));
      delta += (m - n) * (handled + 1);
      n = m;
      for (const c of cps) {
        if (c < n) delta++;
        if (c !== n) continue;
        let q = delta;
        for (let k = 36; ; k += 36) {
          const t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
          if (q < t) break;
          out += digit(t + ((q - t) % (36 - t)));
          q = Math.floor((q - t) / (36 - t));
        }
        out += digit(q);
        bias = adapt(delta, handled + 1, handled === basic);
        delta = 0;
        handled++;
      }
      delta++;
      n++;
    }
    return out;
  }

  function domainToASCII(domain) {
    let d = domain;
    if (/[^\x00-\x7f]/.test(d)) {
      d = d.normalize("NFKC").toLowerCase().normalize("NFC");
      d = d.replace(/[\u3002\uff0e\uff61]/g, ".").replace(/[\u00ad\u200b\u2060\ufeff\u034f\u180b-\u180d\ufe00-\ufe0f]/g, "");
      d = d
        .split(".")
        .map((label) => (/[^\x00-\x7f]/.test(label) ? "xn--" + punycode(label) : label))
        .join(".");
    } else {
      d = d.toLowerCase();
    }
    if (d === "" || forbiddenDomain.test(d)) return null;
    return d;
  }

  // The host parser: returns the serialized host, or null on failure.
  function parseHost(input, isOpaque) {
    if (input[0] === "[") {
      if (input[input.length - 1] !== "]") return null;
      const pieces = parseIPv6(input.slice(1, -1));
      return pieces === null ? null : `[${serializeIPv6(pieces)}]`;
    }
    if (isOpaque) {
      if (forbiddenHost.test(input)) return null;
      return encodeString(input, c0Set);
    }
    const ascii = domainToASCII(L.utf8Decode(percentDecode(input), false, true));
    if (ascii === null) return null;
    if (endsInANumber(ascii)) return parseIPv4(ascii);
    return ascii;
  }

  // ---- The parser ----------------------------------------------------------------

  const [SCHEME_START, SCHEME, NO_SCHEME, SPECIAL_RELATIVE_OR_AUTHORITY, PATH_OR_AUTHORITY, RELATIVE,
    RELATIVE_SLASH, SPECIAL_AUTHORITY_SLASHES, SPECIAL_AUTHORITY_IGNORE_SLASHES, AUTHORITY, HOST,
    HOSTNAME, PORT, FILE, FILE_SLASH, FILE_HOST, PATH_START, PATH, OPAQUE_PATH, QUERY,
    FRAGMENT] = Array.from({ length: 21 }, (_, i) => i + 1);

  // A URL record. `path` is an array of segments, or a string for an opaque
  // path; `host` is null or a serialized host; `port` null or a number.
  function newRecord() {
    return { scheme: "", username: "", password: "", host: null, port: null, path: [], query: null, fragment: null };
  }
  const hasOpaquePath = (r) => typeof r.path === "string";
  const includesCredentials = (r) => r.username !== "" || r.password !== "";
  const cannotHaveCredentials = (r) => r.host === null || r.host === "" || r.scheme === "file";

  const isWindowsDriveLetter = (s) => s.length === 2 && isAlpha(s[0]) && (s[1] === ":" || s[1] === "|");
  const isNormalizedDriveLetter = (s) => s.length === 2 && isAlpha(s[0]) && s[1] === ":";

  function startsWithDriveLetter(a, p) {
    if (a.length - p < 2 || !isWindowsDriveLetter(a[p] + a[p + 1])) return false;
    if (a.length - p === 2) return true;
    const c = a[p + 2];
    return c === "/" || c === "\\" || c === "?" || c === "#";
  }

  function shortenPath(url) {
    const path = url.path;
    if (url.scheme === "file" && path.length === 1 && isNormalizedDriveLetter(path[0])) return;
    path.pop();
  }

  const singleDot = (s) => s === "." || s.toLowerCase() === "%2e";
  const doubleDot = (s) => {
    const t = s.toLowerCase();
    return t === ".." || t === ".%2e" || t === "%2e." || t === "%2e%2e";
  };

  // ---- URLs already in serialized form ------------------------------------------

  // Most URLs a handler parses (the request's own, ones it builds) are
  // already what the serializer would write: http(s) or ws(s), a lower-case
  // ASCII domain, no credentials, no default port, a path without dot
  // segments, nothing the parser would percent-encode, no fragment. One
  // regular expression recognizes them and their record is built directly;
  // everything else goes through the state machine.
  const serializedURL =
    /^(https?|wss?):\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::([1-9][0-9]{0,4}))?(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*)(?:\?([A-Za-z0-9\-._~!$&()*+,;=:@%/?]*))?$/;
  // The host parser reads a last label like these as an IPv4 number...
  const numericLastLabel = /(?:^|\.)(?:[0-9]+|0x[0-9a-f]*)$/;
  // ...which it serializes back unchanged only in this form (four decimal
  // parts, 0-255, no leading zeros), the usual "127.0.0.1" of a Host header.
  const canonicalIPv4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?!$)|$)){4}$/;
  // ".", "..", "%2e" and the like as a whole segment: the path shrinks.
  const dotSegment = /\/(?:\.|%2e){1,2}(?=\/|$)/i;

  // The record of `input` if it is in serialized form, else null.
  function serializedRecord(input) {
    const m = serializedURL.exec(input);
    if (m === null || dotSegment.test(m[4])) return null;
    if (numericLastLabel.test(m[2]) && !canonicalIPv4.test(m[2])) return null;
    let port = null;
    if (m[3] !== undefined) {
      port = Number(m[3]);
      if (port > 65535 || port === specialPorts[m[1] + ":"]) return null;
    }
    const query = m[5] === undefined ? null : m[5];
    return { scheme: m[1], username: "", password: "", host: m[2], port, path: m[4].slice(1).split("/"), query, fragment: null };
  }

  // Runs the basic URL parser. Without `url`, parses `input` (against
  // `base`) and returns a new record or null. With `url` and `override`,
  // updates `url` in place as the setters do: what changed before a
  // failure stays changed, as in the standard.
  function parse(input, base, url, override) {
    if (!url) {
      // An absolute special URL does not depend on the base.
      const record = serializedRecord(input);
      if (record !== null) return record;
      url = newRecord();
      input = input.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, "");
    }
    const a = Array.from(input.replace(/[\t\n\r]/g, ""));
    let state = override || SCHEME_START;
    let buffer = "";
    let atSignSeen = false;
    let insideBrackets = false;
    let passwordTokenSeen = false;
    let p = 0;
    // "Set state to s and decrease pointer by 1": c is read again in s.
    const reconsume = (s) => {
      state = s;
      p--;
    };
    const copyBase = (fields) => {
      for (const f of fields) url[f] = f === "path" ? base.path.slice() : base[f];
    };
    const authority = ["username", "password", "host", "port"];
    const startQuery = () => {
      url.query = "";
      state = QUERY;
    };
    const startFragment = () => {
      url.fragment = "";
      state = FRAGMENT;
    };

    for (; ; p++) {
      const c = a[p];
      const special = isSpecialScheme(url.scheme);
      const endOfAuthority = c === undefined || c === "/" || c === "?" || c === "#" || (special && c === "\\");
      switch (state) {
        case SCHEME_START:
          if (isAlpha(c)) {
            buffer += c.toLowerCase();
            state = SCHEME;
          } else if (!override) reconsume(NO_SCHEME);
          else return null;
          break;

        case SCHEME:
          if (c !== undefined && /^[A-Za-z0-9+\-.]$/.test(c)) {
            buffer += c.toLowerCase();
          } else if (c === ":") {
            if (override) {
              if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return url;
              if ((includesCredentials(url) || url.port !== null) && buffer === "file") return url;
              if (url.scheme === "file" && url.host === "") return url;
            }
            url.scheme = buffer;
            if (override) {
              if (url.port === defaultPort(url.scheme)) url.port = null;
              return url;
            }
            buffer = "";
            if (url.scheme === "file") state = FILE;
            else if (isSpecialScheme(url.scheme) && base && base.scheme === url.scheme) state = SPECIAL_RELATIVE_OR_AUTHORITY;
            else if (isSpecialScheme(url.scheme)) state = SPECIAL_AUTHORITY_SLASHES;
            else if (a[p + 1] === "/") {
              state = PATH_OR_AUTHORITY;
              p++;
            } else {
              url.path = "";
              state = OPAQUE_PATH;
            }
          } else if (!override) {
            buffer = "";
            state = NO_SCHEME;
            p = -1; // start over
          } else return null;
          break;

        case NO_SCHEME:
          if (!base || (hasOpaquePath(base) && c !== "#")) return null;
          if (hasOpaquePath(base)) {
            copyBase(["scheme", "path", "query"]);
            startFragment();
          } else reconsume(base.scheme !== "file" ? RELATIVE : FILE);
          break;

        case SPECIAL_RELATIVE_OR_AUTHORITY:
        case SPECIAL_AUTHORITY_SLASHES:
          if (c === "/" && a[p + 1] === "/") {
            state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
            p++;
          } else reconsume(state === SPECIAL_AUTHORITY_SLASHES ? SPECIAL_AUTHORITY_IGNORE_SLASHES : RELATIVE);
          break;

        case PATH_OR_AUTHORITY:
          if (c === "/") state = AUTHORITY;
          else reconsume(PATH);
          break;

        case RELATIVE:
          url.scheme = base.scheme;
          if (c === "/" || (isSpecialScheme(url.scheme) && c === "\\")) {
            state = RELATIVE_SLASH;
          } else {
            copyBase(authority.concat(["path", "query"]));
            if (c === "?") startQuery();
            else if (c === "#") startFragment();
            else if (c !== undefined) {
              url.query = null;
              shortenPath(url);
              reconsume(PATH);
            }
          }
          break;

        case RELATIVE_SLASH:
          if (special && (c === "/" || c === "\\")) state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          else if (c === "/") state = AUTHORITY;
          else {
            copyBase(authority);
            reconsume(PATH);
          }
          break;

        case SPECIAL_AUTHORITY_IGNORE_SLASHES:
          if (c !== "/" && c !== "\\") reconsume(AUTHORITY);
          break;

        case AUTHORITY:
          if (c === "@") {
            if (atSignSeen) buffer = "%40" + buffer;
            atSignSeen = true;
            for (const cp of buffer) {
              if (cp === ":" && !passwordTokenSeen) {
                passwordTokenSeen = true;
                continue;
              }
              const enc = encodeCodePoint(cp, userinfoSet);
              if (passwordTokenSeen) url.password += enc;
              else url.username += enc;
            }
            buffer = "";
          } else if (endOfAuthority) {
            if (atSignSeen && buffer === "") return null;
            p -= Array.from(buffer).length + 1;
            buffer = "";
            state = HOST;
          } else buffer += c;
          break;

        case HOST:
        case HOSTNAME:
          if (override && url.scheme === "file") {
            reconsume(FILE_HOST);
          } else if (c === ":" && !insideBrackets) {
            if (buffer === "" || override === HOSTNAME) return null;
            const host = parseHost(buffer, !special);
            if (host === null) return null;
            url.host = host;
            buffer = "";
            state = PORT;
          } else if (endOfAuthority) {
            p--;
            if (special && buffer === "") return null;
            if (override && buffer === "" && (includesCredentials(url) || url.port !== null)) return null;
            const host = parseHost(buffer, !special);
            if (host === null) return null;
            url.host = host;
            buffer = "";
            state = PATH_START;
            if (override) return url;
          } else {
            if (c === "[") insideBrackets = true;
            if (c === "]") insideBrackets = false;
            buffer += c;
          }
          break;

        case PORT:
          if (isDigit(c)) {
            buffer += c;
          } else if (endOfAuthority || override) {
            if (buffer !== "") {
              const port = parseInt(buffer, 10);
              if (port > 65535) return null;
              url.port = port === defaultPort(url.scheme) ? null : port;
              buffer = "";
              if (override) return url;
            }
            if (override) return null;
            reconsume(PATH_START);
          } else return null;
          break;

        case FILE:
          url.scheme = "file";
          url.host = "";
          if (c === "/" || c === "\\") {
            state = FILE_SLASH;
          } else if (base && base.scheme === "file") {
            copyBase(["host", "path", "query"]);
            if (c === "?") startQuery();
            else if (c === "#") startFragment();
            else if (c !== undefined) {
              url.query = null;
              if (!startsWithDriveLetter(a, p)) shortenPath(url);
              else url.path = [];
              reconsume(PATH);
            }
          } else reconsume(PATH);
          break;

        case FILE_SLASH:
          if (c === "/" || c === "\\") {
            state = FILE_HOST;
          } else {
            if (base && base.scheme === "file") {
              url.host = base.host;
              if (!startsWithDriveLetter(a, p) && base.path.length > 0 && isNormalizedDriveLetter(base.path[0])) {
                url.path.push(base.path[0]);
              }
            }
            reconsume(PATH);
          }
          break;

        case FILE_HOST:
          if (c === undefined || c === "/" || c === "\\" || c === "?" || c === "#") {
            p--;
            if (!override && isWindowsDriveLetter(buffer)) {
              state = PATH;
            } else if (buffer === "") {
              url.host = "";
              if (override) return url;
              state = PATH_START;
            } else {
              const host = parseHost(buffer, !special);
              if (host === null) return null;
              url.host = host === "localhost" ? "" : host;
              if (override) return url;
              buffer = "";
              state = PATH_START;
            }
          } else buffer += c;
          break;

        case PATH_START:
          if (special) {
            state = PATH;
            if (c !== "/" && c !== "\\") p--;
          } else if (!override && c === "?") startQuery();
          else if (!override && c === "#") startFragment();
          else if (c !== undefined) {
            state = PATH;
            if (c !== "/") p--;
          } else if (override && url.host === null) url.path.push("");
          break;

        case PATH:
          if (c === undefined || c === "/" || (special && c === "\\") || (!override && (c === "?" || c === "#"))) {
            const slash = c === "/" || (special && c === "\\");
            if (doubleDot(buffer)) {
              shortenPath(url);
              if (!slash) url.path.push("");
            } else if (singleDot(buffer) && !slash) {
              url.path.push("");
            } else if (!singleDot(buffer)) {
              if (url.scheme === "file" && url.path.length === 0 && isWindowsDriveLetter(buffer)) {
                buffer = buffer[0] + ":";
              }
              url.path.push(buffer);
            }
            buffer = "";
            if (c === "?") startQuery();
            if (c === "#") startFragment();
          } else buffer += encodeCodePoint(c, pathSet);
          break;

        case OPAQUE_PATH:
          if (c === "?") startQuery();
          else if (c === "#") startFragment();
          else if (c !== undefined) url.path += encodeCodePoint(c, c0Set);
          break;

        case QUERY:
          if ((!override && c === "#") || c === undefined) {
            url.query += encodeString(buffer, special ? specialQuerySet : querySet);
            buffer = "";
            if (c === "#") startFragment();
          } else buffer += c;
          break;

        case FRAGMENT:
          if (c !== undefined) url.fragment += encodeCodePoint(c, fragmentSet);
          break;
      }
      if (p >= a.length) return url;
    }
  }

  function serialize(url, excludeFragment) {
    let out = url.scheme + ":";
    if (url.host !== null) {
      out += "//";
      if (includesCredentials(url)) {
        out += url.username;
        if (url.password !== "") out += ":" + url.password;
        out += "@";
      }
      out += url.host;
      if (url.port !== null) out += ":" + url.port;
    }
    if (hasOpaquePath(url)) {
      out += url.path;
    } else {
      if (url.host === null && url.path.length > 1 && url.path[0] === "") out += "/.";
      for (const seg of url.path) out += "/" + seg;
    }
    if (url.query !== null) out += "?" + url.query;
    if (!excludeFragment && url.fragment !== null) out += "#" + url.fragment;
    return out;
  }

  function serializeOrigin(url) {
    if (url.scheme === "blob") {
      const inner = parse(hasOpaquePath(url) ? url.path : url.path.join("/"), null);
      if (inner !== null && (inner.scheme === "http" || inner.scheme === "https")) return serializeOrigin(inner);
      return "null";
    }
    if (["ftp", "http", "https", "ws", "wss"].includes(url.scheme)) {
      return url.scheme + "://" + url.host + (url.port !== null ? ":" + url.port : "");
    }
    return "null";
  }

  // ---- application/x-www-form-urlencoded -------------------------------------

  function formParse(input) {
    const out = [];
    for (const seq of input.split("&")) {
      if (seq === "") continue;
      const eq = seq.indexOf("=");
      const name = eq === -1 ? seq : seq.slice(0, eq);
      const value = eq === -1 ? "" : seq.slice(eq + 1);
      out.push([formDecode(name), formDecode(value)]);
    }
    return out;
  }

  function formDecode(s) {
    s = s.replace(/\+/g, " ");
    if (!s.includes("%")) return s;
    return L.utf8Decode(percentDecode(s), false, true);
  }

  function formEncode(s) {
    let out = "";
    for (const b of L.utf8Encode(s)) {
      if (b === 0x20) out += "+";
      else if (/[A-Za-z0-9*\-._]/.test(String.fromCharCode(b))) out += String.fromCharCode(b);
      else out += hexByte(b);
    }
    return out;
  }

  const formSerialize = (list) => list.map((p) => formEncode(p[0]) + "=" + formEncode(p[1])).join("&");
  L.formSerialize = formSerialize;

  // ---- URLSearchParams -----------------------------------------------------------

  // state: { list: [[name, value]...], url: URL state or null }
  const paramsState = new WeakMap();
  const paramsOf = (o) => L.stateOf(paramsState, o, "URLSearchParams");

  // After a change of the list, the URL's query follows it.
  function updateURL(st) {
    if (st.url === null) return;
    const s = formSerialize(st.list);
    st.url.record.query = s === "" ? null : s;
    if (s === "") stripTrailingSpaces(st.url.record);
  }

  // An opaque path loses its trailing spaces once nothing follows it.
  function stripTrailingSpaces(url) {
    if (!hasOpaquePath(url) || url.fragment !== null || url.query !== null) return;
    url.path = url.path.replace(/ +$/, "");
  }

  class URLSearchParams {
    constructor(init = "") {
      const st = { list: [], url: null };
      paramsState.set(this, st);
      if ((typeof init === "object" && init !== null) || typeof init === "function") {
        if (typeof init[Symbol.iterator] === "function") {
          for (const pair of init) {
            if ((typeof pair !== "object" && typeof pair !== "function") || pair === null || typeof pair[Symbol.iterator] !== "function") {
              throw new TypeError("Failed to construct 'URLSearchParams': The provided value cannot be converted to a sequence.");
            }
            const items = Array.from(pair);
            if (items.length !== 2) {
              throw new TypeError("Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements");
            }
            st.list.push([L.usv(items[0]), L.usv(items[1])]);
          }
        } else {
          for (const key of Reflect.ownKeys(init)) {
            if (typeof key !== "string") continue;
            const d = Reflect.getOwnPropertyDescriptor(init, key);
            if (d !== undefined && d.enumerable) st.list.push([L.usv(key), L.usv(init[key])]);
          }
        }
      } else {
        const s = L.usv(init);
        st.list = formParse(s[0] === "?" ? s.slice(1) : s);
      }
    }
    get size() {
      return paramsOf(this).list.length;
    }
    append(name, value) {
      const st = paramsOf(this);
      L.requireArgs(arguments, 2, "Failed to execute 'append' on 'URLSearchParams'");
      st.list.push([L.usv(name), L.usv(value)]);
      updateURL(st);
    }
    delete(name, value = undefined) {
      const st = paramsOf(this);
      L.requireArgs(arguments, 1, "Failed to execute 'delete' on 'URLSearchParams'");
      const n = L.usv(name);
      const v = value === undefined ? undefined : L.usv(value);
      st.list = st.list.filter((p) => !(p[0] === n && (v === undefined || p[1] === v)));
      updateURL(st);
    }
    get(name) {
      const st = paramsOf(this);
      L.requireArgs(arguments, 1, "Failed to execute 'get' on 'URLSearchParams'");
      const n = L.usv(name);
      const p = st.list.find((q) => q[0] === n);
      return p === undefined ? null : p[1];
    }
    getAll(name) {
      const st = paramsOf(this);
      L.requireArgs(arguments, 1, "Failed to execute 'getAll' on 'URLSearchParams'");
      const n = L.usv(name);
      return st.list.filter((q) => q[0] === n).map((q) => q[1]);
    }
    has(name, value = undefined) {
      const st = paramsOf(this);
      L.requireArgs(arguments, 1, "Failed to execute 'has' on 'URLSearchParams'");
      const n = L.usv(name);
      const v = value === undefined ? undefined : L.usv(value);
      return st.list.some((p) => p[0] === n && (v === undefined || p[1] === v));
    }
    set(name, value) {
      const st = paramsOf(this);
      L.requireArgs(arguments, 2, "Failed to execute 'set' on 'URLSearchParams'");
      const n = L.usv(name);
      const v = L.usv(value);
      const i = st.list.findIndex((p) => p[0] === n);
      if (i === -1) {
        st.list.push([n, v]);
      } else {
        st.list[i][1] = v;
        st.list = st.list.filter((p, j) => j <= i || p[0] !== n);
      }
      updateURL(st);
    }
    sort() {
      const st = paramsOf(this);
      // Stable sort by UTF-16 code units of the names.
      st.list = st.list
        .map((p, i) => [p, i])
        .sort((x, y) => (x[0][0] < y[0][0] ? -1 : x[0][0] > y[0][0] ? 1 : x[1] - y[1]))
        .map((x) => x[0]);
      updateURL(st);
    }
    toString() {
      return formSerialize(paramsOf(this).list);
    }
  }
  L.setTag(URLSearchParams, "URLSearchParams");
  L.enumerable(URLSearchParams, ["size", "append", "delete", "get", "getAll", "has", "set", "sort", "toString"]);
  L.addPairMethods(URLSearchParams, "URLSearchParams Iterator", (o) => paramsOf(o).list);
  L.inspectHooks.set(URLSearchParams.prototype, (o) => ({ entries: paramsOf(o).list, arrow: true }));
  L.paramsList = (o) => paramsOf(o).list;
  L.isURLSearchParams = (o) => typeof o === "object" && o !== null && paramsState.has(o);

  // ---- URL -----------------------------------------------------------------------

  // state: { record, params (URLSearchParams, or null until asked for) }
  const urlState = new WeakMap();
  const urlOf = (o) => L.stateOf(urlState, o, "URL");

  function setQueryList(st) {
    if (st.params !== null) paramsOf(st.params).list = st.record.query === null ? [] : formParse(st.record.query);
  }

  // Parses (url, base) to a record, or null.
  function parseWithBase(url, base) {
    let baseRecord = null;
    if (base !== undefined) {
      baseRecord = parse(L.usv(base), null);
      if (baseRecord === null) return null;
    }
    return parse(L.usv(url), baseRecord);
  }
  L.parseURL = (url, base) => {
    const r = parseWithBase(url, base);
    return r === null ? null : serialize(r);
  };
  // The serialization of the string `url` (null if it is no URL): `url`
  // itself, unparsed, when it is already in serialized form.
  L.serializeURL = (url) => (serializedRecord(url) !== null ? url : L.parseURL(url));

  // The URLSearchParams of a URL are made when first asked for.
  function paramsOfURL(st) {
    if (st.params === null) {
      st.params = new URLSearchParams();
      paramsOf(st.params).url = st;
      setQueryList(st);
    }
    return st.params;
  }

  class URL {
    constructor(url, base = undefined) {
      L.requireArgs(arguments, 1, "Failed to construct 'URL'");
      const record = parseWithBase(url, base);
      if (record === null) throw new TypeError("Invalid URL");
      urlState.set(this, { record, params: null });
    }
    static canParse(url, base = undefined) {
      L.requireArgs(arguments, 1, "Failed to execute 'canParse' on 'URL'");
      return parseWithBase(url, base) !== null;
    }
    get href() {
      return serialize(urlOf(this).record);
    }
    set href(value) {
      const st = urlOf(this);
      const record = parse(L.usv(value), null);
      if (record === null) throw new TypeError("Invalid URL");
      st.record = record;
      setQueryList(st);
    }
    get origin() {
      return serializeOrigin(urlOf(this).record);
    }
    get protocol() {
      return urlOf(this).record.scheme + ":";
    }
    set protocol(value) {
      const st = urlOf(this);
      parse(L.usv(value) + ":", null, st.record, SCHEME_START);
    }
    get username() {
      return urlOf(this).record.username;
    }
    set username(value) {
      const r = urlOf(this).record;
      if (cannotHaveCredentials(r)) return;
      r.username = encodeString(L.usv(value), userinfoSet);
    }
    get password() {
      return urlOf(this).record.password;
    }
    set password(value) {
      const r = urlOf(this).record;
      if (cannotHaveCredentials(r)) return;
      r.password = encodeString(L.usv(value), userinfoSet);
    }
    get host() {
      const r = urlOf(this).record;
      if (r.host === null) return "";
      return r.port === null ? r.host : r.host + ":" + r.port;
    }
    set host(value) {
      const st = urlOf(this);
      if (hasOpaquePath(st.record)) return;
      parse(L.usv(value), null, st.record, HOST);
    }
    get hostname() {
      const r = urlOf(this).record;
      return r.host === null ? "" : r.host;
    }
    set hostname(value) {
      const st = urlOf(this);
      if (hasOpaquePath(st.record)) return;
      parse(L.usv(value), null, st.record, HOSTNAME);
    }
    get port() {
      const r = urlOf(this).record;
      return r.port === null ? "" : String(r.port);
    }
    set port(value) {
      const st = urlOf(this);
      if (cannotHaveCredentials(st.record)) return;
      const s = L.usv(value);
      if (s === "") st.record.port = null;
      else parse(s, null, st.record, PORT);
    }
    get pathname() {
      const r = urlOf(this).record;
      if (hasOpaquePath(r)) return r.path;
      return r.path.length === 0 ? "" : "/" + r.path.join("/");
    }
    set pathname(value) {
      const st = urlOf(this);
      if (hasOpaquePath(st.record)) return;
      st.record.path = [];
      parse(L.usv(value), null, st.record, PATH_START);
    }
    get search() {
      const q = urlOf(this).record.query;
      return q === null || q === "" ? "" : "?" + q;
    }
    set search(value) {
      const st = urlOf(this);
      const s = L.usv(value);
      if (s === "") {
        st.record.query = null;
        setQueryList(st);
        stripTrailingSpaces(st.record);
        return;
      }
      const input = s[0] === "?" ? s.slice(1) : s;
      st.record.query = "";
      parse(input, null, st.record, QUERY);
      if (st.params !== null) paramsOf(st.params).list = formParse(input);
    }
    get searchParams() {
      return paramsOfURL(urlOf(this));
    }
    get hash() {
      const f = urlOf(this).record.fragment;
      return f === null || f === "" ? "" : "#" + f;
    }
    set hash(value) {
      const st = urlOf(this);
      const s = L.usv(value);
      if (s === "") {
        st.record.fragment = null;
        stripTrailingSpaces(st.record);
        return;
      }
      st.record.fragment = "";
      parse(s[0] === "#" ? s.slice(1) : s, null, st.record, FRAGMENT);
    }
    toString() {
      return serialize(urlOf(this).record);
    }
    toJSON() {
      return serialize(urlOf(this).record);
    }
  }

  L.setTag(URL, "URL");
  const urlAttributes = ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "searchParams", "hash"];
  L.enumerable(URL, urlAttributes.concat(["toString", "toJSON"]));
  L.inspectHooks.set(URL.prototype, (u) => ({ entries: urlAttributes.map((k) => [k, u[k]]) }));
  L.platformClasses.push(URL, URLSearchParams);
  L.defineGlobal("URL", URL);
  L.defineGlobal("URLSearchParams", URLSearchParams);
})(__wb);
