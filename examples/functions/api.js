// SPDX-License-Identifier: Apache-2.0
// A small JSON API under /api:
//   GET  /api                     the endpoints
//   GET  /api/greet?name=Ada      {"greeting": "Hello, Ada!"}
//   POST /api/stats               {"values": [numbers]} -> count, sum, mean, min, max
// Every request runs in a fresh sandbox, so the API keeps no state between
// requests; settings come from api.json ("env" becomes the handler's env).
const json = (data, status = 200) => Response.json(data, { status });

function stats(values) {
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    count: values.length,
    sum,
    mean: values.length ? sum / values.length : null,
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
  };
}

async function postStats(request) {
  let body;
  try {
    body = await request.json();
  } catch {
    return json({ error: "the body is not JSON" }, 400);
  }
  const values = body && body.values;
  if (!Array.isArray(values) || !values.every((v) => typeof v === "number" && isFinite(v)))
    return json({ error: "expected {\"values\": [numbers]}" }, 422);
  return json(stats(values));
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const route = `${request.method} ${url.pathname}`;
    if (route === "GET /api" || route === "GET /api/")
      return json({ service: env.SERVICE_NAME, endpoints: ["GET /api/greet?name=", "POST /api/stats"] });
    if (route === "GET /api/greet") {
      const name = url.searchParams.get("name") || "stranger";
      return json({ greeting: `Hello, ${name}!` });
    }
    if (route === "POST /api/stats") return postStats(request);
    return json({ error: `no route ${route}` }, 404);
  },
};
