import { test } from "node:test";
import assert from "node:assert/strict";
import { lengthBatches, paddedTokens } from "../../src/encode/length-batches.js";

test("lengthBatches sorts longest first (ties in input order) and cuts batches", () => {
  assert.deepEqual(lengthBatches([3, 9, 3, 5, 9], 2), [[1, 4], [3, 0], [2]]);
  assert.deepEqual(lengthBatches([], 4), []);
});

test("length grouping pads far less than batching in input order or padding to max_length", () => {
  const lengths = [12, 256, 40, 13, 250, 41, 11, 39];
  const grouped = lengthBatches(lengths, 2);
  const inOrder = [
    [0, 1],
    [2, 3],
    [4, 5],
    [6, 7],
  ];
  assert.equal(paddedTokens(lengths, grouped), 2 * 256 + 2 * 41 + 2 * 39 + 2 * 12);
  assert.equal(paddedTokens(lengths, inOrder), 2 * 256 + 2 * 40 + 2 * 250 + 2 * 39);
  assert.equal(paddedTokens(lengths, grouped, 256), 8 * 256);
});
