import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { compareSets } from "../../src/compare/compare-sets.js";
import { BenchError, ExitCode } from "../../src/errors.js";
import { renderTable } from "../../src/compare/render-report.js";
import { loadResultSet } from "../../src/compare/result-set.js";
import { avg, perQuery, perQueryJsonl, put, tempDir, writeBenchMteb, writeV111, writeV111x, writeV2 } from "./fixtures.js";

const load = (p: string) => loadResultSet(p, "compare");

// Two sides over the same 40 queries; B gains 0.1 AP on every query (a large consistent shift).
function shifted(): { a: string; b: string; apA: number[]; apB: number[] } {
  const apA = Array.from({ length: 40 }, (_, i) => 0.2 + (i % 7) * 0.05);
  const apB = apA.map((x) => x + 0.1);
  const rr = (i: number) => [1, 0.5, 1 / 3][i % 3]!;
  const a = tempDir();
  const b = tempDir();
  writeBenchMteb(
    a,
    "T2Reranking",
    { map: avg(apA), mrr: avg(apA.map((_, i) => rr(i))) },
    perQuery(40, (i) => apA[i]!, rr),
  );
  writeBenchMteb(
    b,
    "T2Reranking",
    { map: avg(apB), mrr: avg(apB.map((_, i) => rr(i))) },
    perQuery(40, (i) => apB[i]!, rr),
  );
  return { a, b, apA, apB };
}

test("identical sides: every delta 0, significance p = 1; the default is the main score and MRR, --metric all the rest", () => {
  const { a } = shifted();
  assert.deepEqual(
    compareSets([load(a), load(a)], "compare").rows.map((r) => r.metric),
    ["map", "mrr"],
  );
  const c = compareSets([load(a), load(a)], "compare", ["all"]);
  assert.deepEqual(
    c.rows.map((r) => r.metric),
    ["map", "mrr", "nAUC_map_max", "nAUC_mrr_max", "main_score"],
  );
  for (const r of c.rows) {
    const cell = r.others[0]!;
    if (!Number.isNaN(r.base)) assert.equal(cell.abs, 0);
    if (r.metric === "map" || r.metric === "mrr") {
      assert.equal(cell.stats!.p, 1);
      assert.deepEqual(cell.stats!.ci95, [0, 0]);
    } else assert.equal(cell.stats, null);
  }
  for (const r of compareSets([load(a), load(a)], "compare").rows) {
    const cell = r.others[0]!;
    if (r.metric === "map" || r.metric === "mrr") {
      assert.equal(cell.stats!.p, 1);
      assert.deepEqual(cell.stats!.ci95, [0, 0]);
    } else assert.equal(cell.stats, null);
  }
  assert.deepEqual(c.notes, []);
  assert.equal(c.series.length, 1);
});

test("a consistent +0.1 AP shift: delta, relative delta, tight CI around 0.1, p < 0.01; MRR unchanged p = 1", () => {
  const { a, b, apA } = shifted();
  const c = compareSets([load(a), load(b)], "compare");
  const map = c.rows.find((r) => r.metric === "map")!;
  const cell = map.others[0]!;
  assert.ok(Math.abs(cell.abs! - 0.1) < 1e-12);
  assert.ok(Math.abs(cell.rel! - 0.1 / avg(apA)) < 1e-12);
  assert.ok(cell.stats!.p < 0.01);
  assert.ok(Math.abs(cell.stats!.ci95[0] - 0.1) < 1e-9 && Math.abs(cell.stats!.ci95[1] - 0.1) < 1e-9);
  assert.equal(c.rows.find((r) => r.metric === "mrr")!.others[0]!.stats!.p, 1);
  const s = c.series[0]!;
  assert.equal(s.apDiffs.length, 40);
  assert.ok(s.apDiffs.every((d) => Math.abs(d - 0.1) < 1e-12));
});

