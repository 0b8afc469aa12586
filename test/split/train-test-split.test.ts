import { test } from "node:test";
import assert from "node:assert/strict";
import { splitCounts, trainTestSplit } from "../../src/split/train-test-split.js";
import { permutation } from "../../src/split/permutation.js";
import { indicesSha256 } from "../../src/split/indices-hash.js";
import { BenchError } from "../../src/errors.js";
import type { SplitSize } from "../../src/split/split-size.js";

const frac = (value: number): SplitSize => ({ kind: "fraction", value });
const count = (value: number): SplitSize => ({ kind: "count", value });

// Golden vectors: docs/spec.md §1.2, the T2Reranking dev split (n=6129, test_size=0.1, seed=42).
test("T2 split: n=6129 → 613 test / 5516 train with numpy's indices and hashes", () => {
  const s = trainTestSplit(6129, { testSize: frac(0.1), seed: 42 });
  assert.equal(s.nTest, 613);
  assert.equal(s.nTrain, 5516);
  assert.equal(s.testIndices.length, 613);
  assert.equal(s.trainIndices.length, 5516);
  assert.deepEqual(
    s.testIndices.slice(0, 20),
    [2506, 592, 5031, 4376, 3474, 1389, 4526, 2180, 1401, 623, 1634, 5562, 5782, 1837, 1021, 324, 2061, 5578, 1352, 2644],
  );
  assert.equal(indicesSha256(s.testIndices), "06b91a8c28c57ea9a5ed970595e77d0ee044aace3a82c9ac1fd9642b2183ca23");
  assert.deepEqual(
    s.trainIndices.slice(0, 20),
    [4330, 5036, 4379, 2880, 5271, 4938, 2212, 4286, 1713, 5768, 2650, 5303, 3638, 3111, 4744, 2018, 1660, 425, 4296, 1413],
  );
  assert.equal(indicesSha256(s.trainIndices), "9e7c4d34920d5babdbce19427606fe65da686f349aa1aa10f44f1b927d4c8461");
});

test("size rules: float test → ceil on the IEEE product, train = rest", () => {
  assert.deepEqual(splitCounts(6129, frac(0.1)), { nTest: 613, nTrain: 5516 });
  assert.deepEqual(splitCounts(100, frac(0.1)), { nTest: 10, nTrain: 90 });
  // 0.07 * 100 = 7.000000000000001 in IEEE doubles, so Python's math.ceil gives 8, not 7 (checked in Python 3.11).
  assert.deepEqual(splitCounts(100, frac(0.07)), { nTest: 8, nTrain: 92 });
  assert.deepEqual(splitCounts(25, frac(0.28)), { nTest: 8, nTrain: 17 });
  assert.deepEqual(splitCounts(2, frac(0.5)), { nTest: 1, nTrain: 1 });
  // Both None → test_size 0.25.
  assert.deepEqual(splitCounts(10), { nTest: 3, nTrain: 7 });
  // Int sizes are taken as is.
  assert.deepEqual(splitCounts(10, count(3)), { nTest: 3, nTrain: 7 });
  assert.deepEqual(splitCounts(10, count(2), count(5)), { nTest: 2, nTrain: 5 });
  // Train only: float train → floor, test = rest.
  assert.deepEqual(splitCounts(10, null, frac(0.55)), { nTest: 5, nTrain: 5 });
  assert.deepEqual(splitCounts(10, null, count(6)), { nTest: 4, nTrain: 6 });
  assert.deepEqual(splitCounts(10, frac(0.2), frac(0.3)), { nTest: 2, nTrain: 3 });
});

test("sub-sampling split: train = perm[n_test : n_test + n_train]", () => {
  const s = trainTestSplit(97, { testSize: count(5), trainSize: count(10), seed: 42 });
  const p = permutation(97, 42);
  assert.deepEqual(s.testIndices, p.slice(0, 5));
  assert.deepEqual(s.trainIndices, p.slice(5, 15));
});

test("test and train are disjoint, cover the rows, keep permuted order", () => {
  for (const [n, seed] of [
    [7, 1],
    [50, 2],
    [333, 2n ** 40n],
  ] as const) {
    const s = trainTestSplit(n, { testSize: frac(0.1), seed });
    const p = permutation(n, seed);
    assert.deepEqual([...s.testIndices, ...s.trainIndices], p);
  }
});

function splitErr(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof BenchError && e.exitCode === 3 && re.test(e.message));
}

test("error cases of datasets' train_test_split are split: BenchErrors", () => {
  splitErr(() => splitCounts(0, frac(0.1)), /^split: the dataset is empty/);
  splitErr(
    () => splitCounts(10, frac(0)),
    /^split: test_size=0\.0 should be either positive and smaller than the number of samples 10 or a float in the \(0, 1\) range$/,
  );
  splitErr(() => splitCounts(10, frac(1)), /^split: test_size=1\.0 should be/);
  splitErr(() => splitCounts(10, frac(-0.1)), /^split: test_size=-0\.1 should be/);
  splitErr(() => splitCounts(10, frac(Number.NaN)), /^split: test_size=NaN should be/);
  splitErr(() => splitCounts(10, count(10)), /^split: test_size=10 should be/);
  splitErr(() => splitCounts(10, count(0)), /^split: test_size=0 should be/);
  splitErr(() => splitCounts(10, count(-3)), /^split: test_size=-3 should be/);
  splitErr(() => splitCounts(10, null, count(10)), /^split: train_size=10 should be/);
  splitErr(
    () => splitCounts(10, frac(0.6), frac(0.5)),
    /^split: the sum of test_size and train_size = 1\.1, should be in the \(0, 1\) range/,
  );
  splitErr(
    () => splitCounts(10, count(6), count(5)),
    /^split: the sum of train_size and test_size = 11, should be smaller than the number of samples 10/,
  );
  splitErr(
    () => splitCounts(1, frac(0.5)),
    /^split: with n_samples=1, test_size=0\.5 and train_size=None, the resulting train set will be empty/,
  );
  splitErr(() => splitCounts(3, frac(0.9)), /the resulting train set will be empty/);
  splitErr(() => trainTestSplit(1.5, { seed: 42 }), /^split: number of rows/);
  splitErr(() => trainTestSplit(10, { testSize: frac(0.1), seed: -1 }), /^split: seed/);
});
