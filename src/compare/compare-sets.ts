/**
 * The comparison itself: for every task, split (and hf_subset) and metric of the first side, the value on each
 * other side with absolute and relative deltas, plus paired significance for map and mrr where both sides have
 * per-query sidecars. Pure data in, data out; rendering lives in render-*.ts. The steps: matching tasks and splits
 * (here), rows (compare-rows.ts), significance (significance.ts), notes on one-sided data (one-sided-notes.ts).
 */
import { type BenchError, inputError } from "../errors.js";
import { CompareNotes } from "./compare-notes.js";
import { mainScoreRow, metricRows } from "./compare-rows.js";
import { type Comparison, type CompareRow, type PairedSeries, type SideName, sideLetter } from "./comparison.js";
import { harmonizeNames, MAIN_SCORE, type MetricOption, selectMetrics, validateMetricNames, wantsAll } from "./metric-select.js";
import {
  noteDatasetDifferences,
  noteOneSidedMetrics,
  noteOneSidedTasks,
  noteSplitOnlyInBase,
  noteSplitsOnlyInOthers,
} from "./one-sided-notes.js";
import { type SplitScores, splitLabel } from "./result-file.js";
import { checkComparable, type LoadedResult, type ResultSet } from "./result-set.js";
import { PER_QUERY_METRICS, pairedSignificance, type Significance } from "./significance.js";

/**
 * Compares sets[1..] against sets[0]. `metrics`: undefined → each task's main score and MRR; ["all"] → every
 * metric; else these names (unknown names are a usage error). `main_score` is compared when both sides' main
 * scores are the same metric.
 */
export function compareSets(input: ResultSet[], stage: string, metrics?: MetricOption, resamples?: number): Comparison {
  const name: SideName = (i) => `${sideLetter(i)} (${input[i]!.label})`;
  checkComparable(
    input,
    stage,
    input.map((_, i) => name(i)),
  );
  validateMetricNames(input, metrics, stage);
  const notes = new CompareNotes();
  const harmonized = harmonizeNames(input, name);
  for (const n of harmonized.notes) notes.add(n);
  const sets = harmonized.sets;
  const [base, ...others] = sets as [ResultSet, ...ResultSet[]];
  noteOneSidedTasks(base, others, name, notes);

  const ctx: SplitContext = { metrics, name, notes, significance: pairedSignificance(stage, resamples, name, notes) };
  const rows: CompareRow[] = [];
  const series: PairedSeries[] = [];
  for (const [task, a] of base.results) {
    const bs = others.map((set) => set.results.get(task));
    noteDatasetDifferences(task, a, bs, name, notes);
    for (const sa of a.scores) {
      const compared = compareSplit(task, a, sa, bs, ctx);
      rows.push(...compared.rows);
      series.push(...compared.series);
    }
    noteSplitsOnlyInOthers(task, a, bs, name, notes);
  }
  if (rows.length === 0) throw nothingToCompare(stage, sets, metrics, name);
  return { sides: sets.map((s) => s.label), rows, notes: notes.list(), series };
}

/** What every split's comparison shares. */
interface SplitContext {
  metrics: MetricOption;
  name: SideName;
  notes: CompareNotes;
  significance: Significance;
}

/** The base's split/subset `sa` of `task` against the same split on each side (`bs[k]`: side k + 1's result for the task). */
function compareSplit(
  task: string,
  a: LoadedResult,
  sa: SplitScores,
  bs: (LoadedResult | undefined)[],
  { metrics, name, notes, significance }: SplitContext,
): { rows: CompareRow[]; series: PairedSeries[] } {
  const matches = bs.map((b) => b?.scores.find((s) => s.split === sa.split && s.subset === sa.subset));
  noteSplitOnlyInBase(task, sa, matches, bs, name, notes);
  if (matches.every((m) => !m)) return { rows: [], series: [] };
  const selected = selectMetrics(sa, metrics);
  const wantStats = selected.some((x) => x in PER_QUERY_METRICS);
  const stats = matches.map((m, k) => (m && wantStats ? significance(a, bs[k]!, sa.split, sa.subset, k + 1) : null));
  const rows = metricRows(task, sa, matches, selected, stats);
  if (wantsAll(metrics) || metrics?.includes(MAIN_SCORE)) {
    const main = mainScoreRow(task, sa, matches);
    if (typeof main === "string") notes.add(main);
    else rows.push(main);
  }
  noteOneSidedMetrics(task, sa, matches, selected, metrics, name, notes);
  const series: PairedSeries[] = [];
  stats.forEach((s, k) => {
    if (s) series.push({ task, split: sa.split, subset: sa.subset, side: k + 1, apDiffs: s.apDiffs, stats: s.ap });
  });
  return { rows, series };
}

/** The input error when no task, split and metric is common to the sides: what each side has, for the fix. */
function nothingToCompare(stage: string, sets: ResultSet[], metrics: MetricOption, name: SideName): BenchError {
  const list = (s: ResultSet) =>
    [...s.results.entries()]
      .map(
        ([key, r]) =>
          `${key} (${r.scores.map((x) => splitLabel(x.split, x.subset)).join(", ")}: ${[...new Set(r.scores.flatMap((x) => Object.keys(x.metrics)))].slice(0, 6).join(", ")}…)`,
      )
      .join("; ");
  return inputError(
    `${stage}: nothing to compare: no task, split and metric in common${metrics ? ` among --metric ${metrics.join(",")}` : " among the main scores and MRR (try --metric all)"}. ` +
      sets.map((s, i) => `${name(i)} has ${list(s)}`).join("; "),
  );
}
