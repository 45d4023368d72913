// SPDX-License-Identifier: Apache-2.0
//
// A small ReadableStream (WHATWG Streams) for bodies: default readers,
// underlying sources with start/pull/cancel and a controller (enqueue,
// close, error, desiredSize with a high-water mark of one chunk), cancel,
// tee and async iteration. No BYOB readers, no pipeTo/pipeThrough, no
// writable or transform streams, no custom queuing strategies.

(function (wb) {
  "use strict";

  const L = wb.lib;

  // state: { status: "readable" | "closed" | "errored", error, queue: [],
  //   closeRequested, started, pulling, pullAgain, source, controller,
  //   reader: reader state or null, disturbed }
  const streamState = new WeakMap();
  const controllerState = new WeakMap();
  const readerState = new WeakMap(); // reader -> { stream, requests: [], closed, resolveClosed, rejectClosed }
  const stateOf = (o) => L.stateOf(streamState, o, "ReadableStream");

  function settleReader(st) {
    const r = st.reader;
    if (r === null) return;
    const requests = r.requests.splice(0);
    if (st.status === "closed") {
      for (const q of requests) q.resolve({ value: undefined, done: true });
      r.resolveClosed();
    } else {
      for (const q of requests) q.reject(st.error);
      r.rejectClosed(st.error);
    }
  }

  function close(st) {
    st.status = "closed";
    settleReader(st);
  }

  function fail(st, e) {
    if (st.status !== "readable") return;
    st.status = "errored";
    st.error = e;
    st.queue = [];
    settleReader(st);
  }

  // Calls the source's pull while a read waits or the queue is empty.
  function pullIfNeeded(st) {
    if (!st.started || st.status !== "readable" || st.closeRequested) return;
    const waiting = st.reader !== null && st.reader.requests.length > 0;
    if (!waiting && st.queue.length >= 1) return;
    if (typeof st.source.pull !== "function") return;
    if (st.pulling) {
      st.pullAgain = true;
      return;
    }
    st.pulling = true;
    let result;
    try {
      result = st.source.pull.call(st.source, st.controller);
    } catch (e) {
      result = Promise.reject(e);
    }
    Promise.resolve(result).then(
      () => {
        st.pulling = false;
        if (st.pullAgain) {
          st.pullAgain = false;
          pullIfNeeded(st);
        }
      },
      (e) => fail(st, e)
    );
  }

  function cancel(st, reason) {
    st.disturbed = true;
    if (st.status === "closed") return Promise.resolve(undefined);
    if (st.status === "errored") return Promise.reject(st.error);
    st.queue = [];
    close(st);
    try {
      const r = typeof st.source.cancel === "function" ? st.source.cancel.call(st.source, reason) : undefined;
      return Promise.resolve(r).then(() => undefined);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  class ReadableStreamDefaultController {
    constructor() {
      throw new TypeError("Illegal constructor");
    }
    get desiredSize() {
      const st = L.stateOf(controllerState, this, "ReadableStreamDefaultController");
      if (st.status === "errored") return null;
      return st.status === "closed" ? 0 : 1 - st.queue.length;
    }
    enqueue(chunk) {
      const st = L.stateOf(controllerState, this, "ReadableStreamDefaultController");
      if (st.status !== "readable" || st.closeRequested) throw new TypeError("The stream is not in a state that permits enqueue");
      const r = st.reader;
      if (r !== null && r.requests.length > 0) r.requests.shift().resolve({ value: chunk, done: false });
      else st.queue.push(chunk);
      pullIfNeeded(st);
    }
    close() {
      const st = L.stateOf(controllerState, this, "ReadableStreamDefaultController");
      if (st.status !== "readable" || st.closeRequested) throw new TypeError("The stream is not in a state that permits close");
      st.closeRequested = true;
      if (st.queue.length === 0) close(st);
    }
    error(e = undefined) {
      fail(L.stateOf(controllerState, this, "ReadableStreamDefaultController"), e);
    }
  }

  class ReadableStreamDefaultReader {
    constructor(stream) {
      const st = stateOf(stream);
      if (st.reader !== null) throw new TypeError("ReadableStream is locked");
      const r = { stream: st, requests: [] };
      r.closed = new Promise((resolve, reject) => {
        r.resolveClosed = resolve;
        r.rejectClosed = reject;
      });
      r.closed.catch(() => {});
      readerState.set(this, r);
      st.reader = r;
      if (st.status === "closed") r.resolveClosed();
      else if (st.status === "errored") r.rejectClosed(st.error);
    }
    get closed() {
      return L.stateOf(readerState, this, "ReadableStreamDefaultReader").closed;
    }
    read() {
      const r = readerState.get(this);
      if (r === undefined) return Promise.reject(new TypeError("Illegal invocation"));
      const st = r.stream;
      if (st === null) return Promise.reject(new TypeError("The reader has been released"));
      st.disturbed = true;
      if (st.queue.length > 0) {
        const value = st.queue.shift();
        if (st.closeRequested && st.queue.length === 0) close(st);
        else pullIfNeeded(st);
        return Promise.resolve({ value, done: false });
      }
      if (st.status === "closed") return Promise.resolve({ value: undefined, done: true });
      if (st.status === "errored") return Promise.reject(st.error);
      const p = new Promise((resolve, reject) => r.requests.push({ resolve, reject }));
      pullIfNeeded(st);
      return p;
    }
    releaseLock() {
      const r = L.stateOf(readerState, this, "ReadableStreamDefaultReader");
      if (r.stream === null) return;
      const released = new TypeError("The reader has been released");
      for (const q of r.requests.splice(0)) q.reject(released);
      if (r.stream.status === "readable") r.rejectClosed(released);
      r.stream.reader = null;
      r.stream = null;
    }
    cancel(reason = undefined) {
      const r = readerState.get(this);
      if (r === undefined || r.stream === null) return Promise.reject(new TypeError("The reader has been released"));
      return cancel(r.stream, reason);
    }
  }

  class ReadableStream {
    constructor(source = undefined, strategy = undefined) {
      const src = source === undefined || source === null ? {} : source;
      if (typeof src !== "object" && typeof src !== "function") {
        throw new TypeError("Failed to construct 'ReadableStream': The provided value is not of type 'UnderlyingSource'.");
      }
      if (src.type !== undefined) throw new RangeError("Failed to construct 'ReadableStream': byte streams are not supported");
      const st = {
        status: "readable", error: undefined, queue: [], closeRequested: false, started: false,
        pulling: false, pullAgain: false, source: src, controller: null, reader: null, disturbed: false,
      };
      streamState.set(this, st);
      st.controller = Object.create(ReadableStreamDefaultController.prototype);
      controllerState.set(st.controller, st);
      const start = typeof src.start === "function" ? src.start.call(src, st.controller) : undefined;
      Promise.resolve(start).then(
        () => {
          st.started = true;
          pullIfNeeded(st);
        },
        (e) => fail(st, e)
      );
    }
    get locked() {
      return stateOf(this).reader !== null;
    }
    cancel(reason = undefined) {
      const st = streamState.get(this);
      if (st === undefined) return Promise.reject(new TypeError("Illegal invocation"));
      if (st.reader !== null) return Promise.reject(new TypeError("Cannot cancel a locked stream"));
      return cancel(st, reason);
    }
    getReader(options = undefined) {
      stateOf(this);
      if (options && options.mode !== undefined) {
        throw new RangeError("Failed to execute 'getReader' on 'ReadableStream': only default readers are supported");
      }
      return new ReadableStreamDefaultReader(this);
    }
    tee() {
      const reader = this.getReader();
      const branches = [];
      const controllers = [];
      let reading = false;
      const pull = () => {
        if (reading) return undefined;
        reading = true;
        return reader.read().then(
          ({ value, done }) => {
            reading = false;
            for (const c of controllers) {
              const st = controllerState.get(c);
              if (st.status !== "readable" || st.closeRequested) continue;
              if (done) c.close();
              else c.enqueue(value);
            }
          },
          (e) => controllers.forEach((c) => c.error(e))
        );
      };
      for (let i = 0; i < 2; i++) {
        branches.push(new ReadableStream({ start: (c) => void controllers.push(c), pull }));
      }
      return branches;
    }
    values(options = undefined) {
      const reader = this.getReader();
      const preventCancel = Boolean(options && options.preventCancel);
      const it = Object.create(asyncIteratorProto);
      it.next = () => reader.read().then((r) => {
        if (r.done) reader.releaseLock();
        return r;
      });
      it.return = (value) => {
        const done = preventCancel ? Promise.resolve() : reader.cancel(value);
        reader.releaseLock();
        return done.then(() => ({ value, done: true }));
      };
      return it;
    }
  }
  const asyncIteratorProto = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);
  Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, {
    value: ReadableStream.prototype.values,
    writable: true,
    configurable: true,
  });
  for (const c of [ReadableStream, ReadableStreamDefaultReader, ReadableStreamDefaultController]) {
    L.setTag(c, c.name);
    L.platformClasses.push(c);
    L.defineGlobal(c.name, c);
  }
  L.enumerable(ReadableStream, ["locked", "cancel", "getReader", "tee", "values"]);
  L.enumerable(ReadableStreamDefaultReader, ["closed", "read", "releaseLock", "cancel"]);
  L.enumerable(ReadableStreamDefaultController, ["desiredSize", "enqueue", "close", "error"]);

  // ---- For bodies ------------------------------------------------------------------

  L.isStream = (v) => typeof v === "object" && v !== null && streamState.has(v);
  L.streamUnusable = (s) => {
    const st = stateOf(s);
    return st.disturbed || st.reader !== null;
  };
  L.streamDisturbed = (s) => stateOf(s).disturbed;

  // A stream of one chunk (a copy of `bytes`); `disturbed`: as if read.
  L.streamOf = (bytes, disturbed) => {
    const s = new ReadableStream({
      start(c) {
        if (bytes.length > 0) c.enqueue(bytes.slice());
        c.close();
      },
    });
    if (disturbed) stateOf(s).disturbed = true;
    return s;
  };

  // Reads a whole stream of byte chunks: a promise of one Uint8Array.
  L.drainStream = function (stream) {
    const reader = stream.getReader();
    const chunks = [];
    let total = 0;
    const step = () =>
      reader.read().then(({ value, done }) => {
        if (done) {
          const out = new Uint8Array(total);
          let at = 0;
          for (const c of chunks) {
            out.set(c, at);
            at += c.length;
          }
          return out;
        }
        const bytes = L.bytesOf(value);
        if (bytes === null || L.typedArrayName(value) !== "Uint8Array") {
          const e = new TypeError("A body stream must produce Uint8Array chunks");
          reader.cancel(e);
          throw e;
        }
        chunks.push(bytes.slice());
        total += bytes.length;
        return step();
      });
    return step();
  };
})(__wb);
