/**
 * The comparison itself: for every task, split (and hf_subset) and metric of the first side, the value on each
 * other side with absolute and relative deltas, plus paired significance for map and mrr where both sides have
 * per-query sidecars. Pure data in, data out; rendering lives in render-*.ts.
 */
import { inputError } from "../errors.js";
import { pairedStats, type PairedStats } from "./paired-stats.js";
import { npMean } from "../metrics/pairwise-sum.js";
import { pairQueries, readPerQuery, type QueryScore } from "./per-query.js";
import { splitLabel } from "./result-file.js";
import { checkComparable, type LoadedResult, type ResultSet } from "./result-set.js";
import { harmonizeNames, MAIN_SCORE, type MetricOption, selectMetrics, validateMetricNames, wantsAll } from "./metric-select.js";

/** One side's cell in a row (sides 1…n; side 0 is the base). */
export interface DeltaCell {
  value: number | null;
  /** value − base. */
  abs: number | null;
  /** (value − base) / |base|; null when base is 0 or a value is missing. */
  rel: number | null;
  /** Paired tests on the per-query values (map and mrr only), when both sides have usable per-query data. */
  stats: PairedStats | null;
}

/** One task × split × subset × metric. */
export interface CompareRow {
  task: string;
  split: string;
  subset: string;
  metric: string;
  base: number;
  others: DeltaCell[];
}

/** Sorted per-query AP differences for one task/split and one side against the base (for --plot). */
export interface PairedSeries {
  task: string;
  split: string;
  subset: string;
  side: number;
  apDiffs: Float64Array;
  stats: PairedStats;
}

/** The whole comparison. `notes` are said once each (mismatches, skipped significance). */
export interface Comparison {
  sides: string[];
  rows: CompareRow[];
  notes: string[];
  series: PairedSeries[];
}

/** Side letter: 0 → "A" (the base), 1 → "B", …; notes, reports and plots name sides by it. */
export function sideLetter(i: number): string {
  return String.fromCharCode(65 + i);
}

/** Metrics the per-query sidecar carries, and which field holds them. */
const PER_QUERY_METRICS: Record<string, "ap" | "rr"> = { map: "ap", mrr: "rr" };

/**
 * Compares sets[1..] against sets[0]. `metrics`: undefined → each task's main score and MRR; ["all"] → every
 * metric; else these names (unknown names are a usage error). `main_score` is compared when both sides' main
 * scores are the same metric.
 */
