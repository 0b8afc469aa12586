import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { BenchError, ExitCode } from "../../src/errors.js";
import { parseResult, readResultFile } from "../../src/compare/result-file.js";
import { put, tempDir, writeBenchMteb, writeV111, writeV111x, writeV2 } from "./fixtures.js";

test("bench --format mteb / mteb 1.12.76–1.39 layout, bare NaN included", () => {
  const r = readResultFile(writeBenchMteb(tempDir(), "T2Reranking", { map: 0.66, mrr: 0.76 }), "compare");
  assert.equal(r.task, "T2Reranking");
  assert.equal(r.layout, "mteb-1.12.76");
  assert.equal(r.mtebVersion, "1.39.7");
  assert.equal(r.datasetRevision, null);
  assert.equal(r.scores.length, 1);
  const s = r.scores[0]!;
  assert.equal(s.split, "test");
  assert.equal(s.subset, "default");
  // main_score, evaluation_time, hf_subset, languages are not metrics.
  assert.deepEqual(Object.keys(s.metrics).sort(), ["map", "mrr", "nAUC_map_max", "nAUC_mrr_max"]);
  assert.equal(s.metrics.map, 0.66);
  assert.ok(Number.isNaN(s.metrics.nAUC_map_max));
});

test("bench --format mteb-1.1.1 / mteb 1.1.1 layout", () => {
  const r = readResultFile(writeV111(tempDir(), "CustomReranking", { map: 0.6951234567890123, mrr: 0.819 }), "compare");
  assert.equal(r.layout, "mteb-1.1.1");
  assert.equal(r.task, "CustomReranking");
  assert.deepEqual(r.scores, [
    { split: "test", subset: "default", metrics: { map: 0.6951234567890123, mrr: 0.819 }, mainScore: null, mainMetric: null },
  ]);
});

test("mteb 1.1.1 multilingual layout: one object per language inside the split", () => {
  const r = parseResult(
    { mteb_dataset_name: "X", mteb_version: "1.1.1", test: { evaluation_time: 3, en: { map: 0.5, mrr: 0.6 }, zh: { map: 0.4, mrr: 0.5 } } },
    "x.json",
    "compare",
  );
  assert.deepEqual(
    r.scores.map((s) => [s.split, s.subset, s.metrics.map]),
    [
      ["test", "en", 0.5],
      ["test", "zh", 0.4],
    ],
  );
});

test("mteb 1.11–1.12.75 one-line pydantic dump (null for NaN)", () => {
  const r = readResultFile(writeV111x(tempDir(), "T2Reranking", { map: 0.6601, mrr: 0.7602 }), "compare");
  assert.equal(r.layout, "mteb-1.11");
  assert.equal(r.datasetRevision, "76631901a18387f85eaa53e5450019b87ad58ef9");
  assert.equal(r.scores[0]!.split, "dev");
  assert.equal(r.scores[0]!.metrics.map, 0.6601);
  assert.ok(Number.isNaN(r.scores[0]!.metrics.nAUC_map_max));
});

test("mteb 2.x layout: retrieval keys, mteb_version per entry ignored as a metric", () => {
  const r = readResultFile(writeV2(tempDir(), "T2Reranking", { map_at_1000: 0.7, mrr_at_10: 0.8 }), "compare");
  assert.equal(r.layout, "mteb-2");
  assert.deepEqual(Object.keys(r.scores[0]!.metrics).sort(), [
    "accuracy",
    "map_at_1000",
    "mrr_at_10",
    "nauc_map_at_1000_max",
    "ndcg_at_10",
  ]);
});

function rejects(json: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseResult(json, "/r/x.json", "compare"),
    (e: unknown) =>
      e instanceof BenchError && e.exitCode === ExitCode.Input && pattern.test(e.message) && e.message.startsWith("compare: /r/x.json: "),
  );
}

