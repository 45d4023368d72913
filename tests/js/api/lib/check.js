// SPDX-License-Identifier: Apache-2.0
//
// The checks of the API test handlers. tests/js/run.sh puts this file in
// front of every handler that has the line `// include: check.js` (a
// handler module cannot import: the guest gives QuickJS no module loader).

// A value as the checks compare and show it.
function show(v) {
  return v === undefined ? "undefined" : JSON.stringify(v);
}

function eq(actual, expected, what) {
  if (show(actual) !== show(expected)) {
    throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

// Runs fn and returns what it threw, which must be named `name`.
function throws(fn, name, what) {
  try {
    fn();
  } catch (e) {
    if (e && e.name === name) return e;
    throw new Error(`${what}: expected ${name}, got ${e && e.name}: ${e && e.message}`);
  }
  throw new Error(`${what}: expected ${name}, nothing was thrown`);
}

// Awaits a promise that must reject with an error named `name`.
async function rejects(promise, name, what) {
  if (!(promise instanceof Promise)) throw new Error(`${what}: not a promise`);
  try {
    await promise;
  } catch (e) {
    if (e && e.name === name) return e;
    throw new Error(`${what}: expected ${name}, got ${e && e.name}: ${e && e.message}`);
  }
  throw new Error(`${what}: expected a rejection with ${name}`);
}
