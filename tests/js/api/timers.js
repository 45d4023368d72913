// SPDX-License-Identifier: Apache-2.0
//
// setTimeout, setInterval and their clear functions: firing order (delay,
// then creation), arguments, cancellation, shared ids, intervals that
// re-arm until cleared, the handler waiting on timers, performance.now.
// include: check.js

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function order() {
  const log = [];
  const done = new Promise((resolve) => setTimeout(resolve, 40));
  setTimeout(() => log.push("a"), 30);
  setTimeout(() => log.push("b"), 10);
  setTimeout(() => log.push("c"), 10);
  setTimeout(() => log.push("d"));
  setTimeout(() => log.push("neg"), -5);
  setTimeout(() => log.push("nan"), NaN);
  const cancelled = setTimeout(() => log.push("cancelled"), 5);
  clearTimeout(cancelled);
  await done;
  eq(log, ["d", "neg", "nan", "b", "c", "a"], "timers fire by deadline, then creation");
}

async function argumentsAndIds() {
  const got = await new Promise((resolve) => setTimeout((...a) => resolve(a), 1, "x", 2, null));
  eq(got, ["x", 2, null], "extra arguments are passed");
  const ids = [setTimeout(() => {}), setInterval(() => {}, 100), setTimeout(() => {})];
  eq(ids.every((id) => Number.isInteger(id) && id > 0), true, "ids are positive integers");
  eq(new Set(ids).size, 3, "ids are distinct");
  clearTimeout(ids[1]); // an interval, cleared with clearTimeout
  clearInterval(ids[0]); // a timeout, cleared with clearInterval
  clearTimeout(ids[2]);
  clearTimeout(undefined);
  clearTimeout(123456);
  throws(() => setTimeout("code", 1), "TypeError", "string handlers are refused");
  throws(() => setInterval(), "TypeError", "setInterval without a callback");
}

async function intervals() {
  let n = 0;
  const times = [];
  await new Promise((resolve) => {
    const id = setInterval((step) => {
      n += step;
      times.push(Date.now());
      if (n === 3) {
        clearInterval(id);
        resolve();
      }
    }, 5, 1);
  });
  eq(n, 3, "the interval ran three times");
  await sleep(20);
  eq(n, 3, "a cleared interval stays cleared");
  const start = Date.now();
  await sleep(30);
  const waited = Date.now() - start;
  if (waited < 20) throw new Error(`sleep(30) returned after ${waited} ms`);
}

async function nested() {
  const log = [];
  await new Promise((resolve) => {
    setTimeout(() => {
      log.push("outer");
      setTimeout(() => {
        log.push("inner");
        resolve();
      }, 0);
      Promise.resolve().then(() => log.push("microtask"));
    }, 0);
  });
  eq(log, ["outer", "microtask", "inner"], "timers set by a timer, microtasks first");
}

async function clock() {
  const t0 = performance.now();
  eq(typeof t0 === "number" && t0 >= 0, true, "performance.now() is a non-negative number");
  await sleep(20);
  const t1 = performance.now();
  if (t1 - t0 < 15) throw new Error(`performance.now() advanced ${t1 - t0} ms over sleep(20)`);
  eq(typeof performance.timeOrigin, "number", "performance.timeOrigin");
  eq(Object.prototype.toString.call(performance), "[object Performance]", "performance toStringTag");
}

export default {
  async fetch(request, env) {
    await order();
    await argumentsAndIds();
    await intervals();
    await nested();
    await clock();
    return new Response("ok");
  },
};
