/**
 * Per-query sidecars (`<Task>.per_query.jsonl`, one line per evaluated row: {"row", "query", "ap", "rr"}) and
 * their pairing across two sides. A pairing that cannot be trusted (other rows, other query texts, APs that do
 * not average to the file's map) is refused with a reason instead of producing a misleading p-value.
 */
import { readFileSync } from "node:fs";
import { inputError } from "../errors.js";

/** How far above 1 a per-query value may lie: a few ulps of summation error, nothing a real score could hide in. */
const PER_QUERY_SLACK = 1e-12;

/** One evaluated row's AP and reciprocal rank (@10). */
export interface QueryScore {
  row: number;
  query: string | string[];
  ap: number;
  rr: number;
  split?: string;
}

/** Reads a sidecar; malformed lines are input errors naming the file and line. */
export function readPerQuery(path: string, stage: string): QueryScore[] {
  const out: QueryScore[] = [];
  const seen = new Set<string>();
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw inputError(`${stage}: cannot read per-query file ${path}: ${(err as Error).message}`);
  }
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const fail = (what: string) => inputError(`${stage}: ${path} line ${i + 1}: ${what}`);
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      throw fail("not valid JSON");
    }
    if (typeof o !== "object" || o === null) throw fail("expected an object {row, query, ap, rr}");
    const { row, query, ap, rr, split } = o as Record<string, unknown>;
    if (!Number.isInteger(row) || (row as number) < 0) throw fail(`field "row": expected an integer ≥ 0, got ${JSON.stringify(row)}`);
    if (!(typeof query === "string" || (Array.isArray(query) && query.every((q) => typeof q === "string")))) {
      throw fail(`field "query": expected a string or a list of strings`);
    }
    for (const [k, x] of [
      ["ap", ap],
      ["rr", rr],
    ] as const) {
      // sklearn's AP of a perfect ranking can be 1.0000000000000002: accept the float noise the metric produces.
      if (typeof x !== "number" || !(x >= 0 && x <= 1 + PER_QUERY_SLACK))
        throw fail(`field "${k}": expected a number in [0, 1], got ${JSON.stringify(x)}`);
    }
    if (split !== undefined && typeof split !== "string") throw fail(`field "split": expected a string`);
    const key = `${split ?? ""}\u0000${row}`;
    if (seen.has(key)) throw fail(`row ${row} appears twice`);
    seen.add(key);
    out.push({
      row: row as number,
      query: query as string | string[],
      ap: ap as number,
      rr: rr as number,
      ...(split === undefined ? {} : { split }),
    });
  });
  return out;
}

/** Paired per-query differences (b − a) for AP and RR, in row order. */
export interface PairedQueries {
  rows: number[];
  ap: Float64Array;
  rr: Float64Array;
}

/** Pairs two sides' per-query scores by row; returns a reason string when they do not describe the same queries. */
export function pairQueries(a: QueryScore[], b: QueryScore[]): PairedQueries | string {
  const byRow = new Map(b.map((q) => [q.row, q]));
  if (a.length !== b.length) return `the per-query files cover different rows (${a.length} vs ${b.length} rows)`;
  const sorted = [...a].sort((x, y) => x.row - y.row);
  const rows: number[] = [];
  const ap = new Float64Array(sorted.length);
  const rr = new Float64Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    const qa = sorted[i]!;
    const qb = byRow.get(qa.row);
    if (!qb) return `row ${qa.row} has per-query scores on one side only`;
    if (JSON.stringify(qa.query) !== JSON.stringify(qb.query)) {
      return `row ${qa.row}: the query texts differ (${clip(qa.query)} vs ${clip(qb.query)}), so the two runs did not evaluate the same data`;
    }
    rows.push(qa.row);
    ap[i] = qb.ap - qa.ap;
    rr[i] = qb.rr - qa.rr;
  }
  return { rows, ap, rr };
}

function clip(q: string | string[]): string {
  const s = JSON.stringify(q);
  return s.length > 40 ? `${s.slice(0, 37)}…"` : s;
}
