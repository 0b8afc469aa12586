/**
 * The rows of one task/split: each selected metric's base value against every side's (absolute and relative delta,
 * paired tests for map and mrr), and the main_score row when every side's main score is the same metric.
 * `matches[k]` is side k + 1's same split/subset (undefined: it has none).
 */
import { type CompareRow, type DeltaCell, sideLetter } from "./comparison.js";
import { MAIN_SCORE } from "./metric-select.js";
import type { PairedStats } from "./paired-stats.js";
import { type SplitScores, splitLabel } from "./result-file.js";
import { PER_QUERY_METRICS, type SideSignificance } from "./significance.js";

/** One row per selected metric that at least one side has; `stats[k]`: side k + 1's paired tests, if any. */
export function metricRows(
  task: string,
  sa: SplitScores,
  matches: (SplitScores | undefined)[],
  selected: string[],
  stats: (SideSignificance | null)[],
): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const metric of selected) {
    const x = sa.metrics[metric]!;
    const cells = matches.map((m, k): DeltaCell => {
      const y = m?.metrics[metric];
      if (y === undefined) return missingCell();
      const field = PER_QUERY_METRICS[metric];
      return deltaCell(x, y, field ? (stats[k]?.[field] ?? null) : null);
    });
    if (cells.every((c) => c.value === null)) continue;
    rows.push({ task, split: sa.split, subset: sa.subset, metric, base: x, others: cells });
  }
  return rows;
}

/**
 * The main_score row, only when every side's main score is the same metric (else the numbers are not comparable):
 * then the note saying why it is not compared is returned instead.
 */
export function mainScoreRow(task: string, sa: SplitScores, matches: (SplitScores | undefined)[]): CompareRow | string {
  const base = sa.mainScore;
  if (base !== null && sa.mainMetric !== null && matches.every((m) => !m || (m.mainScore !== null && m.mainMetric === sa.mainMetric))) {
    const cells = matches.map((m): DeltaCell => (!m || m.mainScore === null ? missingCell() : deltaCell(base, m.mainScore, null)));
    return { task, split: sa.split, subset: sa.subset, metric: MAIN_SCORE, base, others: cells };
  }
  const said = [sa, ...matches].map((m, i) => (m ? `${sideLetter(i)}: ${m.mainMetric ?? "unknown"}` : null)).filter((x) => x !== null);
  return `${task} ${splitLabel(sa.split, sa.subset)}: main_score not compared: the main scores are different metrics or unknown (${said.join(", ")})`;
}

function deltaCell(base: number, value: number, stats: PairedStats | null): DeltaCell {
  const abs = value - base;
  return { value, abs, rel: base === 0 ? null : abs / Math.abs(base), stats };
}

function missingCell(): DeltaCell {
  return { value: null, abs: null, rel: null, stats: null };
}
