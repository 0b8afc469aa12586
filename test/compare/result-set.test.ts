import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { loadResultSet } from "../../src/compare/result-set.js";
import { perQuery, put, tempDir, writeBenchMteb, writeV111, writeV111x, writeV2 } from "./fixtures.js";

test("a results tree: model_meta.json and *.bench.json are skipped, sidecars found", () => {
  const dir = tempDir();
  writeBenchMteb(dir, "T2Reranking", { map: 0.5, mrr: 0.5 }, perQuery(2, () => 0.5));
  writeBenchMteb(dir, "MMarcoReranking", { map: 0.3, mrr: 0.4 });
  const set = loadResultSet(dir, "compare");
  assert.deepEqual([...set.results.keys()].sort(), ["MMarcoReranking", "T2Reranking"]);
  assert.match(set.results.get("T2Reranking")!.perQueryPath!, /T2Reranking\.per_query\.jsonl$/);
  assert.equal(set.results.get("MMarcoReranking")!.perQueryPath, null);
});

test("each layout's directory loads", () => {
  for (const write of [
    (d: string) => writeV111(d, "CustomReranking", { map: 0.7, mrr: 0.8 }),
    (d: string) => writeV111x(d, "T2Reranking", { map: 0.7, mrr: 0.8 }),
    (d: string) => writeV2(d, "T2Reranking", { map_at_1000: 0.7, mrr_at_10: 0.8 }),
  ]) {
    const dir = tempDir();
    const file = write(dir);
    assert.equal(loadResultSet(dir, "compare").results.size, 1);
    assert.equal(loadResultSet(file, "compare").results.size, 1, "a single file works too");
  }
});

test("the same task twice in one tree is ambiguous", () => {
  const dir = tempDir();
  writeBenchMteb(dir, "T2Reranking", { map: 0.5, mrr: 0.5 }, undefined, "bm25");
  writeBenchMteb(dir, "T2Reranking", { map: 0.6, mrr: 0.6 }, undefined, "BAAI/bge-m3");
  assert.throws(() => loadResultSet(dir, "compare"), /compare: .* holds results for task T2Reranking twice \(BAAI__bge-m3\/.*and bm25\/.*\); point at one model/);
});

test("missing paths, empty directories and stray JSON are errors", () => {
  const dir = tempDir();
  assert.throws(() => loadResultSet(join(dir, "none"), "check"), /check: .*none does not exist/);
  mkdirSync(join(dir, "empty"));
  assert.throws(() => loadResultSet(join(dir, "empty"), "check"), /check: .*empty holds no result files/);
  put(join(dir, "stray", "config.json"), '{"lr": 1e-5}');
  assert.throws(() => loadResultSet(join(dir, "stray"), "compare"), /config\.json: field "mteb_version"/);
});
