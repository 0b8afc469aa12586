/**
 * The embedding scoring loop (ColBERT, dense): distinct texts are encoded once per run (queries first, then
 * documents in chunks of requests so memory stays bounded; a document's vectors are kept only while a later
 * request still needs them, ./score-plan.ts), then every (query, document) is scored by MaxSim or cosine.
 */
import type { CachedVectors } from "../cache/vector-cache.js";
import { cosine } from "./cosine.js";
import { maxSim } from "./maxsim.js";
import { planScoring, type QueryDocs } from "./score-plan.js";

/** Encodes distinct texts (or pair keys) of one role; `tick(n)` reports n finished. */
export type EncodeFn = (texts: string[], tick: (n: number) => void) => Promise<CachedVectors[]>;

/** How embedding scores are made. */
export interface EmbeddingScoring {
  kind: "colbert" | "dense";
  /** open-retrievals compat: docs shorter than this many tokens had zero pad rows → max floored at 0. */
  floorBelowTokens: number | null;
  chunkDocs: number;
}

/** ColBERT / dense: result[i][j] scores requests[i].docs[j]. `progress` counts texts (queries + documents). */
export async function scoreEmbedding(
  requests: readonly QueryDocs[],
  encodeQueries: EncodeFn,
  encodeDocs: EncodeFn,
  how: EmbeddingScoring,
  progress: (done: number, total: number) => void,
): Promise<number[][]> {
  const { queries, chunks, live, tick } = planScoring(requests, how.chunkDocs, progress);
  const qv = await encodeQueries(queries, tick);
  const qIndex = new Map(queries.map((q, i) => [q, qv[i]]));
  const result: number[][] = [];
  for (const chunk of chunks) {
    live.keep(chunk.need, await encodeDocs(chunk.need, tick));
    for (const r of chunk.requests) {
      const q = qIndex.get(r.query) as CachedVectors;
      result.push(
        r.docs.map((text) => {
          const d = live.take(text).vectors;
          if (how.kind === "dense") return cosine(q.data, d.data);
          const floor = how.floorBelowTokens !== null && d.nTokens < how.floorBelowTokens;
          return maxSim(q.data, q.rows, d.data, d.rows, q.dim, floor);
        }),
      );
    }
  }
  return result;
}
