import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { readParquet } from "parquet-wasm";
import { parseArrow } from "../../src/data/arrow.js";
import { detectFormat, loadDatasetFile } from "../../src/data/load.js";
import type { RerankRow } from "../../src/data/types.js";
import { SAMPLE, benchError, tempDir } from "./fixtures.js";
import { arrowBytes, parquetBytes } from "../../scripts/lib/columnar-fixtures.js";

const many: RerankRow[] = Array.from({ length: 5 }, (_, i) => ({
  query: `查询${i}`,
  positive: i % 2 ? [] : [`正${i}`],
  negative: [`负${i}-0`, `负${i}-1`],
}));

for (const format of ["stream", "file"] as const) {
  test(`arrow ${format}: Chinese text, empty lists, several record batches, HF schema metadata`, () => {
    const bytes = arrowBytes([...SAMPLE, ...many], format, { batchSize: 3 });
    const table = tableFromIPC(bytes);
    assert.equal(table.batches.length, 3, "fixture must span several record batches");
    assert.ok(table.schema.metadata.get("huggingface")?.includes("Sequence"));
    assert.equal(detectFormat(bytes), format === "stream" ? "arrow-stream" : "arrow-file");
    assert.deepEqual(parseArrow(bytes, "/d/x.arrow", format), [...SAMPLE, ...many]);
  });

  test(`arrow ${format}: large_utf8 and large_list (supported by apache-arrow 21.2.0)`, () => {
    const bytes = arrowBytes(SAMPLE, format, { largeUtf8: true, largeList: true });
    assert.deepEqual(
      tableFromIPC(bytes).schema.fields.map((f) => String(f.type)),
      ["LargeUtf8", "LargeList<LargeUtf8>", "LargeList<LargeUtf8>"],
    );
    assert.deepEqual(parseArrow(bytes, "/d/x.arrow", format), SAMPLE);
  });
}

test("arrow: a query column of lists of strings (sub-queries)", () => {
  const rows: RerankRow[] = [{ query: ["子查询一", "子查询二"], positive: ["p"], negative: ["n"] }];
  assert.deepEqual(parseArrow(arrowBytes(rows, "stream", { largeList: true }), "/d/x.arrow", "stream"), rows);
});

test("arrow: an IPC stream written by another implementation (Rust arrow via parquet-wasm) reads the same", () => {
  // parquet-wasm decodes parquet with the Rust parquet/arrow crates and re-encodes the IPC stream itself.
  for (const shape of [{}, { largeUtf8: true, largeList: true }]) {
    const rustIpc = readParquet(parquetBytes(SAMPLE, "SNAPPY", shape)).intoIPCStream();
    assert.deepEqual(parseArrow(rustIpc, "/d/x.arrow", "stream"), SAMPLE);
  }
});

test("arrow: a null list names the row index across batches", () => {
  const rows = many.map((r) => ({ ...r })) as unknown as Record<string, unknown>[];
  rows[4]!.negative = null;
  const bytes = arrowBytes(rows as unknown as RerankRow[], "stream", { batchSize: 2 });
  assert.throws(
    () => parseArrow(bytes, "/d/x.arrow", "stream"),
    benchError(/^data: \/d\/x\.arrow row 4: field "negative" must be an array of strings, got null$/),
  );
});

test("arrow: missing column, corrupt bytes, empty table are clear one-line errors", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { tableToIPC, tableFromArrays } = await import("apache-arrow");
    const noNeg = join(dir, "noneg.arrow");
    writeFileSync(noNeg, tableToIPC(tableFromArrays({ query: ["a"], positive: ["b"] }), "stream"));
    await assert.rejects(
      loadDatasetFile(noNeg),
      benchError(/^data: .*noneg\.arrow: arrow column "negative" missing \(columns: query, positive\)/),
    );

    const full = arrowBytes(many, "file");
    const corrupt = join(dir, "corrupt.arrow");
    writeFileSync(corrupt, full.subarray(0, Math.floor(full.length / 2)));
    await assert.rejects(loadDatasetFile(corrupt), benchError(/^data: cannot read .*corrupt\.arrow as arrow file: [^\n]+$/));

    // A stream cut exactly after a record batch would otherwise parse with fewer rows.
    const stream = arrowBytes(many, "stream", { batchSize: 2 });
    const cutStream = join(dir, "cut.arrow");
    writeFileSync(cutStream, stream.subarray(0, stream.length - 8));
    assert.equal(tableFromIPC(stream.subarray(0, stream.length - 8)).numRows, 5, "premise: apache-arrow alone does not notice");
    await assert.rejects(
      loadDatasetFile(cutStream),
      benchError(/^data: cannot read .*cut\.arrow as arrow stream: truncated: no end-of-stream marker/),
    );
    for (const frac of [0.3, 0.6, 0.95]) {
      writeFileSync(cutStream, stream.subarray(0, Math.floor(stream.length * frac)));
      await assert.rejects(loadDatasetFile(cutStream), benchError(/^data: cannot read .*cut\.arrow as arrow stream: [^\n]+$/));
    }

    const empty = join(dir, "empty.arrow");
    writeFileSync(empty, arrowBytes([], "stream"));
    await assert.rejects(loadDatasetFile(empty), benchError(/^data: .*empty\.arrow has no rows/));
  } finally {
    cleanup();
  }
});
