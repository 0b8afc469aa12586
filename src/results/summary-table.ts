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
