// SPDX-License-Identifier: Apache-2.0
//
// console: formatting of every kind of value (as Node.js 20 prints them),
// format specifiers, levels, assert, count, group and dir. The harness
// compares the handler's logs with these lines, in order:
//
// expect-log: log hello world
// expect-log: log 1 -0 1n undefined null true Symbol(s)
// expect-log: log [ 1, 'a', [ 2, [ 3, [Array] ] ] ]
// expect-log: log { a: 1, b: { c: { d: [Object] } } }
// expect-log: info <ref *1> { name: 'x', self: [Circular *1] }
// expect-log: warn Map(1) { 'k' => 1 } Set(2) { 1, 2 } Map(0) {}
// expect-log: error [TypeError: bad input] { inner: [TypeError: bad input] }
// expect-log: debug [Function: named] [class K] [Function (anonymous)] [AsyncFunction: af]
// expect-log: log 1970-01-01T00:00:00.000Z /re/g Uint8Array(2) [ 1, 2 ] ArrayBuffer { [Uint8Contents]: <00 00>, byteLength: 2 }
// expect-log: log Bob is 42.5 years, 42, 1.5, {"a":1} [ 1, [length]: 1 ] { b: 2 } 100%
// expect-log: log styled extra 7
// expect-log: log { 'key with space': 1, valid_id: 'str', [Symbol(sym)]: null }
// expect-log: log [ <1 empty item>, 1, <1 empty item> ] [ undefined, null ] [ 1, 2, 3, 4, 5, 6 ]
// expect-log: log [Object: null prototype] {} Point { x: 1, y: 2 }
// expect-log: log -0 [ -0 ] 0.30000000000000004 1e+21 NaN -Infinity
// expect-log: log str [ 'str' ] { s: "it's" } [ '\n' ]
// expect-log: log [Number: 3] [String: 's'] [ [Boolean: false] ]
// expect-log: log { g: [Getter], s: [Setter] }
// expect-log: log [ 1, 2, extra: true ]
// expect-log: warn Assertion failed: math is broken
// expect-log: warn Assertion failed
// expect-log: info default: 1
// expect-log: info default: 2
// expect-log: info x: 1
// expect-log: info default: 1
// expect-log: log G
// expect-log: log   inner
// expect-log: log outer
// expect-log: log { a: [Object] }
//
// (One log entry per line: every call below prints a single-line text.)

export default {
  async fetch(request, env) {
    console.log("hello", "world");
    console.log(1, -0, 1n, undefined, null, true, Symbol("s"));
    console.log([1, "a", [2, [3, [4]]]]);
    console.log({ a: 1, b: { c: { d: { e: 1 } } } });
    const cyclic = { name: "x" };
    cyclic.self = cyclic;
    console.info(cyclic);
    console.warn(new Map([["k", 1]]), new Set([1, 2]), new Map());
    const bad = new TypeError("bad input");
    bad.stack = "";
    console.error(bad, { inner: bad });
    console.debug(function named() {}, class K {}, () => {}, async function af() {});
    console.log(new Date(0), /re/g, new Uint8Array([1, 2]), new ArrayBuffer(2));
    console.log("%s is %d years, %i, %f, %j %o %O 100%%", "Bob", 42.5, 42.5, "1.5", { a: 1 }, [1], { b: 2 });
    console.log("%cstyled", "color: red", "extra", 7);
    console.log({ "key with space": 1, valid_id: "str", [Symbol("sym")]: null });
    console.log([, 1, , ], [undefined, null], [1, 2, 3, 4, 5, 6]);
    console.log(Object.create(null), new (class Point { constructor() { this.x = 1; this.y = 2; } })());
    console.log(-0, [-0], 0.1 + 0.2, 1e21, NaN, -Infinity);
    console.log("str", ["str"], { s: "it's" }, ["\n"]);
    console.log(new Number(3), new String("s"), [new Boolean(false)]);
    console.log({ get g() { return 1; }, set s(v) {} });
    console.log(Object.assign([1, 2], { extra: true }));
    console.assert(1 === 2, "math is %s", "broken");
    console.assert(true, "never printed");
    console.assert(false);
    console.count();
    console.count();
    console.count("x");
    console.countReset();
    console.count();
    console.group("G");
    console.log("inner");
    console.groupEnd();
    console.log("outer");
    console.dir({ a: { b: { c: { d: 1 } } } }, { depth: 0 });
    return new Response("ok");
  },
};
