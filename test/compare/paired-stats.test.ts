import { test } from "node:test";
import assert from "node:assert/strict";
import { EXACT_MAX_N, RESAMPLES, SEED, pairedStats, quantile, signFlipExact } from "../../src/compare/paired-stats.js";
import { Xoshiro128 } from "../../src/compare/prng.js";

// Deterministic noise in [-w, w] from the project's PRNG (a different seed from the one under test).
function noise(n: number, w: number, seed = 1234): number[] {
  const g = new Xoshiro128(seed);
  return Array.from({ length: n }, () => (g.nextU32() / 2 ** 32) * 2 * w - w);
}

test("identical sides: mean difference 0, CI [0, 0], p = 1 (exact and Monte-Carlo paths)", () => {
  for (const n of [5, 613]) {
    const s = pairedStats(new Float64Array(n));
    assert.equal(s.meanDiff, 0);
    assert.deepEqual(s.ci95, [0, 0]);
    assert.equal(s.p, 1);
    assert.equal(s.pMethod, n <= EXACT_MAX_N ? "exact" : "monte-carlo");
    assert.equal(s.resamples, RESAMPLES);
    assert.equal(s.seed, SEED);
  }
});

test("a large consistent shift: p < 0.01 and the CI excludes 0", () => {
  const d = noise(200, 0.1).map((e) => 0.08 + e); // every query improves by 0.08 ± 0.1
  const s = pairedStats(d);
  assert.ok(s.p < 0.01, `p = ${s.p}`);
  assert.equal(s.p, 1 / (RESAMPLES + 1)); // no sign-flipped sum reaches the observed one
  assert.ok(s.ci95[0] > 0, `CI ${s.ci95}`);
});

test("the CI contains the true mean difference and has the normal-theory width", () => {
  const e = noise(300, 0.2);
  const d = e.map((x) => 0.05 + x);
  const s = pairedStats(d);
  assert.ok(s.ci95[0] < 0.05 && 0.05 < s.ci95[1], `CI ${s.ci95} misses 0.05`);
  // Sample mean is inside too, and the width is close to 2·1.96·sd/√n.
  assert.ok(s.ci95[0] < s.meanDiff && s.meanDiff < s.ci95[1]);
  const m = s.meanDiff;
  const sd = Math.sqrt(d.reduce((a, x) => a + (x - m) ** 2, 0) / d.length);
  const expected = (2 * 1.96 * sd) / Math.sqrt(d.length);
  const width = s.ci95[1] - s.ci95[0];
  assert.ok(Math.abs(width / expected - 1) < 0.1, `width ${width} vs normal approx ${expected}`);
});

test("pure noise around 0 is not significant", () => {
  const s = pairedStats(noise(400, 0.3, 99));
  assert.ok(s.p > 0.05, `p = ${s.p}`);
  assert.ok(s.ci95[0] < 0 && s.ci95[1] > 0);
});

test("exact sign-flip p by hand: d = [1, 2, 3]", () => {
  // 8 sign vectors; |Σ| = 6 only for +++ and ---: p = 2/8.
  assert.equal(signFlipExact(Float64Array.from([1, 2, 3])), 0.25);
  // d = [1, 1]: sums 2, 0, 0, -2 → p = 2/4.
  assert.equal(signFlipExact(Float64Array.from([1, 1])), 0.5);
  // d = [3, -1]: sums 2, 4, -4, -2 → all |Σ| ≥ 2 → p = 1.
  assert.equal(signFlipExact(Float64Array.from([3, -1])), 1);
});

test("quantile is numpy's default linear interpolation", () => {
  const x = Float64Array.from([1, 2, 3, 4]);
  assert.equal(quantile(x, 0.025), 1.075); // h = 3·0.025
  assert.equal(quantile(x, 0.975), 3.925);
  assert.equal(quantile(x, 0), 1);
  assert.equal(quantile(x, 1), 4);
});

test("deterministic: the same input gives the same CI and p; the seed matters", () => {
  const d = noise(50, 0.2).map((x) => x + 0.01);
  const a = pairedStats(d);
  assert.deepEqual(pairedStats(d), a);
  const other = pairedStats(d, RESAMPLES, SEED + 7);
  assert.notDeepEqual(other.ci95, a.ci95);
  assert.throws(() => pairedStats([]), /at least one/);
});
