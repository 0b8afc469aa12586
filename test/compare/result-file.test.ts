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
  assert.deepEqual(r.scores, [{ split: "test", subset: "default", metrics: { map: 0.6951234567890123, mrr: 0.819 } }]);
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
  assert.deepEqual(Object.keys(r.scores[0]!.metrics).sort(), ["accuracy", "map_at_1000", "mrr_at_10", "nauc_map_at_1000_max", "ndcg_at_10"]);
});

function rejects(json: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseResult(json, "/r/x.json", "compare"),
    (e: unknown) => e instanceof BenchError && e.exitCode === ExitCode.Input && pattern.test(e.message) && e.message.startsWith("compare: /r/x.json: "),
  );
}

test("unknown versions and layouts are refused with a clear message", () => {
  rejects({ task_name: "T", mteb_version: "3.0.0", scores: { test: [] } }, /TaskResult layout .* says mteb_version "3.0.0"/);
  rejects({ foo: 1, mteb_version: "3.1.0" }, /written by mteb 3.1.0; bench reads result files of mteb 1.x and 2.x only/);
  rejects({ task_name: "T", scores: {} }, /"mteb_version": expected a string, got nothing/);
  rejects({ task_name: "T", mteb_version: "latest", scores: {} }, /"latest" is not a version number/);
  rejects({ mteb_dataset_name: "T", mteb_version: "1.12.0", test: { map: 1 } }, /pre-1.11 layout .* mteb 1.0–1.10/);
  rejects({ task_name: "T", mteb_version: "1.1.1", scores: { test: [{ map: 1 }] } }, /written by mteb 1.11–2.x/);
  rejects({ name: "bm25", mteb_version: "1.39.7" }, /unknown result layout: .*found keys name, mteb_version/);
  rejects([1, 2], /expected a JSON object/);
  rejects({ task_name: "T", mteb_version: "1.39.7", scores: { test: {} } }, /scores.test: expected a list/);
  rejects({ task_name: "T", mteb_version: "1.39.7", scores: {} }, /holds no split/);
});

test("unreadable files: missing and invalid JSON name the file", () => {
  const dir = tempDir();
  assert.throws(() => readResultFile(join(dir, "nope.json"), "check"), /^BenchError: check: cannot read result file .*nope\.json/);
  const bad = put(join(dir, "bad.json"), '{"task_name": ');
  assert.throws(() => readResultFile(bad, "compare"), /compare: .*bad\.json is not valid JSON/);
});
