/**
 * One query's metrics from its document scores (positives first): sklearn's AP, RR@10 and recall@10 on the stable
 * positives-first ranking (docs/spec.md §2.3), the confidence scores nAUC needs, and whether a tie decided the top 10.
 */
import { averagePrecision } from "./average-precision.js";
import { MRR_AT_K, reciprocalRankAtK } from "./mrr.js";
import { type ConfidenceScores, confidenceScores } from "./nauc.js";
import { rankDescending, topKDecidedByTie } from "./rank.js";
import { recallAtK } from "./recall.js";

/** The metrics of one evaluated query. */
export interface QueryMetrics {
  ap: number;
  rr: number;
  recall: number;
  confidence: ConfidenceScores;
  /** The top-10 order was decided by a bit-identical score shared by a positive and a negative. */
  decidedByTie: boolean;
}

/** Metrics of a query whose first `nPos` documents are the positives. */
export function queryMetrics(scores: Float64Array, nPos: number): QueryMetrics {
  const isRelevant = Array.from({ length: scores.length }, (_, d) => d < nPos);
  const ranking = rankDescending(scores);
  return {
    ap: averagePrecision(isRelevant, scores),
    rr: reciprocalRankAtK(isRelevant, ranking, MRR_AT_K),
    recall: recallAtK(isRelevant, ranking, MRR_AT_K),
    confidence: confidenceScores(scores),
    decidedByTie: topKDecidedByTie(isRelevant, scores, ranking, MRR_AT_K),
  };
}
