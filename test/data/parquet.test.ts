import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parquetMetadata } from "hyparquet";
import { Table as WasmTable, writeParquet } from "parquet-wasm";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { detectFormat, loadDatasetFile } from "../../src/data/load.js";
import { parseParquet } from "../../src/data/parquet.js";
import type { RerankRow } from "../../src/data/types.js";
import { SAMPLE, benchError, tempDir } from "./fixtures.js";
import { parquetBytes } from "../../scripts/lib/columnar-fixtures.js";

const codecOf = (bytes: Uint8Array): string[] => {
  const md = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return [...new Set(md.row_groups.flatMap((rg) => rg.columns.map((c) => c.meta_data?.codec ?? "?")))];
};

for (const codec of ["SNAPPY", "ZSTD", "UNCOMPRESSED"] as const) {
  test(`parquet ${codec}: list<string> columns, Chinese text, empty lists`, async () => {
    const bytes = parquetBytes(SAMPLE, codec);
    assert.deepEqual(codecOf(bytes), [codec], "fixture must really use the codec under test");
    assert.equal(detectFormat(bytes), "parquet");
    assert.deepEqual(await parseParquet(bytes, "/d/x.parquet"), SAMPLE);
  });
}

test("parquet: large_string / large_list columns and list queries", async () => {
  const rows: RerankRow[] = [
    { query: ["子一", "子二"], positive: ["p"], negative: [] },
    ...SAMPLE.map((r) => ({ ...r, query: [r.query as string] })),
  ];
  assert.deepEqual(await parseParquet(parquetBytes(rows, "ZSTD", { largeUtf8: true, largeList: true }), "/d/x.parquet"), rows);
});

test("parquet: a null list names the row index", async () => {
  const rows = SAMPLE.map((r) => ({ ...r })) as unknown as Record<string, unknown>[];
  rows[2]!.positive = null;
  await assert.rejects(
    parseParquet(parquetBytes(rows as unknown as RerankRow[], "SNAPPY"), "/d/x.parquet"),
    benchError(/^data: \/d\/x\.parquet row 2: field "positive" must be an array of strings, got (null|nothing)/),
  );
});

test("parquet: corrupt, truncated, missing-column and empty files are one-line errors", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const good = parquetBytes(SAMPLE, "SNAPPY");
    const cut = join(dir, "cut.parquet");
    writeFileSync(cut, good.subarray(0, good.length - 40));
    await assert.rejects(loadDatasetFile(cut), benchError(/^data: cannot read .*cut\.parquet as parquet: [^\n]+$/));

    const garbled = join(dir, "garbled.parquet");
    const g = Uint8Array.from(good);
    for (let i = 8; i < g.length - 200; i++) g[i] = (g[i]! * 31 + 7) & 0xff;
    writeFileSync(garbled, g);
    await assert.rejects(loadDatasetFile(garbled), benchError(/^data: cannot read .*garbled\.parquet as parquet: [^\n]+$/));

    const noNeg = join(dir, "noneg.parquet");
    writeFileSync(noNeg, writeParquet(WasmTable.fromIPCStream(tableToIPC(tableFromArrays({ query: ["a"], positive: ["b"] }), "stream"))));
    await assert.rejects(
      loadDatasetFile(noNeg),
      benchError(/^data: .*noneg\.parquet: parquet column "negative" missing \(columns: query, positive\)/),
    );

    const empty = join(dir, "empty.parquet");
    writeFileSync(empty, parquetBytes([], "SNAPPY"));
    await assert.rejects(loadDatasetFile(empty), benchError(/^data: .*empty\.parquet has no rows/));
  } finally {
    cleanup();
  }
});
