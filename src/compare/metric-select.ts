/**
 * Which metrics `compare` and `check` look at, and how mteb 2.x names meet 1.x names.
 *
 * Default: the task's main score and MRR (the nAUC_* and recall rows are noise for most decisions; `--metric all`
 * shows them). Names given with --metric must exist in some file: a typo is a usage error, never a silent no-op.
 *
 * mteb 2.x evaluates reranking tasks as retrieval over each query's candidate list and writes `map_at_1000` and
 * `mrr_at_10` where 1.x wrote `map` and `mrr` (AP over the whole candidate list; reciprocal rank @10). When the
 * two styles meet for one task, the 2.x names are mapped onto the 1.x names, and one note says which.
 */
import { usageError } from "../errors.js";
import type { SplitScores } from "./result-file.js";
import type { LoadedResult, ResultSet } from "./result-set.js";

/** mteb 2.x reranking-as-retrieval name → the 1.x reranking name of the same quantity. */
export const V2_TO_V1: Readonly<Record<string, string>> = { map_at_1000: "map", mrr_at_10: "mrr" };

/** The pseudo-metric "main_score": compared when both sides' main scores are the same metric. */
export const MAIN_SCORE = "main_score";

/** `--metric` as given: undefined → the default (main score + MRR), ["all"] → every metric. */
export type MetricOption = string[] | undefined;

/** True when the option asks for every metric. */
export function wantsAll(opt: MetricOption): boolean {
  return opt?.includes("all") ?? false;
}

/** The metrics of one entry that the option selects (main_score handled by the caller). */
export function selectMetrics(entry: SplitScores, opt: MetricOption): string[] {
  const names = Object.keys(entry.metrics);
  if (wantsAll(opt)) return names;
  if (opt !== undefined) return names.filter((n) => opt.includes(n));
  const main = entry.mainMetric ?? (names.includes("map") ? "map" : null);
  const mrr = names.includes("mrr") ? "mrr" : names.includes("mrr_at_10") ? "mrr_at_10" : null;
  return names.filter((n) => n === main || n === mrr);
}

/** Unknown --metric names (in no entry of any side) are a usage error (exit 2) listing what exists. */
export function validateMetricNames(sets: ResultSet[], opt: MetricOption, stage: string): void {
  if (opt === undefined || wantsAll(opt)) return;
  const known = new Set<string>([MAIN_SCORE]);
  for (const s of sets) for (const r of s.results.values()) for (const e of r.scores) for (const k of Object.keys(e.metrics)) known.add(k);
  const unknown = opt.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    const list = [...known].sort();
    throw usageError(
      `${stage}: --metric ${unknown.join(", ")}: no such metric in the results (known: ${list.slice(0, 20).join(", ")}${list.length > 20 ? `, … ${list.length - 20} more` : ""}; or "all")`,
    );
  }
}

function isV2Style(r: LoadedResult): boolean {
  return r.scores.some((e) => Object.keys(V2_TO_V1).some((k) => k in e.metrics) && !("map" in e.metrics) && !("mrr" in e.metrics));
}

function renamed(r: LoadedResult): LoadedResult {
  const scores = r.scores.map((e): SplitScores => {
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(e.metrics)) metrics[V2_TO_V1[k] ?? k] = v;
    const mainMetric = e.mainMetric === null ? null : (V2_TO_V1[e.mainMetric] ?? e.mainMetric);
    return { ...e, metrics, mainMetric };
  });
  return { ...r, scores };
}

/**
 * For every key held by several sides in both naming styles, renames the 2.x side's metrics to 1.x names.
 * Returns the new sets and one note per task that was mapped.
 */
export function harmonizeNames(sets: ResultSet[], sideName: (i: number) => string): { sets: ResultSet[]; notes: string[] } {
  const notes: string[] = [];
  const out = sets.map((s) => ({ ...s, results: new Map(s.results) }));
  const keys = new Set(sets.flatMap((s) => [...s.results.keys()]));
  for (const key of keys) {
    const styles = out.map((s) => (s.results.has(key) ? isV2Style(s.results.get(key)!) : null));
    if (!(styles.includes(true) && styles.includes(false))) continue;
    const mapped: string[] = [];
    styles.forEach((v2, i) => {
      if (v2 !== true) return;
      out[i]!.results.set(key, renamed(out[i]!.results.get(key)!));
      mapped.push(sideName(i));
    });
    const pairs = Object.entries(V2_TO_V1)
      .map(([a, b]) => `${a} → ${b}`)
      .join(", ");
    notes.push(
      `${key}: retrieval-style metric names (mteb 2.x) mapped onto mteb 1.x reranking names for ${mapped.join(" and ")}: ${pairs} (same quantities: AP over the candidate list, reciprocal rank @10)`,
    );
  }
  return { sets: out, notes };
}
