/**
 * Arrow IPC, stream and file format. HF `datasets` cache and save_to_disk `.arrow` files are the STREAM
 * format (docs/spec.md §5: arrow_writer.py uses RecordBatchStreamWriter); apache-arrow's tableFromIPC detects both.
 * Handles Utf8/LargeUtf8 strings and List/LargeList columns generically, because newer `datasets` may
 * write large_string/large_list (docs/spec.md §5).
 */
import { type Table, tableFromIPC } from "apache-arrow";
import { inputError } from "../errors.js";
import { oneLine } from "./parquet.js";
import type { RerankRow } from "./types.js";
import { requireColumns, validateRow } from "./validate-row.js";

/** Converts one Arrow cell to plain JS: list vectors to arrays (recursively), bigint kept, null kept. */
function toPlain(v: unknown): unknown {
  if (v === null || v === undefined || typeof v !== "object") return v;
  const maybeVector = v as { toArray?: () => ArrayLike<unknown>; [Symbol.iterator]?: unknown };
  if (typeof maybeVector.toArray === "function" && typeof maybeVector[Symbol.iterator] === "function") {
    return Array.from(v as Iterable<unknown>, toPlain);
  }
  return v;
}

/**
 * Why the bytes are not a complete IPC payload, or null. A stream cut at a record-batch boundary parses
 * "fine" with fewer rows, so require the end-of-stream marker 0xFFFFFFFF 00000000 that pyarrow (≥ 0.15, so
 * every `datasets` version), arrow-js and arrow-rs write on close; a file needs its ARROW1 footer.
 */
export function truncation(bytes: Uint8Array, kind: "stream" | "file"): string | null {
  const n = bytes.length;
  if (kind === "file") {
    const tail = Buffer.from(bytes.subarray(Math.max(0, n - 6))).toString("latin1");
    return tail === "ARROW1" && n >= 12 ? null : "truncated: no ARROW1 magic at the end of the file";
  }
  const eos = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0].every((b, i) => bytes[n - 8 + i] === b);
  return eos ? null : "truncated: no end-of-stream marker (the file was cut short or is still being written)";
}

/** Decodes Arrow IPC bytes into validated rows; errors name the row index (0-based, across batches). */
export function parseArrow(bytes: Uint8Array, path: string, kind: "stream" | "file"): RerankRow[] {
  const cut = truncation(bytes, kind);
  if (cut !== null) throw inputError(`data: cannot read ${path} as arrow ${kind}: ${cut}`);
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw inputError(`data: cannot read ${path} as arrow ${kind}: ${oneLine(err)}`);
  }
  const names = table.schema.fields.map((f) => f.name);
  requireColumns(names, path, "arrow");
  const q = table.getChild("query")!;
  const p = table.getChild("positive")!;
  const n = table.getChild("negative")!;
  const rows: RerankRow[] = new Array(table.numRows);
  let i = 0;
  const qi = q[Symbol.iterator]();
  const pi = p[Symbol.iterator]();
  const ni = n[Symbol.iterator]();
  for (; i < table.numRows; i++) {
    const rec = { query: toPlain(qi.next().value), positive: toPlain(pi.next().value), negative: toPlain(ni.next().value) };
    rows[i] = validateRow(rec, `${path} row ${i}`);
  }
  return rows;
}
