/**
 * Reads one reranking result file in any layout bench writes or mteb ever wrote (docs/spec.md §2.5) into one shape:
 * task name + a list of (split, subset, metrics). The layout is recognised from the structure, as mteb's own
 * TaskResult.from_disk does; metric values are range-checked, since a misread or tampered file would make the
 * regression gate meaningless.
 */
import { readFileSync } from "node:fs";
import { type BenchError, inputError } from "../errors.js";
import { parsePythonJson } from "./python-json.js";

/** The on-disk layouts, named after the mteb versions that introduced them (docs/spec.md §2.5). */
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
  /** The entry's main_score (null when the file has none, as pre-1.11 files). */
  mainScore: number | null;
  /** The metric main_score is a copy of (null when none matches, or there is no main_score). */
  mainMetric: string | null;
}

/** "split", or "split (subset X)" when the subset is not mteb's "default": how reports and messages name a split. */
export function splitLabel(split: string, subset: string): string {
  return subset === "default" ? split : `${split} (subset ${subset})`;
}

/** One parsed result file. */
export interface ResultFile {
  path: string;
  task: string;
  layout: ResultLayout;
  /** null when the file has none (mteb writes null in external/ results). */
  mtebVersion: string | null;
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
  // mteb's TaskResult.from_disk accepts a null, absent or pre-release ("0.0.2") mteb_version, and so does bench:
  // the layout is decided from the structure below, never from the version (a 1.36 TaskResult file may carry a
  // stray mteb_dataset_name). Only a version bench cannot know the layout of (3.x and later) is refused.
  const version = json.mteb_version;
  if (version !== undefined && version !== null && typeof version !== "string") {
    throw fail(`field "mteb_version": expected a string or null, got ${JSON.stringify(version)}`);
  }
  const v = typeof version === "string" ? parseVersion(version) : null;
  if (v && v.major > 2) throw fail(`written by mteb ${version as string}; bench reads result files of mteb 0.x, 1.x and 2.x only`);
  const mtebVersion = typeof version === "string" ? version : null;
  const revision = json.dataset_revision;
  const datasetRevision = typeof revision === "string" ? revision : null;

  if ("task_name" in json && "scores" in json) {
    if (typeof json.task_name !== "string") throw fail(`field "task_name": expected a string`);
    const scores = taskResultScores(json.scores, fail);
    return {
      path,
      task: json.task_name,
      layout: taskResultLayout(v, json.scores),
      mtebVersion,
      datasetRevision,
      scores: checkValues(scores, fail),
    };
  }
  if ("mteb_dataset_name" in json) {
    if (typeof json.mteb_dataset_name !== "string") throw fail(`field "mteb_dataset_name": expected a string`);
    return {
      path,
      task: json.mteb_dataset_name,
      layout: "mteb-1.1.1",
      mtebVersion,
      datasetRevision,
      scores: checkValues(legacyScores(json, fail), fail),
    };
  }
  throw fail(
    `unknown result layout: expected "task_name" + "scores" (mteb ≥1.11) or "mteb_dataset_name" (mteb ≤1.10); found keys ${Object.keys(json).join(", ")}`,
  );
}

// Which TaskResult variant: by version when there is one, else by the 2.x marker (mteb_version inside entries).
function taskResultLayout(v: { major: number; minor: number; patch: number } | null, scores: unknown): ResultLayout {
  if (v && v.major === 2) return "mteb-2";
  if (v && v.major === 1 && (v.minor > 12 || (v.minor === 12 && v.patch >= 76))) return "mteb-1.12.76";
  if (v && v.major === 1 && v.minor >= 11) return "mteb-1.11";
  const entries = isObject(scores) ? Object.values(scores).flatMap((e) => (Array.isArray(e) ? e : [])) : [];
  return entries.some((e) => isObject(e) && "mteb_version" in e) ? "mteb-2" : "mteb-1.12.76";
}

/** True for mteb's abstention metrics (nAUC_* in 1.x, nauc_* in 2.x): unbounded, and NaN when undefined. */
export function isNaucMetric(name: string): boolean {
  return name.toLowerCase().startsWith("nauc_");
}

// Slack above 1 for values that are a float's rounding away from a perfect score (a perfect AP can be
// 1.0000000000000002); anything further out is not a score any evaluator wrote.
const ONE_SLACK = 1e-9;

// Garbage in a result file must stop the gate, not pass it (a "map": 5.0 or 1e999 would otherwise read as a gain):
// every metric except nAUC_* is a rate in [0, 1]; nAUC_* may be any finite number or NaN (mteb writes NaN).
function checkValues(scores: SplitScores[], fail: (w: string) => BenchError): SplitScores[] {
  for (const s of scores) {
    for (const [k, x] of Object.entries(s.metrics)) {
      const where = `${splitLabel(s.split, s.subset)} metric "${k}"`;
      if (isNaucMetric(k)) {
        if (x === Infinity || x === -Infinity) throw fail(`${where} is ${x}; expected a finite number (or NaN)`);
      } else if (!(x >= 0 && x <= 1 + ONE_SLACK)) {
        throw fail(`${where} is ${x}; expected a number in [0, 1]`);
      }
    }
  }
  return scores;
}

function legacyScores(json: Record<string, unknown>, fail: (w: string) => BenchError): SplitScores[] {
  const out: SplitScores[] = [];
  for (const [split, value] of Object.entries(json)) {
    if (split === "dataset_revision" || split === "mteb_dataset_name" || split === "mteb_version") continue;
    if (!isObject(value)) throw fail(`split "${split}": expected an object of metrics`);
    // Multilingual tasks nest one object per language ({"test": {"en": {...}, "evaluation_time": …}}).
    const nested = Object.entries(value).filter(([, x]) => isObject(x));
    if (nested.length > 0) {
      for (const [subset, m] of nested) out.push(entryOf(split, subset, m as Record<string, unknown>));
    } else {
      out.push(entryOf(split, "default", value));
    }
  }
  if (out.length === 0) throw fail('no split with scores (expected e.g. "test": {"map": …})');
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
      out.push(entryOf(split, subset, entry));
    });
  }
  if (out.length === 0) throw fail(`field "scores" holds no split`);
  return out;
}

// Preferred when several metrics share main_score's value (e.g. map = map_at_1000 on a tiny task).
const MAIN_CANDIDATES = ["map", "mrr", "map_at_1000", "ndcg_at_10", "mrr_at_10"];

function entryOf(split: string, subset: string, o: Record<string, unknown>): SplitScores {
  const metrics = metricsOf(o);
  const main = typeof o.main_score === "number" ? o.main_score : null;
  let mainMetric: string | null = null;
  if (main !== null) {
    const equal = Object.keys(metrics).filter((k) => metrics[k] === main && !isNaucMetric(k));
    mainMetric = MAIN_CANDIDATES.find((k) => equal.includes(k)) ?? equal[0] ?? null;
  }
  return { split, subset, metrics, mainScore: main, mainMetric };
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
