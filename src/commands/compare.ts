/**
 * `bench compare A B [C …]`: result files or directories in any layout of docs/spec.md §2.5, compared against the first;
 * terminal table, markdown or JSON on stdout, optionally an SVG plot of the per-query AP differences.
 */
import { usageError } from "../errors.js";
import { existsSync, statSync } from "node:fs";
import { info, warn } from "../log.js";
import { compareSets } from "../compare/compare-sets.js";
import { renderPlotSvg } from "../compare/plot-svg.js";
import { renderReport, type ReportFormat } from "../compare/render-report.js";
import { loadResultSet } from "../compare/result-set.js";
import { writeFileAtomic } from "../util/atomic-write.js";

/** Options of `bench compare`. */
export interface CompareOptions {
  paths: string[];
  format: ReportFormat;
  /** Write the per-query AP difference plot here (.svg). */
  plot?: string;
  /** Metric names; undefined → each task's main score and MRR; ["all"] → every metric. */
  metrics?: string[];
}

/** Loads every side, compares, prints the report, writes the plot. */
export async function compareCommand(opts: CompareOptions): Promise<void> {
  if (opts.paths.length < 2) throw usageError(`compare: give at least two result files or directories, got ${opts.paths.length}`);
  if (opts.plot !== undefined && existsSync(opts.plot) && statSync(opts.plot).isDirectory()) {
    throw usageError(`compare: --plot ${opts.plot} is a directory; give a file name ending in .svg`);
  }
  if (opts.plot !== undefined && !opts.plot.toLowerCase().endsWith(".svg")) {
    throw usageError(`compare: --plot ${opts.plot}: the plot is an SVG file, name it *.svg`);
  }
  const sets = opts.paths.map((p) => loadResultSet(p, "compare"));
  const comparison = compareSets(sets, "compare", opts.metrics);
  process.stdout.write(renderReport(comparison, opts.format));
  if (opts.plot !== undefined) {
    // The report is already out: a missing plot is a note, not a failure after the output.
    if (comparison.series.length === 0) {
      warn(
        `compare: --plot ${opts.plot} not written: no task has per-query data (<Task>.per_query.jsonl) on both sides (and --metric selects map), nothing to plot`,
      );
      return;
    }
    writeFileAtomic(opts.plot, renderPlotSvg(comparison.series, comparison.sides));
    info(`compare: wrote ${opts.plot} (${comparison.series.length} panel${comparison.series.length === 1 ? "" : "s"})`);
  }
}
