/**
 * The one entry point for reading a dataset file. The format comes from the file's first bytes, not its
 * name, so a misnamed file still loads (and a truncated download fails loudly instead of as "bad JSON").
 */
import { resolve } from "node:path";
import { inputError } from "../errors.js";
import { sha256HexInBackground } from "../util/sha256.js";
import { parseArrow } from "./arrow.js";
import { firstContentByte, parseJsonArray, parseJsonl } from "./jsonl.js";
import { parseParquet } from "./parquet.js";
import { readInputFile } from "./read-input.js";
import type { DataFormat, LoadedDataset, RerankRow } from "./types.js";

const ASCII = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const startsWith = (b: Uint8Array, magic: number[]): boolean => magic.every((m, i) => b[i] === m);

/** Detects the format from magic bytes: PAR1, ARROW1, the IPC stream continuation marker, or JSON's first char. */
export function detectFormat(bytes: Uint8Array): DataFormat | null {
  if (startsWith(bytes, ASCII("PAR1"))) return "parquet";
  if (startsWith(bytes, ASCII("ARROW1"))) return "arrow-file";
  // IPC stream: each message starts with 0xFFFFFFFF then an int32 metadata length (Arrow ≥ 0.15 framing).
  if (startsWith(bytes, [0xff, 0xff, 0xff, 0xff])) return "arrow-stream";
  const i = firstContentByte(bytes);
  if (bytes[i] === 0x7b /* { */) return "jsonl";
  if (bytes[i] === 0x5b /* [ */) return "json";
  return null;
}

/** Reads, detects and validates a dataset file; every row has query/positive/negative. */
export async function loadDatasetFile(path: string): Promise<LoadedDataset> {
  const abs = resolve(path);
  const bytes = await readInputFile(abs, "data");
  const format = detectFormat(bytes);
  if (format === null) {
    const what = bytes.length === 0 ? "the file is empty" : `first bytes ${bytes.subarray(0, 8).toString("hex")}`;
    throw inputError(`data: cannot detect the format of ${abs} (${what}); expected JSONL/JSON, Arrow IPC (stream or file) or Parquet`);
  }
  const sha256 = sha256HexInBackground(bytes); // overlaps with parsing (bench:core: ~0.15 s of 248 MB)
  sha256.catch(() => {}); // a parse error below is the error to report; the hash result is then unused
  let rows: RerankRow[];
  switch (format) {
    case "jsonl":
      rows = parseJsonl(bytes, abs);
      break;
    case "json":
      rows = parseJsonArray(bytes, abs);
      break;
    case "arrow-stream":
      rows = parseArrow(bytes, abs, "stream");
      break;
    case "arrow-file":
      rows = parseArrow(bytes, abs, "file");
      break;
    case "parquet":
      rows = await parseParquet(bytes, abs);
      break;
  }
  if (rows.length === 0) throw inputError(`data: ${abs} has no rows (empty ${format} dataset)`);
  return { rows, source: { path: abs, format, sha256: await sha256 } };
}
