/** Checks shared by the result writers: finite metrics and path segments that cannot escape the output directory. */
import { BenchError } from "../errors.js";
import type { RerankingScores } from "../metrics/evaluate.js";

/**
 * The metric entries of `scores` in order, after checking them: every value must be a finite number, except the
 * nAUC_* abstention metrics, which mteb defines as NaN when the oracle curve is flat (all queries score the same)
 * and writes as a bare NaN. ±Infinity is never valid.
 */
export function metricEntries(scores: RerankingScores): [string, number][] {
  const out: [string, number][] = [];
  for (const [k, v] of Object.entries(scores)) {
    if (v === undefined) continue;
    if (typeof v !== "number") throw new BenchError(`results: metric ${k} is ${typeof v}, expected a number`);
    const nanAllowed = k.startsWith("nAUC_") && Number.isNaN(v);
    if (!Number.isFinite(v) && !nanAllowed)
      throw new BenchError(`results: metric ${k} is ${v}; refusing to write a result with a non-finite metric`);
    out.push([k, v]);
  }
  return out;
}

/** Validates one path segment taken from a name (model, revision, task): non-empty, no separators, not "." or "..". */
export function safeSegment(s: string, what: string): string {
  if (s === "" || s === "." || s === ".." || /[/\\\0]/.test(s))
    throw new BenchError(`results: ${what} ${JSON.stringify(s)} cannot be used as a directory or file name`);
  return s;
}
