/**
 * Recall at k for one reranking query: the share of the query's positives ranked in the top k.
 *
 * mteb 1.39.x reports `recall_at_10` for reranking tasks (spec §2.4). Its 1.39.7 RerankingEvaluator source
 * (embeddings-benchmark/mteb @ d2c704c15a6312264822be11986372cc1f7e6c6b) was not among the versions the search
 * tools hold (they hold 07392b09… and a later 1.x without recall), so this follows the definition every mteb
 * recall_at_k uses (pytrec_eval/trec_eval `recall_k`: relevant docs retrieved in the top k / all relevant docs),
 * with the ranking from rank.ts (stable, positives first on ties). Treat it as bench's own metric until checked.
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
