import { test } from "node:test";
import assert from "node:assert/strict";
import { PCG64 } from "../../src/split/pcg64.js";
import { permutation, randomInterval } from "../../src/split/permutation.js";
import { indicesSha256 } from "../../src/split/indices-hash.js";
import { budgetMs } from "../helpers/budget.js";

/** A real PCG64 that also records every next32 it hands out (to check the draw trace of docs/spec.md §1.2). */
class RecordingPCG64 extends PCG64 {
  draws: number[] = [];
  override next32(): number {
    const v = super.next32();
    this.draws.push(v);
    return v;
  }
}

// Golden vectors: docs/spec.md §1.2 (numpy 2.4.6).
test("random_interval trace for n=10 (draws, masks, rejections) matches numpy", () => {
  const expected: Array<[number, number, number[], number]> = [
    [9, 15, [0x16d92688], 8],
    [8, 15, [0xc621fbcd, 0xa791ffc1], 1],
    [7, 7, [0x705a5661], 1],
    [6, 7, [0x6eda1624], 4],
    [5, 7, [0xdbcd12c2], 2],
    [4, 7, [0x1600888d, 0xb286b60e, 0x339381eb], 3],
    [3, 3, [0x181c01b5], 1],
    [2, 3, [0x86c7538c], 0],
    [1, 1, [0xf9c262ed], 1],
  ];
  const rng = new RecordingPCG64(42);
  for (const [i, mask, draws, j] of expected) {
    rng.draws = [];
    assert.equal(randomInterval(rng, i), j, `j at i=${i}`);
    assert.deepEqual(rng.draws, draws, `draws at i=${i}`);
    // Every draw but the last is a rejection (draw & mask > i); the last gives j.
    draws.forEach((d, k) => {
      const v = (d & mask) >>> 0;
      if (k < draws.length - 1) assert.ok(v > i);
      else assert.equal(v, j);
    });
  }
});

test("permutation(10) matches numpy", () => {
  const p = permutation(10, 42);
  assert.deepEqual(p, [5, 6, 0, 7, 3, 2, 4, 9, 1, 8]);
  assert.equal(indicesSha256(p), "fdf187163ab550a0b125e487a461454c9c5f334581665d9710665ba747a3a509");
});

test("permutation(97) matches numpy in full", () => {
  const p = permutation(97, 42);
  assert.deepEqual(
    p,
    [
      57, 21, 76, 18, 33, 40, 94, 27, 51, 39, 2, 25, 24, 50, 78, 96, 95, 59, 4, 86, 91, 37, 28, 69, 7, 61, 63, 26, 72, 75, 38, 0, 83, 68,
      10, 29, 42, 52, 17, 88, 73, 5, 92, 1, 46, 81, 89, 3, 80, 90, 20, 84, 43, 71, 32, 56, 23, 93, 70, 15, 48, 55, 60, 45, 9, 62, 31, 16,
      44, 79, 67, 34, 30, 58, 74, 85, 54, 49, 6, 87, 11, 82, 41, 22, 19, 35, 64, 47, 12, 53, 14, 13, 66, 36, 65, 77, 8,
    ],
  );
  assert.equal(indicesSha256(p), "ee59d67a88b2aff699e46a10218c3ace6698c2b65c06e33fd67e0baa8e2f60eb");
});

test("permutation(1000) matches numpy (first 30, last 5, sha256)", () => {
  const p = permutation(1000, 42);
  assert.deepEqual(
    p.slice(0, 30),
    [
      978, 933, 859, 916, 127, 608, 856, 260, 147, 810, 635, 972, 593, 994, 285, 554, 467, 276, 55, 61, 839, 425, 82, 620, 787, 2, 753, 7,
      903, 626,
    ],
  );
  assert.deepEqual(p.slice(-5), [548, 609, 961, 973, 648]);
  assert.equal(indicesSha256(p), "9f551c62131b8c8bac0e9eed9d7a82dc1fbda75798054d6842f410082c746263");
});

