/**
 * The plan both embedding scoring loops follow (./embedding-loop.ts, ./parallel-colbert-loop.ts): the distinct
 * queries, encoded first; the chunks of consecutive requests up to `chunkDocs` documents, each with the distinct
 * documents it encodes (those no earlier chunk encoded); and the vectors of documents kept only until their last
 * use, so memory stays bounded by a chunk's documents plus those a later request still needs.
 */
import type { CachedVectors } from "../cache/vector-cache.js";

/** What the loops score: a query with its candidate documents (src/models' ScoreRequest has this shape). */
export interface QueryDocs {
  readonly query: string;
  readonly docs: readonly string[];
}

/** `progress(done, total)` as a ticker: `tick(n)` reports n more finished. */
export function progressTicker(total: number, progress: (done: number, total: number) => void): (n: number) => void {
  let done = 0;
  return (n) => progress((done += n), total);
}

/** The scoring chunks: [start, end) runs of consecutive requests up to `chunkDocs` documents (at least one request each). */
export function chunkBounds(requests: readonly QueryDocs[], chunkDocs: number): [number, number][] {
  const bounds: [number, number][] = [];
  for (let start = 0; start < requests.length; ) {
    let end = start;
    let n = 0;
    while (end < requests.length && (end === start || n + requests[end].docs.length <= chunkDocs)) n += requests[end++].docs.length;
    bounds.push([start, end]);
    start = end;
  }
  return bounds;
}

/** One chunk of a plan. */
export interface ScoreChunk<R extends QueryDocs> {
  /** Its requests (requests[start, end) of the run). */
  readonly requests: readonly R[];
  /** Its distinct documents that no earlier chunk encoded, in first-use order: what the chunk encodes. */
  readonly need: string[];
}

/**
 * Document vectors kept until their last use: `take` hands out one use and drops the vectors with the last, so
 * a document encoded by one chunk stays alive exactly while a later request still needs it.
 */
export class LiveVectors {
  private readonly live = new Map<string, CachedVectors>();
  /** `uses`: how many times the requests name each document (a document repeated in one request counts twice). */
  constructor(private readonly uses: Map<string, number>) {}

  /** Keeps `vectors[i]` as the vectors of `texts[i]`. */
  keep(texts: readonly string[], vectors: readonly CachedVectors[]): void {
    texts.forEach((t, i) => this.live.set(t, vectors[i]));
  }

  /** One use of `text`'s vectors; `last` when no later use remains (the vectors are no longer kept). */
  take(text: string): { vectors: CachedVectors; last: boolean } {
    const vectors = this.live.get(text) as CachedVectors;
    const left = (this.uses.get(text) as number) - 1;
    this.uses.set(text, left);
    if (left === 0) this.live.delete(text);
    return { vectors, last: left === 0 };
  }
}

/** A scoring run's plan; `tick` counts distinct queries + documents against `progress`. */
export interface ScorePlan<R extends QueryDocs> {
  readonly queries: string[];
  readonly chunks: readonly ScoreChunk<R>[];
  readonly live: LiveVectors;
  readonly tick: (n: number) => void;
}

/** Plans `requests`: each distinct text is encoded once, documents in chunks of up to `chunkDocs`. */
export function planScoring<R extends QueryDocs>(
  requests: readonly R[],
  chunkDocs: number,
  progress: (done: number, total: number) => void,
): ScorePlan<R> {
  const queries = [...new Set(requests.map((r) => r.query))];
  const uses = new Map<string, number>();
  for (const r of requests) for (const d of r.docs) uses.set(d, (uses.get(d) ?? 0) + 1);
  // A document an earlier chunk encoded is still kept when a later chunk names it (that chunk is a later use).
  const encoded = new Set<string>();
  const chunks = chunkBounds(requests, chunkDocs).map(([start, end]): ScoreChunk<R> => {
    const chunk = requests.slice(start, end);
    const need = [...new Set(chunk.flatMap((r) => r.docs))].filter((d) => !encoded.has(d));
    for (const d of need) encoded.add(d);
    return { requests: chunk, need };
  });
  return { queries, chunks, live: new LiveVectors(uses), tick: progressTicker(queries.length + uses.size, progress) };
}
