/**
 * Okapi BM25, the lexical baseline (`--model bm25`). For query q and document d over the terms of
 * src/tokenize/lexical.ts:
 *   score(q, d) = Σ_{t ∈ q} qtf(t) · idf(t) · tf(t,d)·(k1+1) / (tf(t,d) + k1·(1 − b + b·|d|/avgdl))
 *   idf(t)      = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5))
 * qtf(t) is how often t occurs in the query (Okapi's k3 → ∞), and the idf is Lucene's BM25Similarity form, which
 * never goes negative even for a term found in every document, as happens in a short candidate list.
 * N, n(t) and avgdl come from the collection chosen by `stats` (docs/bm25.md has the measurements):
 *   "list" — each request's own candidate list;   "all" — every document of the score() call,
 * in both cases as the set of DISTINCT passage texts, so a passage listed twice is counted once.
 * Sums run in a fixed order (query terms by first occurrence) so scores are bit-for-bit deterministic.
 */
import { BenchError, ExitCode } from "../errors.js";
import { CHINESE_TERMS, type ChineseTerms, lexicalTerms } from "../tokenize/lexical.js";
import type { ModelInfo, Progress, Reranker, ScoreRequest } from "./types.js";

/** Which documents the idf and avgdl statistics are computed over. */
export type Bm25Stats = "list" | "all";

/** Every Bm25Stats value. */
export const BM25_STATS: readonly Bm25Stats[] = ["list", "all"];

/** Settings of createBm25; every field has the measured default (docs/bm25.md). */
export interface Bm25Options {
  /** Term-frequency saturation, ≥ 0. Default 1.2. */
  k1?: number;
  /** Length normalisation, in [0, 1]. Default 0.75. */
  b?: number;
  /** How Chinese text becomes terms. Default "bigram". */
  chinese?: ChineseTerms;
  /** Collection for idf/avgdl. Default "list". */
  stats?: Bm25Stats;
}

/** The defaults createBm25 uses (see docs/bm25.md for the figures behind them). */
const BM25_DEFAULTS: Required<Bm25Options> = { k1: 1.2, b: 0.75, chinese: "bigram", stats: "list" };

/** A document's term frequencies and length. */
interface DocTerms {
  tf: Map<string, number>;
  length: number;
}

/** idf per term plus avgdl over one collection of distinct documents. */
interface CollectionStats {
  n: number;
  df: Map<string, number>;
  avgdl: number;
}

function countTerms(terms: readonly string[]): DocTerms {
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  return { tf, length: terms.length };
}

function collectionStats(docs: Iterable<DocTerms>): CollectionStats {
  const df = new Map<string, number>();
  let n = 0;
  let total = 0;
  for (const d of docs) {
    n++;
    total += d.length;
    for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  }
  return { n, df, avgdl: n === 0 ? 0 : total / n };
}

/** BM25 of one document for a query given as (term, qtf) pairs. */
function bm25Score(query: ReadonlyArray<[string, number]>, doc: DocTerms, stats: CollectionStats, k1: number, b: number): number {
  // An all-empty collection (avgdl 0) has no term to match; avoid 0/0.
  if (stats.avgdl === 0) return 0;
  const norm = k1 * (1 - b + (b * doc.length) / stats.avgdl);
  let score = 0;
  for (const [t, qtf] of query) {
    const tf = doc.tf.get(t);
    if (tf === undefined) continue;
    const nt = stats.df.get(t) ?? 0;
    const idf = Math.log(1 + (stats.n - nt + 0.5) / (nt + 0.5));
    score += (qtf * idf * (tf * (k1 + 1))) / (tf + norm);
  }
  return score;
}

function queryTerms(terms: readonly string[]): Array<[string, number]> {
  return [...countTerms(terms).tf.entries()]; // Map keeps first-occurrence order
}

function checkOptions(o: Required<Bm25Options>): void {
  const bad = (what: string): never => {
    throw new BenchError(`eval: bm25 option ${what}`, ExitCode.Usage);
  };
  if (!Number.isFinite(o.k1) || o.k1 < 0) bad(`k1 must be a finite number ≥ 0, got ${o.k1}`);
  if (!Number.isFinite(o.b) || o.b < 0 || o.b > 1) bad(`b must be in [0, 1], got ${o.b}`);
  if (!CHINESE_TERMS.includes(o.chinese)) bad(`chinese must be one of ${CHINESE_TERMS.join(", ")}, got '${String(o.chinese)}'`);
  if (!BM25_STATS.includes(o.stats)) bad(`stats must be one of ${BM25_STATS.join(", ")}, got '${String(o.stats)}'`);
}

/** Creates the bm25 Reranker. */
export function createBm25(options: Bm25Options = {}): Reranker {
  const o: Required<Bm25Options> = { ...BM25_DEFAULTS, ...options };
  checkOptions(o);
  const info: ModelInfo = {
    name: "bm25",
    revision: null,
    modelType: "lexical",
    similarityFn: null,
    framework: ["bench"],
    nParameters: null,
    embedDim: null,
    maxTokens: null,
    extra: {
      variant: "okapi-bm25",
      k1: o.k1,
      b: o.b,
      idf: "ln(1 + (N - n + 0.5) / (n + 0.5))",
      chinese_terms: o.chinese,
      latin_terms: "nfkc-lowercase-alphanumeric-runs",
      stats: o.stats === "list" ? "per candidate list (distinct passages)" : "all documents of the evaluated data (distinct passages)",
    },
  };

  async function score(requests: ScoreRequest[], onProgress?: Progress): Promise<number[][]> {
    // Tokenize each distinct text once: docs repeat across sub-queries of a list query and across rows.
    const cache = new Map<string, DocTerms>();
    const terms = (text: string): DocTerms => {
      let d = cache.get(text);
      if (d === undefined) cache.set(text, (d = countTerms(lexicalTerms(text, o.chinese))));
      return d;
    };
    const total = requests.reduce((s, r) => s + r.docs.length, 0);
    let global: CollectionStats | undefined;
    if (o.stats === "all") {
      for (const r of requests) for (const t of r.docs) terms(t);
      global = collectionStats(cache.values());
    }
    const out: number[][] = [];
    let done = 0;
    for (const r of requests) {
      const docs = r.docs.map(terms);
      const stats = global ?? collectionStats(new Map(r.docs.map((t, i) => [t, docs[i]])).values());
      const q = queryTerms(lexicalTerms(r.query, o.chinese));
      out.push(docs.map((d) => bm25Score(q, d, stats, o.k1, o.b)));
      done += r.docs.length;
      onProgress?.(done, total);
    }
    return out;
  }

  return { info, score, close: async () => {} };
}
