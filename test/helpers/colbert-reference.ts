/**
 * A bge-m3 ColBERT reference computed without bench's code: token ids from Hugging Face's Rust tokenizer (npm
 * `tokenizers`), vectors and MaxSim by torch from a repo's pytorch_model.bin + colbert_linear.pt
 * (./seed_repos.py), sklearn's AP and mteb's MRR@10 written out here. Shared by the tests that check bench's
 * scores on the published bge-m3 layout (local directory and loopback hub).
 */
import { join } from "node:path";
import { Tokenizer } from "tokenizers";
import { referenceScores } from "./seed-repos.js";

/** A data row as bench reads it. */
export interface Row {
  query: string | string[];
  positive: string[];
  negative: string[];
}

/** One request per (sub-)query of each evaluable row: docs are positives then negatives. */
export interface ReferenceRequest {
  row: number;
  query: string;
  docs: string[];
}

/** mteb's rule: rows without a positive or a negative are not evaluated. */
export const evaluable = (rows: Row[]): Row[] => rows.filter((r) => r.positive.length > 0 && r.negative.length > 0);

/** The requests bench's Reranker gets for `rows`. */
export const requestsOf = (rows: Row[]): ReferenceRequest[] =>
  evaluable(rows).flatMap((r, row) => [r.query].flat().map((query) => ({ row, query, docs: [...r.positive, ...r.negative] })));

/** sklearn's average_precision_score for distinct scores, and mteb's MRR@10. */
export function apAndRr(scores: number[], nPos: number): { ap: number; rr: number } {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]);
  let hits = 0;
  let sum = 0;
  let rr = 0;
  order.forEach(([, i], k) => {
    if (i < nPos) {
      hits++;
      sum += hits / (k + 1);
      if (rr === 0 && k < 10) rr = 1 / (k + 1);
    }
  });
  return { ap: sum / nPos, rr };
}

/** Reference per-pair scores (per request) and MAP/MRR (a list query: max over its sub-queries per document). */
export async function referenceMetrics(
  repo: string,
  rows: Row[],
  maxLength: number,
  work: string,
): Promise<{ scores: number[][]; map: number; mrr: number }> {
  const tok = Tokenizer.fromFile(join(repo, "tokenizer.json"));
  tok.setTruncation(maxLength);
  const ids = async (t: string): Promise<number[]> => (await tok.encode(t)).getIds();
  const queries: number[][] = [];
  const docs: number[][] = [];
  const pairs: [number, number][] = [];
  const reqs = requestsOf(rows);
  for (const [qi, r] of reqs.entries()) {
    queries.push(await ids(r.query));
    for (const d of r.docs) {
      pairs.push([qi, docs.length]);
      docs.push(await ids(d));
    }
  }
  const flat = referenceScores(repo, { queries, docs, pairs }, work);
  let k = 0;
  const scores = reqs.map((r) => r.docs.map(() => flat[k++]));
  // Per row: max over sub-queries, rounded to float32 as mteb does before ranking (docs/spec.md §2).
  const m = evaluable(rows).map((r, row) => {
    const subs = scores.filter((_, i) => reqs[i].row === row);
    const best = subs[0].map((_, j) => Math.fround(Math.max(...subs.map((s) => s[j]))));
    return apAndRr(best, r.positive.length);
  });
  return { scores, map: m.reduce((a, x) => a + x.ap, 0) / m.length, mrr: m.reduce((a, x) => a + x.rr, 0) / m.length };
}
