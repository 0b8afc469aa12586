import { test } from "node:test";
import assert from "node:assert/strict";
import { SeedSequence, seedWords } from "../../src/split/seed-sequence.js";
import { BenchError } from "../../src/errors.js";

// Golden vectors: docs/spec.md §1.2 (numpy 2.4.6).
test("SeedSequence(42).pool matches numpy", () => {
  assert.deepEqual([...new SeedSequence(42).pool], [1662858758, 128880814, 1875164712, 753753205]);
  assert.deepEqual([...new SeedSequence(42n).pool], [0x631d3606, 0x07ae90ae, 0x6fc4be28, 0x2ced5c75]);
});

test("generate_state(4, uint32) matches numpy", () => {
  assert.deepEqual([...new SeedSequence(42).generateState32(4)], [3444837047, 2669555309, 2046530742, 3581440988]);
});

test("generate_state(4, uint64) matches numpy", () => {
  assert.deepEqual(new SeedSequence(42).generateState64(4), [
    0x9f1e2e6dcd540ab7n,
    0xd57873dc79fb94b6n,
    0x7d282a1b64d420b7n,
    0x336579714692d5ffn,
  ]);
});

// Extra vectors produced here with numpy 2.4.6 (pyenv python3):
//   ss = np.random.SeedSequence(seed); list(ss.pool), ss.generate_state(2, np.uint64)
// They cover seed 0, one-word boundaries, two-word seeds and a six-word seed (the fold-in loop for words ≥ 4).
const EXTRA: Array<[bigint, number[], [bigint, bigint]]> = [
  [0n, [4265667335, 1328953910, 1320288413, 3365567143], [0xdb2cd7e7b0f478ben, 0xabf4641a2c71ba49n]],
  [1n, [2704793989, 232979121, 2500767352, 1423772289], [0x672d8ee56d6791ffn, 0x8ae19ca14eb1072cn]],
  [2n ** 32n - 1n, [2625504364, 3738155522, 1800708531, 3301221904], [0x2a05c5e276c1fe08n, 0x2032e40fc20e8198n]],
  [2n ** 32n, [3774083058, 3704433742, 401706016, 2609690843], [0x50ff846cec53f444n, 0x7a4918dbe8278562n]],
  [2n ** 64n + 7n, [2527238316, 1121062941, 2693958323, 115310222], [0x9f0ff81b78edde64n, 0x51da55b95507b991n]],
  [2n ** 160n + 12345678901234567890n, [2958060127, 107746503, 3451475981, 3507838555], [0x5096ba008348bffan, 0x21401e523007e2afn]],
];

for (const [seed, pool, state] of EXTRA) {
  test(`SeedSequence(${seed}) pool and generate_state match numpy`, () => {
    const ss = new SeedSequence(seed);
    assert.deepEqual([...ss.pool], pool);
    assert.deepEqual(ss.generateState64(2), state);
  });
}

test("seed words are little-endian uint32, 0 → [0]", () => {
  assert.deepEqual(seedWords(0), [0]);
  assert.deepEqual(seedWords(42), [42]);
  assert.deepEqual(seedWords(2n ** 32n + 5n), [5, 1]);
  assert.deepEqual(seedWords(2n ** 64n - 1n), [0xffffffff, 0xffffffff]);
});

test("negative or inexact seeds are rejected with a split: error", () => {
  assert.throws(
    () => new SeedSequence(-1),
    (e: unknown) => e instanceof BenchError && /^split: seed/.test(e.message),
  );
  assert.throws(() => new SeedSequence(-5n), BenchError);
  assert.throws(() => new SeedSequence(1.5), BenchError);
  assert.throws(() => new SeedSequence(2 ** 60), BenchError);
});
