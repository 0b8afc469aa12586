/** The human summary printed to stdout after an evaluation: one plain cli-table3 row per task × model. */
import Table from "cli-table3";

/** One summary row. recall_at_10 is optional (the 1.1.1 metric set has none). */
export interface SummaryRow {
  task: string;
  split: string;
  model: string;
  nQueries: number;
  map: number;
  mrr: number;
  recallAt10?: number;
}

const fmt = (x: number | undefined): string => (x === undefined ? "-" : x.toFixed(4));

/** Renders the rows as a plain table (no colours, so logs and tests see the same text). */
export function renderSummary(rows: readonly SummaryRow[]): string {
  const table = new Table({ head: ["task", "split", "model", "queries", "map", "mrr", "recall@10"], style: { head: [], border: [] } });
  for (const r of rows) table.push([r.task, r.split, r.model, String(r.nQueries), fmt(r.map), fmt(r.mrr), fmt(r.recallAt10)]);
  return table.toString();
}

/** One task of a task set's summary. */
export interface SetSummaryRow {
  task: string;
  split: string;
  model: string;
  nQueries: number;
  /** Which metric is the task's main score, and its value. */
  mainScore: string;
  main: number;
  map: number;
  mrr: number;
}

/** The mean of the main scores: how MTEB/C-MTEB average a task type (the leaderboard's "Reranking" column). */
export function setAverage(rows: readonly SetSummaryRow[]): number {
  return rows.reduce((s, r) => s + r.main, 0) / rows.length;
}

/** One table for a task set: a row per task, then the set's average of the main scores. */
export function renderSetSummary(setName: string, rows: readonly SetSummaryRow[]): string {
  const table = new Table({ head: ["task", "split", "model", "queries", "main score", "map", "mrr"], style: { head: [], border: [] } });
  for (const r of rows) table.push([r.task, r.split, r.model, String(r.nQueries), `${r.mainScore} ${fmt(r.main)}`, fmt(r.map), fmt(r.mrr)]);
  table.push([`${setName} average`, "", "", "", fmt(setAverage(rows)), "", ""]);
  return `${table.toString()}\naverage: mean of the ${rows.length} tasks' main scores, as C-MTEB reports a task type`;
}
