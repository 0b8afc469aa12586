/**
 * The seeded generator behind bootstrap resampling and sign-flip tests: xoshiro128** 1.1 (Blackman & Vigna,
 * https://prng.di.unimi.it/xoshiro128starstar.c), its 128-bit state filled from SplitMix64
 * (https://prng.di.unimi.it/splitmix64.c) as the authors recommend. 32-bit integer arithmetic only, so it is fast
 * in JS (numpy's PCG64 needs 128-bit multiplies, i.e. BigInt); the same seed gives the same stream everywhere.
 */

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64: the first `count` outputs for `seed`, as unsigned 64-bit bigints. */
export function splitMix64(seed: bigint, count: number): bigint[] {
  let x = BigInt.asUintN(64, seed);
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    out.push(z ^ (z >> 31n));
  }
  return out;
}

/** xoshiro128**: `nextU32()` returns uniform 32-bit unsigned integers. */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** State words = low and high halves of SplitMix64(seed)'s first two outputs (never all zero). */
  constructor(seed: number | bigint) {
    const [a, b] = splitMix64(BigInt(seed), 2) as [bigint, bigint];
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
  }

  /** Next output, an integer in [0, 2^32). */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /**
   * Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject, arXiv:1805.10941). n ≤ 2^21 keeps
   * x·n below 2^53, so the double product is exact.
   */
  below(n: number): number {
    if (!(n >= 1 && n <= 0x200000 && Number.isInteger(n))) throw new RangeError(`prng: bound must be an integer in [1, 2^21], got ${n}`);
    let m = this.nextU32() * n;
    let low = m % 0x100000000;
    if (low < n) {
      const threshold = (0x100000000 - n) % n;
      while (low < threshold) {
        m = this.nextU32() * n;
        low = m % 0x100000000;
      }
    }
    return Math.floor(m / 0x100000000);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
