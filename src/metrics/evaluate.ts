/**
 * The evaluator: rows + a Reranker → MTEB reranking metrics (docs/spec.md §2.1–§2.4). It reproduces mteb's
 * RerankingEvaluator arithmetic: rows without a positive or a negative are dropped (not scored 0), docs are positives
 * then negatives, a list query is scored per sub-query and reduced by max per document, scores are rounded to float32,
 * AP is sklearn's, RR is MRR@10 via the shared ranking helper, and means are numpy's pairwise means. The steps:
 * score-requests.ts (what the model scores), row-scores.ts (its output → float32 scores per document),
 * query-metrics.ts (AP, RR, recall, confidence per query), then the means here.
 */
import type { RerankRow } from "../data/types.js";
import type { Progress, Reranker } from "../models/types.js";
import { nAUCScores } from "./nauc.js";
import { npMean } from "./pairwise-sum.js";
import { type QueryMetrics, queryMetrics } from "./query-metrics.js";
import { checkScoreLists, rowScores } from "./row-scores.js";
import { scoreRequests } from "./score-requests.js";

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
  const plan = scoreRequests(rows);
  const raw = await model.score(plan.requests, opts.onProgress);
  checkScoreLists(raw, plan, name);
  const perQuery: PerQuery[] = [];
  const metrics: QueryMetrics[] = [];
  const tieRows: number[] = [];
  plan.kept.forEach((i, j) => {
    const r = rows[i];
    const m = queryMetrics(rowScores(raw, plan.firstRequest[j], r, i, name), r.positive.length);
    metrics.push(m);
    if (m.decidedByTie) tieRows.push(i);
    perQuery.push({ row: i, query: r.query, n_pos: r.positive.length, n_neg: r.negative.length, ap: m.ap, rr: m.rr });
  });
  const scores = meanScores(metrics, opts.recall ?? true);
  const evaluationSeconds = (performance.now() - t0) / 1000;
  const nEvaluated = plan.kept.length;
  return { scores, perQuery, nEvaluated, nDropped: rows.length - nEvaluated, tieWarnings: tieRows.length, tieRows, evaluationSeconds };
}

/** The per-query metrics → numpy's pairwise means and the nAUCs, keyed and ordered as mteb writes them. */
function meanScores(metrics: QueryMetrics[], recall: boolean): RerankingScores {
  const aps = metrics.map((m) => m.ap);
  const rrs = metrics.map((m) => m.rr);
  const conf = metrics.map((m) => m.confidence);
  const scores: RerankingScores = { map: npMean(aps), mrr: npMean(rrs), ...nAUCScores(conf, aps, "map"), ...nAUCScores(conf, rrs, "mrr") };
  if (recall) {
    const recalls = metrics.map((m) => m.recall);
    scores.recall_at_10 = npMean(recalls);
    Object.assign(scores, nAUCScores(conf, recalls, "recall_at_10"));
  }
  return scores;
}
