/**
 * Reads one reranking result file in any layout bench writes or mteb ever wrote (spec §2.5) into one shape:
 * task name + a list of (split, subset, metrics). Layout and mteb_version must agree, and unknown versions are
 * refused rather than guessed at: a silently misread file would make the regression gate meaningless.
 */
import { readFileSync } from "node:fs";
import { type BenchError, inputError } from "../errors.js";
import { parsePythonJson } from "./python-json.js";

/** The on-disk layouts, named after the mteb versions that introduced them (spec §2.5). */
export type ResultLayout =
  | "mteb-1.1.1" // 1.0–1.10: {mteb_dataset_name, mteb_version, <split>: {metrics}}
  | "mteb-1.11" // 1.11.0–1.12.75: TaskResult, one-line pydantic dump
  | "mteb-1.12.76" // 1.12.76–1.39.x: TaskResult, indent 2, scores rounded to 6 decimals
  | "mteb-2"; // 2.x: TaskResult, entries carry mteb_version

/** Metrics of one split (and hf_subset) of one task. NaN is kept: Python writes it, nAUC can be NaN. */
export interface SplitScores {
  split: string;
  subset: string;
  metrics: Record<string, number>;
}

/** "split", or "split/subset" when the subset is not mteb's "default": how reports and messages name a split. */
export function splitLabel(split: string, subset: string): string {
  return subset === "default" ? split : `${split}/${subset}`;
}

/** One parsed result file. */
export interface ResultFile {
  path: string;
  task: string;
  layout: ResultLayout;
  mtebVersion: string;
  datasetRevision: string | null;
  scores: SplitScores[];
}

// Keys that are numbers but not metrics: comparing them would only report noise.
const NOT_METRICS = new Set(["evaluation_time", "main_score", "kg_co2_emissions"]);

/** Reads and parses a result file; `stage` prefixes error messages ("compare", "check"). */
export function readResultFile(path: string, stage: string): ResultFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw inputError(`${stage}: cannot read result file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = parsePythonJson(text);
  } catch (err) {
    throw inputError(`${stage}: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseResult(json, path, stage);
}

/** Interprets parsed JSON as a result file (exported for tests that build objects in memory). */
export function parseResult(json: unknown, path: string, stage: string): ResultFile {
  const fail = (what: string) => inputError(`${stage}: ${path}: ${what}`);
  if (!isObject(json)) throw fail("expected a JSON object (an mteb or bench result file)");
  const version = json.mteb_version;
  if (typeof version !== "string") throw fail(`field "mteb_version": expected a string, got ${JSON.stringify(version) ?? "nothing"}`);
  const v = parseVersion(version);
  if (!v) throw fail(`field "mteb_version": "${version}" is not a version number this bench knows (expected 1.x.y or 2.x.y)`);
  const revision = json.dataset_revision;
  const datasetRevision = typeof revision === "string" ? revision : null;

  if ("mteb_dataset_name" in json) {
    if (!(v.major === 1 && v.minor < 11)) {
      throw fail(`has the pre-1.11 layout (mteb_dataset_name) but says mteb_version "${version}"; that layout was written by mteb 1.0–1.10`);
    }
    if (typeof json.mteb_dataset_name !== "string") throw fail(`field "mteb_dataset_name": expected a string`);
    return { path, task: json.mteb_dataset_name, layout: "mteb-1.1.1", mtebVersion: version, datasetRevision, scores: legacyScores(json, fail) };
  }
  if ("task_name" in json && "scores" in json) {
    if (!((v.major === 1 && v.minor >= 11) || v.major === 2)) {
      throw fail(`has the TaskResult layout (task_name, scores) but says mteb_version "${version}"; that layout was written by mteb 1.11–2.x`);
    }
    if (typeof json.task_name !== "string") throw fail(`field "task_name": expected a string`);
    const layout: ResultLayout = v.major === 2 ? "mteb-2" : v.minor > 12 || (v.minor === 12 && v.patch >= 76) ? "mteb-1.12.76" : "mteb-1.11";
    return { path, task: json.task_name, layout, mtebVersion: version, datasetRevision, scores: taskResultScores(json.scores, fail) };
  }
  if (v.major > 2) throw fail(`written by mteb ${version}; bench reads result files of mteb 1.x and 2.x only`);
  throw fail(`unknown result layout: expected "mteb_dataset_name" (mteb ≤1.10) or "task_name" + "scores" (mteb ≥1.11); found keys ${Object.keys(json).join(", ")}`);
}

function legacyScores(json: Record<string, unknown>, fail: (w: string) => BenchError): SplitScores[] {
  const out: SplitScores[] = [];
  for (const [split, value] of Object.entries(json)) {
    if (split === "dataset_revision" || split === "mteb_dataset_name" || split === "mteb_version") continue;
    if (!isObject(value)) throw fail(`split "${split}": expected an object of metrics`);
    // Multilingual tasks nest one object per language ({"test": {"en": {...}, "evaluation_time": …}}).
    const nested = Object.entries(value).filter(([, x]) => isObject(x));
    if (nested.length > 0) {
      for (const [subset, m] of nested) out.push({ split, subset, metrics: metricsOf(m as Record<string, unknown>) });
    } else {
      out.push({ split, subset: "default", metrics: metricsOf(value) });
    }
  }
  if (out.length === 0) throw fail("no split with scores (expected e.g. \"test\": {\"map\": …})");
  return out;
}

function taskResultScores(scores: unknown, fail: (w: string) => BenchError): SplitScores[] {
  if (!isObject(scores)) throw fail(`field "scores": expected an object {split: [entries]}`);
  const out: SplitScores[] = [];
  for (const [split, entries] of Object.entries(scores)) {
    if (!Array.isArray(entries)) throw fail(`scores.${split}: expected a list of score entries`);
    entries.forEach((entry: unknown, i) => {
      if (!isObject(entry)) throw fail(`scores.${split}[${i}]: expected an object`);
      const subset = typeof entry.hf_subset === "string" ? entry.hf_subset : "default";
      out.push({ split, subset, metrics: metricsOf(entry) });
    });
  }
  if (out.length === 0) throw fail(`field "scores" holds no split`);
  return out;
}

// Numbers are metrics; null is a NaN that pydantic's model_dump_json wrote as null (mteb 1.11–1.12.75).
function metricsOf(o: Record<string, unknown>): Record<string, number> {
  const m: Record<string, number> = {};
  for (const [k, x] of Object.entries(o)) {
    if (NOT_METRICS.has(k)) continue;
    if (typeof x === "number") m[k] = x;
    else if (x === null) m[k] = Number.NaN;
  }
  return m;
}

function parseVersion(s: string): { major: number; minor: number; patch: number } | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(s);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
