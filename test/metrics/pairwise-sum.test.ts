import assert from "node:assert/strict";
import { test } from "node:test";
import { npMean, pairwiseSum } from "../../src/metrics/pairwise-sum.js";

/** An independent, deliberately plain transcription of numpy's DOUBLE_pairwise_sum (docs/spec.md §2.3). */
function reference(a: number[]): number {
  const n = a.length;
  if (n < 8) return a.reduce((s, v) => s + v, -0.0);
  if (n <= 128) {
    const r = a.slice(0, 8);
    let i = 8;
    while (i < n - (n % 8)) {
      for (let k = 0; k < 8; k++) r[k] += a[i + k];
      i += 8;
    }
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    while (i < n) res += a[i++];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return reference(a.slice(0, n2)) + reference(a.slice(n2));
}

function naive(a: number[]): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

/** xorshift32 in [0,1) scaled over many magnitudes, so association order shows in the last bits. */
function data(n: number, seed: number): number[] {
  let x = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.push((x / 2 ** 32) * 10 ** ((x % 13) - 6));
  }
  return out;
}

test("pairwiseSum matches an independent transcription for every block shape (n < 8, ≤ 128, > 128 recursion)", () => {
  let differsFromNaive = 0;
  for (const n of [0, 1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 136, 255, 256, 257, 613, 1000, 5516]) {
    const a = data(n, 1000 + n);
    assert.ok(Object.is(pairwiseSum(a), reference(a)), `n=${n}`);
    if (pairwiseSum(a) !== naive(a)) differsFromNaive++;
    // Sub-ranges (start offset) must agree with slicing.
    if (n > 20) assert.ok(Object.is(pairwiseSum(a, 5, n - 9), reference(a.slice(5, n - 4))), `n=${n} offset`);
  }
  assert.ok(differsFromNaive > 3, "the data must be able to tell pairwise from left-to-right summation");
});

test("pairwiseSum/npMean equal numpy 1.24 on hand-made cases where naive summation loses the last bits", () => {
  // 1 + fifteen 1e-16: left to right every 1e-16 is absorbed; numpy's 8 partial sums keep them.
  const tiny16 = [1.0, ...Array<number>(15).fill(1e-16)];
  assert.equal(naive(tiny16), 1.0);
  assert.equal(pairwiseSum(tiny16), 1.0000000000000016); // float(np.sum(x))
  assert.equal(npMean(tiny16), 0.0625000000000001); // float(np.mean(x))
  const tiny200 = [1.0, ...Array<number>(199).fill(1e-16)]; // > 128: the recursive split
  assert.equal(pairwiseSum(tiny200), 1.0000000000000189);
  assert.equal(npMean(tiny200), 0.005000000000000095);
  // 300 mixed-magnitude values, x[i] = (i%7==0 ? 1e10 : 1e-3) * ((i*7919 % 1000)/1000 + 0.001), same in numpy.
  const f300 = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? 1e10 : 1e-3) * (((i * 7919) % 1000) / 1000 + 0.001));
  assert.equal(naive(f300), 210420000000.12946);
  assert.equal(pairwiseSum(f300), 210420000000.12943); // np.sum
  assert.equal(npMean(f300), 701400000.0004314); // np.mean
});

test("-0.0 handling: short sums start from -0.0, npMean adds the 0.0 identity first", () => {
  assert.ok(Object.is(pairwiseSum([-0, -0]), -0));
  assert.ok(Object.is(pairwiseSum([]), -0));
  assert.ok(Object.is(npMean([-0, -0]), 0));
  assert.ok(Number.isNaN(npMean([])));
});
