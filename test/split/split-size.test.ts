import { test } from "node:test";
import assert from "node:assert/strict";
import { formatSplitSize, parseSeed, parseSplitSize } from "../../src/split/split-size.js";
import { BenchError } from "../../src/errors.js";

test("digits are counts, anything else numeric is a fraction (Python int vs float)", () => {
  assert.deepEqual(parseSplitSize("0.1", "--test-size"), { kind: "fraction", value: 0.1 });
  assert.deepEqual(parseSplitSize("613", "--test-size"), { kind: "count", value: 613 });
  assert.deepEqual(parseSplitSize("1.0", "--test-size"), { kind: "fraction", value: 1 });
  assert.deepEqual(parseSplitSize("1e-1", "--test-size"), { kind: "fraction", value: 0.1 });
  assert.deepEqual(parseSplitSize(" 5 ", "--test-size"), { kind: "count", value: 5 });
  assert.deepEqual(parseSplitSize(0.25, "--test-size"), { kind: "fraction", value: 0.25 });
  assert.deepEqual(parseSplitSize(7, "--test-size"), { kind: "count", value: 7 });
});

test("non-numbers are rejected naming the flag", () => {
  for (const bad of ["", "abc", "0.1x", "NaN", "Infinity"]) {
    assert.throws(
      () => parseSplitSize(bad, "--test-size"),
      (e: unknown) => e instanceof BenchError && e.message.startsWith("split: --test-size must be"),
      bad,
    );
  }
  assert.throws(() => parseSplitSize(Number.NaN, "--test-size"), BenchError);
});

test("formatSplitSize prints like Python", () => {
  assert.equal(formatSplitSize({ kind: "fraction", value: 1 }), "1.0");
  assert.equal(formatSplitSize({ kind: "fraction", value: 0.1 }), "0.1");
  assert.equal(formatSplitSize({ kind: "count", value: 3 }), "3");
  assert.equal(formatSplitSize(null), "None");
});

test("seeds: any non-negative integer, every digit kept", () => {
  assert.equal(parseSeed("42"), 42n);
  assert.equal(parseSeed("0"), 0n);
  assert.equal(parseSeed("18446744073709551623"), 18446744073709551623n);
  assert.equal(parseSeed(42), 42n);
  for (const bad of ["-1", "1.5", "abc", ""]) assert.throws(() => parseSeed(bad), /^BenchError: split: --seed must be/, bad);
  assert.throws(() => parseSeed(-1), BenchError);
  assert.throws(() => parseSeed(2 ** 60), BenchError);
});
