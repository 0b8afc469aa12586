/**
 * Reciprocal rank at k, as mteb's RerankingEvaluator.mrr_at_k_score (1.1.1 … 1.39.x, docs/spec.md §2.1): the reciprocal
 * 1-based rank of the first relevant document among the top k of the ranking, else 0. The key is called "mrr" in
 * result files even though it is MRR@10.
 */

/** mteb's mrr_at_k (the evaluator's default, and what T2Reranking results use). */
export const MRR_AT_K = 10;

/** 1/(rank+1) of the first relevant index within ranking[0..k), else 0. `ranking` comes from rankDescending. */
export function reciprocalRankAtK(isRelevant: readonly boolean[], ranking: readonly number[], k: number = MRR_AT_K): number {
  const top = Math.min(k, ranking.length);
  for (let rank = 0; rank < top; rank++) {
    if (isRelevant[ranking[rank]]) return 1 / (rank + 1);
  }
  return 0;
}
