/**
 * datasets' `Dataset.train_test_split(test_size, train_size, seed, shuffle=True)` on row indices
 * (src/datasets/arrow_dataset.py, docs/spec.md §1): size rules and errors, then `default_rng(seed).permutation(n)`,
 * test = perm[:n_test], train = perm[n_test : n_test + n_train], both kept in permuted order.
 */
import { inputError } from "../errors.js";
import { permutation } from "./permutation.js";
import type { Seed } from "./seed-sequence.js";
import { formatSplitSize, type SplitSize } from "./split-size.js";

/** Options of `trainTestSplit`; sizes left out behave like Python's None. */
export interface SplitOptions {
  testSize?: SplitSize | null;
  trainSize?: SplitSize | null;
  seed: Seed;
}

/** Row counts of each part. */
export interface SplitCounts {
  nTest: number;
  nTrain: number;
}

/** The two index lists (into the source rows, in permuted order). */
export interface SplitIndices extends SplitCounts {
  testIndices: number[];
  trainIndices: number[];
}

/** Python's `isinstance(size, int)` range check, then the float check: `(0, 1)` open interval. */
function checkSize(name: string, size: SplitSize | null | undefined, n: number): void {
  if (size == null) return;
  const bad =
    size.kind === "count"
      ? !Number.isSafeInteger(size.value) || size.value >= n || size.value <= 0
      : !Number.isFinite(size.value) || size.value <= 0 || size.value >= 1;
  if (bad) {
    throw inputError(
      `split: ${name}=${formatSplitSize(size)} should be either positive and smaller than the number of samples ${n} or a float in the (0, 1) range`,
    );
  }
}

/** n_test and n_train exactly as datasets computes them (ceil for test fractions, floor for train fractions). */
export function splitCounts(n: number, testSize?: SplitSize | null, trainSize?: SplitSize | null): SplitCounts {
  if (!Number.isSafeInteger(n) || n < 0) throw inputError(`split: number of rows must be an integer ≥ 0, got ${n}`);
  if (n === 0) throw inputError("split: the dataset is empty (0 rows); nothing to split");
  checkSize("test_size", testSize, n);
  checkSize("train_size", trainSize, n);
  // Both None → test_size = 0.25, as in datasets.
  const test: SplitSize | null = testSize ?? (trainSize == null ? { kind: "fraction", value: 0.25 } : null);
  const train = trainSize ?? null;
  if (test?.kind === "fraction" && train?.kind === "fraction" && train.value + test.value > 1) {
    throw inputError(
      `split: the sum of test_size and train_size = ${train.value + test.value}, should be in the (0, 1) range. Reduce test_size and/or train_size.`,
    );
  }
  // Math.ceil/floor on the IEEE double product, like Python's math.ceil/floor (docs/spec.md §1).
  let nTest = test == null ? Number.NaN : test.kind === "fraction" ? Math.ceil(test.value * n) : test.value;
  let nTrain = train == null ? Number.NaN : train.kind === "fraction" ? Math.floor(train.value * n) : train.value;
  if (train == null) nTrain = n - nTest;
  else if (test == null) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw inputError(
      `split: the sum of train_size and test_size = ${nTrain + nTest}, should be smaller than the number of samples ${n}. Reduce test_size and/or train_size.`,
    );
  }
  if (nTrain === 0) {
    throw inputError(
      `split: with n_samples=${n}, test_size=${formatSplitSize(testSize)} and train_size=${formatSplitSize(trainSize)}, the resulting train set will be empty. Adjust any of the aforementioned parameters.`,
    );
  }
  return { nTest, nTrain };
}

/** Splits row indices 0..n-1 exactly like `train_test_split(test_size, train_size, seed=seed)`. */
export function trainTestSplit(n: number, opts: SplitOptions): SplitIndices {
  const { nTest, nTrain } = splitCounts(n, opts.testSize, opts.trainSize);
  const perm = permutation(n, opts.seed);
  return {
    nTest,
    nTrain,
    testIndices: perm.slice(0, nTest),
    trainIndices: perm.slice(nTest, nTest + nTrain),
  };
}
