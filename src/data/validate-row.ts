/**
 * Row validation shared by every loader: the T2Reranking schema (docs/spec.md §3) is `query: string`,
 * `positive/negative: list<string>`; a query may also be a non-empty list of sub-queries (docs/spec.md §2.1).
 */
import { inputError } from "../errors.js";
import type { RerankRow } from "./types.js";

/** Describes a JS value for error messages: its type and a short preview. */
function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing (field missing)";
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === "string") return `a string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

function badField(where: string, field: string, expected: string, got: unknown): Error {
  return inputError(`data: ${where}: field "${field}" must be ${expected}, got ${describeValue(got)}`);
}

function stringList(v: unknown, where: string, field: string): string[] {
  if (!Array.isArray(v)) throw badField(where, field, "an array of strings", v);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== "string") throw badField(where, `${field}[${i}]`, "a string", v[i]);
  }
  return v as string[];
}

/**
 * True when a row has ≥1 positive and ≥1 negative: the reference recipe's train filter (`len(positive) > 0 and
 * len(negative) > 0`) and the rows mteb's RerankingEvaluator keeps (docs/spec.md §2.1).
 */
export function hasPositiveAndNegative(row: RerankRow): boolean {
  return row.positive.length > 0 && row.negative.length > 0;
}

/** The columns every reranking dataset must have, in the order loaders read them. */
export const ROW_COLUMNS = ["query", "positive", "negative"] as const;

/** Throws unless a columnar file (`format`: "arrow", "parquet") has every one of ROW_COLUMNS among `names`. */
export function requireColumns(names: readonly string[], path: string, format: string): void {
  for (const col of ROW_COLUMNS) {
    if (!names.includes(col)) {
      throw inputError(
        `data: ${path}: ${format} column "${col}" missing (columns: ${names.join(", ") || "none"}); expected query, positive, negative`,
      );
    }
  }
}

/**
 * Checks one decoded record and returns it as a RerankRow (extra fields are dropped).
 * `where` names the place for errors, e.g. "/data/x.jsonl line 3" or "/data/x.parquet row 17".
 */
export function validateRow(record: unknown, where: string): RerankRow {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    throw inputError(`data: ${where}: expected an object with "query", "positive", "negative", got ${describeValue(record)}`);
  }
  const r = record as Record<string, unknown>;
  const q = r.query;
  let query: string | string[];
  if (typeof q === "string") query = q;
  else if (Array.isArray(q)) {
    if (q.length === 0) throw badField(where, "query", "a string or a non-empty array of strings", q);
    query = stringList(q, where, "query");
  } else throw badField(where, "query", "a string or a non-empty array of strings", q);
  return { query, positive: stringList(r.positive, where, "positive"), negative: stringList(r.negative, where, "negative") };
}
