/**
 * Renders a Comparison three ways: a plain terminal table (cli-table3 without colours), GitHub markdown for pull
 * requests, and JSON for scripts. Sides are lettered A, B, C… with a legend; deltas are against A.
 */
import Table from "cli-table3";
import { type Comparison, type CompareRow, sideLetter } from "./comparison.js";
import { EXACT_MAX_N, RESAMPLES, SEED } from "./paired-stats.js";
import { splitLabel } from "./result-file.js";

/** Output formats of `bench compare`. */
export type ReportFormat = "table" | "md" | "json";

/** Fixed-point metric value; NaN and missing are spelled out. */
export function fmtValue(x: number | null): string {
  if (x === null) return "—";
  return Number.isNaN(x) ? "NaN" : x.toFixed(4);
}

/** Signed delta, e.g. +0.0123. */
export function fmtDelta(x: number | null): string {
  if (x === null) return "—";
  if (Number.isNaN(x)) return "NaN";
  const s = x.toFixed(4);
  return x > 0 && s !== "0.0000" ? `+${s}` : s === "-0.0000" ? "0.0000" : s;
}

function fmtRel(x: number | null): string {
  if (x === null || Number.isNaN(x)) return "—";
  const s = (x * 100).toFixed(2);
  return `${x > 0 && s !== "0.00" ? "+" : ""}${s === "-0.00" ? "0.00" : s}%`;
}

function fmtP(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

// Per other side: does any row carry significance (then it gets CI and p columns)?
function statColumns(c: Comparison): boolean[] {
  return c.sides.slice(1).map((_, k) => c.rows.some((r) => r.others[k]!.stats !== null));
}

function header(c: Comparison, withStats: boolean[]): string[] {
  const h = ["task", "split", "metric", "A"];
  c.sides.slice(1).forEach((_, k) => {
    const L = sideLetter(k + 1);
    h.push(L, `Δ ${L}−A`, `Δ% ${L}`);
    if (withStats[k]) h.push(`95% CI ${L}−A`, `p ${L}`);
  });
  return h;
}

function cells(r: CompareRow, withStats: boolean[]): string[] {
  const out = [r.task, splitLabel(r.split, r.subset), r.metric, fmtValue(r.base)];
  r.others.forEach((cell, k) => {
    out.push(fmtValue(cell.value), fmtDelta(cell.abs), fmtRel(cell.rel));
    if (withStats[k]) {
      const s = cell.stats;
      out.push(s ? `[${fmtDelta(s.ci95[0])}, ${fmtDelta(s.ci95[1])}]` : "", s ? fmtP(s.p) : "");
    }
  });
  return out;
}

/** The legend naming each side, one line each. */
export function legend(c: Comparison): string[] {
  return c.sides.map((s, i) => `${sideLetter(i)} = ${s}`);
}

function statsNote(c: Comparison): string | null {
  if (!statColumns(c).some(Boolean)) return null;
  return (
    `95% CI: paired percentile bootstrap of the mean per-query difference (${RESAMPLES} resamples, seed ${SEED}); ` +
    `p: two-sided paired sign-flip test (exact up to ${EXACT_MAX_N} queries, else ${RESAMPLES} random flips)`
  );
}

/** Plain-text table (no ANSI colours), legend above, notes below. */
export function renderTable(c: Comparison): string {
  const withStats = statColumns(c);
  const h = header(c, withStats);
  const colAligns = h.map((_, i) => (i < 3 ? "left" : "right") as "left" | "right");
  const t = new Table({ head: h, colAligns, style: { head: [], border: [], compact: true } });
  for (const r of c.rows) t.push(cells(r, withStats));
  const foot = [statsNote(c), ...c.notes.map((n) => `note: ${n}`)].filter((x): x is string => x !== null);
  return [...legend(c), t.toString(), ...foot].join("\n") + "\n";
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, "\\|");
}

/** GitHub-flavoured markdown: legend list, table, notes. */
export function renderMarkdown(c: Comparison): string {
  const withStats = statColumns(c);
  const h = header(c, withStats);
  const lines = [
    ...legend(c).map((l) => `- ${mdEscape(l.replace(/ = (.*)$/, " = `$1`"))}`),
    "",
    `| ${h.map(mdEscape).join(" | ")} |`,
    `|${h.map((_, i) => (i < 3 ? "---" : "---:")).join("|")}|`,
    ...c.rows.map((r) => `| ${cells(r, withStats).map(mdEscape).join(" | ")} |`),
  ];
  const s = statsNote(c);
  if (s) lines.push("", s);
  if (c.notes.length > 0) lines.push("", "Notes:", "", ...c.notes.map((n) => `- ${mdEscape(n)}`));
  return lines.join("\n") + "\n";
}

// JSON has no NaN: write null (and say so in docs/results.md).
function num(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : x;
}

/** Machine-readable report, schema "bench-compare/1". */
export function renderJson(c: Comparison): string {
  const doc = {
    schema: "bench-compare/1",
    sides: c.sides.map((path, i) => ({ side: sideLetter(i), path })),
    statistics: { ci: "paired percentile bootstrap, 95%", test: "paired sign-flip, two-sided", resamples: RESAMPLES, seed: SEED },
    rows: c.rows.map((r) => ({
      task: r.task,
      split: r.split,
      subset: r.subset,
      metric: r.metric,
      values: [num(r.base), ...r.others.map((o) => num(o.value))],
      deltas: r.others.map((o, k) => ({
        side: sideLetter(k + 1),
        abs: num(o.abs),
        rel: num(o.rel),
        ci95: o.stats ? o.stats.ci95 : null,
        p: o.stats ? o.stats.p : null,
        n: o.stats ? o.stats.n : null,
        p_method: o.stats ? o.stats.pMethod : null,
      })),
    })),
    notes: c.notes,
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

/** Dispatches on the format. */
export function renderReport(c: Comparison, format: ReportFormat): string {
  return format === "md" ? renderMarkdown(c) : format === "json" ? renderJson(c) : renderTable(c);
}
