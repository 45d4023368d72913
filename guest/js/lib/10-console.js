// SPDX-License-Identifier: Apache-2.0
//
// console: formatting of values as Node's util.inspect and util.format do
// (same layout rules: depth 2, 80 columns, compact 3, grouping of long
// arrays), written to the runner's log with a level per method.

(function (wb) {
  "use strict";

  const L = wb.lib;
  const nativeLog = wb.log;

  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const isEnumerable = (o, k) => Object.prototype.propertyIsEnumerable.call(o, k);
  const objectTag = (v) => Object.prototype.toString.call(v);

  const kObjectType = 0;
  const kArrayType = 1;
  const kArrayExtrasType = 2;

  const is = L.is;
  const mapSize = L.mapSize;
  const setSize = L.setSize;
  const isPromise = (v) => v instanceof Promise;
  const boxes = [
    ["Number", is.number, Number.prototype.valueOf],
    ["String", is.string, String.prototype.valueOf],
    ["Boolean", is.boolean, Boolean.prototype.valueOf],
    ["BigInt", is.bigint, BigInt.prototype.valueOf],
    ["Symbol", is.symbol, Symbol.prototype.valueOf],
  ];
  const AsyncFunctionProto = Object.getPrototypeOf(async function () {});
  const GeneratorFunctionProto = Object.getPrototypeOf(function* () {});
  const AsyncGeneratorFunctionProto = Object.getPrototypeOf(async function* () {});

  // ---- Strings ---------------------------------------------------------------

  const keyStrRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

  function escapeChar(c) {
    switch (c) {
      case "\b": return "\\b";
      case "\t": return "\\t";
      case "\n": return "\\n";
      case "\f": return "\\f";
      case "\r": return "\\r";
      case "'": return "\\'";
      case "\\": return "\\\\";
    }
    const code = c.charCodeAt(0);
    if (code >= 0xd800) return "\\u" + code.toString(16).toUpperCase();
    return "\\x" + code.toString(16).toUpperCase().padStart(2, "0");
  }

  // A string literal in the quotes that need the least escaping.
  function strEscape(str) {
    let quote = "'";
    let re = /[\x00-\x1f\x27\x5c\x7f-\x9f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
    if (str.includes("'")) {
      if (!str.includes('"')) quote = '"';
      else if (!str.includes("`") && !str.includes("${")) quote = "`";
      if (quote !== "'") {
        re = /[\x00-\x1f\x5c\x7f-\x9f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
      }
    }
    return quote + str.replace(re, escapeChar) + quote;
  }

  const formatNumber = (n) => (Object.is(n, -0) ? "-0" : String(n));

  function formatPrimitive(ctx, value) {
    switch (typeof value) {
      case "string": {
        let trailer = "";
        if (value.length > ctx.maxStringLength) {
          const remaining = value.length - ctx.maxStringLength;
          value = value.slice(0, ctx.maxStringLength);
          trailer = `... ${remaining} more character${remaining > 1 ? "s" : ""}`;
        }
        // Long strings are cut after each newline, one literal per line.
        if (value.length > 16 && value.length > ctx.breakLength - ctx.indentationLvl - 4) {
          const lines = value.split(/(?<=\n)/);
          if (lines.length > 1) {
            const sep = ` +\n${" ".repeat(ctx.indentationLvl + 2)}`;
            return lines.map(strEscape).join(sep) + trailer;
          }
        }
        return strEscape(value) + trailer;
      }
      case "number":
        return formatNumber(value);
      case "bigint":
        return `${value}n`;
      case "symbol":
        return value.toString();
      default:
        return String(value);
    }
  }

  // ---- Objects ---------------------------------------------------------------

  function getConstructorName(obj) {
    let firstProto;
    for (let o = obj; o; ) {
      const d = Object.getOwnPropertyDescriptor(o, "constructor");
      if (d !== undefined && typeof d.value === "function" && d.value.name !== "") return d.value.name;
      o = Object.getPrototypeOf(o);
      if (firstProto === undefined) firstProto = o;
    }
    return firstProto === null ? null : "Object";
  }

  function getPrefix(constructor, tag, fallback, size = "") {
    if (constructor === null) {
      if (tag !== "" && fallback !== tag) {
        return `[${fallback}${size}: null prototype] [${tag}] `;
      }
      return `[${fallback}${size}: null prototype] `;
    }
    if (tag !== "" && constructor !== tag) return `${constructor}${size} [${tag}] `;
    return `${constructor}${size} `;
  }

  function getKeys(value, showHidden) {
    const symbols = Object.getOwnPropertySymbols(value);
    const keys = showHidden ? Object.getOwnPropertyNames(value) : Object.keys(value);
    for (const s of symbols) if (showHidden || isEnumerable(value, s)) keys.push(s);
    return keys;
  }

  const isIndex = (k) => typeof k === "string" && /^(0|[1-9][0-9]*)$/.test(k) && Number(k) < 4294967295;

  function getNonIndexKeys(value, showHidden) {
    return getKeys(value, showHidden).filter((k) => !isIndex(k));
  }

  // Functions of code loaded as bytecode have no source text, so classes
  // are told apart by their non-writable `prototype` (functions have a
  // writable one), built-in constructors excepted.
  const builtinCtors = new Set();
  for (const n of Object.getOwnPropertyNames(globalThis)) {
    const d = Object.getOwnPropertyDescriptor(globalThis, n);
    if (d && typeof d.value === "function") builtinCtors.add(d.value);
  }

  function isClassLike(fn) {
    const d = Object.getOwnPropertyDescriptor(fn, "prototype");
    return d !== undefined && d.writable === false && !builtinCtors.has(fn);
  }

  function getFunctionBase(value, constructor, tag) {
    let source = "";
    try {
      source = Function.prototype.toString.call(value);
    } catch (e) {
      // Not a function with source text.
    }
    if ((source.startsWith("class") && source.endsWith("}")) || (source.endsWith("[native code]\n}") && isClassLike(value))) {
      const name = (hasOwn(value, "name") && value.name) || "(anonymous)";
      let base = `class ${name}`;
      if (constructor !== "Function" && constructor !== null) base += ` [${constructor}]`;
      if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
      if (constructor !== null) {
        const superName = Object.getPrototypeOf(value).name;
        if (superName) base += ` extends ${superName}`;
      } else {
        base += " extends [null prototype]";
      }
      return `[${base}]`;
    }
    const proto = Object.getPrototypeOf(value);
    let type = "Function";
    if (proto === GeneratorFunctionProto) type = "GeneratorFunction";
    else if (proto === AsyncFunctionProto) type = "AsyncFunction";
    else if (proto === AsyncGeneratorFunctionProto) type = "AsyncGeneratorFunction";
    let base = `[${type}`;
    if (constructor === null) base += " (null prototype)";
    base += value.name === "" || typeof value.name !== "string" ? " (anonymous)" : `: ${value.name}`;
    base += "]";
    if (constructor !== type && constructor !== null) base += ` ${constructor}`;
    if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
    return base;
  }

  // QuickJS stacks hold only the frames ("    at f (file:1)"); the header
  // line "Name: message" that V8 puts first is added here.
  function errorText(err) {
    let header;
    try {
      header = Error.prototype.toString.call(err);
    } catch (e) {
      header = "Error";
    }
    const stack = err.stack;
    if (typeof stack !== "string" || stack === "") return header;
    if (/^\s+at /.test(stack)) return `${header}\n${stack.replace(/\n+$/, "")}`;
    return stack.replace(/\n+$/, "");
  }

  function formatError(err, constructor, tag, ctx) {
    let stack = errorText(err);
    const name = String(err.name || "Error");
    let len = name.length;
    if (
      constructor === null ||
      (name.endsWith("Error") &&
        stack.startsWith(name) &&
        (stack.length === len || stack[len] === ":" || stack[len] === "\n"))
    ) {
      let fallback = "Error";
      if (constructor === null) {
        const start = stack.match(/^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n {4}at)/) || stack.match(/^([a-z_A-Z0-9-]*Error)$/);
        fallback = (start && start[1]) || "";
        len = fallback.length;
        fallback = fallback || "Error";
      }
      const prefix = getPrefix(constructor, tag, fallback).slice(0, -1);
      if (name !== prefix) {
        if (prefix.includes(name)) {
          stack = len === 0 ? `${prefix}: ${stack}` : `${prefix}${stack.slice(len)}`;
        } else {
          stack = `${prefix} [${name}]${stack.slice(len)}`;
        }
      }
    }
    const message = typeof err.message === "string" ? err.message : "";
    let pos = (message && stack.indexOf(message)) || -1;
    if (pos !== -1) pos += message.length;
    if (stack.indexOf("\n    at", pos) === -1) stack = `[${stack}]`;
    if (ctx.indentationLvl !== 0) {
      stack = stack.replace(/\n/g, `\n${" ".repeat(ctx.indentationLvl)}`);
    }
    return stack;
  }

  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (typeof value !== "object" && typeof value !== "function") return formatPrimitive(ctx, value);
    if (value === null) return "null";
    if (ctx.seen.includes(value)) {
      if (ctx.circular === undefined) ctx.circular = new Map();
      let index = ctx.circular.get(value);
      if (index === undefined) {
        index = ctx.circular.size + 1;
        ctx.circular.set(value, index);
      }
      return `[Circular *${index}]`;
    }
    return formatRaw(ctx, value, recurseTimes, typedArray);
  }

  function more(n, what) {
    return `... ${n} more ${what}${n > 1 ? "s" : ""}`;
  }

  function formatList(ctx, value, recurseTimes, items, fmt) {
    const output = [];
    ctx.indentationLvl += 2;
    for (const item of items) {
      if (output.length >= ctx.maxArrayLength) break;
      output.push(fmt(item));
    }
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatSetEntries(ctx, value, recurseTimes) {
    const size = setSize.call(value);
    const output = formatList(ctx, value, recurseTimes, Set.prototype.values.call(value), (v) =>
      formatValue(ctx, v, recurseTimes)
    );
    if (size > output.length) output.push(more(size - output.length, "item"));
    if (ctx.showHidden) output.push(`[size]: ${size}`);
    return output;
  }

  function formatMapEntries(ctx, value, recurseTimes) {
    const size = mapSize.call(value);
    const output = formatList(ctx, value, recurseTimes, Map.prototype.entries.call(value), (e) =>
      `${formatValue(ctx, e[0], recurseTimes)} => ${formatValue(ctx, e[1], recurseTimes)}`
    );
    if (size > output.length) output.push(more(size - output.length, "item"));
    if (ctx.showHidden) output.push(`[size]: ${size}`);
    return output;
  }

  function formatArray(ctx, value, recurseTimes) {
    const length = value.length;
    const output = [];
    let index = 0;
    // Runs of holes print as "<n empty items>", as in Node.
    while (index < length && output.length < ctx.maxArrayLength) {
      if (hasOwn(value, index)) {
        output.push(formatProperty(ctx, value, recurseTimes, index, kArrayType));
        index++;
        continue;
      }
      let end = index + 1;
      while (end < length && !hasOwn(value, end)) end++;
      const n = end - index;
      output.push(`<${n} empty item${n > 1 ? "s" : ""}>`);
      index = end;
    }
    if (index < length) output.push(more(length - index, "item"));
    return output;
  }

  function formatTypedArray(ctx, value, recurseTimes) {
    const length = value.length;
    const max = Math.min(ctx.maxArrayLength, length);
    const output = [];
    for (let i = 0; i < max; i++) {
      output.push(typeof value[i] === "bigint" ? `${value[i]}n` : formatNumber(value[i]));
    }
    if (length > max) output.push(more(length - max, "item"));
    if (ctx.showHidden) {
      ctx.indentationLvl += 2;
      for (const key of ["BYTES_PER_ELEMENT", "length", "byteLength", "byteOffset", "buffer"]) {
        output.push(`[${key}]: ${formatValue(ctx, value[key], recurseTimes, true)}`);
      }
      ctx.indentationLvl -= 2;
    }
    return output;
  }

  function formatArrayBuffer(ctx, value) {
    const bytes = new Uint8Array(value);
    const n = Math.min(ctx.maxArrayLength, bytes.length);
    let hex = "";
    for (let i = 0; i < n; i++) hex += (i ? " " : "") + bytes[i].toString(16).padStart(2, "0");
    if (bytes.length > n) hex += ` ${more(bytes.length - n, "byte")}`;
    return [`[Uint8Contents]: <${hex}>`];
  }

  function formatProperty(ctx, value, recurseTimes, key, type) {
    let str;
    const desc = Object.getOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
    if (desc.value !== undefined) {
      ctx.indentationLvl += 2;
      str = formatValue(ctx, desc.value, recurseTimes);
      ctx.indentationLvl -= 2;
    } else if (desc.get !== undefined) {
      str = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
    } else if (desc.set !== undefined) {
      str = "[Setter]";
    } else {
      str = "undefined";
    }
    if (type === kArrayType) return str;
    return `${formatKey(key, desc.enumerable)}: ${str}`;
  }

  function formatKey(key, enumerable) {
    if (typeof key === "symbol") return `[${key.toString().replace(/[\x00-\x1f\x27\x5c]/g, escapeChar)}]`;
    if (enumerable === false) return `[${key.replace(/[\x00-\x1f\x27\x5c]/g, escapeChar)}]`;
    if (keyStrRegExp.test(key)) return key;
    return strEscape(key);
  }

  // Columns for arrays of more than six short entries, as Node prints them.
  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    let outputLength = output.length;
    // The "... n more items" line stays out of the columns.
    if (ctx.maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2;
    const dataLen = new Array(outputLength);
    for (let i = 0; i < outputLength; i++) {
      const len = output[i].length;
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
      const averageBias = Math.sqrt(actualMax - totalLength / output.length);
      const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
      const columns = Math.min(
        Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
        Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
        ctx.compact * 4,
        15
      );
      if (columns <= 1) return output;
      const maxLineLength = [];
      for (let i = 0; i < columns; i++) {
        let lineLength = 0;
        for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
        maxLineLength.push(lineLength + separatorSpace);
      }
      let padStart = true;
      if (value !== undefined) {
        for (let i = 0; i < output.length; i++) {
          if (typeof value[i] !== "number" && typeof value[i] !== "bigint") {
            padStart = false;
            break;
          }
        }
      }
      const tmp = [];
      for (let i = 0; i < outputLength; i += columns) {
        const max = Math.min(i + columns, outputLength);
        let str = "";
        let j = i;
        for (; j < max - 1; j++) {
          const cell = `${output[j]}, `;
          str += padStart ? cell.padStart(maxLineLength[j - i], " ") : cell.padEnd(maxLineLength[j - i], " ");
        }
        str += padStart ? output[j].padStart(maxLineLength[j - i] - separatorSpace, " ") : output[j];
        tmp.push(str);
      }
      for (let i = outputLength; i < output.length; i++) tmp.push(output[i]);
      return tmp;
    }
    return output;
  }

  function isBelowBreakLength(ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > ctx.breakLength) return false;
    for (const entry of output) {
      totalLength += entry.length;
      if (totalLength > ctx.breakLength) return false;
    }
    return base === "" || !base.includes("\n");
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    const entries = output.length;
    if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
    if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
      const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
      if (isBelowBreakLength(ctx, output, start, base)) {
        const joined = output.join(", ");
        if (!joined.includes("\n")) {
          return `${base ? `${base} ` : ""}${braces[0]} ${joined} ${braces[1]}`;
        }
      }
    }
    const indentation = `\n${" ".repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ""}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }

  function platformHook(value) {
    for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
      const hook = L.inspectHooks.get(p);
      if (hook !== undefined) return hook;
    }
    return undefined;
  }

  function formatRaw(ctx, value, recurseTimes, typedArray) {
    let keys;
    const constructor = getConstructorName(value);
    let tag;
    try {
      tag = value[Symbol.toStringTag];
    } catch (e) {
      tag = "";
    }
    if (typeof tag !== "string" || (tag !== "" && (ctx.showHidden ? hasOwn : isEnumerable)(value, Symbol.toStringTag))) {
      tag = "";
    }
    let base = "";
    let formatter = () => [];
    let braces;
    let extrasType = kObjectType;
    const taName = L.typedArrayName(value);
    let hook;

    if (Array.isArray(value)) {
      keys = getNonIndexKeys(value, ctx.showHidden);
      const prefix = constructor !== "Array" || tag !== "" ? getPrefix(constructor, tag, "Array", `(${value.length})`) : "";
      braces = [`${prefix}[`, "]"];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasType = kArrayExtrasType;
      formatter = formatArray;
    } else if (is.set(value)) {
      keys = getKeys(value, ctx.showHidden);
      const prefix = getPrefix(constructor, tag, "Set", `(${setSize.call(value)})`);
      if (setSize.call(value) === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, "}"];
      formatter = formatSetEntries;
    } else if (is.map(value)) {
      keys = getKeys(value, ctx.showHidden);
      const prefix = getPrefix(constructor, tag, "Map", `(${mapSize.call(value)})`);
      if (mapSize.call(value) === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, "}"];
      formatter = formatMapEntries;
    } else if (taName !== undefined) {
      keys = getNonIndexKeys(value, ctx.showHidden);
      const prefix = getPrefix(constructor === null ? null : constructor, tag === taName ? "" : tag, taName, `(${value.length})`);
      braces = [`${prefix}[`, "]"];
      if (value.length === 0 && keys.length === 0 && !ctx.showHidden) return `${braces[0]}]`;
      formatter = formatTypedArray;
      extrasType = kArrayExtrasType;
    } else {
      keys = getKeys(value, ctx.showHidden);
      braces = ["{", "}"];
      const box = boxes.find((b) => b[1](value));
      if (typeof value === "function") {
        base = getFunctionBase(value, constructor, tag);
        if (keys.length === 0) return base;
      } else if (constructor === "Object") {
        if (objectTag(value) === "[object Arguments]") braces[0] = "[Arguments] {";
        else if (tag !== "") braces[0] = `${getPrefix(constructor, tag, "Object")}{`;
        if (keys.length === 0) return `${braces[0]}}`;
      } else if (is.regexp(value)) {
        base = RegExp.prototype.toString.call(value);
        const prefix = getPrefix(constructor, tag, "RegExp");
        if (prefix !== "RegExp ") base = `${prefix}${base}`;
        if (keys.length === 0 || recurseTimes > ctx.depth) return base;
      } else if (is.date(value)) {
        const t = Date.prototype.getTime.call(value);
        base = Number.isNaN(t) ? "Invalid Date" : Date.prototype.toISOString.call(value);
        const prefix = getPrefix(constructor, tag, "Date");
        if (prefix !== "Date ") base = `${prefix}${base}`;
        if (keys.length === 0) return base;
      } else if (is.error(value)) {
        base = formatError(value, constructor, tag, ctx);
        if (keys.length === 0) return base;
      } else if (L.isArrayBuffer(value)) {
        const prefix = getPrefix(constructor, tag, "ArrayBuffer");
        if (typedArray === undefined) formatter = formatArrayBuffer;
        else if (keys.length === 0) return `${prefix}{ byteLength: ${value.byteLength} }`;
        braces[0] = `${prefix}{`;
        keys.unshift("byteLength");
      } else if (is.dataView(value)) {
        braces[0] = `${getPrefix(constructor, tag, "DataView")}{`;
        keys.unshift("byteLength", "byteOffset", "buffer");
      } else if (isPromise(value)) {
        // QuickJS does not expose the state of a promise.
        braces[0] = `${getPrefix(constructor, tag, "Promise")}{`;
        formatter = () => ["<unknown>"];
      } else if (is.weakSet(value) || is.weakMap(value)) {
        braces[0] = `${getPrefix(constructor, tag, is.weakSet(value) ? "WeakSet" : "WeakMap")}{`;
        formatter = () => ["<items unknown>"];
      } else if (box !== undefined) {
        if (box[0] === "String") keys = keys.filter((k) => !isIndex(k));
        base = `[${box[0]}`;
        if (box[0] !== constructor) base += constructor === null ? " (null prototype)" : ` (${constructor})`;
        base += `: ${formatPrimitive({ ...ctx, indentationLvl: 0, breakLength: Infinity }, box[2].call(value))}]`;
        if (tag !== "" && tag !== constructor) base += ` [${tag}]`;
        if (keys.length === 0) return base;
      } else if ((hook = platformHook(value)) !== undefined) {
        braces[0] = `${getPrefix(constructor, tag, "Object")}{`;
        const h = hook(value);
        if (h.entries.length === 0 && keys.length === 0) return `${braces[0]}}`;
        formatter = (c, v, r) => {
          c.indentationLvl += 2;
          const out = h.entries.map((e) =>
            h.arrow
              ? `${formatValue(c, e[0], r)} => ${formatValue(c, e[1], r)}`
              : `${formatKey(e[0])}: ${formatValue(c, e[1], r)}`
          );
          c.indentationLvl -= 2;
          return out;
        };
      } else {
        const style = getPrefix(constructor, tag, "Object");
        if (keys.length === 0) return `${style}{}`;
        braces[0] = `${style}{`;
      }
    }

    if (recurseTimes > ctx.depth) {
      let name = getPrefix(constructor, tag, "Object").slice(0, -1);
      if (Array.isArray(value)) name = getPrefix(constructor, tag, "Array").slice(0, -1);
      return constructor !== null ? `[${name}]` : name;
    }
    recurseTimes += 1;
    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    const output = formatter(ctx, value, recurseTimes);
    for (const key of keys) output.push(formatProperty(ctx, value, recurseTimes, key, extrasType));
    if (ctx.circular !== undefined) {
      const index = ctx.circular.get(value);
      if (index !== undefined) {
        const reference = `<ref *${index}>`;
        base = base === "" ? reference : `${reference} ${base}`;
      }
    }
    ctx.seen.pop();
    return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
  }

  function inspect(value, opts) {
    const ctx = {
      depth: 2,
      showHidden: false,
      breakLength: 80,
      compact: 3,
      maxArrayLength: 100,
      maxStringLength: 10000,
      indentationLvl: 0,
      currentDepth: 0,
      seen: [],
      circular: undefined,
    };
    if (opts) {
      for (const k of ["depth", "showHidden", "breakLength", "compact", "maxArrayLength", "maxStringLength"]) {
        if (opts[k] !== undefined) ctx[k] = opts[k] === null ? Infinity : opts[k];
      }
    }
    try {
      return formatValue(ctx, value, 0);
    } catch (e) {
      // A proxy trap or an exotic object threw: logging must not.
      return `[value could not be inspected: ${e && e.message}]`;
    }
  }

  // ---- util.format -----------------------------------------------------------

  let builtinNames = null;

  // True when `value` uses a toString of a built-in class (Node then
  // inspects it for %s instead of calling toString).
  function hasBuiltInToString(value) {
    if (typeof value.toString !== "function") return true;
    if (hasOwn(value, "toString")) return false;
    let p = value;
    do {
      p = Object.getPrototypeOf(p);
    } while (p !== null && !hasOwn(p, "toString"));
    if (p === null) return true;
    const d = Object.getOwnPropertyDescriptor(p, "constructor");
    if (builtinNames === null) {
      builtinNames = new Set(Object.getOwnPropertyNames(globalThis).filter((n) => /^[A-Z][a-zA-Z0-9]+$/.test(n)));
    }
    return d !== undefined && typeof d.value === "function" && builtinNames.has(d.value.name);
  }

  function tryStringify(v) {
    try {
      return JSON.stringify(v);
    } catch (e) {
      if (e instanceof TypeError && /circular/i.test(e.message)) return "[Circular]";
      throw e;
    }
  }

  function formatArg(spec, arg) {
    switch (spec) {
      case "s":
        if (typeof arg === "number") return formatNumber(arg);
        if (typeof arg === "bigint") return `${arg}n`;
        if (typeof arg !== "object" || arg === null || !hasBuiltInToString(arg)) return String(arg);
        return inspect(arg, { depth: 0 });
      case "j":
        return tryStringify(arg);
      case "d":
        if (typeof arg === "bigint") return `${arg}n`;
        if (typeof arg === "symbol") return "NaN";
        return formatNumber(Number(arg));
      case "O":
        return inspect(arg);
      case "o":
        return inspect(arg, { showHidden: true, depth: 4 });
      case "i":
        if (typeof arg === "bigint") return `${arg}n`;
        if (typeof arg === "symbol") return "NaN";
        return formatNumber(parseInt(arg));
      case "f":
        if (typeof arg === "symbol") return "NaN";
        return formatNumber(parseFloat(arg));
      case "c":
        return "";
    }
    return undefined;
  }

  function format(args) {
    const first = args[0];
    let a = 0;
    let str = "";
    let join = "";
    if (typeof first === "string") {
      if (args.length === 1) return first;
      let lastPos = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) !== 37) continue;
        const next = first[++i];
        if (a + 1 !== args.length) {
          if (next === "%") {
            str += first.slice(lastPos, i);
            lastPos = i + 1;
            continue;
          }
          const s = formatArg(next, args[a + 1]);
          if (s === undefined) continue;
          a++;
          if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
          str += s;
          lastPos = i + 1;
        } else if (next === "%") {
          str += first.slice(lastPos, i);
          lastPos = i + 1;
        }
      }
      if (lastPos !== 0) {
        a++;
        join = " ";
        if (lastPos < first.length) str += first.slice(lastPos);
      }
    }
    for (; a < args.length; a++) {
      const v = args[a];
      str += join + (typeof v === "string" ? v : inspect(v));
      join = " ";
    }
    return str;
  }

  // ---- console -----------------------------------------------------------------

  const LOG = 0;
  const INFO = 1;
  const WARN = 2;
  const ERROR = 3;
  const DEBUG = 4;

  let groupIndent = "";
  const counts = new Map();
  const timers = new Map();

  function emit(level, text) {
    if (groupIndent !== "") text = groupIndent + text.replace(/\n/g, `\n${groupIndent}`);
    nativeLog(level, text);
  }

  L.reportError = function (e) {
    emit(ERROR, `Uncaught ${inspect(e)}`);
  };

  const label = (v) => (v === undefined ? "default" : String(v));

  function elapsed(name) {
    const ms = wb.now() - timers.get(name);
    return ms >= 1000 ? `${(ms / 1000).toFixed(3)}s` : `${ms.toFixed(3)}ms`;
  }

  const console = {
    trace(...args) {
      const frames = (new Error().stack || "").split("\n").slice(1).join("\n").replace(/\n+$/, "");
      emit(ERROR, `Trace${args.length ? ": " + format(args) : ""}${frames ? "\n" + frames : ""}`);
    },
    dir(value, options) {
      emit(LOG, inspect(value, options));
    },
    dirxml(...args) {
      emit(LOG, format(args));
    },
    table(...args) {
      emit(LOG, format(args));
    },
    assert(condition, ...args) {
      if (condition) return;
      if (typeof args[0] === "string") args[0] = `Assertion failed: ${args[0]}`;
      else args.unshift("Assertion failed");
      emit(WARN, format(args));
    },
    count(name) {
      const key = label(name);
      const n = (counts.get(key) || 0) + 1;
      counts.set(key, n);
      emit(INFO, `${key}: ${n}`);
    },
    countReset(name) {
      const key = label(name);
      if (counts.has(key)) counts.set(key, 0);
      else emit(WARN, `Count for '${key}' does not exist`);
    },
    group(...args) {
      if (args.length) emit(LOG, format(args));
      groupIndent += "  ";
    },
    groupCollapsed(...args) {
      console.group(...args);
    },
    groupEnd() {
      groupIndent = groupIndent.slice(0, -2);
    },
    time(name) {
      const key = label(name);
      if (timers.has(key)) emit(WARN, `Label '${key}' already exists for console.time()`);
      else timers.set(key, wb.now());
    },
    timeEnd(name) {
      const key = label(name);
      if (!timers.has(key)) return emit(WARN, `No such label '${key}' for console.timeEnd()`);
      emit(INFO, `${key}: ${elapsed(key)}`);
      timers.delete(key);
    },
    timeLog(name, ...data) {
      const key = label(name);
      if (!timers.has(key)) return emit(WARN, `No such label '${key}' for console.timeLog()`);
      emit(INFO, `${key}: ${elapsed(key)}${data.length ? " " + format(data) : ""}`);
    },
  };
  const levels = { log: LOG, info: INFO, warn: WARN, error: ERROR, debug: DEBUG };
  for (const name of Object.keys(levels)) {
    const level = levels[name];
    // A named function per method, as `console.log.name` is "log".
    console[name] = { [name]: (...args) => emit(level, format(args)) }[name];
  }
  Object.defineProperty(console, Symbol.toStringTag, { value: "console", configurable: true });
  L.defineGlobal("console", console);
})(__wb);
