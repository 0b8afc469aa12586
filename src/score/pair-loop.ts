/** The cross-encoder scoring loop: each distinct (query, document) pair goes through the model once; its logit is the score. */
import type { CachedVectors } from "../cache/vector-cache.js";
import { progressTicker, type QueryDocs } from "./score-plan.js";

/** result[i][j] scores requests[i].docs[j]; pairs are encoded `chunkPairs` at a time; `progress` counts distinct pairs. */
export async function scorePairs(
  requests: readonly QueryDocs[],
  encodePairs: (pairs: [string, string][], tick: (n: number) => void) => Promise<CachedVectors[]>,
  chunkPairs: number,
  progress: (done: number, total: number) => void,
): Promise<number[][]> {
  const key = (q: string, d: string): string => JSON.stringify([q, d]);
  const all = new Map<string, [string, string]>();
  for (const r of requests) for (const d of r.docs) all.set(key(r.query, d), [r.query, d]);
  const pairs = [...all.values()];
  const logits = new Map<string, number>();
  const tick = progressTicker(pairs.length, progress);
  for (let i = 0; i < pairs.length; i += chunkPairs) {
    const part = pairs.slice(i, i + chunkPairs);
    const v = await encodePairs(part, tick);
    part.forEach(([q, d], k) => logits.set(key(q, d), v[k].data[0]));
  }
  return requests.map((r) => r.docs.map((d) => logits.get(key(r.query, d)) as number));
}
