/**
 * Generated data shaped like C-MTEB/T2Reranking dev (docs/spec.md §3): 6,129 rows, ~16.5 documents per row (~7.5
 * positives), ~840-character Chinese documents, ~11-character queries, and ~3.6% of rows with an empty positive
 * or negative list. Deterministic (seeded); for benchmarks only: the text is random characters, not language.
 */
import { PCG64 } from "../../src/split/pcg64.js";
import { randomInterval } from "../../src/split/permutation.js";
import type { RerankRow } from "../../src/data/types.js";

/** The 3,000 CJK characters from U+4E00 that generated texts are made of (a tokenizer for this data covers them). */
export const T2_LIKE_CJK: readonly string[] = Array.from({ length: 3000 }, (_, i) => String.fromCharCode(0x4e00 + i));

/** Shape of the generated data. */
export interface T2LikeOptions {
  rows?: number;
  meanDocs?: number;
  meanDocChars?: number;
  seed?: number;
}

/** Generates T2Reranking-like rows. */
export function t2LikeRows(opts: T2LikeOptions = {}): RerankRow[] {
  const { rows = 6129, meanDocs = 16.5, meanDocChars = 840, seed = 7 } = opts;
  const rng = new PCG64(seed);
  const uniform = (lo: number, hi: number): number => lo + randomInterval(rng, hi - lo); // inclusive
  // A long random "corpus" of common CJK characters (plus some punctuation and digits); documents are slices
  // of it at random offsets, so they are unique without generating 85M characters one at a time.
  const alphabet = [...T2_LIKE_CJK, "，", "。", "、", "；", "1", "2", "0", " "];
  const corpusLen = 4_000_000;
  const parts: string[] = new Array(corpusLen);
  for (let i = 0; i < corpusLen; i++) parts[i] = alphabet[randomInterval(rng, alphabet.length - 1)]!;
  const corpus = parts.join("");
  const slice = (len: number): string => {
    const start = uniform(0, corpusLen - len - 1);
    return corpus.slice(start, start + len);
  };
  const out: RerankRow[] = [];
  for (let i = 0; i < rows; i++) {
    const nDocs = uniform(2, Math.round(2 * meanDocs) - 2); // mean = meanDocs
    let nPos = uniform(1, nDocs - 1);
    let nNeg = nDocs - nPos;
    const r = uniform(0, 999);
    if (r < 18)
      nPos = 0; // ~3.6% of rows with an empty list, as T2Reranking (221 / 6129)
    else if (r < 36) nNeg = 0;
    const doc = (): string => slice(uniform(Math.round(meanDocChars * 0.25), Math.round(meanDocChars * 1.75)));
    out.push({
      query: slice(uniform(4, 18)),
      positive: Array.from({ length: nPos }, doc),
      negative: Array.from({ length: nNeg }, doc),
    });
  }
  return out;
}
