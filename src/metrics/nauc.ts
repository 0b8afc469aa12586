/**
 * mteb's abstention metrics nAUC_{metric}_{max,std,diff1} (mteb ≥ 1.12.8; docs/spec.md §2.4), transcribed from
 * `mteb/evaluation/evaluators/utils.py` (`confidence_scores`, `nAUC`) as read in embeddings-benchmark/mteb @
 * 01c63e0d467898e265d3325f39595099d2fe92cf (late 1.x, the same code as 1.39.7 per docs/spec.md §2.4) and
 * RerankingEvaluator.nAUC_scores (per-query AP / RR lists against per-query confidences). Paper: arXiv 2402.12997.
 */
import { npMean, pairwiseSum } from "./pairwise-sum.js";

/** Per-query confidence functions, in mteb's dict order (which is also the key order in result files). */
const CONFIDENCE_FUNCTIONS = ["max", "std", "diff1"] as const;

/** One of max | std | diff1. */
export type ConfidenceFunction = (typeof CONFIDENCE_FUNCTIONS)[number];

/** mteb's confidence_scores for one query's (float32-widened) document scores. */
export type ConfidenceScores = Record<ConfidenceFunction, number>;

/**
 * max = top score; std = np.std (ddof 0: mean by pairwise sum, squared deviations, pairwise mean, sqrt);
 * diff1 = top1 − top2 (0 for a single document).
 */
export function confidenceScores(scores: ArrayLike<number>): ConfidenceScores {
  const n = scores.length;
  if (n === 0) throw new Error("confidenceScores: no scores");
  const sorted = Array.from(scores).sort((a, b) => b - a);
  const mean = npMean(scores);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = scores[i] - mean;
    sq[i] = d * d;
  }
  const std = Math.sqrt(npMean(sq));
  return { max: sorted[0], std, diff1: n > 1 ? sorted[0] - sorted[1] : 0 };
}

/** np.linspace(0, 1, 11)[:-1]: numpy computes i·step with step = 0.1, so 0.30000000000000004 etc. */
export const ABSTENTION_RATES: readonly number[] = Array.from({ length: 10 }, (_, i) => i * 0.1);

/** Python's round(x) to an integer: half to even, on the exact binary value. */
export function pyRoundInt(x: number): number {
  const f = Math.floor(x);
  const diff = x - f; // exact for the magnitudes used here
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Abstention curve: stable ascending argsort of the confidences (numpy ≥ 2 passes stable=True); at each rate drop the
 * min(round(rate·n), n−1) least confident queries and take np.mean of the remaining metrics.
 */
export function abstentionCurve(
  conf: ArrayLike<number>,
  metrics: ArrayLike<number>,
  rates: readonly number[] = ABSTENTION_RATES,
): number[] {
  const n = conf.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const ca = conf[a];
    const cb = conf[b];
    return ca < cb ? -1 : ca > cb ? 1 : a - b;
  });
  return rates.map((rate) => {
    const drop = Math.min(pyRoundInt(rate * n), n - 1);
    const kept = new Float64Array(n - drop);
    for (let i = drop; i < n; i++) kept[i - drop] = metrics[order[i]];
    return npMean(kept);
  });
}

/** sklearn.metrics.auc(x, y) for increasing x = np.trapezoid: add.reduce(diff(x) · (y[1:] + y[:-1]) / 2.0). */
function trapezoidAuc(x: readonly number[], y: readonly number[]): number {
  const terms = new Float64Array(x.length - 1);
  for (let i = 0; i < terms.length; i++) terms[i] = ((x[i + 1] - x[i]) * (y[i + 1] + y[i])) / 2.0;
  return 0.0 + pairwiseSum(terms);
}

/**
 * Normalised AUC of the abstention curve: (auc(curve) − flat) / (auc(oracle) − flat), where the oracle abstains on the
 * worst queries by the metric itself and flat = oracle[0]·(rates[-1] − rates[0]). NaN when oracle == flat (e.g. every
 * query has the same metric value), as mteb returns np.nan.
 */
export function nAUC(conf: ArrayLike<number>, metrics: ArrayLike<number>, rates: readonly number[] = ABSTENTION_RATES): number {
  if (conf.length !== metrics.length || conf.length === 0)
    throw new Error(`nAUC: ${conf.length} confidences for ${metrics.length} metrics`);
  const curve = abstentionCurve(conf, metrics, rates);
  const oracle = abstentionCurve(metrics, metrics, rates);
  const abstAuc = trapezoidAuc(rates, curve);
  const orAuc = trapezoidAuc(rates, oracle);
  const flatAuc = oracle[0] * (rates[rates.length - 1] - rates[0]);
  if (orAuc === flatAuc) return NaN;
  return (abstAuc - flatAuc) / (orAuc - flatAuc);
}

/** RerankingEvaluator.nAUC_scores: {nAUC_<name>_max, nAUC_<name>_std, nAUC_<name>_diff1}, in that order. */
export function nAUCScores(conf: readonly ConfidenceScores[], metrics: ArrayLike<number>, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const fct of CONFIDENCE_FUNCTIONS) {
    out[`nAUC_${name}_${fct}`] = nAUC(
      conf.map((c) => c[fct]),
      metrics,
    );
  }
  return out;
}
