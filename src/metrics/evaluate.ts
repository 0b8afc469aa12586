/**
 * The evaluator: rows + a Reranker → MTEB reranking metrics (docs/spec.md §2.1–§2.4). It reproduces mteb's
 * RerankingEvaluator arithmetic: rows without a positive or a negative are dropped (not scored 0), docs are positives
 * then negatives, a list query is scored per sub-query and reduced by max per document, scores are rounded to float32,
 * AP is sklearn's, RR is MRR@10 via the shared ranking helper, and means are numpy's pairwise means.
 */
import type { RerankRow } from "../data/types.js";
import { hasPositiveAndNegative } from "../data/validate-row.js";
import { BenchError, ExitCode } from "../errors.js";
import type { Progress, Reranker, ScoreRequest } from "../models/types.js";
import { averagePrecision } from "./average-precision.js";
import { MRR_AT_K, reciprocalRankAtK } from "./mrr.js";
import { type ConfidenceScores, confidenceScores, nAUCScores } from "./nauc.js";
import { npMean } from "./pairwise-sum.js";
import { rankDescending, topKDecidedByTie } from "./rank.js";
import { recallAtK } from "./recall.js";

/** Per evaluated row: its index in the input rows, the query as given, counts, and its AP and RR@10. */
export interface PerQuery {
  row: number;
  query: string | string[];
  n_pos: number;
  n_neg: number;
  ap: number;
  rr: number;
}

/**
 * Metric name → value, in the order mteb writes them: map, mrr, nAUC_map_{max,std,diff1}, nAUC_mrr_{…}, then
 * recall_at_10 and nAUC_recall_at_10_{…} (the mteb ≥ 1.39 extras). Values are float64 from numpy-exact arithmetic.
 */
export interface RerankingScores {
  map: number;
  mrr: number;
  recall_at_10?: number;
  [metric: string]: number | undefined;
}

/** What evaluateReranking returns. */
export interface RerankingEvaluation {
  scores: RerankingScores;
  perQuery: PerQuery[];
  /** Rows that had ≥ 1 positive and ≥ 1 negative. */
  nEvaluated: number;
  /** Rows dropped because they had no positive or no negative (mteb excludes them from every mean). */
  nDropped: number;
  /** Queries whose top-10 order was decided by a bit-identical score shared by a positive and a negative. */
  tieWarnings: number;
  /** The input row indices of those queries, in order (for a warning that names them). */
  tieRows: number[];
  /** Wall-clock seconds for scoring + metrics (mteb's evaluation_time measures the same span). */
  evaluationSeconds: number;
}

/** Options for evaluateReranking. */
export interface EvaluateOptions {
  /** Progress of model.score, passed through. */
  onProgress?: Progress;
  /** Also report recall_at_10 and its nAUCs (mteb ≥ 1.39). Default true. */
  recall?: boolean;
}

/**
 * Scores `rows` with `model` and computes map, mrr (@10), recall_at_10 and the nAUC abstention metrics.
 * Non-finite scores (the model's output is wrong: exit 3) and score lists of the wrong shape (a Reranker bug: exit 4)
 * throw BenchError("eval: model <name> returned … for row <i> …").
 */
