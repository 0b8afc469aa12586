import { test } from "node:test";
import assert from "node:assert/strict";
import { longestFirstLengths } from "../../src/tokenize/truncate.js";

// The table of HF tokenizers' own unit test `truncate_encodings_longest_first` (max_length 7; lengths of the
// empty/short/medium/long encodings are 0/2/4/8), so our LongestFirst matches the Rust implementation.
test("LongestFirst pair truncation reproduces HF tokenizers' table", () => {
  const L = [0, 2, 4, 8];
  const expected: [number, number][][] = [
    [
      [0, 0],
      [0, 2],
      [0, 4],
      [0, 7],
    ],
    [
      [2, 0],
      [2, 2],
      [2, 4],
      [2, 5],
    ],
    [
      [4, 0],
      [4, 2],
      [3, 4],
      [3, 4],
    ],
    [
      [7, 0],
      [5, 2],
      [4, 3],
      [3, 4],
    ],
  ];
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) assert.deepEqual(longestFirstLengths(L[i], L[j], 7), expected[i][j], `${L[i]},${L[j]}`);
  assert.deepEqual(longestFirstLengths(5, 5, 0), [0, 0]);
});