test("permutation(6129) matches numpy (first 30, last 5, sha256) and takes milliseconds", () => {
  const t0 = performance.now();
  const p = permutation(6129, 42);
  const ms = performance.now() - t0;
  assert.deepEqual(
    p.slice(0, 30),
    [
      2506, 592, 5031, 4376, 3474, 1389, 4526, 2180, 1401, 623, 1634, 5562, 5782, 1837, 1021, 324, 2061, 5578, 1352, 2644, 3723, 5847, 2223,
      2938, 1612, 2177, 2451, 4046, 2766, 1168,
    ],
  );
  assert.deepEqual(p.slice(-5), [2189, 4802, 5668, 5729, 1672]);
  assert.equal(indicesSha256(p), "c81eb05fdf4d34a76833440fd952d318837080a4cd80b7b462486353a09d4824");
  // ~1 ms when warm; the bound is loose because the test machine is shared (budget of 50 ms idle, scaled).
  assert.ok(ms < budgetMs(0.05), `permutation(6129) took ${ms.toFixed(1)} ms`);
});

// Extra vectors produced with numpy 2.4.6: np.random.default_rng(seed).permutation(n).
test("small n and other seeds match numpy", () => {
  assert.deepEqual(permutation(0, 42), []);
  assert.deepEqual(permutation(1, 42), [0]);
  assert.deepEqual(permutation(2, 42), [1, 0]);
  assert.deepEqual(permutation(3, 42), [2, 1, 0]);
  assert.equal(indicesSha256(permutation(0, 42)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.deepEqual(permutation(100, 42).slice(0, 10), [59, 21, 56, 18, 33, 42, 50, 27, 92, 71]);
  assert.equal(indicesSha256(permutation(100, 42)), "b850c3037649a7533e435eda865e17e74cc1b0f298c5c483c1b8a4825368572c");
  const seeds: Array<[bigint, number[]]> = [
    [0n, [4, 19, 6, 2, 13, 16, 3, 11, 10, 8, 0, 12, 7, 5, 18, 17, 14, 9, 1, 15]],
    [1n, [1, 10, 18, 16, 7, 11, 12, 17, 15, 2, 3, 4, 5, 8, 0, 9, 14, 13, 6, 19]],
    [2n ** 32n - 1n, [1, 7, 6, 15, 19, 0, 4, 13, 8, 12, 10, 16, 11, 18, 3, 5, 17, 14, 2, 9]],
    [2n ** 32n, [10, 0, 15, 13, 9, 4, 1, 19, 7, 11, 3, 18, 17, 6, 16, 14, 8, 12, 2, 5]],
    [2n ** 64n + 7n, [7, 2, 4, 14, 1, 12, 16, 19, 10, 18, 11, 9, 3, 0, 17, 8, 6, 5, 13, 15]],
    [2n ** 160n + 12345678901234567890n, [13, 10, 9, 12, 0, 15, 19, 4, 6, 7, 8, 5, 11, 18, 3, 16, 14, 17, 2, 1]],
  ];
  for (const [seed, expected] of seeds) assert.deepEqual(permutation(20, seed), expected, `seed ${seed}`);
});

test("n=65537 (masks wider than 16 bits) matches numpy", () => {
  const p = permutation(65537, 42);
  assert.deepEqual(p.slice(0, 10), [53304, 35663, 16109, 34182, 47268, 12707, 26566, 50861, 56375, 38875]);
  assert.equal(indicesSha256(p), "57650f95c64db3fc2553f8999d1a73ab42c0c217916ab069a3f7c8965a84ddc8");
});

test("every output is a permutation of 0..n-1", () => {
  for (const [n, seed] of [
    [5, 3],
    [64, 9],
    [257, 123456789],
    [1024, 0],
  ] as const) {
    const p = permutation(n, seed);
    assert.deepEqual(
      [...p].sort((a, b) => a - b),
      Array.from({ length: n }, (_, i) => i),
      `n=${n} seed=${seed}`,
    );
  }
});

test("randomInterval(0) draws nothing; bounds above 2^32-1 take the 64-bit path (next64 & mask)", () => {
  const rng = new RecordingPCG64(42);
  assert.equal(randomInterval(rng, 0), 0);
  assert.equal(rng.draws.length, 0);
  // max = 2^33 - 1 → mask 2^33 - 1; first raw draw of seed 42 is 0xc621fbcd16d92688, & mask = 0x116d92688.
  const v = randomInterval(rng, 2 ** 33 - 1);
  assert.equal(v, 0x116d92688);
  assert.equal(rng.draws.length, 0);
});

test("permutation rejects a bad length", () => {
  assert.throws(() => permutation(-1, 42), /^BenchError: split: permutation length/);
  assert.throws(() => permutation(2.5, 42), /split: permutation length/);
});
