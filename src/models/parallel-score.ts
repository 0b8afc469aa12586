/**
 * ColBERT scoring for the torch backend: scoreEmbedding's loop (src/models/onnx-score.ts: queries first, documents
 * in chunks, each distinct text encoded once) with MaxSim moved onto worker threads (src/score/maxsim-pool.ts).
 * A chunk's scores are computed while the next chunk is tokenized and encoded; at most one chunk's scoring is
 * outstanding when the next one starts, which bounds memory. Scores are bit-identical to scoreEmbedding's.
 */
import type { CachedVectors } from "../cache/vector-cache.js";
import type { MaxSimPool, PoolDoc } from "../score/maxsim-pool.js";
import type { EmbeddingScoring, EncodeFn } from "./onnx-score.js";
import type { ScoreRequest } from "./types.js";

/** result[i][j] scores requests[i].docs[j] by MaxSim; `progress` counts texts (queries + documents). */
export async function scoreColbertParallel(
  requests: readonly ScoreRequest[],
  encodeQueries: EncodeFn,
  encodeDocs: EncodeFn,
  how: EmbeddingScoring,
  progress: (done: number, total: number) => void,
  pool: MaxSimPool,
): Promise<number[][]> {
  const queries = [...new Set(requests.map((r) => r.query))];
  const uses = new Map<string, number>();
  for (const r of requests) for (const d of r.docs) uses.set(d, (uses.get(d) ?? 0) + 1);
  const total = queries.length + uses.size;
  let done = 0;
  const tick = (n: number): void => {
    done += n;
    progress(done, total);
  };
  const qv = await encodeQueries(queries, tick);
  const qIndex = new Map(queries.map((q, i) => [q, qv[i]]));
  const live = new Map<string, CachedVectors>();
  const result: Promise<number[]>[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  for (let start = 0; start < requests.length; ) {
    let end = start;
    let n = 0;
    while (end < requests.length && (end === start || n + requests[end].docs.length <= how.chunkDocs)) n += requests[end++].docs.length;
    const chunk = requests.slice(start, end);
    const need = [...new Set(chunk.flatMap((r) => r.docs))].filter((d) => !live.has(d));
    const dv = await encodeDocs(need, tick);
    need.forEach((d, i) => live.set(d, dv[i]));
    await previous; // the chunk before the last one has been scored: at most two chunks of vectors alive
    const scored: Promise<number[]>[] = [];
    for (const r of chunk) {
      const q = qIndex.get(r.query) as CachedVectors;
      const docs: PoolDoc[] = r.docs.map((text) => {
        const d = live.get(text) as CachedVectors;
        const left = (uses.get(text) as number) - 1;
        uses.set(text, left);
        if (left === 0) live.delete(text);
        const floor = how.floorBelowTokens !== null && d.nTokens < how.floorBelowTokens;
        return { data: d.data, rows: d.rows, floor, last: left === 0 };
      });
      scored.push(pool.score(q.data, q.rows, q.dim, docs));
    }
    result.push(...scored);
    const all = Promise.all(scored);
    all.catch(() => {}); // awaited (and its error raised) at the next chunk or at the end
    previous = all;
    start = end;
  }
  return Promise.all(result);
}
