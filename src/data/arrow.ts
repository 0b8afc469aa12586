/**
 * Arrow IPC, stream and file format. HF `datasets` cache and save_to_disk `.arrow` files are the STREAM
 * format (spec §5: arrow_writer.py uses RecordBatchStreamWriter); apache-arrow's tableFromIPC detects both.
 * Handles Utf8/LargeUtf8 strings and List/LargeList columns generically, because newer `datasets` may
 * write large_string/large_list (toolchain notes §5).
 */
import { type Table, tableFromIPC } from "apache-arrow";
import { inputError } from "../errors.js";
import { oneLine } from "./parquet.js";
import type { RerankRow } from "./types.js";
import { validateRow } from "./validate-row.js";

/** Converts one Arrow cell to plain JS: list vectors to arrays (recursively), bigint kept, null kept. */
function toPlain(v: unknown): unknown {
  if (v === null || v === undefined || typeof v !== "object") return v;
  const maybeVector = v as { toArray?: () => ArrayLike<unknown>; [Symbol.iterator]?: unknown };
  if (typeof maybeVector.toArray === "function" && typeof maybeVector[Symbol.iterator] === "function") {
    return Array.from(v as Iterable<unknown>, toPlain);
  }
  return v;
}

/** Decodes Arrow IPC bytes into validated rows; errors name the row index (0-based, across batches). */
export function parseArrow(bytes: Uint8Array, path: string, kind: "stream" | "file"): RerankRow[] {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw inputError(`data: cannot read ${path} as arrow ${kind}: ${oneLine(err)}`);
  }
  const names = table.schema.fields.map((f) => f.name);
  for (const col of ["query", "positive", "negative"]) {
    if (!names.includes(col)) {
      throw inputError(`data: ${path}: arrow column "${col}" missing (columns: ${names.join(", ") || "none"}); expected query, positive, negative`);
    }
  }
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