test("missing per-query data on one side: significance skipped, said once", () => {
  const { a } = shifted();
  const b = tempDir();
  writeBenchMteb(b, "T2Reranking", { map: 0.5, mrr: 0.5 });
  const c = compareSets([load(a), load(b)], "compare");
  assert.ok(c.rows.every((r) => r.others[0]!.stats === null));
  const skipped = c.notes.filter((n) => n.startsWith("significance skipped"));
  assert.equal(skipped.length, 1);
  assert.match(skipped[0]!, /no per-query data \(T2Reranking\.per_query\.jsonl beside the result file\) in B \(/);
  const table = renderTable(c);
  assert.equal(table.split("significance skipped").length - 1, 1, "the table says it once");
  assert.doesNotMatch(table, /95% CI/);
});

test("per-query files that do not pair: different queries, different rows, stale sidecar", () => {
  const { a, b } = shifted();
  const sidecarB = join(b, "bm25", "no_revision_available", "T2Reranking.per_query.jsonl");
  const good = perQuery(
    40,
    (i) => 0.3 + (i % 7) * 0.05,
    (i) => [1, 0.5, 1 / 3][i % 3]!,
  );

  writeFileSync(sidecarB, perQueryJsonl(good.map((q) => (q.row === 17 ? { ...q, query: "另一个查询" } : q))));
  let c = compareSets([load(a), load(b)], "compare");
  assert.match(c.notes.join("\n"), /significance skipped for T2Reranking test .*row 17: the query texts differ/);

  writeFileSync(sidecarB, perQueryJsonl(good.map((q) => (q.row === 0 ? { ...q, row: 100 } : q))));
  c = compareSets([load(a), load(b)], "compare");
  assert.match(c.notes.join("\n"), /row 0 has per-query scores on one side only/);

  writeFileSync(sidecarB, perQueryJsonl(good.map((q) => ({ ...q, ap: 0 }))));
  c = compareSets([load(a), load(b)], "compare");
  assert.match(c.notes.join("\n"), /per-query ap values average to 0, but .* says map = 0\.44375 \(stale or foreign sidecar\?\)/);
  assert.equal(c.series.length, 0);
});

test("malformed per-query lines are input errors naming file and line", () => {
  const { a, b } = shifted();
  writeFileSync(
    join(b, "bm25", "no_revision_available", "T2Reranking.per_query.jsonl"),
    '{"row": 0, "query": "q", "ap": 0.5, "rr": 1}\n{"row": 1, "query": "q", "ap": 1.5, "rr": 1}\n',
  );
  assert.throws(
    () => compareSets([load(a), load(b)], "compare"),
    /compare: .*T2Reranking\.per_query\.jsonl line 2: field "ap": expected a number in \[0, 1\], got 1\.5/,
  );
});

test("mismatched tasks, splits and metrics between sides are noted; nothing in common is an error", () => {
  const a = tempDir();
  const b = tempDir();
  writeBenchMteb(a, "T2Reranking", { map: 0.5, mrr: 0.6 });
  writeBenchMteb(a, "MMarcoReranking", { map: 0.3, mrr: 0.4 });
  writeV111(b, "T2Reranking", { map: 0.55, mrr: 0.6 });
  writeV111(b, "CustomReranking", { map: 0.55, mrr: 0.6 });
  const c = compareSets([load(a), load(b)], "compare", ["all"]);
  assert.deepEqual(
    c.rows.map((r) => `${r.task} ${r.metric}`),
    ["T2Reranking map", "T2Reranking mrr"],
  );
  const notes = c.notes.join("\n");
  assert.match(notes, /task MMarcoReranking is only in A/);
  assert.match(notes, /task CustomReranking is only in B/);
  assert.match(notes, /T2Reranking test: metrics nAUC_map_max, nAUC_mrr_max only in A/);
  assert.match(notes, /T2Reranking test: main_score not compared: .*A: map, B: unknown/);

  const d = tempDir();
  writeV111x(d, "T2Reranking", { map: 0.5, mrr: 0.6 }); // split dev, not test
  assert.throws(
    () => compareSets([load(a), load(d)], "compare"),
    /compare: nothing to compare: .*A \(.*\) has .*T2Reranking \(test: .*\).*B \(.*\) has T2Reranking \(dev: /,
  );

  // mteb 2.x's retrieval-style names meet 1.x names: mapped (map_at_1000 → map, mrr_at_10 → mrr), one note.
  const v2 = tempDir();
  writeV2(v2, "T2Reranking", { map_at_1000: 0.55, mrr_at_10: 0.65 });
  const m = compareSets([load(d), load(v2)], "compare");
  assert.deepEqual(
    m.rows.map((r) => [r.metric, r.base, r.others[0]!.value]),
    [
      ["map", 0.5, 0.55],
      ["mrr", 0.6, 0.65],
    ],
  );
  assert.equal(m.notes.filter((n) => n.includes("map_at_1000 → map, mrr_at_10 → mrr")).length, 1);
  const e = compareSets([load(d), load(d), load(v2)], "compare", ["all"]);
  assert.deepEqual(
    e.rows.map((r) => [r.metric, r.others.map((o) => o.value)]),
    [
      ["map", [0.5, 0.55]],
      ["mrr", [0.6, 0.65]],
      ["nAUC_map_max", [Number.NaN, null]],
      ["main_score", [0.5, 0.55]], // both main scores are map (C's map_at_1000, mapped)
    ],
  );
  assert.match(e.notes.join("\n"), /T2Reranking dev: metric nAUC_map_max only in A .*, not in C/);
  assert.match(e.notes.join("\n"), /T2Reranking dev: metrics ndcg_at_10, nauc_map_at_1000_max, accuracy only in C/);
  // A typo in --metric is a usage error, not an empty comparison.
  assert.throws(
    () => compareSets([load(d), load(d)], "compare", ["mapp"]),
    (err: unknown) => err instanceof BenchError && err.exitCode === ExitCode.Usage && /--metric mapp: no such metric/.test(err.message),
  );
});

test("subsets are named as subsets, one note for many", () => {
  const a = tempDir();
  const b = tempDir();
  const entry = (sub: string, x: number) => `{"map": ${x}, "mrr": ${x}, "main_score": ${x}, "hf_subset": "${sub}", "languages": ["x"]}`;
  put(
    join(a, "m", "r", "X.json"),
    `{"task_name": "X", "mteb_version": "1.39.7", "dataset_revision": "r", "scores": {"dev": [${entry("en", 0.5)}, ${entry("fr", 0.5)}, ${entry("de", 0.5)}]}}`,
  );
  put(
    join(b, "m", "r", "X.json"),
    `{"task_name": "X", "mteb_version": "1.39.7", "dataset_revision": "r", "scores": {"dev": [${entry("en", 0.6)}]}}`,
  );
  const c = compareSets([load(a), load(b)], "compare");
  assert.deepEqual(
    c.rows.map((r) => [r.split, r.subset, r.metric]),
    [
      ["dev", "en", "map"],
      ["dev", "en", "mrr"],
    ],
  );
  assert.ok(
    c.notes.includes(`X 2 splits/subsets (dev (subset fr); dev (subset de)): only in A (${a}), not in B (${b})`),
    c.notes.join("\n"),
  );
  assert.match(renderTable(c), /dev \(subset en\)/);
});

test("significance across layouts: bench's 1.1.1 files carry sidecars too", () => {
  const apA = Array.from({ length: 20 }, (_, i) => (i % 4) * 0.25);
  const apB = apA.map((x) => Math.max(0, x - 0.25));
  const rr = () => 1;
  const a = tempDir();
  const b = tempDir();
  writeBenchMteb(
    a,
    "CustomReranking",
    { map: avg(apA), mrr: 1 },
    perQuery(20, (i) => apA[i]!, rr),
  );
  writeV111(
    b,
    "CustomReranking",
    { map: avg(apB), mrr: 1 },
    perQuery(20, (i) => apB[i]!, rr),
  );
  const c = compareSets([load(a), load(b)], "compare", ["map"]);
  assert.equal(c.rows.length, 1);
  const s = c.rows[0]!.others[0]!.stats!;
  assert.equal(s.n, 20);
  assert.ok(s.meanDiff < 0 && s.ci95[1] < 0 && s.p < 0.01, JSON.stringify(s));
});

test("sidecars with a split field pick the split's rows", () => {
  const a = tempDir();
  writeBenchMteb(a, "T2Reranking", { map: 0.5, mrr: 1 });
  put(
    join(a, "bm25", "no_revision_available", "T2Reranking.per_query.jsonl"),
    [
      { row: 0, query: "q0", ap: 0.25, rr: 1, split: "test" },
      { row: 1, query: "q1", ap: 0.75, rr: 1, split: "test" },
      { row: 0, query: "q0", ap: 0.1, rr: 0.5, split: "dev" },
    ]
      .map((x) => JSON.stringify(x))
      .join("\n"),
  );
  const c = compareSets([load(a), load(a)], "compare", ["map"]);
  assert.equal(c.rows[0]!.others[0]!.stats!.n, 2);
});

test("different dataset revisions or data files (bench.json provenance) are noted", () => {
  const other = (notes: string[]) => notes.filter((n) => !n.startsWith("significance skipped"));
  const a = tempDir();
  const b = tempDir();
  writeBenchMteb(a, "T2Reranking", { map: 0.5, mrr: 0.5 });
  writeBenchMteb(b, "T2Reranking", { map: 0.5, mrr: 0.5 }, undefined, "bm25", "cd".repeat(32));
  const c = compareSets([load(a), load(b)], "compare");
  assert.deepEqual(other(c.notes), [
    `T2Reranking: the runs read different data files (sha256 abababababab… vs cdcdcdcdcdcd…, from bench's provenance files)`,
  ]);
  assert.deepEqual(other(compareSets([load(a), load(a)], "compare").notes), []);

  const r = tempDir();
  const file = writeBenchMteb(r, "T2Reranking", { map: 0.5, mrr: 0.5 });
  writeFileSync(
    file,
    readFileSync(file, "utf8").replace('"dataset_revision": null', '"dataset_revision": "76631901a18387f85eaa53e5450019b87ad58ef9"'),
  );
  assert.deepEqual(other(compareSets([load(a), load(r)], "compare").notes), [
    `T2Reranking: dataset_revision differs (A (${a}): null, B (${r}): 76631901a18387f85eaa53e5450019b87ad58ef9)`,
  ]);
});

test("--metric without map/mrr skips the paired tests (and says nothing about them)", () => {
  const a = tempDir();
  writeBenchMteb(a, "T2Reranking", { map: 0.5, mrr: 0.5 });
  const c = compareSets([load(a), load(a)], "compare", ["nAUC_mrr_max"]);
  assert.deepEqual(
    c.rows.map((r) => r.metric),
    ["nAUC_mrr_max"],
  );
  assert.deepEqual(c.notes, []);
  assert.deepEqual(c.series, []);
});