export function compareSets(input: ResultSet[], stage: string, metrics?: MetricOption, resamples?: number): Comparison {
  const notes = new Set<string>();
  const rows: CompareRow[] = [];
  const series: PairedSeries[] = [];
  const sidecars = new Map<string, QueryScore[]>();
  const grouped = new Map<string, string[]>();
  const group = (pattern: string, label: string) => grouped.get(pattern)?.push(label) ?? grouped.set(pattern, [label]);
  const readSidecar = (p: string) => sidecars.get(p) ?? sidecars.set(p, readPerQuery(p, stage)).get(p)!;
  const name = (i: number) => `${sideLetter(i)} (${input[i]!.label})`;
  checkComparable(
    input,
    stage,
    input.map((_, i) => name(i)),
  );
  validateMetricNames(input, metrics, stage);
  const harmonized = harmonizeNames(input, name);
  for (const n of harmonized.notes) notes.add(n);
  const sets = harmonized.sets;
  const [base, ...others] = sets as [ResultSet, ...ResultSet[]];

  others.forEach((set, k) => {
    for (const task of base.results.keys())
      if (!set.results.has(task)) notes.add(`task ${task} is only in ${name(0)}, not in ${name(k + 1)}`);
    for (const task of set.results.keys())
      if (!base.results.has(task)) notes.add(`task ${task} is only in ${name(k + 1)}, not in ${name(0)}`);
  });

  for (const [task, a] of base.results) {
    others.forEach((set, k) => {
      const b = set.results.get(task);
      if (b && a.datasetRevision !== b.datasetRevision) {
        notes.add(`${task}: dataset_revision differs (${name(0)}: ${a.datasetRevision}, ${name(k + 1)}: ${b.datasetRevision})`);
      }
      if (b && a.datasetSha256 && b.datasetSha256 && a.datasetSha256 !== b.datasetSha256) {
        notes.add(
          `${task}: the runs read different data files (sha256 ${a.datasetSha256.slice(0, 12)}… vs ${b.datasetSha256.slice(0, 12)}…, from bench's provenance files)`,
        );
      }
    });
    for (const sa of a.scores) {
      const matches = others.map((set) => set.results.get(task)?.scores.find((s) => s.split === sa.split && s.subset === sa.subset));
      const where = `${task} ${splitLabel(sa.split, sa.subset)}`;
      matches.forEach((m, k) => {
        if (!m && others[k]!.results.has(task))
          group(`${task} ${"\u0000"}: only in ${name(0)}, not in ${name(k + 1)}`, splitLabel(sa.split, sa.subset));
      });
      if (matches.every((m) => !m)) continue;
      const selected = selectMetrics(sa, metrics);
      const wantStats = selected.some((x) => x in PER_QUERY_METRICS);
      const stats = matches.map((m, k) => {
        if (!m || !wantStats) return null;
        const b = others[k]!.results.get(task)!;
        return significance(a, b, sa.split, sa.subset, k + 1);
      });
      for (const metric of selected) {
        const x = sa.metrics[metric]!;
        const cells = matches.map((m, k): DeltaCell => {
          const y = m?.metrics[metric];
          if (y === undefined) return { value: null, abs: null, rel: null, stats: null };
          const abs = y - x;
          const field = PER_QUERY_METRICS[metric];
          return { value: y, abs, rel: x === 0 ? null : abs / Math.abs(x), stats: field ? (stats[k]?.[field] ?? null) : null };
        });
        if (cells.every((c) => c.value === null)) continue;
        rows.push({ task, split: sa.split, subset: sa.subset, metric, base: x, others: cells });
      }
      // main_score: only when every side's main score is the same metric (else the numbers are not comparable).
      if (wantsAll(metrics) || metrics?.includes(MAIN_SCORE)) {
        const mains = matches.map((m) => m?.mainMetric ?? null);
        if (
          sa.mainScore !== null &&
          sa.mainMetric !== null &&
          matches.every((m, k) => !m || (m.mainScore !== null && mains[k] === sa.mainMetric))
        ) {
          const cells = matches.map((m): DeltaCell => {
            if (!m || m.mainScore === null) return { value: null, abs: null, rel: null, stats: null };
            const abs = m.mainScore - sa.mainScore!;
            return { value: m.mainScore, abs, rel: sa.mainScore === 0 ? null : abs / Math.abs(sa.mainScore!), stats: null };
          });
          rows.push({ task, split: sa.split, subset: sa.subset, metric: MAIN_SCORE, base: sa.mainScore, others: cells });
        } else {
          const said = [sa, ...matches]
            .map((m, i) => (m ? `${sideLetter(i)}: ${m.mainMetric ?? "unknown"}` : null))
            .filter((x) => x !== null);
          notes.add(`${where}: main_score not compared: the main scores are different metrics or unknown (${said.join(", ")})`);
        }
      }
      // Metrics one side has and another lacks, among those selected: one note per side pair.
      matches.forEach((m, k) => {
        if (!m) return;
        const onlyA = selected.filter((x) => !(x in m.metrics));
        const onlyB = selectMetrics(m, metrics).filter((x) => !(x in sa.metrics));
        if (onlyA.length > 0)
          group(`${task} ${"\u0000"}: ${listed(onlyA)} only in ${name(0)}, not in ${name(k + 1)}`, splitLabel(sa.split, sa.subset));
        if (onlyB.length > 0)
          group(`${task} ${"\u0000"}: ${listed(onlyB)} only in ${name(k + 1)}, not in ${name(0)}`, splitLabel(sa.split, sa.subset));
      });
      stats.forEach((s, k) => {
        if (s) series.push({ task, split: sa.split, subset: sa.subset, side: k + 1, apDiffs: s.apDiffs, stats: s.ap });
      });
    }
    others.forEach((set, k) => {
      const b = set.results.get(task);
      if (!b) return;
      for (const sb of b.scores) {
        if (!a.scores.some((s) => s.split === sb.split && s.subset === sb.subset)) {
          group(`${task} ${"\u0000"}: only in ${name(k + 1)}, not in ${name(0)}`, splitLabel(sb.split, sb.subset));
        }
      }
    });
  }
  // One note per pattern, naming every split/subset it applies to (MIRACL has 18 subsets: not 18 notes).
  for (const [pattern, labels] of grouped) {
    const what =
      labels.length === 1
        ? labels[0]!
        : `${labels.length} splits/subsets (${labels.slice(0, 10).join("; ")}${labels.length > 10 ? "; …" : ""})`;
    notes.add(pattern.replace("\u0000", what));
  }
  if (rows.length === 0) {
    const list = (s: ResultSet) =>
      [...s.results.entries()]
        .map(
          ([key, r]) =>
            `${key} (${r.scores.map((x) => splitLabel(x.split, x.subset)).join(", ")}: ${[...new Set(r.scores.flatMap((x) => Object.keys(x.metrics)))].slice(0, 6).join(", ")}…)`,
        )
        .join("; ");
    throw inputError(
      `${stage}: nothing to compare: no task, split and metric in common${metrics ? ` among --metric ${metrics.join(",")}` : " among the main scores and MRR (try --metric all)"}. ` +
        sets.map((s, i) => `${name(i)} has ${list(s)}`).join("; "),
    );
  }
  return { sides: sets.map((s) => s.label), rows, notes: [...notes], series };

  function significance(a: LoadedResult, b: LoadedResult, split: string, subset: string, side: number) {
    const where = `${a.task} ${splitLabel(split, subset)}`;
    if (!a.perQueryPath || !b.perQueryPath) {
      const missing = [!a.perQueryPath ? 0 : -1, !b.perQueryPath ? side : -1].filter((i) => i >= 0).map(name);
      group(
        `significance skipped for ${a.task} ${"\u0000"}: no per-query data (${a.task}.per_query.jsonl beside the result file) in ${missing.join(" and ")}`,
        splitLabel(split, subset),
      );
      return null;
    }
    const qa = forSplit(readSidecar(a.perQueryPath), a, split, subset);
    const qb = forSplit(readSidecar(b.perQueryPath), b, split, subset);
    const why = typeof qa === "string" ? qa : typeof qb === "string" ? qb : null;
    const checked = why ?? consistency(qa as QueryScore[], a, split, subset) ?? consistency(qb as QueryScore[], b, split, subset);
    const paired = checked ?? pairQueries(qa as QueryScore[], qb as QueryScore[]);
    if (typeof paired === "string") {
      notes.add(`significance skipped for ${where} (${name(0)} vs ${name(side)}): ${paired}`);
      return null;
    }
    const apDiffs = Float64Array.from(paired.ap).sort();
    return { ap: pairedStats(paired.ap, resamples), rr: pairedStats(paired.rr, resamples), apDiffs };
  }
}

function listed(names: string[]): string {
  return names.length === 1
    ? `metric ${names[0]}`
    : `metrics ${names.slice(0, 8).join(", ")}${names.length > 8 ? `, … (${names.length} in all)` : ""}`;
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
