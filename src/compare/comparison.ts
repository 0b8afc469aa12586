/**
 * What a comparison of result sets produces (compare-sets.ts builds it; render-report.ts and plot-svg.ts read it):
 * rows of values and deltas against the base side, the notes said once each, and the per-query series for --plot.
 */
import type { PairedStats } from "./paired-stats.js";

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

/** A side's name in notes and messages: its letter and label, e.g. "B (results/candidate)". */
export type SideName = (i: number) => string;
