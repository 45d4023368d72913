// SPDX-License-Identifier: Apache-2.0
//
// The event loop as a handler sees it: microtask order (queueMicrotask and
// promises share one FIFO queue), timers after microtasks, awaiting timers
// and bodies, and errors in microtask callbacks reported without failing
// the handler.
// include: check.js

const sleep = (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms));

async function microtasks() {
  const log = [];
  setTimeout(() => log.push("timeout"), 0);
  queueMicrotask(() => log.push("m1"));
  Promise.resolve().then(() => log.push("p1"));
  queueMicrotask(() => {
    log.push("m2");
    queueMicrotask(() => log.push("m3"));
  });
  log.push("sync");
  await sleep(5);
  eq(log, ["sync", "m1", "p1", "m2", "m3", "timeout"], "microtasks in FIFO order, then the timer");
  throws(() => queueMicrotask(), "TypeError", "queueMicrotask without a callback");
  throws(() => queueMicrotask("x"), "TypeError", "queueMicrotask with a string");
}

async function awaiting() {
  const results = await Promise.all([sleep(15, "slow"), sleep(1, "fast"), Promise.resolve("now")]);
  eq(results, ["slow", "fast", "now"], "Promise.all over timers");
  eq(await Promise.race([sleep(20, "late"), sleep(2, "early")]), "early", "Promise.race over timers");
  const chained = await sleep(1, 1).then((n) => sleep(1, n + 1)).then((n) => n * 10);
  eq(chained, 20, "chained timers");
  const upstream = new Response(JSON.stringify({ items: [1, 2, 3] }));
  await sleep(1);
  const data = await upstream.json();
  eq(data.items.length, 3, "body read after a timer");
}

async function errors() {
  // Reported to the log as uncaught; the handler goes on.
  queueMicrotask(() => {
    throw new Error("reported, not fatal");
  });
  await sleep(1);
  let caught = null;
  try {
    await sleep(1).then(() => {
      throw new RangeError("in a chain");
    });
  } catch (e) {
    caught = e.name;
  }
  eq(caught, "RangeError", "rejections propagate through await");
}

export default {
  async fetch(request, env) {
    await microtasks();
    await awaiting();
    await errors();
    return sleep(2, new Response("ok"));
  },
};
