/**
 * Notes on what one side has and another lacks, or holds differently: tasks, dataset revisions and data files,
 * splits/subsets, metrics. Side 0 is the base; `bs[k]` is side k + 1's result for the task (undefined: it has none).
 */
import { type CompareNotes, SPLITS } from "./compare-notes.js";
import type { SideName } from "./comparison.js";
import { type MetricOption, selectMetrics } from "./metric-select.js";
import { type SplitScores, splitLabel } from "./result-file.js";
import type { LoadedResult, ResultSet } from "./result-set.js";

/** Tasks of the base missing on a side, then a side's tasks missing in the base, side by side. */
export function noteOneSidedTasks(base: ResultSet, others: ResultSet[], name: SideName, notes: CompareNotes): void {
  others.forEach((set, k) => {
    for (const task of base.results.keys())
      if (!set.results.has(task)) notes.add(`task ${task} is only in ${name(0)}, not in ${name(k + 1)}`);
    for (const task of set.results.keys())
      if (!base.results.has(task)) notes.add(`task ${task} is only in ${name(k + 1)}, not in ${name(0)}`);
  });
}

/** A task whose dataset_revision or data files (sha256 from bench's provenance) differ between the base and a side. */
export function noteDatasetDifferences(
  task: string,
  a: LoadedResult,
  bs: (LoadedResult | undefined)[],
  name: SideName,
  notes: CompareNotes,
): void {
  bs.forEach((b, k) => {
    if (b && a.datasetRevision !== b.datasetRevision) {
      notes.add(`${task}: dataset_revision differs (${name(0)}: ${a.datasetRevision}, ${name(k + 1)}: ${b.datasetRevision})`);
    }
    if (b && a.datasetSha256 && b.datasetSha256 && a.datasetSha256 !== b.datasetSha256) {
      notes.add(
        `${task}: the runs read different data files (sha256 ${a.datasetSha256.slice(0, 12)}… vs ${b.datasetSha256.slice(0, 12)}…, from bench's provenance files)`,
      );
    }
  });
}

/** The base's split/subset `sa` missing on sides that have the task (`matches[k]`: side k + 1's same split, if any). */
export function noteSplitOnlyInBase(
  task: string,
  sa: SplitScores,
  matches: (SplitScores | undefined)[],
  bs: (LoadedResult | undefined)[],
  name: SideName,
  notes: CompareNotes,
): void {
  matches.forEach((m, k) => {
    if (!m && bs[k]) notes.group(`${task} ${SPLITS}: only in ${name(0)}, not in ${name(k + 1)}`, splitLabel(sa.split, sa.subset));
  });
}

/** A side's splits/subsets of the task that the base lacks. */
export function noteSplitsOnlyInOthers(
  task: string,
  a: LoadedResult,
  bs: (LoadedResult | undefined)[],
  name: SideName,
  notes: CompareNotes,
): void {
  bs.forEach((b, k) => {
    if (!b) return;
    for (const sb of b.scores) {
      if (!a.scores.some((s) => s.split === sb.split && s.subset === sb.subset)) {
        notes.group(`${task} ${SPLITS}: only in ${name(k + 1)}, not in ${name(0)}`, splitLabel(sb.split, sb.subset));
      }
    }
  });
}

/** Metrics one side has and another lacks on a split, among those selected: one note per side pair. */
export function noteOneSidedMetrics(
  task: string,
  sa: SplitScores,
  matches: (SplitScores | undefined)[],
  selected: string[],
  metrics: MetricOption,
  name: SideName,
  notes: CompareNotes,
): void {
  matches.forEach((m, k) => {
    if (!m) return;
    const onlyA = selected.filter((x) => !(x in m.metrics));
    const onlyB = selectMetrics(m, metrics).filter((x) => !(x in sa.metrics));
    if (onlyA.length > 0)
      notes.group(`${task} ${SPLITS}: ${listed(onlyA)} only in ${name(0)}, not in ${name(k + 1)}`, splitLabel(sa.split, sa.subset));
    if (onlyB.length > 0)
      notes.group(`${task} ${SPLITS}: ${listed(onlyB)} only in ${name(k + 1)}, not in ${name(0)}`, splitLabel(sa.split, sa.subset));
  });
}

function listed(names: string[]): string {
  return names.length === 1
    ? `metric ${names[0]}`
    : `metrics ${names.slice(0, 8).join(", ")}${names.length > 8 ? `, … (${names.length} in all)` : ""}`;
}
