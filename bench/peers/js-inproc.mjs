// SPDX-License-Identifier: Apache-2.0
// Peers of the js category (bench/harness/js.c), in node, one fresh
// JavaScript context per request as wasmbox gives each request a reset
// instance:
//   quickjs-emscripten  QuickJS compiled to wasm by emscripten (npm
//                       quickjs-emscripten, pinned by package-lock.json):
//                       a new runtime + context per request, the handler
//                       evaluated, called, its result read, disposed;
//   node-vm             node's vm.runInNewContext per request (a new V8
//                       context; V8 compiles and optimises as it ships).
// Neither has Request/Response: the handler returns a plain object, so
// the peers do less per request than wasmbox (no Web API objects).
//   node --expose-gc js-inproc.mjs --modules DIR [--samples N] [--quick] ENGINE
// ENGINE: quickjs-emscripten or node-vm. Prints JSON lines as wbbench does.
import { createRequire } from 'node:module';
import vm from 'node:vm';
import process from 'node:process';

const args = process.argv.slice(2);
let samples = 11, quick = false, modules = '';
while (args[0]?.startsWith('--')) {
  const a = args.shift();
  if (a === '--samples') samples = Number(args.shift());
  else if (a === '--quick') quick = true;
  else if (a === '--modules') modules = args.shift();
  else throw new Error(`unknown option ${a}`);
}
const engine = args[0];
const now = () => Number(process.hrtime.bigint());

// The same handlers as bench/harness/js.c, minus the Web API.
const helloSrc = `const handler = { fetch() { return { status: 200, body: 'hello' }; } };`;
const jsonSrc = `const handler = { fetch(body) {
  const items = JSON.parse(body);
  const out = items.filter((x) => x.price > 50).map((x) => ({ id: x.id,
    name: x.name.toUpperCase(), total: Math.round(x.price * 1.2 * 100) / 100,
    tags: x.tags.length }));
  return { status: 200, body: JSON.stringify({ count: out.length, items: out }) };
} };`;

// The body of bench/harness/js.c's json_body().
function jsonBody() {
  const items = [];
  for (let i = 0; i < 100; i++) {
    items.push(`{"id":${i},"name":"item ${i}","price":${(i * 37) % 100}.5,` +
               `"tags":["a","b","c${i % 5}"]}`);
  }
  return `[${items.join(',')}]`;
}

function emit(bench, param, unit, values, scale) {
  const v = values.map((x) => Number((x / scale).toPrecision(6)));
  console.log(JSON.stringify({ category: 'js', bench, param, engine, unit, samples: v }));
}

// Per sample, n requests timed one by one: p50 and p99 in microseconds.
function latencies(bench, run) {
  const n = quick ? 300 : 2000, p50 = [], p99 = [];
  for (let i = 0; i < n / 10; i++) run();
  for (let s = 0; s < samples; s++) {
    const lat = [];
    for (let i = 0; i < n; i++) {
      const t0 = now();
      run();
      lat.push(now() - t0);
    }
    lat.sort((a, b) => a - b);
    p50.push(lat[n >> 1]);
    p99.push(lat[Math.floor((n * 99) / 100)]);
  }
  emit(bench, 'p50', 'us', p50, 1e3);
  emit(bench, 'p99', 'us', p99, 1e3);
}

function check(result) {
  if (result.status !== 200 || typeof result.body !== 'string') throw new Error('bad result');
}

// KiB per idle context after one request each, as each engine can count
// it: size(keep) measures 32 kept contexts (then disposed).
function idle(make, size) {
  const kib = [];
  for (let s = 0; s < samples; s++) {
    const keep = [];
    for (let i = 0; i < 32; i++) keep.push(make());
    kib.push(size(keep) / 32 / 1024);
    keep.forEach((k) => k.dispose?.());
  }
  emit('idle instance memory', 'after one request', 'KiB', kib, 1);
}

async function quickjs() {
  const require = createRequire(`${modules}/`);
  const { getQuickJS } = require('quickjs-emscripten');
  const QuickJS = await getQuickJS();
  // One request: a fresh context, the handler evaluated and called.
  const once = (src, body) => {
    const ctx = QuickJS.newContext();
    const code = `${src}\nhandler.fetch(${JSON.stringify(body ?? '')})`;
    const handle = ctx.unwrapResult(ctx.evalCode(code));
    const result = ctx.dump(handle);
    handle.dispose();
    ctx.dispose();
    return result;
  };
  const body = jsonBody();
  check(once(helloSrc));
  check(once(jsonSrc, body));
  latencies('hello', () => check(once(helloSrc)));
  latencies('json', () => check(once(jsonSrc, body)));
  // QuickJS's own count of what each context's runtime allocated.
  const mallocSize = (ctx) => {
    const h = ctx.runtime.computeMemoryUsage();
    const size = ctx.dump(h).memory_used_size;
    h.dispose();
    return size;
  };
  idle(() => {
    const ctx = QuickJS.newContext();
    ctx.unwrapResult(ctx.evalCode(`${helloSrc}\nhandler.fetch()`)).dispose();
    return ctx;
  }, (keep) => keep.reduce((sum, ctx) => sum + mallocSize(ctx), 0));
}

async function nodeVm() {
  const once = (src, body) => vm.runInNewContext(`${src}\nhandler.fetch(body)`, { body });
  const body = jsonBody();
  latencies('hello', () => check(once(helloSrc)));
  latencies('json', () => check(once(jsonSrc, body)));
  // V8's heap (and external memory) growth, measured after full GCs.
  const heap = () => {
    globalThis.gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  let base = 0;
  idle(() => {
    if (!base) base = heap();
    const ctx = vm.createContext({});
    vm.runInContext(`${helloSrc}\nhandler.fetch()`, ctx);
    return { ctx };
  }, () => {
    const size = heap() - base;
    base = 0;
    return size;
  });
}

if (engine === 'quickjs-emscripten') await quickjs();
else if (engine === 'node-vm') await nodeVm();
else throw new Error(`unknown engine ${engine}`);
