/**
 * `bench compare --plot FILE.svg`: per-query AP differences (side − A) sorted ascending, one panel per task/split
 * and side, with the zero line, the mean (dashed) and its bootstrap 95% CI (band) marked. Hand-written SVG 1.1,
 * no dependency; rsvg-convert and browsers render it.
 */
import { type PairedSeries, sideLetter } from "./comparison.js";
import { fmtDelta } from "./render-report.js";
import { splitLabel } from "./result-file.js";

const WIDTH = 860;
const PANEL_H = 380;
const M = { left: 78, right: 24, top: 102, bottom: 56 };
const POS = "#2b8a3e";
const NEG = "#c92a2a";
const CI_FILL = "#1c7ed6";

/** Renders all series as one SVG document (series must be non-empty). */
export function renderPlotSvg(series: PairedSeries[], sides: string[]): string {
  const height = PANEL_H * series.length;
  const panels = series.map((s, i) => panel(s, sides, i * PANEL_H)).join("\n");
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    panels,
    `</svg>`,
    "",
  ].join("\n");
}

function panel(s: PairedSeries, sides: string[], y0: number): string {
  const d = s.apDiffs;
  const n = d.length;
  const L = sideLetter(s.side);
  const { ci95, meanDiff, p } = s.stats;
  const pw = WIDTH - M.left - M.right;
  const ph = PANEL_H - M.top - M.bottom;
  let lo = Math.min(0, d[0]!, ci95[0]);
  let hi = Math.max(0, d[n - 1]!, ci95[1]);
  if (hi - lo < 1e-9) [lo, hi] = [-0.05, 0.05];
  // 5% headroom so bars and the zero line never sit on the frame; only ticks inside the range are drawn.
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const ticks = niceTicks(lo, hi).filter((t) => t >= lo && t <= hi);
  const top = y0 + M.top;
  const yOf = (v: number) => top + ((hi - v) / (hi - lo)) * ph;
  const xOf = (i: number) => M.left + (i / n) * pw;
  const zero = yOf(0);

  // One path per sign keeps the file small for thousands of queries.
  let pos = "";
  let neg = "";
  const gap = n <= 100 ? 0.1 : 0; // separate bars while they are wide enough to see
  for (let i = 0; i < n; i++) {
    const v = d[i]!;
    if (v === 0) continue;
    const seg = `M${r(xOf(i + gap))} ${r(zero)}H${r(xOf(i + 1 - gap))}V${r(yOf(v))}H${r(xOf(i + gap))}Z`;
    if (v > 0) pos += seg;
    else neg += seg;
  }
  const out: string[] = [`<g id="panel-${esc(s.task)}-${esc(s.split)}-${L}">`];
  const title = `${s.task} ${splitLabel(s.split, s.subset)}: AP(${L}) − AP(A) per query, sorted (n = ${n})`;
  const sub = `mean ${fmtDelta(meanDiff)}, 95% CI [${fmtDelta(ci95[0])}, ${fmtDelta(ci95[1])}], sign-flip p = ${p < 0.001 ? p.toExponential(1) : p.toFixed(3)}`;
  // Every text line is fitted to the panel's width (measured conservatively), so nothing is cut at the edge.
  const textMax = WIDTH - M.left - M.right;
  out.push(`<text x="${M.left}" y="${y0 + 24}" font-size="15" font-weight="bold">${esc(fitText(title, 15, textMax, true))}</text>`);
  out.push(`<text x="${M.left}" y="${y0 + 44}" fill="#444">${esc(fitText(sub, 12, textMax))}</text>`);
  const who = `A = ${sides[0]!}, ${L} = ${sides[s.side]!}`;
  out.push(`<text x="${M.left}" y="${y0 + 62}" fill="#444">${esc(fitText(who, 12, textMax))}</text>`);
  out.push(`<rect x="${M.left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (const t of ticks) {
    const y = yOf(t);
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${r(y)}" y2="${r(y)}" stroke="#eee"/>`);
    out.push(`<line x1="${M.left - 5}" x2="${M.left}" y1="${r(y)}" y2="${r(y)}" stroke="#333"/>`);
    out.push(`<text x="${M.left - 8}" y="${r(y + 4)}" text-anchor="end">${esc(fmtTick(t))}</text>`);
  }
  for (const [at, label] of xTicks(n)) {
    const x = r(xOf(at));
    out.push(`<line x1="${x}" x2="${x}" y1="${top + ph}" y2="${top + ph + 5}" stroke="#333"/>`);
    out.push(`<text x="${x}" y="${top + ph + 19}" text-anchor="middle">${label}</text>`);
  }
  // The CI band goes under the bars: drawn over them, it tinted their colours (green/red read as blue-ish).
  out.push(
    `<rect class="ci" x="${M.left}" y="${r(yOf(ci95[1]))}" width="${pw}" height="${r(Math.max(1, yOf(ci95[0]) - yOf(ci95[1])))}" fill="${CI_FILL}" fill-opacity="0.18"/>`,
  );
  if (pos) out.push(`<path class="pos" d="${pos}" fill="${POS}"/>`);
  if (neg) out.push(`<path class="neg" d="${neg}" fill="${NEG}"/>`);
  out.push(`<line class="zero" x1="${M.left}" x2="${M.left + pw}" y1="${r(zero)}" y2="${r(zero)}" stroke="#222"/>`);
  out.push(
    `<line class="mean" x1="${M.left}" x2="${M.left + pw}" y1="${r(yOf(meanDiff))}" y2="${r(yOf(meanDiff))}" stroke="${CI_FILL}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
  );
  // Legend in its own row above the plot, so it never covers bars.
  const lx = M.left;
  const ly = y0 + 84;
  out.push(
    `<line x1="${lx}" x2="${lx + 26}" y1="${ly - 4}" y2="${ly - 4}" stroke="${CI_FILL}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
  );
  out.push(`<text x="${lx + 32}" y="${ly}">mean ΔAP</text>`);
  out.push(`<rect x="${lx + 110}" y="${ly - 9}" width="26" height="10" fill="${CI_FILL}" fill-opacity="0.18"/>`);
  out.push(`<text x="${lx + 142}" y="${ly}">bootstrap 95% CI of the mean</text>`);
  out.push(`<rect x="${lx + 350}" y="${ly - 9}" width="10" height="10" fill="${POS}"/>`);
  out.push(`<text x="${lx + 366}" y="${ly}">${L} better</text>`);
  out.push(`<rect x="${lx + 440}" y="${ly - 9}" width="10" height="10" fill="${NEG}"/>`);
  out.push(`<text x="${lx + 456}" y="${ly}">A better</text>`);
  const cy = top + ph / 2;
  out.push(`<text x="${18}" y="${r(cy)}" text-anchor="middle" transform="rotate(-90 18 ${r(cy)})">ΔAP (${L} − A)</text>`);
  out.push(
    `<text x="${M.left + pw / 2}" y="${top + ph + 40}" text-anchor="middle">${n <= 20 ? "query rank" : "queries"}, sorted by ΔAP</text>`,
  );
  out.push(`</g>`);
  return out.join("\n");
}

