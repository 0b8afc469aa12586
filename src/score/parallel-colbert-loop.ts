/**
 * ColBERT scoring for the torch backend: scoreEmbedding's plan (./embedding-loop.ts, ./score-plan.ts: queries
 * first, documents in chunks, each distinct text encoded once) arranged so the GPU worker is not left waiting on Node:
 *   - MaxSim runs on worker threads (./maxsim-pool.ts); a chunk is scored while the next one encodes, with
 *     at most one chunk's scoring outstanding when the next starts (bounded memory);
 *   - the next chunk's documents are tokenized in small slices between the current chunk's replies.
 * Scores are bit-identical to scoreEmbedding's, and the same texts are encoded in the same chunks.
 */
import type { CachedVectors } from "../cache/vector-cache.js";
import type { EmbeddingScoring, EncodeFn } from "./embedding-loop.js";
import type { MaxSimPool, PoolDoc } from "./maxsim-pool.js";
import { planScoring, type QueryDocs } from "./score-plan.js";

/** An EncodeFn that can be handed the texts' token ids when they were tokenized ahead. */
export type PretokenizedEncodeFn = (texts: string[], tick: (n: number) => void, tokens?: number[][]) => Promise<CachedVectors[]>;

/** Tokenizes `texts` with `f`, yielding to the event loop every `slice` texts so encoder replies keep flowing. */
async function tokenizeSliced(texts: readonly string[], f: (t: string) => number[], slice = 32): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i++) {
    out.push(f(texts[i]));
    if (i % slice === slice - 1) await new Promise((r) => setImmediate(r));
  }
  return out;
}

/** result[i][j] scores requests[i].docs[j] by MaxSim; `progress` counts texts (queries + documents). */
export async function scoreColbertParallel(
  requests: readonly QueryDocs[],
  encodeQueries: EncodeFn,
  encodeDocs: PretokenizedEncodeFn,
  how: EmbeddingScoring,
  progress: (done: number, total: number) => void,
  pool: MaxSimPool,
  tokenizeDoc: (text: string) => number[],
): Promise<number[][]> {
  const { queries, chunks, live, tick } = planScoring(requests, how.chunkDocs, progress);
  // The first chunk's documents are tokenized while the queries encode.
  let nextTokens = chunks.length > 0 ? tokenizeSliced(chunks[0].need, tokenizeDoc) : null;
  nextTokens?.catch(() => {});
  const qv = await encodeQueries(queries, tick);
  const qIndex = new Map(queries.map((q, i) => [q, qv[i]]));
  const result: Promise<number[]>[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  for (let k = 0; k < chunks.length; k++) {
    const { need } = chunks[k];
    const tokens = await (nextTokens as Promise<number[][]>);
    nextTokens = k + 1 < chunks.length ? tokenizeSliced(chunks[k + 1].need, tokenizeDoc) : null;
    nextTokens?.catch(() => {}); // awaited at the next chunk
    live.keep(need, await encodeDocs(need, tick, tokens));
    await previous; // the chunk before the last one has been scored: at most two chunks of vectors alive
    const scored: Promise<number[]>[] = [];
    for (const r of chunks[k].requests) {
      const q = qIndex.get(r.query) as CachedVectors;
      const docs: PoolDoc[] = r.docs.map((text) => {
        const { vectors: d, last } = live.take(text);
        const floor = how.floorBelowTokens !== null && d.nTokens < how.floorBelowTokens;
        return { data: d.data, rows: d.rows, floor, last };
      });
      scored.push(pool.score(q.data, q.rows, q.dim, docs));
    }
    result.push(...scored);
    const all = Promise.all(scored);
    all.catch(() => {}); // awaited (and its error raised) at the next chunk or at the end
    previous = all;
  }
  return Promise.all(result);
}
