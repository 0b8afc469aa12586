import { test } from "node:test";
import assert from "node:assert/strict";
import { buildSplitFiles, rowToJsonLine } from "../../src/split/split-files.js";
import { trainTestSplit } from "../../src/split/train-test-split.js";
import { indicesSha256 } from "../../src/split/indices-hash.js";
import type { LoadedDataset, RerankRow } from "../../src/data/types.js";

const rows: RerankRow[] = Array.from({ length: 12 }, (_, i) => ({
  query: `q${i}`,
  positive: i === 2 || i === 9 ? [] : [`p${i}`],
  negative: i === 4 ? [] : [`n${i}/x`],
}));

test("rowToJsonLine: key order query, positive, negative; non-ASCII and / as is; newline-terminated", () => {
  const row = { negative: ["负/x"], positive: ["正"], query: ["子查询", "b"] } as RerankRow;
  assert.equal(rowToJsonLine(row), '{"query":["子查询","b"],"positive":["正"],"negative":["负/x"]}\n');
});

test("a task source records task + revision (not the machine-specific cache path)", () => {
  const ds: LoadedDataset = {
    rows,
    source: { path: "/cache/x.parquet", format: "parquet", sha256: "ab".repeat(32), task: "T2Reranking", revision: "7663" },
  };
  const split = trainTestSplit(rows.length, { testSize: { kind: "fraction", value: 0.25 }, seed: 42 });
  const files = buildSplitFiles(ds, split, { kind: "fraction", value: 0.25 }, 2n ** 70n);
  const meta = JSON.parse(files.splitJson);
  assert.deepEqual(meta.source, { task: "T2Reranking", revision: "7663", format: "parquet", sha256: "ab".repeat(32) });
  assert.equal(meta.seed, (2n ** 70n).toString());
  assert.equal(meta.n_test, 3);
  assert.equal(meta.n_train, 9);
  const kept = split.trainIndices.filter((i) => i !== 2 && i !== 9 && i !== 4);
  assert.equal(meta.n_train_filtered, kept.length);
  assert.equal(files.trainJsonl, kept.map((i) => rowToJsonLine(rows[i]!)).join(""));
  assert.equal(files.testJsonl, split.testIndices.map((i) => rowToJsonLine(rows[i]!)).join(""));
  assert.equal(files.testIndicesSha256, indicesSha256(split.testIndices));
  assert.equal(meta.train_indices_sha256, indicesSha256(split.trainIndices));
  assert.ok(files.splitJson.endsWith("}\n"));
});
