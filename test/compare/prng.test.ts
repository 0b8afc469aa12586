import { test } from "node:test";
import assert from "node:assert/strict";
import { Xoshiro128, splitMix64 } from "../../src/compare/prng.js";

// Golden values from the authors' C reference code (splitmix64.c, xoshiro128starstar.c) compiled with gcc, state
// seeded as in prng.ts (s0,s1 = low/high of the first SplitMix64 output, s2,s3 of the second).
test("SplitMix64 matches the C reference", () => {
  assert.deepEqual(splitMix64(0n, 2), [0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n]);
  assert.deepEqual(splitMix64(42n, 2), [0xbdd732262feb6e95n, 0x28efe333b266f103n]);
});

test("xoshiro128** matches the C reference for seeds 0 and 42", () => {
  const take = (seed: number) => {
    const g = new Xoshiro128(seed);
    return Array.from({ length: 8 }, () => g.nextU32());
  };
  assert.deepEqual(take(0), [3737715805, 2584255861, 2876756834, 3286328325, 1553311962, 1625202774, 3260698944, 2754151956]);
  assert.deepEqual(take(42), [1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222, 2940343271, 2244566231]);
});

test("below(n) stays in range, hits every value about equally, and rejects bad bounds", () => {
  const g = new Xoshiro128(7);
  const counts = new Array<number>(7).fill(0);
  for (let i = 0; i < 70_000; i++) counts[g.below(7)]!++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `count ${c} far from 10000`);
  assert.equal(new Xoshiro128(1).below(1), 0);
  assert.throws(() => g.below(0), /bound/);
  assert.throws(() => g.below(2.5), /bound/);
  assert.throws(() => g.below(2 ** 22), /bound/);
});
