// SPDX-License-Identifier: Apache-2.0
// The smallest function: GET /hello answers a line of text.
export default {
  async fetch(request, env) {
    return new Response("Hello from wasmbox!\n", {
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  },
};
