import { test } from "node:test";
import assert from "node:assert/strict";
import { padBatch } from "../../src/tokenize/batch.js";
import { makeTokenizer } from "../../src/tokenize/tokenizer.js";
import { wordPieceTokenizerJson } from "../../scripts/lib/onnx-builder.js";

test("padBatch right-pads to the longest row with pad id, mask 0 and type 0", () => {
  const b = padBatch(
    [
      [101, 5, 102],
      [101, 102],
    ],
    0,
    undefined,
    [
      [0, 0, 0],
      [0, 1],
    ],
  );
  assert.equal(b.batch, 2);
  assert.equal(b.length, 3);
  assert.deepEqual([...b.ids], [101n, 5n, 102n, 101n, 102n, 0n]);
  assert.deepEqual([...b.mask], [1n, 1n, 1n, 1n, 1n, 0n]);
  assert.deepEqual([...b.typeIds], [0n, 0n, 0n, 0n, 1n, 0n]);
});

test("padBatch pads to a fixed length and rejects rows that do not fit", () => {
  const b = padBatch([[0, 9, 2]], 1, 5);
  assert.deepEqual([...b.ids], [0n, 9n, 2n, 1n, 1n]);
  assert.deepEqual([...b.mask], [1n, 1n, 1n, 0n, 0n]);
  assert.throws(() => padBatch([[1, 2, 3]], 0, 2), /tokenize: a sequence of 3 tokens does not fit the padded length 2/);
});

test("encode with specials + truncation, then padBatch (as the text encoder does)", () => {
  const vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "中", "国", "人"];
  const tok = makeTokenizer(wordPieceTokenizerJson(vocab), {}, "inline");
  const b = padBatch(
    ["中国人", "人"].map((t) => tok.encode(t, 4)),
    tok.padId,
  );
  assert.equal(b.length, 4);
  // "中国人" → [CLS] 中 国 人 [SEP] is 5 > 4: content cut to 2, [SEP] kept.
  assert.deepEqual([...b.ids], [2n, 5n, 6n, 3n, 2n, 7n, 3n, 0n]);
  assert.deepEqual([...b.mask], [1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n]);
});
