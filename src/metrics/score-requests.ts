/**
 * What the evaluator asks the model to score: rows without a positive or a negative are dropped (mteb excludes them
 * from every mean, docs/spec.md §2.1); each kept row's docs are its positives then negatives, and a list query is one
 * request per sub-query.
 */
import type { RerankRow } from "../data/types.js";
import { hasPositiveAndNegative } from "../data/validate-row.js";
import { BenchError } from "../errors.js";
import type { ScoreRequest } from "../models/types.js";

/** The requests for a set of rows, and where each kept row's requests start. */
export interface ScoreRequests {
  /** Input row indices of the kept rows, in order. */
  kept: number[];
  requests: ScoreRequest[];
  /** Index into `requests` of each kept row's first sub-query. */
  firstRequest: number[];
}

/** Builds the requests; an empty query list, or no row left to evaluate, is a BenchError. */
export function scoreRequests(rows: readonly RerankRow[]): ScoreRequests {
  const kept: number[] = [];
  const requests: ScoreRequest[] = [];
  const firstRequest: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!hasPositiveAndNegative(r)) continue;
    const docs = [...r.positive, ...r.negative];
    const queries = typeof r.query === "string" ? [r.query] : r.query;
    if (queries.length === 0) throw new BenchError(`eval: row ${i} has an empty query list (expected a string or ≥ 1 sub-query)`);
    kept.push(i);
    firstRequest.push(requests.length);
    for (const q of queries) requests.push({ row: i, query: q, docs });
  }
  if (kept.length === 0) {
    throw new BenchError(`eval: no row has both a positive and a negative passage (${rows.length} rows, all dropped as mteb does)`);
  }
  return { kept, requests, firstRequest };
}
