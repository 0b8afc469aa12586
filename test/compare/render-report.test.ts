import { test } from "node:test";
import assert from "node:assert/strict";
import type { Comparison } from "../../src/compare/comparison.js";
import { pairedStats } from "../../src/compare/paired-stats.js";
import { fmtDelta, fmtValue, renderJson, renderMarkdown, renderTable } from "../../src/compare/render-report.js";

// A hand-built comparison: three sides, significance for B only, a NaN metric, a note.
function sample(): Comparison {
  const stats = pairedStats([0.1, 0.2, 0.05, 0.1]);
  return {
    sides: ["results/a|b", "runs/b", "runs/c"],
    rows: [
      {
        task: "T2Reranking",
        split: "test",
        subset: "default",
        metric: "map",
        base: 0.5,
        others: [
          { value: 0.6125, abs: 0.1125, rel: 0.225, stats },
          { value: 0.49, abs: -0.01, rel: -0.02, stats: null },
        ],
      },
      {
        task: "T2Reranking",
        split: "test",
        subset: "zh",
        metric: "nAUC_map_max",
        base: Number.NaN,
        others: [
          { value: 0.3, abs: Number.NaN, rel: Number.NaN, stats: null },
          { value: null, abs: null, rel: null, stats: null },
        ],
      },
    ],
    notes: ["significance skipped for T2Reranking test: no per-query data in C (runs/c)"],
    series: [],
  };
}

test("number formatting: 4 decimals, signed deltas, NaN and missing spelled out", () => {
  assert.equal(fmtValue(0.123456), "0.1235");
  assert.equal(fmtValue(Number.NaN), "NaN");
  assert.equal(fmtValue(null), "—");
  assert.equal(fmtDelta(0.01), "+0.0100");
  assert.equal(fmtDelta(-0.01), "-0.0100");
  assert.equal(fmtDelta(-1e-9), "0.0000");
  assert.equal(fmtDelta(0), "0.0000");
});

test("markdown: legend, one header + separator + one line per row, CI/p columns for B only, notes", () => {
  const md = renderMarkdown(sample());
  const lines = md.trimEnd().split("\n");
  assert.equal(lines[0], "- A = `results/a\\|b`");
  assert.equal(lines[1], "- B = `runs/b`");
  assert.equal(lines[2], "- C = `runs/c`");
  const table = lines.filter((l) => l.startsWith("|"));
  assert.equal(table.length, 4);
  assert.equal(table[0], "| task | split | metric | A | B | Δ B−A | Δ% B | 95% CI B−A | p B | C | Δ C−A | Δ% C |");
  assert.equal(table[1], "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  assert.equal(
    table[2],
    "| T2Reranking | test | map | 0.5000 | 0.6125 | +0.1125 | +22.50% | [+0.0625, +0.1750] | 0.125 | 0.4900 | -0.0100 | -2.00% |",
  );
  assert.equal(table[3], "| T2Reranking | test (subset zh) | nAUC_map_max | NaN | 0.3000 | NaN | — |  |  | — | — | — |");
  for (const row of table) assert.equal(row.split(/(?<!\\)\|/).length, table[0]!.split("|").length, `column count of ${row}`);
  assert.match(md, /\n- significance skipped for T2Reranking test: no per-query data in C \(runs\/c\)\n$/);
});

test("json: schema, sides, per-row values and deltas, NaN as null", () => {
  const doc = JSON.parse(renderJson(sample()));
  assert.equal(doc.schema, "bench-compare/1");
  assert.deepEqual(doc.sides, [
    { side: "A", path: "results/a|b" },
    { side: "B", path: "runs/b" },
    { side: "C", path: "runs/c" },
  ]);
  assert.deepEqual(doc.statistics, {
    ci: "paired percentile bootstrap, 95%",
    test: "paired sign-flip, two-sided",
    resamples: 10000,
    seed: 42,
  });
  assert.equal(doc.rows.length, 2);
  const [map, nauc] = doc.rows;
  assert.deepEqual(map.values, [0.5, 0.6125, 0.49]);
  assert.equal(map.deltas[0].side, "B");
  assert.equal(map.deltas[0].n, 4);
  assert.equal(map.deltas[0].p_method, "exact");
  assert.equal(map.deltas[0].p, 0.125); // 16 sign vectors, only ++++ and ---- reach |0.45|
  assert.equal(map.deltas[0].ci95.length, 2);
  assert.deepEqual(map.deltas[1], { side: "C", abs: -0.01, rel: -0.02, ci95: null, p: null, n: null, p_method: null });
  assert.deepEqual(nauc.values, [null, 0.3, null]);
  assert.equal(nauc.subset, "zh");
  assert.deepEqual(doc.notes, sample().notes);
});

test("terminal table: plain text (no ANSI colour codes), legend above, notes below", () => {
  const t = renderTable(sample());
  assert.doesNotMatch(t, /\u001b\[/);
  assert.ok(t.startsWith("A = results/a|b\nB = runs/b\nC = runs/c\n"));
  assert.match(t, /│ T2Reranking │ test\s+│ map\s+│ 0\.5000 │ 0\.6125 │ \+0\.1125 │/);
  assert.match(t, /\nnote: significance skipped for T2Reranking test/);
});
