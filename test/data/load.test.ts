import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { loadDatasetFile } from "../../src/data/load.js";
import type { RerankRow } from "../../src/data/types.js";
import { SAMPLE, benchError, tempDir } from "./fixtures.js";
import { arrowBytes, parquetBytes } from "../../scripts/lib/columnar-fixtures.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const realJsonl = join(resolve(repoRoot, "../shared"), "data/t2ranking-dev100.jsonl");
const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const jsonl = (rows: RerankRow[]): string => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

test("the format comes from the content, not the extension; source has abs path, format, sha256", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cases: [string, Uint8Array, string][] = [
      ["a.parquet", new TextEncoder().encode(jsonl(SAMPLE)), "jsonl"],
      ["b.jsonl", parquetBytes(SAMPLE, "ZSTD"), "parquet"],
      ["c.json", arrowBytes(SAMPLE, "stream"), "arrow-stream"],
      ["d.bin", arrowBytes(SAMPLE, "file"), "arrow-file"],
      ["e.jsonl", new TextEncoder().encode(JSON.stringify(SAMPLE)), "json"],
    ];
    for (const [name, bytes, format] of cases) {
      writeFileSync(join(dir, name), bytes);
      const ds = await loadDatasetFile(join(dir, name));
      assert.deepEqual(ds.rows, SAMPLE, name);
      assert.deepEqual(ds.source, { path: join(dir, name), format, sha256: sha(bytes) }, name);
    }
  } finally {
    cleanup();
  }
});

test("missing, empty, unknown-format and blank-only files are clear errors", async () => {
  const { dir, cleanup } = tempDir();
  try {
    await assert.rejects(loadDatasetFile(join(dir, "nope.jsonl")), benchError(/^data: cannot read .*nope\.jsonl: no such file$/));
    writeFileSync(join(dir, "empty.jsonl"), "");
    await assert.rejects(
      loadDatasetFile(join(dir, "empty.jsonl")),
      benchError(/^data: cannot detect the format of .*empty\.jsonl \(the file is empty\)/),
    );
    writeFileSync(join(dir, "blank.jsonl"), "\uFEFF\r\n\r\n");
    await assert.rejects(loadDatasetFile(join(dir, "blank.jsonl")), benchError(/^data: cannot detect the format of .*blank\.jsonl/));
    writeFileSync(join(dir, "csv.txt"), "query,positive\n");
    await assert.rejects(
      loadDatasetFile(join(dir, "csv.txt")),
      benchError(
        /^data: cannot detect the format of .*csv\.txt \(first bytes 71756572792c706f\); expected JSONL\/JSON, Arrow IPC \(stream or file\) or Parquet$/,
      ),
    );
    writeFileSync(join(dir, "arr.json"), "[]");
    await assert.rejects(loadDatasetFile(join(dir, "arr.json")), benchError(/^data: .*arr\.json has no rows \(empty json dataset\)$/));
  } finally {
    cleanup();
  }
});

test("real T2Reranking rows (../shared): JSONL → Arrow stream/file → Parquet snappy/zstd all load identically", async (t) => {
  if (!existsSync(realJsonl)) {
    t.skip(`SKIPPED: real data ${realJsonl} is missing (../shared not present next to the repo); cannot check real T2Reranking rows`);
    return;
  }
  const ds = await loadDatasetFile(realJsonl);
  assert.equal(ds.rows.length, 100);
  assert.equal(ds.source.format, "jsonl");
  assert.equal(ds.source.sha256, sha(readFileSync(realJsonl)));
  assert.ok(ds.rows.every((r) => typeof r.query === "string"));
  const { dir, cleanup } = tempDir();
  try {
    const variants: [string, Uint8Array][] = [
      ["s.arrow", arrowBytes(ds.rows, "stream", { batchSize: 30 })],
      ["f.arrow", arrowBytes(ds.rows, "file", { largeUtf8: true, largeList: true })],
      ["s.parquet", parquetBytes(ds.rows, "SNAPPY")],
      ["z.parquet", parquetBytes(ds.rows, "ZSTD")],
    ];
    for (const [name, bytes] of variants) {
      writeFileSync(join(dir, name), bytes);
      assert.deepEqual((await loadDatasetFile(join(dir, name))).rows, ds.rows, name);
    }
  } finally {
    cleanup();
  }
});
