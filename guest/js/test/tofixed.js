// Number.prototype.toFixed and toPrecision against exact references computed
// with BigInt (ECMA-262: ties round to the larger magnitude). Exact ties are
// built on purpose, since printf alone rounds them to even.
// Used by test_js_guest.c: the handler answers "ok <count>" or the first
// mismatches.

// x = num / den exactly (x finite, >= 0).
function exact(x) {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0), lo = dv.getUint32(4);
  let exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp === 0) exp = 1;
  else mant |= 1n << 52n;
  const e = exp - 1075;
  return e >= 0 ? { num: mant << BigInt(e), den: 1n } : { num: mant, den: 1n << BigInt(-e) };
}

// round(num / den), halves away from zero
function roundDiv(num, den) {
  const n = num / den, r = num % den;
  return 2n * r >= den ? n + 1n : n;
}

function refFixed(x, f) {
  const sign = x < 0 ? "-" : "";
  const { num, den } = exact(Math.abs(x));
  let digits = roundDiv(num * 10n ** BigInt(f), den).toString();
  if (f > 0) {
    digits = digits.padStart(f + 1, "0");
    digits = digits.slice(0, -f) + "." + digits.slice(-f);
  }
  return sign + digits;
}

function refPrecision(x, p) {
  const sign = x < 0 ? "-" : "";
  const { num, den } = exact(Math.abs(x));
  const pow = (k) => 10n ** BigInt(k);
  // 10^e <= x < 10^(e+1)
  const atLeast = (k) => (k >= 0 ? pow(k) * den <= num : den <= num * pow(-k));
  let e = Math.floor(Math.log10(Math.abs(x)));
  while (!atLeast(e)) e--;
  while (atLeast(e + 1)) e++;
  const s = e - p + 1;
  let n = s >= 0 ? roundDiv(num, den * pow(s)) : roundDiv(num * pow(-s), den);
  if (n === pow(p)) {
    n /= 10n;
    e++;
  }
  const d = n.toString();
  if (e < -6 || e >= p)
    return sign + d[0] + (p > 1 ? "." + d.slice(1) : "") + "e" + (e >= 0 ? "+" : "-") + Math.abs(e);
  if (e === p - 1) return sign + d;
  if (e >= 0) return sign + d.slice(0, e + 1) + "." + d.slice(e + 1);
  return sign + "0." + "0".repeat(-(e + 1)) + d;
}

function cases() {
  const out = [];
  // exact ties: (2k+1) / 2^m has m fraction digits, the last one a 5
  for (let m = 1; m <= 30; m++)
    for (const k of [0, 1, 2, 7, 12345, 999999])
      for (const sign of [1, -1]) out.push([sign * (2 * k + 1) / 2 ** m, m - 1]);
  out.push([1 + 2 ** -52, 51], [0.5, 0], [1.5, 0], [2.5, 0], [-2.5, 0], [9.5, 0], [99.5, 0],
           [9.995, 2], [1.005, 2], [1.45, 1], [8.345, 2], [1e20 + 0.5, 2], [123.456, 100],
           [2 ** -1074, 100], [0.000001, 7], [4.35, 1], [1.255, 2]);
  // pseudo-random numbers of many magnitudes (fixed seed: reproducible)
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 400; i++) {
    const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 10);
    out.push([x, Math.floor(rnd() * 25)]);
  }
  return out;
}

function check() {
  const bad = [];
  let count = 0;
  for (const [x, f] of cases()) {
    if (Math.abs(x) < 1e21) {
      count++;
      const got = x.toFixed(f), want = refFixed(x, f);
      if (got !== want) bad.push(`(${x}).toFixed(${f}) = ${got}, want ${want}`);
    }
    if (x !== 0) {
      const p = Math.min(100, f + 1);
      count++;
      const got = x.toPrecision(p), want = refPrecision(x, p);
      if (got !== want) bad.push(`(${x}).toPrecision(${p}) = ${got}, want ${want}`);
    }
  }
  return bad.length ? bad.slice(0, 10).join("\n") : "ok " + count;
}
