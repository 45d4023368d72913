// SPDX-License-Identifier: Apache-2.0
//
// Last file: `self`, then the runner's hooks. The expression statement
// below is the completion value of the whole library script; it also
// removes `__wb` from the global object, so handlers see only the public
// API.

(function (wb) {
  "use strict";

  const L = wb.lib;
  L.defineGlobal("self", globalThis);
  delete globalThis.__wb;
  return Object.freeze({
    // (method, url, headers [[name, value]...], body Uint8Array or null)
    // -> Request
    makeRequest: L.makeRequest,
    // (value) -> [status, [[name, value]...], body Uint8Array or null]; throws a
    // TypeError when value is not a Response.
    readResponse: L.readResponse,
    // () -> ms until the next timer is due, 0 if one is, -1 if none.
    nextTimerDelay: L.nextTimerDelay,
    // () -> fires the earliest due timer.
    runTimers: L.runTimers,
  });
})(__wb);
