/**
 * THE ranking helper: every metric that needs an order (MRR@10, recall@10, tie warnings) ranks through here, so
 * ties break one way everywhere. docs/spec.md §2.3: the reference's argsort tie order is implementation-defined, so we use a
 * stable descending sort with ties broken by original index. Documents are positives then negatives, so a positive
 * tied with a negative ranks first (a constant scorer therefore gets MRR 1.0 under the 1.1.1 rules).
 */

/** Indices of `scores` from highest to lowest score; equal scores keep their original (ascending index) order. */
export function rankDescending(scores: ArrayLike<number>): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  // Explicit index tie-break rather than relying on sort stability alone; -0 and +0 compare equal (numpy does too).
  order.sort((a, b) => {
    const sa = scores[a];
    const sb = scores[b];
    if (sa > sb) return -1;
    if (sa < sb) return 1;
    return a - b;
  });
  return order;
}

/**
 * True when the top-k order was decided by an exact tie between a positive and a negative: some document ranked
 * in the top k has a bit-identical score with a document of the other relevance (which may rank just below k).
 */
export function topKDecidedByTie(
  isRelevant: readonly boolean[],
  scores: ArrayLike<number>,
  ranking: readonly number[],
  k: number,
): boolean {
  const groups = new Map<number, { pos: boolean; neg: boolean }>();
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] === 0 ? 0 : scores[i]; // fold -0 into +0: they tie
    const g = groups.get(s) ?? { pos: false, neg: false };
    if (isRelevant[i]) g.pos = true;
    else g.neg = true;
    groups.set(s, g);
  }
  const top = Math.min(k, ranking.length);
  for (let r = 0; r < top; r++) {
    const s = scores[ranking[r]];
    const g = groups.get(s === 0 ? 0 : s);
    if (g?.pos && g.neg) return true;
  }
  return false;
}
