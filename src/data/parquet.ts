/**
 * Parquet via hyparquet (pure JS) + hyparquet-compressors (zstd, gzip, brotli, lz4; snappy is built in).
 * C-MTEB/T2Reranking's dev shard is pyarrow-written parquet with `query: string`, `positive/negative:
 * list<string>` (docs/spec.md §3, §5); hyparquet turns list columns into JS arrays.
 */
import { type FileMetaData, parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { inputError } from "../errors.js";
import type { RerankRow } from "./types.js";
import { ROW_COLUMNS, requireColumns, validateRow } from "./validate-row.js";

/** Decodes a parquet file's bytes into validated rows; errors name the row index (0-based, file order). */
export async function parseParquet(bytes: Uint8Array, path: string): Promise<RerankRow[]> {
  // hyparquet wants an ArrayBuffer covering exactly the file.
  // (No copy when the Buffer already owns its whole ArrayBuffer, as readFile's large reads do.)
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const ab = (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
  const cannot = (err: unknown): Error => inputError(`data: cannot read ${path} as parquet: ${oneLine(err)}`);
  let metadata: FileMetaData;
  let names: string[];
  try {
    metadata = parquetMetadata(ab);
    names = parquetSchema(metadata).children.map((c) => c.element.name);
  } catch (err) {
    throw cannot(err);
  }
  requireColumns(names, path, "parquet");
  let records: Record<string, unknown>[];
  try {
    records = await parquetReadObjects({ file: ab, metadata, columns: [...ROW_COLUMNS], compressors });
  } catch (err) {
    throw cannot(err);
  }
  return records.map((rec, i) => validateRow(rec, `${path} row ${i}`));
}

/** First line of an error's message, so wrapped library errors stay one line. */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0] || "unknown error";
}
