/**
 * Paired significance for two systems scored on the same queries: a percentile bootstrap confidence interval of
 * the mean difference and a two-sided paired randomisation (sign-flip) test. Both are seeded, so a result is
 * reproducible run to run and machine to machine.
 */
import { Xoshiro128 } from "./prng.js";

/** Resamples for the bootstrap and the Monte-Carlo sign-flip test (documented in docs/results.md). */
export const RESAMPLES = 10_000;
/** Fixed seed; every (metric, pair) starts its own generator from it, so row order in the report does not matter. */
export const SEED = 42;
/** Up to this many pairs the sign-flip test enumerates all 2^n sign vectors (exact p) instead of sampling. */
export const EXACT_MAX_N = 13;

/** What the paired tests report for one metric. */
export interface PairedStats {
  /** Number of paired queries. */
  n: number;
  /** Mean of (candidate − base) per query. */
  meanDiff: number;
  /** Percentile bootstrap 95% CI of the mean difference. */
  ci95: [number, number];
  /** Two-sided sign-flip p-value. */
  p: number;
  /** "exact" when all 2^n sign vectors were enumerated, else "monte-carlo". */
  pMethod: "exact" | "monte-carlo";
  resamples: number;
  seed: number;
}

/** Runs both tests on per-query differences `diffs` (candidate − base). */
export function pairedStats(diffs: ArrayLike<number>, resamples = RESAMPLES, seed = SEED): PairedStats {
  const n = diffs.length;
  if (n === 0) throw new RangeError("compare: paired statistics need at least one query");
  const d = Float64Array.from(diffs);
  const [lo, hi] = bootstrapCi(d, resamples, seed);
  const exact = n <= EXACT_MAX_N;
  return {
    n,
    meanDiff: sum(d) / n,
    ci95: [lo, hi],
    p: exact ? signFlipExact(d) : signFlipMonteCarlo(d, resamples, seed),
    pMethod: exact ? "exact" : "monte-carlo",
    resamples,
    seed,
  };
}

/** Percentile bootstrap: resample queries with replacement, take the 2.5th/97.5th percentiles of the means. */
function bootstrapCi(d: Float64Array, resamples: number, seed: number): [number, number] {
  const n = d.length;
  const rng = new Xoshiro128(seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[rng.below(n)]!;
    means[b] = s / n;
  }
  means.sort();
  return [quantile(means, 0.025), quantile(means, 0.975)];
}

/** numpy.quantile's default ("linear", Hyndman–Fan type 7) on an ascending-sorted array. */
export function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

// |T*| ≥ |T_obs| is compared with a relative slack: sign-flipped sums are added in another order than the observed
// one, and rounding must not turn "equal" into "smaller" (all-zero differences must give p = 1).
function atLeast(stat: number, observed: number, scale: number): boolean {
  return Math.abs(stat) >= Math.abs(observed) - 1e-12 * scale;
}

/** Exact two-sided sign-flip p-value: the share of all 2^n sign vectors whose |Σ s·d| ≥ |Σ d|. */
export function signFlipExact(d: Float64Array): number {
  const n = d.length;
  const observed = sum(d);
  const scale = sumAbs(d);
  const total = 2 ** n;
  let hits = 0;
  for (let mask = 0; mask < total; mask++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += mask & (1 << i) ? -d[i]! : d[i]!;
    if (atLeast(s, observed, scale)) hits++;
  }
  return hits / total;
}

/** Monte-Carlo sign-flip p-value, (1 + hits) / (1 + resamples) so that it is never 0 (Phipson & Smyth 2010). */
function signFlipMonteCarlo(d: Float64Array, resamples: number, seed: number): number {
  const n = d.length;
  const observed = sum(d);
  const scale = sumAbs(d);
  // A different stream from the bootstrap's: seed + 1.
  const rng = new Xoshiro128(seed + 1);
  let hits = 0;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if ((i & 31) === 0) bits = rng.nextU32();
      s += bits & 1 ? -d[i]! : d[i]!;
      bits >>>= 1;
    }
    if (atLeast(s, observed, scale)) hits++;
  }
  return (1 + hits) / (1 + resamples);
}

function sum(d: Float64Array): number {
  let s = 0;
  for (const x of d) s += x;
  return s;
}

function sumAbs(d: Float64Array): number {
  let s = 0;
  for (const x of d) s += Math.abs(x);
  return s;
}
