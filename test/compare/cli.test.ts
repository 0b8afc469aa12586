import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  assert.match(r.stdout, /^check: OK: 4 metrics in 2 tasks compared, none fell by more than 0\.002 \(largest fall 0\.002000\)\n$/);
  // --metric all gates the nAUC_* too.
  assert.match(
    bench(["check", "--baseline", "base", "--candidate", "ok", "--metric", "all"], dir).stdout,
    /^check: OK: 8 metrics in 2 tasks compared/,
  );

  r = bench(["check", "--baseline", "base", "--candidate", "bad"], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /Regressions \(metrics that fell by more than 0\.002\):/);
  assert.match(r.stdout, /│ T2Reranking\s+│ test\s+│ map\s+│\s+0\.668000 │\s+0\.665900 │\s+-0\.002100 │\s+−0\.002 │/);
  assert.match(r.stdout, /│ MMarcoReranking │ test\s+│ mrr\s+│\s+0\.400000 │\s+0\.390000 │\s+-0\.010000 │/);
  assert.doesNotMatch(r.stdout, /│ map\s+│\s+0\.300000/, "unchanged metrics are not listed");
  assert.match(r.stderr, /^bench: check: 2 of 4 metrics fell by more than 0\.002 \(table above\)\n$/);

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
  put(
    join(dir, "future", "T2Reranking.json"),
    JSON.stringify({ task_name: "T2Reranking", mteb_version: "3.0.0", scores: { test: [{ map: 1 }] } }),
  );
  writeBenchMteb(join(dir, "five"), "T2Reranking", { map: 5.0, mrr: 0.5 });
  writeBenchMteb(join(dir, "huge"), "T2Reranking", { map: 0.5, mrr: 0.5 });
  const huge = join(dir, "huge", "bm25", "no_revision_available", "T2Reranking.json");
  writeFileSync(huge, readFileSync(huge, "utf8").replace('"map": 0.5', '"map": 1e999'));
  writeBenchMteb(join(dir, "inf"), "T2Reranking", { map: 0.5, mrr: Infinity });
  writeBenchMteb(join(dir, "inf"), "MMarcoReranking", { map: 0.5, mrr: 0.5 });

  const cases: Array<[string[], RegExp]> = [
    [["--candidate", "nowhere"], /^bench: check: nowhere does not exist .*\(--candidate\)$/m],
    [["--candidate", "partial"], /^bench: check: the candidate partial lacks 1 result the baseline base has: task MMarcoReranking/m],
    [
      ["--candidate", "fewer", "--metric", "all"],
      /^bench: check: the candidate fewer lacks 2 results .*: MMarcoReranking test nAUC_map_max \(not in fewer\/bm25\/MMarcoReranking\.json\); MMarcoReranking test nAUC_mrr_max/m,
    ],
    [["--candidate", "broken"], /^bench: check: broken holds no readable result file; broken\/T2Reranking\.json is not valid JSON/m],
    [["--candidate", "future"], /^bench: check: future holds no readable result file; future\/T2Reranking\.json: written by mteb 3\.0\.0/m],
    // Garbage that would read as a gain: out of range, 1e999, Infinity (issue 11.7), named by file and field.
    [
      ["--candidate", "five"],
      /^bench: check: five\/bm25\/no_revision_available\/T2Reranking\.json: test metric "map" is 5; expected a number in \[0, 1\]/m,
    ],
    [
      ["--candidate", "huge"],
      /^bench: check: huge\/bm25\/no_revision_available\/T2Reranking\.json: test metric "map" is Infinity; expected/m,
    ],
    [
      ["--candidate", "inf"],
      /^bench: check: inf\/bm25\/no_revision_available\/T2Reranking\.json: test metric "mrr" is Infinity; expected/m,
    ],
    [["--candidate", "partial", "--metric", "mrr", "mapp"], /^bench: check: --metric mapp: no such metric in the results \(known: /m],
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
  writeBenchMteb(
    join(dir, "a"),
    "T2Reranking",
    { map: avg(perQuery(30, ap).map((q) => q.ap)), mrr: 1 },
    perQuery(30, ap, () => 1),
  );
  const apB = (i: number) => Math.min(1, ap(i) + 0.05);
  writeBenchMteb(
    join(dir, "b"),
    "T2Reranking",
    { map: avg(perQuery(30, apB).map((q) => q.ap)), mrr: 1 },
    perQuery(30, apB, () => 1),
  );

  let r = bench(["compare", "a", "b", "--format", "md", "--metric", "map", "mrr", "--plot", "out/diff.svg"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^- A = `a`\n- B = `b`\n\n\| task \| split \| metric \| A \| B \| Δ B−A \| Δ% B \| 95% CI B−A \| p B \|\n/);
  assert.match(
    r.stdout,
    /\n\| T2Reranking \| test \| map \| 0\.5000 \| 0\.5500 \| \+0\.0500 \| \+10\.00% \| \[\+0\.0500, \+0\.0500\] \| 1\.0e-4 \|\n/,
  );
  assert.match(r.stderr, /compare: wrote out\/diff\.svg \(1 panel\)/);
  assert.ok(readFileSync(join(dir, "out", "diff.svg"), "utf8").startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg '));

  r = bench(["compare", "a/bm25/no_revision_available/T2Reranking.json", "b", "--format", "json"], dir);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, "bench-compare/1");
  assert.deepEqual(
    doc.rows.map((x: { metric: string }) => x.metric),
    ["map", "mrr"],
  );

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

  // --plot a directory: one line, exit 2, before any work (was a stack trace).
  r = bench(["compare", "a", "b", "--plot", "out"], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^bench: compare: --plot out is a directory/);

  // --plot without per-query data: the report, then a note; exit 0 (was exit 2 after the output).
  writeV111(join(dir, "c"), "T2Reranking", { map: 0.5, mrr: 1 });
  writeV111(join(dir, "d"), "T2Reranking", { map: 0.5, mrr: 1 });
  for (const f of ["c/bm25/T2Reranking.per_query.jsonl", "d/bm25/T2Reranking.per_query.jsonl"]) rmSync(join(dir, f), { force: true });
  r = bench(["compare", "c", "d", "--plot", "none.svg"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /T2Reranking/);
  assert.match(r.stderr, /--plot none\.svg not written: no task has per-query data/);
  assert.ok(!existsSync(join(dir, "none.svg")));
});
