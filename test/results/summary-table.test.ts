import assert from "node:assert/strict";
import { test } from "node:test";
import { renderSummary } from "../../src/results/summary-table.js";

test("renderSummary prints a plain table with 4-decimal metrics and '-' for a missing recall", () => {
  const text = renderSummary([
    { task: "T2Reranking", split: "dev", model: "bm25", nQueries: 613, map: 0.6951234, mrr: 0.81906, recallAt10: 1 },
    { task: "CustomReranking", split: "test", model: "BAAI/bge-m3", nQueries: 7, map: 0.5, mrr: 0.25 },
  ]);
  assert.equal(
    text,
    [
      "┌─────────────────┬───────┬─────────────┬─────────┬────────┬────────┬───────────┐",
      "│ task            │ split │ model       │ queries │ map    │ mrr    │ recall@10 │",
      "├─────────────────┼───────┼─────────────┼─────────┼────────┼────────┼───────────┤",
      "│ T2Reranking     │ dev   │ bm25        │ 613     │ 0.6951 │ 0.8191 │ 1.0000    │",
      "├─────────────────┼───────┼─────────────┼─────────┼────────┼────────┼───────────┤",
      "│ CustomReranking │ test  │ BAAI/bge-m3 │ 7       │ 0.5000 │ 0.2500 │ -         │",
      "└─────────────────┴───────┴─────────────┴─────────┴────────┴────────┴───────────┘",
    ].join("\n"),
  );
  assert.doesNotMatch(text, /\u001b\[/, "no ANSI colour codes");
});
