import { test } from "node:test";
import assert from "node:assert/strict";
import type { CachedVectors } from "../../src/cache/vector-cache.js";
import { scoreEmbedding } from "../../src/score/embedding-loop.js";
import { type PretokenizedEncodeFn, scoreColbertParallel } from "../../src/score/parallel-colbert-loop.js";
import type { ScoreRequest } from "../../src/models/types.js";
import { MaxSimPool } from "../../src/score/maxsim-pool.js";

const DIM = 16;
const tokenize = (t: string): number[] => [...t].map((c) => c.charCodeAt(0));
/** A deterministic stand-in for an encoder: vectors derived from the text (fresh arrays per call, as the real ones). */
function encoder(calls: string[][]): PretokenizedEncodeFn {
  return async (texts, tick, tokens) => {
    calls.push(texts);
    if (tokens) assert.deepEqual(tokens, texts.map(tokenize), "pre-tokenized ids are the texts' own");
    const out: CachedVectors[] = texts.map((t) => {
      const rows = 1 + (t.length % 7);
      let s = [...t].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 2147483647, 7) || 1;
      const data = Float32Array.from({ length: rows * DIM }, () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5);
      return { nTokens: rows + 1 + (t.length % 3), rows, dim: DIM, data };
    });
    tick(texts.length);
    return out;
  };
}

const docs = Array.from({ length: 30 }, (_, i) => `document ${i} ${"x".repeat(i)}`);
// Repeated documents within a request, across requests of one chunk and across chunks; a repeated query.
const requests: ScoreRequest[] = Array.from({ length: 9 }, (_, row) => ({
  row,
  query: row === 8 ? "query 0" : `query ${row}`,
  docs: [docs[row], docs[(row * 7) % 30], docs[(row * 7) % 30], docs[29 - row], docs[0], docs[row + 10]],
}));

test("scoreColbertParallel gives scoreEmbedding's scores bit for bit, encoding each text once", async (t) => {
  const pool = new MaxSimPool(2);
  t.after(() => pool.close());
  for (const [chunkDocs, floorBelowTokens] of [
    [2048, null],
    [7, null],
    [1, 5],
  ] as const) {
    const serialCalls: string[][] = [];
    const parallelCalls: string[][] = [];
    const how = { kind: "colbert" as const, floorBelowTokens, chunkDocs };
    const progress: number[] = [];
    const want = await scoreEmbedding(requests, encoder(serialCalls), encoder(serialCalls), how, () => {});
    const got = await scoreColbertParallel(
      requests,
      encoder(parallelCalls),
      encoder(parallelCalls),
      how,
      (d) => progress.push(d),
      pool,
      tokenize,
    );
    assert.deepEqual(got, want, `chunkDocs ${chunkDocs}`);
    assert.deepEqual(parallelCalls, serialCalls, "the same texts encoded in the same chunks");
    const distinct = new Set(requests.flatMap((r) => [r.query, ...r.docs])).size;
    assert.equal(progress[progress.length - 1], distinct);
  }
});
