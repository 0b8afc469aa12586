/**
 * mteb can load every file bench writes (issue 12.2), checked with mteb's own validation rules embedded as
 * fixtures (test/results/mteb-rules.ts): the rules reject what bench wrote before (a <Task>.bench.json in the
 * results tree, dataset_revision null, model_meta name "bm25" / framework ["bench"] / languages null) and accept
 * what it writes now, for the embedded task, a --data file and both formats, in a tree mixed with real mteb results.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCli, tempDir } from "../helpers/cli.js";
import { parsePythonJson } from "../../src/compare/python-json.js";
import { modelMetaProblem, taskResultProblem, treeProblems } from "./mteb-rules.js";

// What bench 0.1 wrote (committed results/embedded before this change), trimmed to the fields the rules read.
const OLD_RESULT = {
  dataset_revision: null,
  task_name: "ZhSampleReranking",
  mteb_version: "1.39.7",
  scores: { test: [{ map: 0.658016, mrr: 0.8875, main_score: 0.658016, hf_subset: "default", languages: ["cmn-Hans"] }] },
  evaluation_time: 0.1,
  kg_co2_emissions: null,
};
const OLD_BENCH_JSON = {
  schema_version: 1,
  bench_version: "0.1.0",
  format: "mteb",
  task: { name: "ZhSampleReranking" },
  dataset: { sha256: "41" },
};
const OLD_META = { name: "bm25", revision: null, languages: null, framework: ["bench"], similarity_fn_name: null };
const OLD_META_ONNX = { name: "tiny-colbert-init", revision: null, languages: null, framework: ["ONNX"], similarity_fn_name: "MaxSim" };

test("the embedded mteb rules reject what bench wrote before", () => {
  assert.match(taskResultProblem(OLD_RESULT)!, /dataset_revision must be a string, got null/);
  assert.match(taskResultProblem(OLD_BENCH_JSON)!, /KeyError: 'mteb_dataset_name'/, "the provenance file crashed load_results");
  assert.match(modelMetaProblem(OLD_META)!, /name must be "org\/model"/);
  assert.match(modelMetaProblem({ ...OLD_META, name: "bench/bm25" })!, /framework must be a list of/);
  assert.match(modelMetaProblem({ ...OLD_META_ONNX, name: "bench/x" })!, /framework must be a list of .*"ONNX"/);
  assert.match(modelMetaProblem({ ...OLD_META, name: "bench/bm25", framework: [] })!, /languages must be a list/);
  const dir = tempDir("bench-mteb-old-");
  const rev = join(dir, "bm25", "no_revision_available");
  mkdirSync(rev, { recursive: true });
  writeFileSync(join(rev, "ZhSampleReranking.json"), JSON.stringify({ ...OLD_RESULT, dataset_revision: "r" }));
  writeFileSync(join(rev, "ZhSampleReranking.bench.json"), JSON.stringify(OLD_BENCH_JSON));
  assert.deepEqual(treeProblems(dir, false), [
    "bm25/no_revision_available/ZhSampleReranking.bench.json: dataset_revision must be a string, got undefined; and no mteb_dataset_name for the pre-1.11 conversion (KeyError: 'mteb_dataset_name')",
  ]);
  // Real mteb files are accepted by the same rules (the rules are not simply "reject").
  const sample = join(repoRoot, "../shared/data/mteb-results/results");
  if (existsSync(sample)) assert.deepEqual(treeProblems(sample, false), []);
});

test("everything bench eval writes loads in mteb: embedded task, --data, both formats, beside real mteb results", () => {
  const dir = tempDir("bench-mteb-new-");
  const results = join(dir, "results");
  const data = join(dir, "train.jsonl");
  writeFileSync(data, readFileSync(join(repoRoot, "tasks/data/zh-sample.jsonl")));
  for (const args of [
    ["eval", "--output", results],
    ["eval", "--output", results, "--data", data, "--task-name", "ZhTrainQueries", "--split", "train", "--model-name", "me/bm25-check"],
    ["eval", "--output", join(dir, "v111"), "--data", data, "--format", "mteb-1.1.1"],
  ]) {
    const r = runCli(dir, args);
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
  }
  assert.deepEqual(treeProblems(results), []);
  const custom = parsePythonJson(readFileSync(join(results, "me__bm25-check", "no_revision_available", "ZhTrainQueries.json"), "utf8")) as {
    dataset_revision: string;
    scores: Record<string, Record<string, unknown>[]>;
  };
  assert.equal(custom.scores.train![0]!.hf_subset, "default");
  assert.match(custom.dataset_revision, /^[0-9a-f]{64}$/, "a --data file's revision is its sha256");
  const meta = JSON.parse(readFileSync(join(results, "me__bm25-check", "no_revision_available", "model_meta.json"), "utf8"));
  assert.equal(meta.name, "me/bm25-check");
  assert.equal(JSON.parse(readFileSync(join(results, "bm25", "no_revision_available", "model_meta.json"), "utf8")).name, "bench/bm25");
  // Metric keys in mteb 1.39.x RerankingEvaluator order.
  assert.deepEqual(Object.keys(custom.scores.train![0]!).slice(0, 4), ["map", "mrr", "recall_at_10", "nAUC_map_max"]);
  // --format mteb-1.1.1 is unchanged: dataset_revision null, as mteb 1.1.1 wrote it.
  assert.equal(JSON.parse(readFileSync(join(dir, "v111", "bm25", "CustomReranking.json"), "utf8")).dataset_revision, null);

  // A tree mixing bench output with real mteb directories: every *.json candidate loads.
  const sample = join(repoRoot, "../shared/data/mteb-results/results");
  if (existsSync(sample)) {
    cpSync(sample, results, { recursive: true });
    assert.deepEqual(treeProblems(results, false), []);
  } else process.stderr.write(`\n*** SKIPPED the mixed-tree half: ${sample} is missing ***\n\n`);
});