export async function evaluateReranking(
  rows: readonly RerankRow[],
  model: Reranker,
  opts: EvaluateOptions = {},
): Promise<RerankingEvaluation> {
  const t0 = performance.now();
  const name = model.info.name;
  const kept: number[] = [];
  const requests: ScoreRequest[] = [];
  const firstRequest: number[] = []; // index into requests of each kept row's first sub-query
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!hasPositiveAndNegative(r)) continue;
    const docs = [...r.positive, ...r.negative];
    const queries = typeof r.query === "string" ? [r.query] : r.query;
    if (queries.length === 0) throw new BenchError(`eval: row ${i} has an empty query list (expected a string or ≥ 1 sub-query)`);
    kept.push(i);
    firstRequest.push(requests.length);
    for (const q of queries) requests.push({ row: i, query: q, docs });
  }
  const nDropped = rows.length - kept.length;
  if (kept.length === 0) {
    throw new BenchError(`eval: no row has both a positive and a negative passage (${rows.length} rows, all dropped as mteb does)`);
  }

  const raw = await model.score(requests, opts.onProgress);
  if (!Array.isArray(raw) || raw.length !== requests.length) {
    const got = Array.isArray(raw) ? `${raw.length} score lists` : typeof raw;
    throw new BenchError(
      `eval: model ${name} returned ${got} for ${requests.length} requests (rows ${kept[0]}…${kept[kept.length - 1]})`,
      ExitCode.Internal,
    );
  }

  const perQuery: PerQuery[] = [];
  const aps: number[] = [];
  const rrs: number[] = [];
  const recalls: number[] = [];
  const conf: ConfidenceScores[] = [];
  let tieWarnings = 0;
  const tieRows: number[] = [];
  for (let j = 0; j < kept.length; j++) {
    const i = kept[j];
    const r = rows[i];
    const nDocs = r.positive.length + r.negative.length;
    const nSub = typeof r.query === "string" ? 1 : r.query.length;
    // float32 rounding (docs/spec.md §2.3): the reference sees float32 scores widened to float64; max over sub-queries
    // (torch.amax) commutes with the rounding because Math.fround is monotonic.
    const scores = new Float64Array(nDocs).fill(-Infinity);
    for (let s = 0; s < nSub; s++) {
      const list = raw[firstRequest[j] + s];
      if (!Array.isArray(list) && !ArrayBuffer.isView(list))
        throw new BenchError(`eval: model ${name} returned a non-array score list for row ${i}`, ExitCode.Internal);
      if (list.length !== nDocs)
        throw new BenchError(
          `eval: model ${name} returned ${list.length} scores for row ${i} (expected ${nDocs}: ${r.positive.length} positive + ${r.negative.length} negative)`,
          ExitCode.Internal,
        );
      for (let d = 0; d < nDocs; d++) {
        const v = list[d];
        if (typeof v !== "number" || !Number.isFinite(v))
          throw new BenchError(`eval: model ${name} returned ${String(v)} for row ${i} (document ${d}); scores must be finite numbers`);
        const f = Math.fround(v);
        if (!Number.isFinite(f))
          throw new BenchError(`eval: model ${name} returned ${v} for row ${i} (document ${d}), which overflows float32`);
        if (f > scores[d]) scores[d] = f;
      }
    }
    const isRelevant = Array.from({ length: nDocs }, (_, d) => d < r.positive.length);
    const ranking = rankDescending(scores);
    const ap = averagePrecision(isRelevant, scores);
    const rr = reciprocalRankAtK(isRelevant, ranking, MRR_AT_K);
    aps.push(ap);
    rrs.push(rr);
    recalls.push(recallAtK(isRelevant, ranking, MRR_AT_K));
    conf.push(confidenceScores(scores));
    if (topKDecidedByTie(isRelevant, scores, ranking, MRR_AT_K)) {
      tieWarnings++;
      tieRows.push(i);
    }
    perQuery.push({ row: i, query: r.query, n_pos: r.positive.length, n_neg: r.negative.length, ap, rr });
  }

  const scores: RerankingScores = { map: npMean(aps), mrr: npMean(rrs), ...nAUCScores(conf, aps, "map"), ...nAUCScores(conf, rrs, "mrr") };
  if (opts.recall ?? true) {
    scores.recall_at_10 = npMean(recalls);
    Object.assign(scores, nAUCScores(conf, recalls, "recall_at_10"));
  }
  const evaluationSeconds = (performance.now() - t0) / 1000;
  return { scores, perQuery, nEvaluated: kept.length, nDropped, tieWarnings, tieRows, evaluationSeconds };
}
