/**
 * Every real mteb result file in ../shared/data/mteb-results (copied from embeddings-benchmark/results, mteb 1.0.2
 * to 2.18, see its SOURCES.md) is read, with every value equal to what Python's json module reads from it, and
 * the sample round-trips through `bench compare` and `bench check` (a tree of many models, model by model).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readResultFile } from "../../src/compare/result-file.js";
import { loadResultSet } from "../../src/compare/result-set.js";
import { compareSets } from "../../src/compare/compare-sets.js";
import { findRegressions } from "../../src/compare/regressions.js";
import { repoRoot, runCli } from "../helpers/cli.js";

const SAMPLE = join(repoRoot, "../shared/data/mteb-results/results");
const skip = existsSync(SAMPLE)
  ? false
  : `SKIPPED: ${SAMPLE} is missing (the shared sample of real mteb result files); nothing was checked`;
if (skip) process.stderr.write(`\n*** ${skip} ***\n\n`);

function resultFiles(): string[] {
  return (readdirSync(SAMPLE, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".json") && !f.endsWith("model_meta.json"))
    .sort()
    .map((f) => join(SAMPLE, f));
}

// Python's own reading of each file: task name and every numeric score value per split/subset (NaN as "NaN").
const PY = `
import json, math, sys
out = {}
NOT = {"evaluation_time", "main_score", "kg_co2_emissions"}
def nums(d):
    return {k: ("NaN" if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()
            if k not in NOT and isinstance(v, (int, float)) and not isinstance(v, bool)}
for p in sys.argv[1:]:
    d = json.load(open(p, encoding="utf-8"))
    if "task_name" in d and "scores" in d:
        task, entries = d["task_name"], [(s, e.get("hf_subset", "default"), nums(e)) for s, es in d["scores"].items() for e in es]
    else:
        task, entries = d["mteb_dataset_name"], []
        for s, v in d.items():
            if s in ("dataset_revision", "mteb_dataset_name", "mteb_version"): continue
            sub = [(k, x) for k, x in v.items() if isinstance(x, dict)]
            entries += [(s, k, nums(x)) for k, x in sub] if sub else [(s, "default", nums(v))]
    out[p] = {"task": task, "entries": entries}
print(json.dumps(out))
`;

test("every real mteb result file is read, values exactly as Python reads them", { skip }, () => {
  const files = resultFiles();
  assert.ok(files.length >= 30, `expected the whole sample, found ${files.length} files`);
  const py = JSON.parse(execFileSync("python3", ["-c", PY, ...files], { encoding: "utf8", maxBuffer: 64 << 20 })) as Record<
    string,
    { task: string; entries: [string, string, Record<string, number | "NaN">][] }
  >;
  for (const f of files) {
    const r = readResultFile(f, "compare");
    const want = py[f]!;
    assert.equal(r.task, want.task, f);
    assert.deepEqual(
      r.scores.map((s) => [
        s.split,
        s.subset,
        Object.fromEntries(Object.entries(s.metrics).map(([k, v]) => [k, Number.isNaN(v) ? "NaN" : v])),
      ]),
      want.entries,
      f,
    );
  }
});

test("the sample as a tree of many models: compared and checked model by model, against itself", { skip }, () => {
  const set = loadResultSet(SAMPLE, "check");
  assert.ok(set.models.length >= 20, `models: ${set.models.length}`);
  assert.ok(
    set.results.has("Alibaba-NLP__gme-Qwen2-VL-2B-Instruct/external: T2Reranking"),
    "the external/ file (mteb_version null) is read",
  );
  const gate = findRegressions(set, loadResultSet(SAMPLE, "check"), 0.002, ["all"]);
  assert.equal(gate.regressions.length, 0);
  assert.deepEqual(gate.missing, []);
  assert.ok(gate.compared > 1000, `compared ${gate.compared}`);
  const dir = repoRoot;
  const ck = runCli(dir, ["check", "--baseline", SAMPLE, "--candidate", SAMPLE]);
  assert.equal(ck.code, 0, ck.stderr);
  assert.match(ck.stdout, /^check: OK: \d+ metrics in \d+ tasks compared/);
  const cmp = runCli(dir, ["compare", SAMPLE, SAMPLE, "--format", "json"]);
  assert.equal(cmp.code, 0, cmp.stderr);
});

test("mteb 1.x against 2.x of the same task: renamed metrics mapped with one note, main_score compared", { skip }, () => {
  const v1 = loadResultSet(join(SAMPLE, "intfloat__multilingual-e5-small/no_revision_available"), "compare"); // mteb 1.1.1.dev0
  const v2 = loadResultSet(join(SAMPLE, "intfloat__multilingual-e5-small/fd1525a9fd15316a2d503bf26ab031a61d056e98"), "compare"); // 2.x
  const c = compareSets([v1, v2], "compare");
  assert.deepEqual(
    c.rows.map((r) => [r.task, r.split, r.metric]),
    [
      ["T2Reranking", "dev", "map"],
      ["T2Reranking", "dev", "mrr"],
    ],
  );
  const mapRow = c.rows[0]!;
  assert.equal(mapRow.others[0]!.value, 0.65718); // the 2.x file's map_at_1000
  const mapped = c.notes.filter((n) => n.includes("map_at_1000 → map, mrr_at_10 → mrr"));
  assert.equal(mapped.length, 1, c.notes.join("\n"));
  // Against a 1.39-era file whose main score is map too, main_score itself is compared.
  const v139 = loadResultSet(join(SAMPLE, "intfloat__multilingual-e5-small/e4ce9877abf3edfe10b0d82785e83bdcb973e22e"), "compare");
  const all = compareSets([v139, v2], "compare", ["main_score"]);
  assert.deepEqual(
    all.rows.map((r) => r.metric),
    ["main_score"],
  );
  // 2.x-only metrics are listed in one note, not dropped.
  const every = compareSets([v1, v2], "compare", ["all"]);
  assert.ok(
    every.notes.some((n) => /T2Reranking dev: metrics .*ndcg_at_10.* only in B/.test(n)),
    every.notes.join("\n"),
  );
});
