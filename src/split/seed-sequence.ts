/**
 * numpy's SeedSequence (numpy/random/bit_generator.pyx), restricted to what `default_rng(int)` uses: one
 * non-negative integer seed of any size, no spawn key, pool size 4. All arithmetic is uint32 wrap-around
 * (docs/spec.md §1.1); golden vectors in docs/spec.md §1.2.
 */
import { inputError } from "../errors.js";

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const POOL_SIZE = 4;

/** A seed as numpy accepts it for `default_rng`: a non-negative integer (number must be a safe integer). */
export type Seed = number | bigint;

/** Converts a seed to bigint, rejecting what numpy rejects (negative) and what JS cannot hold exactly. */
function seedToBigInt(seed: Seed): bigint {
  if (typeof seed === "number") {
    if (!Number.isSafeInteger(seed)) {
      throw inputError(`split: seed must be an integer ≥ 0 (and ≤ 2^53-1 when given as a number), got ${seed}`);
    }
    seed = BigInt(seed);
  }
  if (seed < 0n) throw inputError(`split: seed must be an integer ≥ 0 (numpy's SeedSequence rejects negatives), got ${seed}`);
  return seed;
}

/** The seed as little-endian uint32 words, as numpy's `_int_to_uint32_array` does (0 → [0], 42 → [42]). */
export function seedWords(seed: Seed): number[] {
  let n = seedToBigInt(seed);
  if (n === 0n) return [0];
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return words;
}

/** `mix(x, y)`: L*x − R*y in uint32, then xorshift by 16. */
function mix(x: number, y: number): number {
  let r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
  r = (r ^ (r >>> XSHIFT)) >>> 0;
  return r;
}

/** numpy's SeedSequence for an integer seed: the mixed entropy pool and `generate_state`. */
export class SeedSequence {
  /** The 4-word entropy pool, `SeedSequence(seed).pool`. */
  readonly pool: Uint32Array;

  constructor(seed: Seed) {
    const entropy = seedWords(seed);
    const pool = new Uint32Array(POOL_SIZE);
    // One running hash constant across every hashmix call of mix_entropy, as in numpy.
    let hc = INIT_A;
    const hashmix = (value: number): number => {
      let v = (value ^ hc) >>> 0;
      hc = Math.imul(hc, MULT_A) >>> 0;
      v = Math.imul(v, hc) >>> 0;
      return (v ^ (v >>> XSHIFT)) >>> 0;
    };
    for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i]! : 0);
    for (let s = 0; s < POOL_SIZE; s++) {
      for (let d = 0; d < POOL_SIZE; d++) {
        if (s !== d) pool[d] = mix(pool[d]!, hashmix(pool[s]!));
      }
    }
    // Seeds wider than 128 bits: the remaining words are folded into every pool word.
    for (let s = POOL_SIZE; s < entropy.length; s++) {
      for (let d = 0; d < POOL_SIZE; d++) pool[d] = mix(pool[d]!, hashmix(entropy[s]!));
    }
    this.pool = pool;
  }

  /** `generate_state(n, np.uint32)`. */
  generateState32(n: number): Uint32Array {
    const out = new Uint32Array(n);
    let hc = INIT_B;
    for (let i = 0; i < n; i++) {
      let v = (this.pool[i % POOL_SIZE]! ^ hc) >>> 0;
      hc = Math.imul(hc, MULT_B) >>> 0;
      v = Math.imul(v, hc) >>> 0;
      out[i] = (v ^ (v >>> XSHIFT)) >>> 0;
    }
    return out;
  }

  /** `generate_state(n, np.uint64)`: pairs of uint32 words, the first of each pair is the low half. */
  generateState64(n: number): bigint[] {
    const words = this.generateState32(2 * n);
    const out: bigint[] = [];
    for (let i = 0; i < n; i++) out.push((BigInt(words[2 * i + 1]!) << 32n) | BigInt(words[2 * i]!));
    return out;
  }
}
