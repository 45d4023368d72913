// SPDX-License-Identifier: Apache-2.0
// Peer of the daemon category (bench/categories/80-daemon.sh): the same
// Workers-style handler served by node's own http server, in one process,
// without any sandbox: the handler runs in node's main context, once
// imported. Requests and responses go through node's Request/Response
// (undici), as the handler expects.
//   node daemon-node.mjs HANDLER.js [PORT]
// Prints "listening on 127.0.0.1:PORT" when ready (PORT 0 or absent: any).
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import process from 'node:process';

const [file, portArg] = process.argv.slice(2);
const handler = (await import(pathToFileURL(file).href)).default;

async function serve(req, res) {
  const url = `http://${req.headers.host ?? '127.0.0.1'}${req.url}`;
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const chunks = [];
  if (hasBody) for await (const c of req) chunks.push(c);
  const request = new Request(url, {
    method: req.method,
    headers: req.headers,
    body: hasBody ? Buffer.concat(chunks) : undefined,
  });
  const response = await handler.fetch(request, {});
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
}

const server = http.createServer((req, res) => {
  serve(req, res).catch((e) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('the function failed\n');
    console.error(e);
  });
});
server.keepAliveTimeout = 30000;
server.listen(Number(portArg ?? 0), '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
