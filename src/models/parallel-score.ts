/**
 * ColBERT scoring for the torch backend: scoreEmbedding's loop (src/models/onnx-score.ts: queries first, documents
 * in chunks, each distinct text encoded once) arranged so the GPU worker is not left waiting on Node:
 *   - MaxSim runs on worker threads (src/score/maxsim-pool.ts); a chunk is scored while the next one encodes, with
 *     at most one chunk's scoring outstanding when the next starts (bounded memory);
 *   - the next chunk's documents are tokenized in small slices between the current chunk's replies.
 * Scores are bit-identical to scoreEmbedding's, and the same texts are encoded in the same chunks.
 */
import type { CachedVectors } from "../cache/vector-cache.js";
import type { MaxSimPool, PoolDoc } from "../score/maxsim-pool.js";
import { chunkBounds, type EmbeddingScoring, type EncodeFn, planTexts } from "./onnx-score.js";
import type { ScoreRequest } from "./types.js";

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
  requests: readonly ScoreRequest[],
  encodeQueries: EncodeFn,
  encodeDocs: PretokenizedEncodeFn,
  how: EmbeddingScoring,
  progress: (done: number, total: number) => void,
  pool: MaxSimPool,
  tokenizeDoc: (text: string) => number[],
): Promise<number[][]> {
  const { queries, uses, tick } = planTexts(requests, progress);
  const bounds = chunkBounds(requests, how.chunkDocs); // the chunks scoreEmbedding cuts
  // What chunk k must encode: its distinct documents not alive after the chunks before it. A document alive then
  // is one an earlier chunk encoded and a later request still uses, so this equals scoreEmbedding's `need`.
  const encoded = new Set<string>();
  const needs = bounds.map(([s, e]) => {
    const need = [...new Set(requests.slice(s, e).flatMap((r) => r.docs))].filter((d) => !encoded.has(d));
    need.forEach((d) => encoded.add(d));
    return need;
  });
  // The first chunk's documents are tokenized while the queries encode.
  let nextTokens = bounds.length > 0 ? tokenizeSliced(needs[0], tokenizeDoc) : null;
  nextTokens?.catch(() => {});
  const qv = await encodeQueries(queries, tick);
  const qIndex = new Map(queries.map((q, i) => [q, qv[i]]));
  const live = new Map<string, CachedVectors>();
  const result: Promise<number[]>[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  for (let k = 0; k < bounds.length; k++) {
    const chunk = requests.slice(bounds[k][0], bounds[k][1]);
    const need = needs[k];
    const tokens = await (nextTokens as Promise<number[][]>);
    nextTokens = k + 1 < bounds.length ? tokenizeSliced(needs[k + 1], tokenizeDoc) : null;
    nextTokens?.catch(() => {}); // awaited at the next chunk
    const dv = await encodeDocs(need, tick, tokens);
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
  }
  return Promise.all(result);
}