/** Round tick values on a 1/2/5 × 10^k grid covering [lo, hi]. */
export function niceTicks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 8;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  if (out[out.length - 1]! < hi) out.push(Number((out[out.length - 1]! + step).toPrecision(12)));
  return out;
}

// Few queries: one tick per bar, at its centre, labelled by rank 1…n. Many: round boundaries 0…n.
function xTicks(n: number): Array<[number, number]> {
  if (n <= 20) return Array.from({ length: n }, (_, i) => [i + 0.5, i + 1]);
  const step = Math.max(1, Math.round(niceTicks(0, n)[1]!));
  const out: Array<[number, number]> = [];
  for (let t = 0; t <= n; t += step) out.push([t, t]);
  // Mark the end (n) too unless the last round tick is too close to it for both labels to fit.
  if (n - out[out.length - 1]![0] >= step / 2) out.push([n, n]);
  return out;
}

function fmtTick(t: number): string {
  return t === 0 ? "0" : (t > 0 ? "+" : "") + String(Number(t.toPrecision(6)));
}

function r(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/**
 * A conservative width of `s` in px at `size` (DejaVu Sans, the widest of the fonts listed): wide (CJK,
 * fullwidth) characters one em, others 0.64 em (0.70 bold), above DejaVu's widest common Latin glyphs' average.
 */
export function textWidth(s: string, size: number, bold = false): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      c >= 0x20000;
    w += size * (wide ? 1 : bold ? 0.7 : 0.64);
  }
  return w;
}

/** `s`, or its middle replaced by "…" until it fits in `max` px (paths keep their start and their end). */
export function fitText(s: string, size: number, max: number, bold = false): string {
  if (textWidth(s, size, bold) <= max) return s;
  const chars = Array.from(s);
  let keep = chars.length - 1;
  for (; keep > 2; keep--) {
    const head = chars.slice(0, Math.ceil(keep / 2)).join("");
    const tail = chars.slice(chars.length - Math.floor(keep / 2)).join("");
    const t = `${head}…${tail}`;
    if (textWidth(t, size, bold) <= max) return t;
  }
  return "…";
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
