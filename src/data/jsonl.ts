/**
 * JSON Lines and JSON-array records, as `datasets.Dataset.to_json` (lines=True by default, pandas writer, so
 * "\/" escapes and force_ascii=False UTF-8) and open-retrievals' prepare script write them (docs/spec.md §1 recipe).
 * Tolerates a UTF-8 BOM, CRLF line ends and blank lines (e.g. a trailing one).
 */
import { inputError } from "../errors.js";
import type { RerankRow } from "./types.js";
import { validateRow } from "./validate-row.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

function decode(bytes: Uint8Array, where: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw inputError(`data: ${where}: not valid UTF-8`);
  }
}

/** Length of the UTF-8 byte-order mark `bytes` start with: 3, or 0 when there is none. */
function bomLength(bytes: Uint8Array): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/** Index of the first byte after a UTF-8 BOM and leading ASCII whitespace. */
export function firstContentByte(bytes: Uint8Array): number {
  let i = bomLength(bytes);
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return i;
}

/**
 * Parses JSONL bytes line by line (splitting the Buffer, not one giant string, so files larger than
 * V8's string limit work). Line numbers in errors are 1-based and count blank lines.
 */
export function parseJsonl(bytes: Uint8Array, path: string): RerankRow[] {
  const rows: RerankRow[] = [];
  let start = bomLength(bytes);
  let lineNo = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    lineNo++;
    const where = `${path} line ${lineNo}`;
    const text = decode(bytes.subarray(start, end), where).trim();
    start = end + 1;
    if (text === "") continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (err) {
      throw inputError(`data: ${where}: malformed JSON (${(err as Error).message})`);
    }
    rows.push(validateRow(record, where));
  }
  return rows;
}

/** Parses a JSON array of records (`to_json(lines=False)`, orient "records"); errors name the row index. */
export function parseJsonArray(bytes: Uint8Array, path: string): RerankRow[] {
  const text = decode(bytes.subarray(firstContentByte(bytes)), path);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw inputError(`data: ${path}: malformed JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(doc)) throw inputError(`data: ${path}: expected a JSON array of {"query","positive","negative"} records`);
  return doc.map((rec, i) => validateRow(rec, `${path} row ${i}`));
}
