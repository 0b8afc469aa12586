/**
 * Tokenizes training rows once, with the tokenizer `bench eval` uses (src/tokenize), and writes the token-id
 * files the trainer reads (scripts/trainer/data.py): unique queries and unique documents as ragged int32
 * tables, and a rows table of [query, n_pos, pos…, n_neg, neg…] indices. Sub-query lists use their first query.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { RerankRow } from "../data/types.js";
import { inputError } from "../errors.js";
import type { TextTokenizer } from "../tokenize/tokenizer.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { writeNpy } from "./npy.js";

/** The data format version the trainer checks. */
export const TRAIN_DATA_FORMAT = "bench-train-data/1";

/** What was written. */
export interface TokenDataSummary {
  rows: number;
  queries: number;
  docs: number;
  /** Rows without a positive or a negative; written anyway, the trainer drops them as open-retrievals does. */
  incomplete: number;
  truncatedDocs: number;
}

class Table {
  private readonly index = new Map<string, number>();
  private readonly seqs: number[][] = [];
  truncated = 0;

  constructor(
    private readonly tok: TextTokenizer,
    private readonly maxLength: number,
  ) {}

  id(text: string): number {
    let i = this.index.get(text);
    if (i === undefined) {
      const ids = this.tok.encode(text, this.maxLength);
      if (ids.length === this.maxLength && this.tok.contentIds(text).length + this.tok.singleSpecials > this.maxLength) this.truncated++;
      i = this.seqs.length;
      this.seqs.push(ids);
      this.index.set(text, i);
    }
    return i;
  }

  get size(): number {
    return this.seqs.length;
  }

  write(dir: string, name: string): void {
    const offsets = new BigInt64Array(this.seqs.length + 1);
    let n = 0;
    this.seqs.forEach((s, i) => {
      n += s.length;
      offsets[i + 1] = BigInt(n);
    });
    const ids = new Int32Array(n);
    let o = 0;
    for (const s of this.seqs) {
      ids.set(s, o);
      o += s.length;
    }
    writeNpy(join(dir, `${name}.ids.npy`), ids);
    writeNpy(join(dir, `${name}.offsets.npy`), offsets);
  }
}

/** Tokenizes `rows` and writes the data directory; `meta` is merged into meta.json. */
export function writeTokenData(
  dir: string,
  rows: readonly RerankRow[],
  tok: TextTokenizer,
  lengths: { queryMaxLength: number; maxLength: number },
  meta: Record<string, unknown>,
  onProgress?: (done: number, total: number) => void,
): TokenDataSummary {
  if (rows.length === 0) throw inputError("train: the training data has no rows");
  mkdirSync(dir, { recursive: true });
  const queries = new Table(tok, lengths.queryMaxLength);
  const docs = new Table(tok, lengths.maxLength);
  const flat: number[] = [];
  const offsets = new BigInt64Array(rows.length + 1);
  let incomplete = 0;
  rows.forEach((r, i) => {
    const q = typeof r.query === "string" ? r.query : r.query[0];
    if (q === undefined) throw inputError(`train: row ${i} has an empty query list`);
    if (r.positive.length === 0 || r.negative.length === 0) incomplete++;
    flat.push(
      queries.id(q),
      r.positive.length,
      ...r.positive.map((d) => docs.id(d)),
      r.negative.length,
      ...r.negative.map((d) => docs.id(d)),
    );
    offsets[i + 1] = BigInt(flat.length);
    if (onProgress && ((i + 1) % 256 === 0 || i + 1 === rows.length)) onProgress(i + 1, rows.length);
  });
  queries.write(dir, "queries");
  docs.write(dir, "docs");
  writeNpy(
    join(dir, "rows.npy"),
    BigInt64Array.from(flat, (v) => BigInt(v)),
  );
  writeNpy(join(dir, "rows.offsets.npy"), offsets);
  const summary = { rows: rows.length, queries: queries.size, docs: docs.size, incomplete, truncatedDocs: docs.truncated };
  writeFileAtomic(
    join(dir, "meta.json"),
    `${JSON.stringify({ format: TRAIN_DATA_FORMAT, pad_token_id: tok.padId, query_max_length: lengths.queryMaxLength, max_length: lengths.maxLength, tokenizer: tok.source, ...summary, ...meta }, null, 2)}\n`,
  );
  return summary;
}
