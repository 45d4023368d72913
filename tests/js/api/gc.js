// SPDX-License-Identifier: Apache-2.0
//
// Memory across the snapshot: what the module and the library made before
// the snapshot is frozen (it lives as long as the instance and is not
// reference-counted any more), what a request makes is collected as
// usual. Garbage in cycles, also cycles through frozen objects, must be
// collected (this handler makes far more of it than the memory limit
// holds), and what only frozen objects reach must survive collections.
// include: check.js

// Made at module evaluation, so frozen by the snapshot.
const moduleState = { count: 0, list: [1, 2, 3], text: "module" + "-state" };
const moduleMap = new Map([["a", { n: 1 }]]);
const weak = new WeakMap();

// About 4 KiB of garbage in cycles per round, some of it through frozen
// objects (moduleState, Response.prototype).
function churn(rounds) {
  for (let i = 0; i < rounds; i++) {
    const a = { i, pad: "x".repeat(4000) + i, proto: Response.prototype, state: moduleState };
    const b = { a, list: [a, moduleState.list] };
    a.b = b;
    weak.set(a, { i }); // a WeakMap value must not reach its key (QuickJS would keep both)
  }
}

export default {
  async fetch() {
    // Only frozen objects reach these: they must outlive every collection.
    moduleState.kept = { v: 42, self: null };
    moduleState.kept.self = moduleState.kept;
    moduleMap.set("b", { n: 2, cycle: moduleMap });
    Headers.prototype.extra = ["kept", { by: "a prototype" }];
    const key = {};
    weak.set(key, { n: 7 });

    // 40 MiB of cyclic garbage in all: more than the memory limit (32 MiB
    // by default) unless it is collected.
    for (let round = 0; round < 20; round++) {
      churn(500);
      moduleState.count++;
      await null;
    }

    eq(moduleState.count, 20, "a frozen object changed by the request");
    eq(moduleState.kept.v, 42, "an object only a frozen one reaches");
    eq(moduleState.kept.self === moduleState.kept, true, "its cycle");
    eq(moduleState.list, [1, 2, 3], "a frozen array");
    eq(moduleState.text, "module-state", "a frozen string");
    eq(moduleMap.get("a").n + moduleMap.get("b").n, 3, "a frozen Map and what it holds");
    eq(moduleMap.get("b").cycle === moduleMap, true, "a cycle through a frozen Map");
    eq(Headers.prototype.extra[1].by, "a prototype", "a library prototype's new property");
    eq(weak.get(key).n, 7, "a frozen WeakMap's entry");
    delete Headers.prototype.extra;

    // Frozen strings and objects still work as values.
    const s = moduleState.text + "!";
    eq(s, "module-state!", "a frozen string concatenated");
    eq(new Response("body").status, 200, "the library after collections");
    return new Response("ok");
  },
};
