/**
 * Recall at k for one reranking query: the share of the query's positives ranked in the top k.
 *
 * docs/spec.md §2.4 says mteb 1.39.0+ reports `recall_at_10` (and nAUC_recall_at_10_*) for reranking. That could not be
 * confirmed from source: mteb 1.39.7 (embeddings-benchmark/mteb @ d2c704c15a6312264822be11986372cc1f7e6c6b) is not
 * among the stored versions, and the latest stored 1.x RerankingEvaluator.py (the one that already calls
 * model.similarity; read via the search tools) returns only map, mrr and their nAUCs. So the definition here is the
 * one every mteb recall_at_k uses (pytrec_eval/trec_eval `recall_k`: relevant docs in the top k / all relevant docs),
 * ranked by rank.ts (stable, positives first on ties). evaluateReranking({recall: false}) leaves it out.
 */

/** |top-k ∩ relevant| / |relevant|; 0 when there is no relevant document. */
export function recallAtK(isRelevant: readonly boolean[], ranking: readonly number[], k: number): number {
  let total = 0;
  for (const r of isRelevant) if (r) total++;
  if (total === 0) return 0;
  let hit = 0;
  const top = Math.min(k, ranking.length);
  for (let rank = 0; rank < top; rank++) if (isRelevant[ranking[rank]]) hit++;
  return hit / total;
}
