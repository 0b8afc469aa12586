/**
 * The regression gate's logic: every metric of the baseline must be present in the candidate and must not have
 * fallen by more than the tolerance. All reranking metrics bench and mteb write (map, mrr, ndcg, recall,
 * precision, nAUC, accuracy, hit_rate) are higher-is-better, so "fell" is baseline − candidate.
 */
import { harmonizeNames, type MetricOption, selectMetrics, validateMetricNames } from "./metric-select.js";
import { type SplitScores, splitLabel } from "./result-file.js";
import { checkComparable, type ResultSet } from "./result-set.js";

/** A metric that fell by more than the tolerance (or became NaN). */
export interface Regression {
  task: string;
  split: string;
  subset: string;
  metric: string;
  baseline: number;
  candidate: number;
  /** candidate − baseline (negative), NaN when the candidate is NaN. */
  delta: number;
}

/** What the gate found. */
export interface GateResult {
  /** Number of (task, split, subset, metric) values compared. */
  compared: number;
  regressions: Regression[];
  /** Baseline entries with no counterpart in the candidate, as "task split metric" phrases. */
  missing: string[];
  /** Candidate tasks the baseline does not have (not an error). */
  extraTasks: string[];
  /** The largest drop among compared values (0 if nothing fell). */
  largestDrop: number;
  /** Tasks whose two runs read different data (dataset sha256 from *.bench.json, when both sides have it). */
  otherData: string[];
  /** Said once each: e.g. which mteb 2.x metric names were mapped onto 1.x names. */
  notes: string[];
}

// Slack so that a drop written as exactly the tolerance (0.668 → 0.666 at 0.002) is not flagged by float rounding.
const EPS = 1e-12;

/**
 * Compares candidate against baseline at `tolerance` (absolute, in metric units 0–1). `metrics`: undefined →
 * each task's main score and MRR; ["all"] → every metric; else these names (unknown ones are a usage error).
 * Missing tasks and splits are reported only when they hold a selected metric.
 */
export function findRegressions(baselineIn: ResultSet, candidateIn: ResultSet, tolerance: number, metrics?: MetricOption): GateResult {
  const out: GateResult = { compared: 0, regressions: [], missing: [], extraTasks: [], largestDrop: 0, otherData: [], notes: [] };
  const names = ["--baseline " + baselineIn.label, "--candidate " + candidateIn.label];
  checkComparable([baselineIn, candidateIn], "check", names);
  validateMetricNames([baselineIn, candidateIn], metrics, "check");
  const h = harmonizeNames([baselineIn, candidateIn], (i) => names[i]!);
  out.notes.push(...h.notes);
  const [baseline, candidate] = h.sets as [ResultSet, ResultSet];
  for (const task of candidate.results.keys()) if (!baseline.results.has(task)) out.extraTasks.push(task);
  for (const [task, b] of baseline.results) {
    const c = candidate.results.get(task);
    const selectedIn = (e: SplitScores) => selectMetrics(e, metrics);
    if (!c) {
      if (b.scores.some((e) => selectedIn(e).length > 0)) out.missing.push(`task ${task} (${b.path})`);
      continue;
    }
    if (b.datasetSha256 && c.datasetSha256 && b.datasetSha256 !== c.datasetSha256) out.otherData.push(task);
    for (const sb of b.scores) {
      const where = `${task} ${splitLabel(sb.split, sb.subset)}`;
      const selected = selectedIn(sb);
      if (selected.length === 0) continue;
      const sc = c.scores.find((s) => s.split === sb.split && s.subset === sb.subset);
      if (!sc) {
        out.missing.push(`${where} (no such split in ${c.path})`);
        continue;
      }
      for (const metric of selected) {
        const x = sb.metrics[metric]!;
        const y = sc.metrics[metric];
        if (y === undefined) {
          out.missing.push(`${where} ${metric} (not in ${c.path})`);
          continue;
        }
        out.compared++;
        if (Number.isNaN(x)) continue; // nothing to hold the candidate to
        const drop = x - y;
        if (Number.isNaN(y) || drop > tolerance + EPS) {
          out.regressions.push({ task, split: sb.split, subset: sb.subset, metric, baseline: x, candidate: y, delta: y - x });
        }
        if (drop > out.largestDrop) out.largestDrop = drop;
      }
    }
  }
  return out;
}
