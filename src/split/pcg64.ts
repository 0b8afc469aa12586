/**
 * numpy's PCG64 bit generator (numpy/random/_pcg64.pyx, src/pcg64/pcg64.{h,c}): a 128-bit LCG with the XSL-RR
 * 128→64 output function, seeded from a SeedSequence (docs/spec.md §1.1). The 128-bit state is kept as eight 16-bit
 * limbs in plain numbers so one step is 36 exact double multiplications (no BigInt on the hot path).
 */
import { SeedSequence, type Seed } from "./seed-sequence.js";

const MASK128 = (1n << 128n) - 1n;
/** PCG_DEFAULT_MULTIPLIER_128 = 2549297995355413924 << 64 | 4865540595714422341. */
const MULT = 0x2360ed051fc65da44385df649fccf645n;
const LIMBS = 8;

/** Splits a 128-bit value into eight little-endian 16-bit limbs. */
function toLimbs(x: bigint): Float64Array {
  const out = new Float64Array(LIMBS);
  for (let i = 0; i < LIMBS; i++) out[i] = Number((x >> BigInt(16 * i)) & 0xffffn);
  return out;
}

/** Joins eight little-endian 16-bit limbs into a bigint. */
function fromLimbs(l: Float64Array): bigint {
  let x = 0n;
  for (let i = LIMBS - 1; i >= 0; i--) x = (x << 16n) | BigInt(l[i]!);
  return x;
}

const MULT_LIMBS = toLimbs(MULT);

/** The generator's full state, shaped like numpy's `PCG64().state["state"]` plus the 32-bit buffer. */
export interface Pcg64State {
  state: bigint;
  inc: bigint;
  hasUint32: boolean;
  uinteger: number;
}

/** numpy's PCG64: `next64` (= `random_raw`) and `next32` (low half first, high half buffered). */
export class PCG64 {
  private readonly s: Float64Array;
  private readonly inc: Float64Array;
  private readonly tmp = new Float64Array(LIMBS);
  private hasUint32 = false;
  private uinteger = 0;
  /** High and low 32-bit halves of the last `next64Parts` output. */
  hi = 0;
  lo = 0;

  /** Seeds exactly as `np.random.PCG64(seed)` does for an integer seed. */
  constructor(seed: Seed) {
    const [v0, v1, v2, v3] = new SeedSequence(seed).generateState64(4) as [bigint, bigint, bigint, bigint];
    // pcg64_set_seed: val[0] is the HIGH half of initstate, val[2] the high half of initseq.
    const initstate = (v0 << 64n) | v1;
    const initseq = (v2 << 64n) | v3;
    const inc = ((initseq << 1n) | 1n) & MASK128;
    // pcg_setseq_128_srandom_r: state = 0; step (→ inc); state += initstate; step.
    this.inc = toLimbs(inc);
    this.s = toLimbs((inc + initstate) & MASK128);
    this.step();
  }

  /** Replaces the state, like assigning `bitgen.state = {...}` in numpy. */
  setState(st: Pcg64State): void {
    this.s.set(toLimbs(st.state & MASK128));
    this.inc.set(toLimbs(st.inc & MASK128));
    this.hasUint32 = st.hasUint32;
    this.uinteger = st.uinteger >>> 0;
  }

  /** The current state (for tests and debugging), like `PCG64().state`. */
  getState(): Pcg64State {
    return { state: fromLimbs(this.s), inc: fromLimbs(this.inc), hasUint32: this.hasUint32, uinteger: this.uinteger };
  }

  /** state = state * MULT + inc (mod 2^128), schoolbook on 16-bit limbs; every partial sum stays < 2^53. */
  private step(): void {
    const s = this.s;
    const t = this.tmp;
    let carry = 0;
    for (let k = 0; k < LIMBS; k++) {
      let acc = carry + this.inc[k]!;
      for (let i = 0; i <= k; i++) acc += s[i]! * MULT_LIMBS[k - i]!;
      const low = acc % 65536;
      t[k] = low;
      carry = (acc - low) / 65536;
    }
    s.set(t);
  }

  /** One 64-bit output into `this.hi` / `this.lo`: step, then XSL-RR (rotate hi^lo right by state >> 122). */
  next64Parts(): void {
    this.step();
    const s = this.s;
    let xHi = (((s[7]! << 16) | s[6]!) ^ ((s[3]! << 16) | s[2]!)) >>> 0;
    let xLo = (((s[5]! << 16) | s[4]!) ^ ((s[1]! << 16) | s[0]!)) >>> 0;
    let rot = s[7]! >>> 10;
    if (rot >= 32) {
      const t = xHi;
      xHi = xLo;
      xLo = t;
      rot -= 32;
    }
    if (rot > 0) {
      const nLo = ((xLo >>> rot) | (xHi << (32 - rot))) >>> 0;
      const nHi = ((xHi >>> rot) | (xLo << (32 - rot))) >>> 0;
      xLo = nLo;
      xHi = nHi;
    }
    this.hi = xHi;
    this.lo = xLo;
  }

  /** `pcg64_next64` as a bigint (what `random_raw()` returns). */
  next64(): bigint {
    this.next64Parts();
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** `pcg64_next32`: the low half of a fresh 64-bit draw, the high half saved for the next call. */
  next32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    this.next64Parts();
    this.hasUint32 = true;
    this.uinteger = this.hi;
    return this.lo;
  }
}
