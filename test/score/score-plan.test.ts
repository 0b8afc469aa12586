import { test } from "node:test";
import assert from "node:assert/strict";
import type { CachedVectors } from "../../src/cache/vector-cache.js";
import { chunkBounds, LiveVectors, planScoring } from "../../src/score/score-plan.js";

const req = (query: string, ...docs: string[]) => ({ query, docs });
const vec = (x: number): CachedVectors => ({ nTokens: 1, rows: 1, dim: 1, data: Float32Array.of(x) });

test("chunkBounds: consecutive requests up to chunkDocs documents, at least one request per chunk", () => {
  const rs = [req("q", "a", "b"), req("q", "c"), req("q", "d", "e", "f", "g"), req("q", "h")];
  assert.deepEqual(chunkBounds(rs, 3), [
    [0, 2],
    [2, 3],
    [3, 4],
  ]);
  assert.deepEqual(chunkBounds(rs, 100), [[0, 4]]);
  assert.deepEqual(chunkBounds([], 3), []);
});

test("planScoring: distinct queries; each chunk encodes the documents no earlier chunk encoded; progress counts distinct texts", () => {
  const seen: [number, number][] = [];
  const plan = planScoring([req("q1", "a", "b", "a"), req("q2", "b", "c"), req("q1", "c", "d")], 4, (d, t) => seen.push([d, t]));
  assert.deepEqual(plan.queries, ["q1", "q2"]);
  assert.deepEqual(
    plan.chunks.map((c) => [c.requests.length, c.need]),
    [
      [1, ["a", "b"]],
      [2, ["c", "d"]],
    ],
  );
  plan.tick(2);
  plan.tick(4);
  assert.deepEqual(seen, [
    [2, 6],
    [6, 6],
  ]);
});

test("LiveVectors: vectors are kept until their last use, a repeat in one request counting as a use", () => {
  const live = new LiveVectors(
    new Map([
      ["a", 2],
      ["b", 1],
    ]),
  );
  live.keep(["a", "b"], [vec(1), vec(2)]);
  assert.deepEqual(live.take("a"), { vectors: vec(1), last: false });
  assert.deepEqual(live.take("b"), { vectors: vec(2), last: true });
  assert.deepEqual(live.take("a"), { vectors: vec(1), last: true });
  assert.equal(live.take("b").vectors, undefined, "released after its last use");
});
