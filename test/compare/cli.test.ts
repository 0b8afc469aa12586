import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../helpers/cli.js";
import { avg, perQuery, put, tempDir, writeBenchMteb, writeV111 } from "./fixtures.js";

const bench = (args: string[], cwd: string) => runCli(cwd, args);

test("bench check: 0 when nothing fell beyond the tolerance, 1 with a table when something did", () => {
  const dir = tempDir();
  writeBenchMteb(join(dir, "base"), "T2Reranking", { map: 0.668, mrr: 0.75 });
  writeBenchMteb(join(dir, "base"), "MMarcoReranking", { map: 0.3, mrr: 0.4 });
  // A fall of exactly the tolerance passes; a rise passes.
  writeBenchMteb(join(dir, "ok"), "T2Reranking", { map: 0.666, mrr: 0.76 });
  writeBenchMteb(join(dir, "ok"), "MMarcoReranking", { map: 0.3, mrr: 0.4 });
  writeBenchMteb(join(dir, "bad"), "T2Reranking", { map: 0.6659, mrr: 0.75 });
  writeBenchMteb(join(dir, "bad"), "MMarcoReranking", { map: 0.3, mrr: 0.39 });

  let r = bench(["check", "--baseline", "base", "--candidate", "ok"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^check: OK: 8 metrics in 2 tasks compared, none fell by more than 0\.002 \(largest fall 0\.002000\)\n$/);

  r = bench(["check", "--baseline", "base", "--candidate", "bad"], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /Regressions \(metrics that fell by more than 0\.002\):/);
  assert.match(r.stdout, /│ T2Reranking\s+│ test\s+│ map\s+│\s+0\.668000 │\s+0\.665900 │\s+-0\.002100 │\s+−0\.002 │/);
  assert.match(r.stdout, /│ MMarcoReranking │ test\s+│ mrr\s+│\s+0\.400000 │\s+0\.390000 │\s+-0\.010000 │/);
  assert.doesNotMatch(r.stdout, /│ map\s+│\s+0\.300000/, "unchanged metrics are not listed");
  assert.match(r.stderr, /^bench: check: 2 of 8 metrics fell by more than 0\.002 \(table above\)\n$/);

  // A looser tolerance lets the same candidate through; --metric restricts the gate.
  assert.equal(bench(["check", "--baseline", "base", "--candidate", "bad", "--tolerance", "0.011"], dir).code, 0);
  assert.equal(bench(["check", "--baseline", "base", "--candidate", "bad", "--metric", "nAUC_mrr_max"], dir).code, 0);
});

test("bench check: 2 when results are missing or unreadable, or flags are wrong", () => {
  const dir = tempDir();
  writeBenchMteb(join(dir, "base"), "T2Reranking", { map: 0.5, mrr: 0.5 });
  writeBenchMteb(join(dir, "base"), "MMarcoReranking", { map: 0.5, mrr: 0.5 });
  writeBenchMteb(join(dir, "partial"), "T2Reranking", { map: 0.5, mrr: 0.5 });
  writeBenchMteb(join(dir, "fewer"), "T2Reranking", { map: 0.5, mrr: 0.5 });
  writeV111(join(dir, "fewer"), "MMarcoReranking", { map: 0.5, mrr: 0.5 }); // the 1.1.1 layout has no nAUC metrics
  put(join(dir, "broken", "T2Reranking.json"), '{"task_name": "T2Reranking", "mteb_version": ');
  put(join(dir, "future", "T2Reranking.json"), JSON.stringify({ task_name: "T2Reranking", mteb_version: "3.0.0", scores: { test: [{ map: 1 }] } }));

  const cases: Array<[string[], RegExp]> = [
    [["--candidate", "nowhere"], /^bench: check: nowhere does not exist .*\(--candidate\)$/m],
    [["--candidate", "partial"], /^bench: check: the candidate partial lacks 1 result the baseline base has: task MMarcoReranking/m],
    [["--candidate", "fewer"], /^bench: check: the candidate fewer lacks 2 results .*: MMarcoReranking test nAUC_map_max \(not in fewer\/bm25\/MMarcoReranking\.json\); MMarcoReranking test nAUC_mrr_max/m],
    [["--candidate", "broken"], /^bench: check: broken\/T2Reranking\.json is not valid JSON/m],
    [["--candidate", "future"], /^bench: check: future\/T2Reranking\.json: has the TaskResult layout .* says mteb_version "3\.0\.0"/m],
    [["--candidate", "partial", "--tolerance", "-1"], /^bench: check: --tolerance must be a number ≥ 0, got -1$/m],
    [[], /^bench: usage: Missing required argument: candidate/m],
  ];
  for (const [args, message] of cases) {
    const r = bench(["check", "--baseline", "base", ...args], dir);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test("bench compare: md and json on stdout, --plot writes an SVG, bad input exits 3, one side exits 2", () => {
  const dir = tempDir();
  const ap = (i: number) => 0.3 + (i % 5) * 0.1;
  writeBenchMteb(join(dir, "a"), "T2Reranking", { map: avg(perQuery(30, ap).map((q) => q.ap)), mrr: 1 }, perQuery(30, ap, () => 1));
  const apB = (i: number) => Math.min(1, ap(i) + 0.05);
  writeBenchMteb(join(dir, "b"), "T2Reranking", { map: avg(perQuery(30, apB).map((q) => q.ap)), mrr: 1 }, perQuery(30, apB, () => 1));

  let r = bench(["compare", "a", "b", "--format", "md", "--metric", "map", "mrr", "--plot", "out/diff.svg"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^- A = `a`\n- B = `b`\n\n\| task \| split \| metric \| A \| B \| Δ B−A \| Δ% B \| 95% CI B−A \| p B \|\n/);
  assert.match(r.stdout, /\n\| T2Reranking \| test \| map \| 0\.5000 \| 0\.5500 \| \+0\.0500 \| \+10\.00% \| \[\+0\.0500, \+0\.0500\] \| 1\.0e-4 \|\n/);
  assert.match(r.stderr, /compare: wrote out\/diff\.svg \(1 panel\)/);
  assert.ok(readFileSync(join(dir, "out", "diff.svg"), "utf8").startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg '));

  r = bench(["compare", "a/bm25/no_revision_available/T2Reranking.json", "b", "--format", "json"], dir);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, "bench-compare/1");
  assert.deepEqual(doc.rows.map((x: { metric: string }) => x.metric), ["map", "mrr", "nAUC_map_max", "nAUC_mrr_max"]);

  writeFileSync(join(dir, "junk.json"), "[]");
  r = bench(["compare", "a", "junk.json"], dir);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /^bench: compare: junk\.json: expected a JSON object/);

  r = bench(["compare", "a"], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /give at least two result files or directories/);

  r = bench(["compare", "a", "b", "--plot", "x.png"], dir);
  assert.equal(r.code, 2);
  assert.ok(!existsSync(join(dir, "x.png")));
});
