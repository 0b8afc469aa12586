import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { checkComparable, loadResultSet } from "../../src/compare/result-set.js";
import { perQuery, put, tempDir, writeBenchMteb, writeV111, writeV111x, writeV2 } from "./fixtures.js";

test("a results tree: model_meta.json and *.bench.json are skipped, sidecars found", () => {
  const dir = tempDir();
  writeBenchMteb(
    dir,
    "T2Reranking",
    { map: 0.5, mrr: 0.5 },
    perQuery(2, () => 0.5),
  );
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

test("a tree of several models is keyed by model directory and task (compared model by model)", () => {
  const dir = tempDir();
  writeBenchMteb(dir, "T2Reranking", { map: 0.5, mrr: 0.5 }, undefined, "bm25");
  writeBenchMteb(dir, "T2Reranking", { map: 0.6, mrr: 0.6 }, undefined, "BAAI/bge-m3");
  const set = loadResultSet(dir, "compare");
  assert.deepEqual([...set.results.keys()], ["BAAI__bge-m3/no_revision_available: T2Reranking", "bm25/no_revision_available: T2Reranking"]);
  assert.deepEqual(set.models, ["BAAI__bge-m3/no_revision_available", "bm25/no_revision_available"]);
  assert.equal(set.results.get("bm25/no_revision_available: T2Reranking")!.task, "T2Reranking");
  // A tree against one model cannot be paired without guessing: say so.
  const one = loadResultSet(join(dir, "bm25"), "compare");
  assert.deepEqual([...one.results.keys()], ["T2Reranking"]);
  assert.throws(
    () => checkComparable([set, one], "compare", ["A", "B"]),
    /compare: A holds results of 2 model directories .* point at one model's directory/,
  );
});

test("the same task twice in one directory is ambiguous", () => {
  const dir = tempDir();
  const f = writeBenchMteb(dir, "T2Reranking", { map: 0.5, mrr: 0.5 });
  put(join(dirname(f), "Copy.json"), readFileSync(f, "utf8"));
  assert.throws(
    () => loadResultSet(dir, "compare"),
    /compare: .* holds results for task T2Reranking twice in one directory \(.*Copy\.json and .*T2Reranking\.json\)/,
  );
});

test("missing paths and empty directories are errors; stray JSON under a directory is a warning naming it", () => {
  const dir = tempDir();
  assert.throws(() => loadResultSet(join(dir, "none"), "check"), /check: .*none does not exist/);
  mkdirSync(join(dir, "empty"));
  assert.throws(() => loadResultSet(join(dir, "empty"), "check"), /check: .*empty holds no result files/);
  put(join(dir, "stray", "config.json"), '{"lr": 1e-5}');
  assert.throws(
    () => loadResultSet(join(dir, "stray"), "compare"),
    /stray holds no readable result file; .*config\.json: unknown result layout/,
  );
  // Beside a real result, the stray file is skipped with a warning; given alone as a file, it is an error.
  writeBenchMteb(join(dir, "stray"), "T2Reranking", { map: 0.5, mrr: 0.5 });
  const lines: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((c: string | Uint8Array) => (lines.push(String(c)), true)) as typeof process.stderr.write;
  try {
    assert.equal(loadResultSet(join(dir, "stray"), "compare").results.size, 1);
  } finally {
    process.stderr.write = orig;
  }
  assert.match(lines.join(""), /config\.json: unknown result layout.*\(skipped: not a result file\)/);
  assert.throws(() => loadResultSet(join(dir, "stray", "config.json"), "compare"), /unknown result layout/);
  // Garbage values are errors even under a directory: they are a result file, and wrong.
  const bad = writeBenchMteb(join(dir, "garbage"), "T2Reranking", { map: 5, mrr: 0.5 });
  assert.throws(
    () => loadResultSet(join(dir, "garbage"), "check"),
    new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: test metric "map" is 5`),
  );
});

test("bench's provenance is read under the new name and the old <Task>.bench.json; neither is a result", () => {
  const dir = tempDir();
  const f = writeBenchMteb(dir, "T2Reranking", { map: 0.5, mrr: 0.5 }); // writes the old .bench.json
  assert.equal(loadResultSet(dir, "compare").results.get("T2Reranking")!.datasetSha256, "ab".repeat(32));
  rmSync(f.replace(/\.json$/, ".bench.json"));
  put(f.replace(/\.json$/, ".provenance.jsonl"), JSON.stringify({ schema_version: 1, dataset: { sha256: "cd".repeat(32) } }) + "\n");
  const r = loadResultSet(dir, "compare").results.get("T2Reranking")!;
  assert.equal(r.datasetSha256, "cd".repeat(32));
});

test("mteb 2.x experiments/ folders and external/ directories are their own model directories, not 'the task twice'", () => {
  const dir = tempDir();
  const entry = '{"map": 0.5, "mrr": 0.5, "main_score": 0.5, "hf_subset": "default", "languages": ["cmn-Hans"]}';
  const file = (v: string | null) =>
    `{"task_name": "T2Reranking", "dataset_revision": "r", "mteb_version": ${v === null ? "null" : `"${v}"`}, "scores": {"dev": [${entry}]}, "evaluation_time": null}`;
  put(join(dir, "org__m", "rev1", "T2Reranking.json"), file("2.1.0"));
  put(join(dir, "org__m", "rev1", "experiments", "lr-1e-5", "T2Reranking.json"), file("2.1.0"));
  put(join(dir, "org__m", "external", "T2Reranking.json"), file(null));
  const set = loadResultSet(dir, "check");
  assert.deepEqual([...set.results.keys()].sort(), [
    "org__m/external: T2Reranking",
    "org__m/rev1/experiments/lr-1e-5: T2Reranking",
    "org__m/rev1: T2Reranking",
  ]);
});
