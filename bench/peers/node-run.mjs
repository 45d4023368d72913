// SPDX-License-Identifier: Apache-2.0
// Runs a .wasm file under node (V8), as `wasmbox run` does:
//   node node-run.mjs FILE.wasm [ARGS...]      WASI: runs _start, exits with
//                                              proc_exit's status
//   node node-run.mjs --invoke NAME FILE.wasm  import-free: prints NAME()'s
//                                              i32 result, unsigned
// Node 20's WASI can crash when many instances write output; bench/run
// passes --no-turbo-fast-api-calls, which avoids it.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import process from 'node:process';

const argv = process.argv.slice(2);
let invoke = null;
if (argv[0] === '--invoke') { invoke = argv[1]; argv.splice(0, 2); }
const file = argv[0];
const module = new WebAssembly.Module(readFileSync(file));
const needsWasi = WebAssembly.Module.imports(module)
  .some((i) => i.module === 'wasi_snapshot_preview1');

if (needsWasi) {
  const wasi = new WASI({ version: 'preview1', args: argv, env: {}, returnOnExit: true });
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  process.exitCode = wasi.start(instance);
} else {
  const instance = new WebAssembly.Instance(module, {});
  const f = instance.exports[invoke ?? '_start'];
  const r = f();
  if (invoke) console.log(String(r >>> 0));
}
