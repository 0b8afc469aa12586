/**
 * Length-grouped batching: items sorted by token count (longest first, ties in input order) and cut into
 * batches, so each batch is padded only to its own longest row. Padding never changes a score (masked
 * positions are excluded), only the time spent on pad tokens.
 */

/** Batches of item indices: sorted by `lengths` descending (stable), at most `batchSize` items each. */
export function lengthBatches(lengths: readonly number[], batchSize: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}

/** Tokens a set of batches feeds the model with padding to each batch's longest row (or to `padTo`). */
export function paddedTokens(lengths: readonly number[], batches: readonly number[][], padTo?: number): number {
  let n = 0;
  for (const b of batches) n += b.length * (padTo ?? Math.max(...b.map((i) => lengths[i])));
  return n;
}
