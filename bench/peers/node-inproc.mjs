// SPDX-License-Identifier: Apache-2.0
// The in-process benchmarks of bench/harness (wbbench) for node's V8, as a
// peer: the same modules, the same calibration (samples of ~50 ms, 10 ms
// with --quick) and the same JSON lines with engine "node".
//   node node-inproc.mjs [--samples N] [--quick] COMMAND ARGS...
//   instantiate LABEL FILE | call FILE | footprint N FILE | trap FILE
// V8 compiles with its baseline compiler (Liftoff) then optimises hot
// functions in the background (TurboFan): figures are for V8 as it ships.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import process from 'node:process';

const args = process.argv.slice(2);
let samples = 11, quick = false;
while (args[0]?.startsWith('--')) {
  const a = args.shift();
  if (a === '--samples') samples = Number(args.shift());
  else if (a === '--quick') quick = true;
  else throw new Error(`unknown option ${a}`);
}
const sampleNs = quick ? 10e6 : 50e6;
const now = () => Number(process.hrtime.bigint());

// fn(iters) returns timed nanoseconds; returns ns per iteration per sample.
function measure(fn, itersMax) {
  let iters = 1, t = fn(iters);
  while (t < sampleNs && iters < itersMax) {
    const want = t > 0 ? (sampleNs / t) * iters * 1.1 : iters * 10;
    iters = Math.min(itersMax, Math.min(iters * 10, Math.ceil(want)));
    t = fn(iters);
  }
  const out = [];
  for (let s = 0; s < samples; s++) out.push(fn(iters) / iters);
  return out;
}

function emit(category, bench, param, unit, values, scale = 1) {
  const v = values.map((x) => Number((x / scale).toPrecision(6)));
  console.log(JSON.stringify({ category, bench, param, engine: 'node', unit, samples: v }));
}

const instantiate = (m) => new WebAssembly.Instance(m, {});

function cmdInstantiate(label, file) {
  const bytes = readFileSync(file);
  const cold = (n) => {
    const t0 = now();
    for (let i = 0; i < n; i++) instantiate(new WebAssembly.Module(bytes)).exports._start;
    return now() - t0;
  };
  const compile = (n) => {
    const t0 = now();
    for (let i = 0; i < n; i++) new WebAssembly.Module(bytes);
    return now() - t0;
  };
  const m = new WebAssembly.Module(bytes);
  const warm = (n) => {
    const t0 = now();
    for (let i = 0; i < n; i++) instantiate(m).exports._start;
    return now() - t0;
  };
  emit('instantiation', 'cold', label, 'us', measure(cold, 100000), 1e3);
  emit('instantiation', 'compile', label, 'us', measure(compile, 100000), 1e3);
  emit('instantiation', 'warm', label, 'us', measure(warm, 100000), 1e3);
}

function cmdCall(file) {
  const e = instantiate(new WebAssembly.Module(readFileSync(file))).exports;
  const empty = (n) => { const t0 = now(); for (let i = 0; i < n; i++) e.empty(); return now() - t0; };
  let acc = 0;
  const add = (n) => { const t0 = now(); for (let i = 0; i < n; i++) acc = e.add(acc, i); return now() - t0; };
  emit('execution', 'call-empty', '', 'ns', measure(empty, 1e8));
  emit('execution', 'call-add', '', 'ns', measure(add, 1e8));
}

function smaps() {
  const text = readFileSync('/proc/self/smaps_rollup', 'utf8');
  const get = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)[1]);
  return { rss: get('Rss'), dirty: get('Private_Dirty') };
}

// One sample, in this process: n instances, each written to.
function footprintOnce(n, file) {
  const m = new WebAssembly.Module(readFileSync(file));
  instantiate(m).exports.touch();
  globalThis.gc?.();
  const before = smaps(), keep = [];
  for (let i = 0; i < n; i++) { const inst = instantiate(m); inst.exports.touch(); keep.push(inst); }
  const after = smaps();
  console.log(JSON.stringify({ rss: (after.rss - before.rss) / n, dirty: (after.dirty - before.dirty) / n, keep: keep.length }));
}

function cmdFootprint(n, file) {
  const rss = [], dirty = [];
  for (let s = 0; s < samples; s++) {
    const out = execFileSync(process.execPath,
      ['--expose-gc', process.argv[1], 'footprint-once', String(n), file], { encoding: 'utf8' });
    const r = JSON.parse(out);
    rss.push(r.rss); dirty.push(r.dirty);
  }
  emit('memory', 'footprint-rss', String(n), 'KiB', rss);
  emit('memory', 'footprint-private-dirty', String(n), 'KiB', dirty);
}

const kinds = [['ok', 'none (returns)'], ['divzero', 'divide by zero'],
  ['oob', 'out-of-bounds load'], ['unreachable', 'unreachable']];

function cmdTrap(file) {
  const m = new WebAssembly.Module(readFileSync(file));
  const e = instantiate(m).exports;
  const callTrap = (f) => { try { f(0); return false; } catch (err) { return err instanceof WebAssembly.RuntimeError; } };
  for (const [name, label] of kinds) {
    if (callTrap(e[name]) !== (name !== 'ok')) throw new Error(`${name}: unexpected outcome`);
    const run = (n) => { const t0 = now(); for (let i = 0; i < n; i++) callTrap(e[name]); return now() - t0; };
    emit('crash', 'trap', label, 'ns', measure(run, 1e7));
  }
  for (const [name, label] of [['ok', 'instantiate+call+delete'], ['oob', 'instantiate+trap+delete']]) {
    const run = (n) => { const t0 = now(); for (let i = 0; i < n; i++) callTrap(instantiate(m).exports[name]); return now() - t0; };
    emit('crash', 'cycle', label, 'us', measure(run, 1e6), 1e3);
  }
  for (const [name, label] of [['ok', 'after a return'], ['oob', 'after a trap']]) {
    const run = (n) => {
      let total = 0;
      for (let i = 0; i < n; i++) { callTrap(e[name]); const t0 = now(); e.empty(); total += now() - t0; }
      return total;
    };
    emit('crash', 'next-call', label, 'ns', measure(run, 1e7));
  }
}

const [cmd, ...rest] = args;
if (cmd === 'instantiate') cmdInstantiate(rest[0], rest[1]);
else if (cmd === 'call') cmdCall(rest[0]);
else if (cmd === 'footprint') cmdFootprint(Number(rest[0]), rest[1]);
else if (cmd === 'footprint-once') footprintOnce(Number(rest[0]), rest[1]);
else if (cmd === 'trap') cmdTrap(rest[0]);
else { console.error('usage: node-inproc.mjs [--samples N] [--quick] instantiate|call|footprint|trap ...'); process.exit(2); }
