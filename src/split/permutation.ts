/**
 * `np.random.default_rng(seed).permutation(n)` (numpy/random/_generator.pyx `shuffle` → `_shuffle_raw`, and
 * `random_interval` in src/distributions/distributions.c), docs/spec.md §1.1. Not Lemire's method: a bit mask plus
 * rejection, with 32-bit draws (buffered halves of next64) whenever the bound fits in 32 bits.
 */
import { inputError } from "../errors.js";
import { PCG64 } from "./pcg64.js";
import type { Seed } from "./seed-sequence.js";

/** `random_interval(bitgen, max)`: uniform integer in [0, max] by mask-and-reject. */
export function randomInterval(rng: PCG64, max: number): number {
  if (max === 0) return 0;
  if (max <= 0xffffffff) {
    let mask = max >>> 0;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (rng.next32() & mask) >>> 0;
    while (v > max);
    return v;
  }
  // 64-bit path (bounds > 2^32-1; unreachable for JS arrays, kept for fidelity to numpy).
  if (!Number.isSafeInteger(max)) throw inputError(`split: random_interval bound ${max} is not a safe integer`);
  const big = BigInt(max);
  let mask = big;
  for (const sh of [1n, 2n, 4n, 8n, 16n, 32n]) mask |= mask >> sh;
  let v: bigint;
  do v = rng.next64() & mask;
  while (v > big);
  return Number(v);
}

/** Fisher–Yates from the end, in place, exactly as numpy's 1-d `Generator.shuffle`. */
function shuffleInPlace(rng: PCG64, a: number[] | Int32Array | Float64Array): void {
  for (let i = a.length - 1; i >= 1; i--) {
    const j = randomInterval(rng, i);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** `default_rng(seed).permutation(n)`: a shuffled `arange(n)`. */
export function permutation(n: number, seed: Seed): number[] {
  if (!Number.isSafeInteger(n) || n < 0) throw inputError(`split: permutation length must be an integer ≥ 0, got ${n}`);
  const a = Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(new PCG64(seed), a);
  return a;
}
