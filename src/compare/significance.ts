/**
 * Paired significance of one side against the base on one task/split, from both sides' per-query sidecars
 * (<Task>.per_query.jsonl): which sidecar lines belong to the split, whether they reproduce the result file's
 * map/mrr, which queries pair up, then the paired tests on AP and RR. Why a pair gets no tests is a note.
 */
import { npMean } from "../metrics/pairwise-sum.js";
import { type CompareNotes, SPLITS } from "./compare-notes.js";
import type { SideName } from "./comparison.js";
import { pairedStats, type PairedStats } from "./paired-stats.js";
import { type PairedQueries, pairQueries, readPerQuery, type QueryScore } from "./per-query.js";
import { splitLabel } from "./result-file.js";
import type { LoadedResult } from "./result-set.js";

/** Metrics the per-query sidecar carries, and which field holds them. */
export const PER_QUERY_METRICS: Record<string, "ap" | "rr"> = { map: "ap", mrr: "rr" };

/** The paired tests of one side against the base on one task/split. */
export interface SideSignificance {
  ap: PairedStats;
  rr: PairedStats;
  /** Per-query AP differences (side − base), sorted (for --plot). */
  apDiffs: Float64Array;
}

/** Tests base result `a` against side `side`'s result `b` on a split/subset; null (and a note) when they can't be. */
export type Significance = (a: LoadedResult, b: LoadedResult, split: string, subset: string, side: number) => SideSignificance | null;

/** The significance step of one comparison: reads each sidecar once, notes every skipped pair. */
export function pairedSignificance(stage: string, resamples: number | undefined, name: SideName, notes: CompareNotes): Significance {
  const sidecars = new Map<string, QueryScore[]>();
  const readSidecar = (p: string) => sidecars.get(p) ?? sidecars.set(p, readPerQuery(p, stage)).get(p)!;
  return (a, b, split, subset, side) => {
    if (!a.perQueryPath || !b.perQueryPath) {
      const missing = [!a.perQueryPath ? 0 : -1, !b.perQueryPath ? side : -1].filter((i) => i >= 0).map(name);
      notes.group(
        `significance skipped for ${a.task} ${SPLITS}: no per-query data (${a.task}.per_query.jsonl beside the result file) in ${missing.join(" and ")}`,
        splitLabel(split, subset),
      );
      return null;
    }
    const paired = pairSidecars(readSidecar(a.perQueryPath), a, readSidecar(b.perQueryPath), b, split, subset);
    if (typeof paired === "string") {
      notes.add(`significance skipped for ${a.task} ${splitLabel(split, subset)} (${name(0)} vs ${name(side)}): ${paired}`);
      return null;
    }
    const apDiffs = Float64Array.from(paired.ap).sort();
    return { ap: pairedStats(paired.ap, resamples), rr: pairedStats(paired.rr, resamples), apDiffs };
  };
}

/** The paired per-query values of two sidecars on a split/subset, or why there are none. */
function pairSidecars(
  qsA: QueryScore[],
  a: LoadedResult,
  qsB: QueryScore[],
  b: LoadedResult,
  split: string,
  subset: string,
): PairedQueries | string {
  const qa = forSplit(qsA, a, split, subset);
  if (typeof qa === "string") return qa;
  const qb = forSplit(qsB, b, split, subset);
  if (typeof qb === "string") return qb;
  return consistency(qa, a, split, subset) ?? consistency(qb, b, split, subset) ?? pairQueries(qa, qb);
}

// Which sidecar lines belong to this split: the "split" field when present, else the task's only split.
function forSplit(qs: QueryScore[], r: LoadedResult, split: string, subset: string): QueryScore[] | string {
  if (qs.some((q) => q.split !== undefined)) {
    const sel = qs.filter((q) => q.split === split);
    return sel.length > 0 ? sel : `${r.perQueryPath} has no rows for split ${split}`;
  }
  if (r.scores.length === 1 && r.scores[0]!.split === split && r.scores[0]!.subset === subset) return qs;
  return `${r.perQueryPath} has no "split" field but ${r.path} holds several splits/subsets`;
}

// The sidecar must reproduce the file's map/mrr; 1e-6 allows for the 6-decimal rounding of mteb ≥1.12.76 files.
function consistency(qs: QueryScore[], r: LoadedResult, split: string, subset: string): string | null {
  if (qs.length === 0) return `${r.perQueryPath} is empty`;
  const scores = r.scores.find((s) => s.split === split && s.subset === subset)!.metrics;
  for (const [metric, field] of Object.entries(PER_QUERY_METRICS)) {
    const v = scores[metric];
    const m = npMean(qs.map((q) => q[field])); // the mean the evaluator took of these values
    if (v !== undefined && Number.isFinite(v) && Math.abs(m - v) > 1e-6) {
      return `${r.perQueryPath}: per-query ${field} values average to ${m}, but ${r.path} says ${metric} = ${v} (stale or foreign sidecar?)`;
    }
  }
  return null;
}
