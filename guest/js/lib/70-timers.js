// SPDX-License-Identifier: Apache-2.0
//
// setTimeout, setInterval, their clear functions, queueMicrotask and
// performance.now. The runner owns the event loop: it asks for the delay
// until the next timer (nextTimerDelay), waits, and calls runTimers, which
// fires the earliest due timer only. The runner drains the microtask queue
// between calls, so promise callbacks run between two timers as in
// browsers (one task per turn of the loop). Timers still pending when the
// handler's promise settles are dropped by the host.

(function (wb) {
  "use strict";

  const L = wb.lib;
  const now = wb.now;

  // id -> { deadline, seq, callback, args, interval (ms, or -1 for a timeout) }
  const timers = new Map();
  let nextId = 1;
  let nextSeq = 0;

  // WebIDL `long`, then negative delays count as zero.
  function toDelay(v) {
    const n = Number(v) | 0;
    return n < 0 ? 0 : n;
  }

  function start(callback, delay, args, repeat, what) {
    if (typeof callback !== "function") {
      throw new TypeError(`${what}: parameter 1 is not of type 'Function'.`);
    }
    const ms = toDelay(delay);
    const id = nextId++;
    timers.set(id, { deadline: now() + ms, seq: nextSeq++, callback, args, interval: repeat ? ms : -1 });
    return id;
  }

  function setTimeout(callback, delay = 0, ...args) {
    return start(callback, delay, args, false, "Failed to execute 'setTimeout'");
  }

  function setInterval(callback, delay = 0, ...args) {
    return start(callback, delay, args, true, "Failed to execute 'setInterval'");
  }

  // Timeouts and intervals share one list of ids, as in browsers.
  function clearTimeout(id = 0) {
    timers.delete(Number(id) | 0);
  }

  function clearInterval(id = 0) {
    timers.delete(Number(id) | 0);
  }

  // Taken now, so that a handler replacing Promise cannot break this.
  const resolved = Promise.resolve();
  const then = Promise.prototype.then;

  function queueMicrotask(callback) {
    L.requireArgs(arguments, 1, "Failed to execute 'queueMicrotask'");
    if (typeof callback !== "function") {
      throw new TypeError("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
    }
    then.call(resolved, () => {
      try {
        callback();
      } catch (e) {
        L.reportError(e);
      }
    });
  }

  // The pending timer that fires first: earliest deadline, then oldest.
  function earliest() {
    let best = null;
    let bestId = 0;
    for (const [id, t] of timers) {
      if (best === null || t.deadline < best.deadline || (t.deadline === best.deadline && t.seq < best.seq)) {
        best = t;
        bestId = id;
      }
    }
    return best === null ? null : [bestId, best];
  }

  // Milliseconds until the next timer is due: 0 if one is, -1 if none.
  L.nextTimerDelay = function () {
    const e = earliest();
    if (e === null) return -1;
    return Math.max(0, Math.ceil(e[1].deadline - now()));
  };

  // Fires the earliest due timer, if any. An exception in its callback is
  // logged as uncaught, as browsers report it; the handler goes on.
  L.runTimers = function () {
    const e = earliest();
    if (e === null || e[1].deadline > now()) return;
    const [id, t] = e;
    if (t.interval < 0) timers.delete(id);
    try {
      t.callback.apply(globalThis, t.args);
    } catch (err) {
      L.reportError(err);
    }
    // An interval is re-armed unless its callback cleared it.
    if (t.interval >= 0 && timers.get(id) === t) {
      t.deadline = now() + t.interval;
      t.seq = nextSeq++;
    }
  };

  // ---- performance ------------------------------------------------------------

  // The time origin is the start of the current call into the guest (a
  // request, module evaluation, start-up): the runner takes it, since the
  // snapshot's clock readings mean nothing in a later process.
  const timeOrigin = wb.timeOrigin;

  class Performance {
    constructor() {
      throw new TypeError("Illegal constructor");
    }
    get timeOrigin() {
      return timeOrigin(true);
    }
    now() {
      return now() - timeOrigin(false);
    }
    toJSON() {
      return { timeOrigin: timeOrigin(true) };
    }
  }
  L.setTag(Performance, "Performance");
  L.enumerable(Performance, ["timeOrigin", "now", "toJSON"]);
  const performance = Object.create(Performance.prototype);
  L.defineGlobal("Performance", Performance);
  L.defineGlobal("performance", performance);

  L.defineGlobal("setTimeout", setTimeout);
  L.defineGlobal("setInterval", setInterval);
  L.defineGlobal("clearTimeout", clearTimeout);
  L.defineGlobal("clearInterval", clearInterval);
  L.defineGlobal("queueMicrotask", queueMicrotask);
})(__wb);
