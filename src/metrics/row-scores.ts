/**
 * The model's score lists → one score per document of a row, as the reference sees them (docs/spec.md §2.3):
 * float32-rounded, widened to float64, and the max over a list query's sub-queries. Model output of the wrong shape
 * (a Reranker bug: exit 4) or not finite (the model's output is wrong: exit 3) is a BenchError naming model and row.
 */
import type { RerankRow } from "../data/types.js";
import { BenchError, ExitCode } from "../errors.js";
import type { ScoreRequests } from "./score-requests.js";

/** Checks that the model returned one score list per request. */
export function checkScoreLists(raw: number[][], { requests, kept }: ScoreRequests, name: string): void {
  if (!Array.isArray(raw) || raw.length !== requests.length) {
    const got = Array.isArray(raw) ? `${raw.length} score lists` : typeof raw;
    throw new BenchError(
      `eval: model ${name} returned ${got} for ${requests.length} requests (rows ${kept[0]}…${kept[kept.length - 1]})`,
      ExitCode.Internal,
    );
  }
}

/**
 * Row `i`'s document scores from its sub-queries' lists, raw[first…first + nSub). The max over sub-queries
 * (torch.amax) commutes with the float32 rounding because Math.fround is monotonic.
 */
export function rowScores(raw: number[][], first: number, r: RerankRow, i: number, name: string): Float64Array {
  const nDocs = r.positive.length + r.negative.length;
  const nSub = typeof r.query === "string" ? 1 : r.query.length;
  const scores = new Float64Array(nDocs).fill(-Infinity);
  for (let s = 0; s < nSub; s++) {
    const list = raw[first + s];
    if (!Array.isArray(list) && !ArrayBuffer.isView(list))
      throw new BenchError(`eval: model ${name} returned a non-array score list for row ${i}`, ExitCode.Internal);
    if (list.length !== nDocs)
      throw new BenchError(
        `eval: model ${name} returned ${list.length} scores for row ${i} (expected ${nDocs}: ${r.positive.length} positive + ${r.negative.length} negative)`,
        ExitCode.Internal,
      );
    for (let d = 0; d < nDocs; d++) {
      const v = list[d];
      if (typeof v !== "number" || !Number.isFinite(v))
        throw new BenchError(`eval: model ${name} returned ${String(v)} for row ${i} (document ${d}); scores must be finite numbers`);
      const f = Math.fround(v);
      if (!Number.isFinite(f))
        throw new BenchError(`eval: model ${name} returned ${v} for row ${i} (document ${d}), which overflows float32`);
      if (f > scores[d]) scores[d] = f;
    }
  }
  return scores;
}
