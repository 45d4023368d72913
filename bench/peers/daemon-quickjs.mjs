// SPDX-License-Identifier: Apache-2.0
// Peer of the daemon category (bench/categories/80-daemon.sh): node's http
// server running the hello handler in QuickJS compiled to wasm by
// emscripten (npm quickjs-emscripten, pinned by bench/peers/
// package-lock.json), a fresh QuickJS context per request as wasmbox gives
// each request a reset instance. QuickJS here has no Request/Response, so
// the handler returns a plain {status, headers, body} object: this peer
// does less per request than wasmbox (no Web API objects).
//   node daemon-quickjs.mjs --modules NODE_MODULES_PARENT [PORT]
// Prints "listening on 127.0.0.1:PORT" when ready.
import http from 'node:http';
import { createRequire } from 'node:module';
import process from 'node:process';

const args = process.argv.slice(2);
let modules = '.';
if (args[0] === '--modules') {
  args.shift();
  modules = args.shift();
}
const require = createRequire(`${modules}/`);
const { getQuickJS } = require('quickjs-emscripten');
const QuickJS = await getQuickJS();

// The hello handler of examples/functions/hello.js, minus Response.
const handlerSrc = `const handler = { fetch(request) {
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' },
           body: 'Hello from wasmbox!\\n' };
} };`;

function once(method, url) {
  const ctx = QuickJS.newContext();
  try {
    const code = `${handlerSrc}\nhandler.fetch(${JSON.stringify({ method, url })})`;
    const handle = ctx.unwrapResult(ctx.evalCode(code));
    const result = ctx.dump(handle);
    handle.dispose();
    return result;
  } finally {
    ctx.dispose();
  }
}

const server = http.createServer((req, res) => {
  try {
    const r = once(req.method, `http://${req.headers.host}${req.url}`);
    res.writeHead(r.status, r.headers);
    res.end(r.body);
  } catch (e) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('the function failed\n');
  }
});
server.keepAliveTimeout = 30000;
server.listen(Number(args[0] ?? 0), '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
