import assert from "node:assert/strict";
import { test } from "node:test";
import { averagePrecision } from "../../src/metrics/average-precision.js";

const b = (xs: number[]) => xs.map((x) => x === 1);

test("sklearn's documented example: y=[0,0,1,1], s=[0.1,0.4,0.35,0.8] → 0.8333333333333333", () => {
  assert.equal(averagePrecision(b([0, 0, 1, 1]), [0.1, 0.4, 0.35, 0.8]), 0.8333333333333333);
});

test("ties form one threshold: precision is taken at the end of the tied group (hand-computed)", () => {
  // Constant scorer, 1 positive of 3: one step, P = 1/3, R = 1.
  assert.equal(averagePrecision(b([1, 0, 0]), [0.5, 0.5, 0.5]), 0.3333333333333333);
  // Top group {pos, neg, neg} at 0.9: P=1/3 R=1/2; then pos at 0.2: P=2/4 R=1 → 0.5/3 + 0.5/2.
  assert.equal(averagePrecision(b([1, 1, 0, 0, 0]), [0.2, 0.9, 0.9, 0.1, 0.9]), 0.41666666666666663);
  // Tie order does not matter: the same multiset in another document order gives the same bits.
  assert.equal(averagePrecision(b([0, 0, 1, 0, 1]), [0.9, 0.9, 0.9, 0.1, 0.2]), 0.41666666666666663);
});

test("heavy ties and a last-ranked positive match a numpy transcription of sklearn 1.3 bit for bit", () => {
  const y = b([1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
  const s = [0.3, 0.3, 0.1, 0.7, 0.7, 0.7, 0.2, 0.2, 0.9, 0.05, 0.3, 0.1];
  assert.equal(averagePrecision(y, s), 0.573051948051948);
  const last = b([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(averagePrecision(last, [0.1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0.12, 0.11]), 0.08333333333333333);
});

test("perfect ranking gives exactly 1; no positive gives 0 (sklearn's recall := 1 case); -0 and +0 tie", () => {
  assert.equal(averagePrecision(b([1, 1, 0]), [3, 2, 1]), 1);
  assert.ok(Object.is(averagePrecision(b([0, 0]), [1, 2]), 0));
  assert.equal(averagePrecision(b([1, 0]), [0, -0]), 0.5);
  assert.throws(() => averagePrecision(b([1]), [1, 2]), /1 labels for 2 scores/);
});