test("the layout comes from the structure: null, absent and pre-release versions, stray keys (as mteb's from_disk)", () => {
  const entry = { map: 0.5, mrr: 0.6, main_score: 0.5, hf_subset: "default", languages: ["cmn-Hans"] };
  for (const v of [null, undefined, "0.0.2", "1.1.1", "1.36.10", "latest"]) {
    const r = parseResult(
      { task_name: "T", dataset_revision: "r", ...(v === undefined ? {} : { mteb_version: v }), scores: { dev: [entry] } },
      "x.json",
      "compare",
    );
    assert.equal(r.task, "T");
    assert.equal(r.mtebVersion, v ?? null);
    assert.deepEqual(r.scores[0]!.metrics, { map: 0.5, mrr: 0.6 });
    assert.equal(r.scores[0]!.mainMetric, "map");
  }
  // A 1.36.10 TaskResult with a stray mteb_dataset_name is a TaskResult (task_name + scores win).
  const stray = parseResult(
    { task_name: "T", mteb_dataset_name: "Old", mteb_version: "1.36.10", dataset_revision: "r", scores: { dev: [entry] } },
    "x.json",
    "compare",
  );
  assert.equal(stray.task, "T");
  assert.equal(stray.layout, "mteb-1.12.76");
  for (const v of [null, undefined, "0.0.2", "1.12.0"]) {
    const r = parseResult(
      { mteb_dataset_name: "T", ...(v === undefined ? {} : { mteb_version: v }), dev: { map: 0.5, mrr: 0.6 } },
      "x.json",
      "compare",
    );
    assert.equal(r.layout, "mteb-1.1.1");
    assert.equal(r.scores[0]!.metrics.map, 0.5);
  }
});

test("unknown layouts, 3.x versions and garbage metric values are refused, naming the field", () => {
  rejects(
    { task_name: "T", mteb_version: "3.0.0", scores: { test: [] } },
    /written by mteb 3.0.0; bench reads result files of mteb 0.x, 1.x and 2.x only/,
  );
  rejects({ task_name: "T", mteb_version: 3, scores: {} }, /"mteb_version": expected a string or null, got 3/);
  rejects({ name: "bm25", mteb_version: "1.39.7" }, /unknown result layout: .*found keys name, mteb_version/);
  rejects([1, 2], /expected a JSON object/);
  rejects({ task_name: "T", mteb_version: "1.39.7", scores: { test: {} } }, /scores.test: expected a list/);
  rejects({ task_name: "T", mteb_version: "1.39.7", scores: {} }, /holds no split/);
  const tr = (m: Record<string, number>) => ({
    task_name: "T",
    mteb_version: "1.39.7",
    scores: { test: [{ ...m, hf_subset: "default" }] },
  });
  rejects(tr({ map: 5.0, mrr: 0.5 }), /test metric "map" is 5; expected a number in \[0, 1\]/);
  rejects(tr({ map: -0.1 }), /metric "map" is -0.1; expected/);
  rejects(tr({ map: Infinity }), /metric "map" is Infinity; expected/);
  rejects(tr({ map: Number.NaN }), /metric "map" is NaN; expected/);
  rejects(tr({ map: 0.5, nAUC_map_max: -Infinity }), /metric "nAUC_map_max" is -Infinity; expected a finite number \(or NaN\)/);
  rejects({ mteb_dataset_name: "T", mteb_version: "1.1.1", test: { map: 1.5 } }, /test metric "map" is 1.5/);
  // nAUC may be NaN or beyond ±1 (real mteb files have both); a perfect score's float noise is accepted.
  const ok = parseResult(tr({ map: 1.0000000000000002, nAUC_map_max: Number.NaN, nAUC_mrr_max: 1.7 }), "x.json", "compare");
  assert.equal(ok.scores[0]!.metrics.map, 1.0000000000000002);
});

test("1e999 in a file (Python writes no such thing) is refused, not read as Infinity and passed", () => {
  const f = put(
    join(tempDir(), "T.json"),
    '{"task_name": "T", "mteb_version": "1.39.7", "dataset_revision": "r", "scores": {"test": [{"map": 1e999, "hf_subset": "default"}]}}',
  );
  assert.throws(() => readResultFile(f, "check"), /T\.json: test metric "map" is Infinity; expected a number in \[0, 1\]/);
});

test("unreadable files: missing and invalid JSON name the file", () => {
  const dir = tempDir();
  assert.throws(() => readResultFile(join(dir, "nope.json"), "check"), /^BenchError: check: cannot read result file .*nope\.json/);
  const bad = put(join(dir, "bad.json"), '{"task_name": ');
  assert.throws(() => readResultFile(bad, "compare"), /compare: .*bad\.json is not valid JSON/);
});
