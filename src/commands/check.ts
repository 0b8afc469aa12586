/**
 * `bench check --baseline DIR --candidate DIR [--tolerance 0.002]`: the regression gate. Exit 0 when no metric
 * fell by more than the tolerance; exit 1 (ExitCode.Regression) with a table of what regressed; exit 2
 * (ExitCode.Usage) when results are missing or unreadable. The exit code itself is set by src/cli.ts.
 */
import Table from "cli-table3";
import { BenchError, ExitCode, usageError } from "../errors.js";
import { info, warn } from "../log.js";
import { findRegressions, type Regression } from "../compare/regressions.js";
import { splitLabel } from "../compare/result-file.js";
import { loadResultSet, type ResultSet } from "../compare/result-set.js";

/** Options of `bench check`. */
export interface CheckOptions {
  baseline: string;
  candidate: string;
  /** Largest allowed fall of any metric, absolute (metrics are 0–1). */
  tolerance: number;
  metrics?: string[];
}

/** Runs the gate; returns normally only when it passes. */
export async function checkCommand(opts: CheckOptions): Promise<void> {
  if (!(Number.isFinite(opts.tolerance) && opts.tolerance >= 0)) {
    throw usageError(`check: --tolerance must be a number ≥ 0, got ${opts.tolerance}`);
  }
  const baseline = load(opts.baseline, "--baseline");
  const candidate = load(opts.candidate, "--candidate");
  let gate: ReturnType<typeof findRegressions>;
  try {
    gate = findRegressions(baseline, candidate, opts.tolerance, opts.metrics);
  } catch (err) {
    if (err instanceof BenchError) throw usageError(err.message);
    throw err;
  }
  for (const n of gate.notes) info(`check: note: ${n}`);
  if (gate.extraTasks.length > 0) info(`check: candidate also has ${gate.extraTasks.join(", ")} (not in the baseline, not checked)`);
  for (const task of gate.otherData) {
    warn(
      `check: ${task}: baseline and candidate read different data files (dataset sha256 in their provenance files differ); the comparison may be meaningless`,
    );
  }
  if (gate.regressions.length > 0) process.stdout.write(regressionTable(gate.regressions, opts.tolerance));
  if (gate.missing.length > 0) {
    throw usageError(
      `check: the candidate ${opts.candidate} lacks ${gate.missing.length} result${gate.missing.length === 1 ? "" : "s"} the baseline ${opts.baseline} has: ${gate.missing.join("; ")}`,
    );
  }
  if (gate.compared === 0) {
    throw usageError(
      `check: nothing compared${opts.metrics ? ` (no metric named ${opts.metrics.join(", ")} in ${opts.baseline})` : ` (the baseline ${opts.baseline} has neither a main score nor MRR; try --metric all)`}`,
    );
  }
  if (gate.regressions.length > 0) {
    throw new BenchError(
      `check: ${gate.regressions.length} of ${gate.compared} metrics fell by more than ${opts.tolerance} (table above)`,
      ExitCode.Regression,
    );
  }
  process.stdout.write(
    `check: OK: ${gate.compared} metrics in ${baseline.results.size} task${baseline.results.size === 1 ? "" : "s"} compared, ` +
      `none fell by more than ${opts.tolerance} (largest fall ${gate.largestDrop.toFixed(6)})\n`,
  );
}

// docs/results.md, bench check's exit codes: a missing or unreadable side is exit 2, whatever the loader's own code was.
function load(path: string, flag: string): ResultSet {
  try {
    return loadResultSet(path, "check");
  } catch (err) {
    if (err instanceof BenchError) throw usageError(`${err.message} (${flag})`);
    throw err;
  }
}

function regressionTable(rs: Regression[], tolerance: number): string {
  const t = new Table({
    head: ["task", "split", "metric", "baseline", "candidate", "Δ", "tolerance"],
    colAligns: ["left", "left", "left", "right", "right", "right", "right"],
    style: { head: [], border: [], compact: true },
  });
  for (const r of rs) {
    t.push([r.task, splitLabel(r.split, r.subset), r.metric, fmt(r.baseline), fmt(r.candidate), fmt(r.delta, true), `−${tolerance}`]);
  }
  return `Regressions (metrics that fell by more than ${tolerance}):\n${t.toString()}\n`;
}

// Six decimals: the tolerance is typically 0.002, so four would hide whether a fall crossed it.
function fmt(x: number, signed = false): string {
  if (Number.isNaN(x)) return "NaN";
  return (signed && x > 0 ? "+" : "") + x.toFixed(6);
}
