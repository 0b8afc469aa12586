/**
 * The scoring loop of ONNX rerankers: distinct texts are encoded once per run (queries first, then documents
 * in chunks of requests so memory stays bounded; a document's vectors are kept only while a later request
 * still needs them), then every (query, document) is scored by MaxSim, cosine, or the cross-encoder's logit.
 */
import type { CachedVectors } from "../cache/vector-cache.js";
import { maxSim } from "../score/maxsim.js";
import { cosine } from "../score/cosine.js";
import type { ScoreRequest } from "./types.js";

/** Encodes distinct texts (or pair keys) of one role; `tick(n)` reports n finished. */
export type EncodeFn = (texts: string[], tick: (n: number) => void) => Promise<CachedVectors[]>;

/** How embedding scores are made. */
export interface EmbeddingScoring {
  kind: "colbert" | "dense";
  /** open-retrievals compat: docs shorter than this many tokens had zero pad rows → max floored at 0. */
  floorBelowTokens: number | null;
  chunkDocs: number;
}

function unique(xs: Iterable<string>): string[] {
  return [...new Set(xs)];
}

/** The distinct texts of a scoring run: queries, how many requests use each document, and a progress ticker over both. */
export interface TextPlan {
  queries: string[];
  uses: Map<string, number>;
  tick: (n: number) => void;
}

/** Plans the texts to encode once each; `progress(done, total)` counts distinct queries + documents. */
export function planTexts(requests: readonly ScoreRequest[], progress: (done: number, total: number) => void): TextPlan {
  const queries = unique(requests.map((r) => r.query));
  const uses = new Map<string, number>();
  for (const r of requests) for (const d of r.docs) uses.set(d, (uses.get(d) ?? 0) + 1);
  const total = queries.length + uses.size;
  let done = 0;
  const tick = (n: number): void => {
    done += n;
    progress(done, total);
  };
  return { queries, uses, tick };
}

/** The scoring chunks: [start, end) runs of consecutive requests up to `chunkDocs` documents (at least one request each). */
export function chunkBounds(requests: readonly ScoreRequest[], chunkDocs: number): [number, number][] {
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

/** ColBERT / dense: result[i][j] scores requests[i].docs[j]. `tick` counts texts (queries + documents). */
export async function scoreEmbedding(
  requests: readonly ScoreRequest[],
  encodeQueries: EncodeFn,
  encodeDocs: EncodeFn,
  how: EmbeddingScoring,
  progress: (done: number, total: number) => void,
): Promise<number[][]> {
  const { queries, uses, tick } = planTexts(requests, progress);
  const qv = await encodeQueries(queries, tick);
  const qIndex = new Map(queries.map((q, i) => [q, qv[i]]));
  const live = new Map<string, CachedVectors>();
  const result: number[][] = [];
  for (const [start, end] of chunkBounds(requests, how.chunkDocs)) {
    const chunk = requests.slice(start, end);
    const need = unique(chunk.flatMap((r) => r.docs)).filter((d) => !live.has(d));
    const dv = await encodeDocs(need, tick);
    need.forEach((d, i) => live.set(d, dv[i]));
    for (const r of chunk) {
      const q = qIndex.get(r.query) as CachedVectors;
      result.push(
        r.docs.map((text) => {
          const d = live.get(text) as CachedVectors;
          if (how.kind === "dense") return cosine(q.data, d.data);
          const floor = how.floorBelowTokens !== null && d.nTokens < how.floorBelowTokens;
          return maxSim(q.data, q.rows, d.data, d.rows, q.dim, floor);
        }),
      );
      for (const text of r.docs) {
        const left = (uses.get(text) as number) - 1;
        uses.set(text, left);
        if (left === 0) live.delete(text);
      }
    }
  }
  return result;
}

/** Cross-encoder: each distinct (query, document) pair goes through the model once; its logit is the score. */
export async function scorePairs(
  requests: readonly ScoreRequest[],
  encodePairs: (pairs: [string, string][], tick: (n: number) => void) => Promise<CachedVectors[]>,
  chunkPairs: number,
  progress: (done: number, total: number) => void,
): Promise<number[][]> {
  const key = (q: string, d: string): string => JSON.stringify([q, d]);
  const all = new Map<string, [string, string]>();
  for (const r of requests) for (const d of r.docs) all.set(key(r.query, d), [r.query, d]);
  const pairs = [...all.values()];
  const logits = new Map<string, number>();
  let done = 0;
  for (let i = 0; i < pairs.length; i += chunkPairs) {
    const part = pairs.slice(i, i + chunkPairs);
    const v = await encodePairs(part, (n) => progress((done += n), pairs.length));
    part.forEach(([q, d], k) => logits.set(key(q, d), v[k].data[0]));
  }
  return requests.map((r) => r.docs.map((d) => logits.get(key(r.query, d)) as number));
}
