// SPDX-License-Identifier: Apache-2.0
//
// ReadableStream (default readers, start/pull/cancel sources, errors, tee,
// async iteration) and stream bodies: `body` of requests and responses,
// Responses made from streams (the handler's own answer included), clones
// and used bodies.
// include: check.js

const enc = (s) => new TextEncoder().encode(s);
const fromChunks = (...chunks) =>
  new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(x);
      c.close();
    },
  });

async function readAll(stream) {
  const reader = stream.getReader();
  const out = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

async function basics() {
  eq(await readAll(fromChunks("a", 1, null)), ["a", 1, null], "chunks in order");
  let pulls = 0;
  const pulled = new ReadableStream({
    pull(c) {
      pulls++;
      if (pulls <= 3) c.enqueue(pulls);
      else c.close();
    },
  });
  eq(await readAll(pulled), [1, 2, 3], "pull source");
  const s = fromChunks("x");
  const r = s.getReader();
  eq(s.locked, true, "locked while a reader holds it");
  throws(() => s.getReader(), "TypeError", "second reader");
  await rejects(s.cancel(), "TypeError", "cancel of a locked stream");
  r.releaseLock();
  eq(s.locked, false, "unlocked after releaseLock");
  await rejects(r.read(), "TypeError", "read from a released reader");

  let reason = null;
  const c = new ReadableStream({ cancel(why) { reason = why; } });
  const cr = c.getReader();
  await cr.cancel("enough");
  eq([reason, await cr.read()], ["enough", { done: true }], "cancel reaches the source, then done");

  const boom = new Error("boom");
  let ctl;
  const e = new ReadableStream({ start(controller) { ctl = controller; } });
  const er = e.getReader();
  const pending = er.read();
  ctl.error(boom);
  eq((await rejects(pending, "Error", "pending read of an errored stream")).message, "boom", "error value");
  await rejects(er.closed, "Error", "closed of an errored stream");
  eq(ctl.desiredSize, null, "desiredSize of an errored stream");
  const d = new ReadableStream({ start(controller) { ctl = controller; } });
  eq(ctl.desiredSize, 1, "desiredSize of an empty stream");
  ctl.enqueue(1);
  eq(ctl.desiredSize, 0, "desiredSize with one queued chunk");
  ctl.close();
  throws(() => ctl.enqueue(2), "TypeError", "enqueue after close");
  eq(await readAll(d), [1], "queued chunk read after close");

  const [t1, t2] = fromChunks(1, 2, 3).tee();
  eq([await readAll(t1), await readAll(t2)], [[1, 2, 3], [1, 2, 3]], "tee");
  const seen = [];
  for await (const x of fromChunks("p", "q")) seen.push(x);
  eq(seen, ["p", "q"], "async iteration");
  throws(() => new ReadableStream({ type: "bytes" }), "RangeError", "byte streams are not supported");
}

async function bodies(request) {
  eq(request.body, null, "a GET request has no body stream");
  eq(new Response(null).body, null, "null body");
  const res = new Response("abc");
  const body = res.body;
  eq([body instanceof ReadableStream, res.body === body, res.bodyUsed], [true, true, false], "body is one stream");
  const chunks = await readAll(body);
  eq([chunks.length, chunks[0] instanceof Uint8Array, new TextDecoder().decode(chunks[0])], [1, true, "abc"], "bytes through body");
  eq(res.bodyUsed, true, "reading body uses it");
  await rejects(res.text(), "TypeError", "text() after reading body");

  const streamed = new Response(fromChunks(enc("he"), enc("llo")));
  eq(streamed.headers.get("content-type"), null, "no content type for a stream");
  const copy = streamed.clone();
  eq([await streamed.text(), await copy.text()], ["hello", "hello"], "clone of a stream body");
  eq(streamed.bodyUsed, true, "bodyUsed after text()");
  throws(() => new Response(streamed.body), "TypeError", "a used stream cannot be a body");

  const first = new Response("proxied");
  eq(await new Response(first.body, { status: 201 }).text(), "proxied", "new Response(other.body)");
  await rejects(new Response(fromChunks("not bytes")).text(), "TypeError", "string chunks in a body");
  const req = new Request("http://h/", { method: "POST", body: fromChunks(enc("up")) });
  const forwarded = new Request(req);
  eq(req.bodyUsed, true, "a request whose body moved on counts as used");
  eq(await forwarded.text(), "up", "stream body of a request");
  const read = new Response("x");
  await read.text();
  eq([read.body instanceof ReadableStream, read.bodyUsed], [true, true], "body after text()");
}

export default {
  async fetch(request, env) {
    await basics();
    await bodies(request);
    // The answer itself is a stream: the runner waits for it.
    return new Response(fromChunks(enc("o"), enc("k")));
  },
};
