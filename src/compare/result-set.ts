/**
 * A "side" of a comparison: every result file found under a path (one file, or a results directory in any
 * layout of docs/spec.md §2.5, searched recursively), keyed by task, with bench's per-query and provenance files beside
 * each. A tree of several models (what `results/` and mteb's results repository look like) is keyed by model
 * directory and task, so two such trees compare model by model.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { BenchError, inputError } from "../errors.js";
import { warn } from "../log.js";
import { readResultFile, type ResultFile } from "./result-file.js";

/** A result file plus the path of its `<Task>.per_query.jsonl` sidecar, when there is one. */
export interface LoadedResult extends ResultFile {
  perQueryPath: string | null;
  /** dataset.sha256 from bench's provenance file beside it (<Task>.provenance.jsonl, formerly <Task>.bench.json). */
  datasetSha256: string | null;
  /** The model directory relative to the side's root, "/"-separated; "" when no task is in two directories. */
  model: string;
}

/** All results of one side, by key: the task name, or "<model dir>: <task>" when a task is in several directories. */
export interface ResultSet {
  /** The path as the user gave it. */
  label: string;
  results: Map<string, LoadedResult>;
  /** Model directories (relative to the root), sorted; [""] when keyed by task alone. */
  models: string[];
}

/** The provenance file bench writes beside `<Task>.json`: a name that no mteb `*.json` glob picks up. */
export function provenancePath(resultPath: string): string {
  return resultPath.replace(/\.json$/, ".provenance.jsonl");
}

/** Where bench ≤ 0.1 wrote the provenance (still read, so older trees keep their data-mismatch warnings). */
export function legacyProvenancePath(resultPath: string): string {
  return resultPath.replace(/\.json$/, ".bench.json");
}

// JSON files in a results tree that are not task results (the old provenance name included).
function isResultFileName(name: string): boolean {
  return name.endsWith(".json") && !name.startsWith(".") && name !== "model_meta.json" && !name.endsWith(".bench.json");
}

/** The key a result has in its set. */
export function resultKey(model: string, task: string): string {
  return model === "" ? task : `${model}: ${task}`;
}

/**
 * Loads a file or a directory of results. A missing path, a directory without a readable result file, and the
 * same task twice in one model directory are errors; a file under a directory that is not a readable result
 * (another tool's JSON, a truncated file) is a warning naming it, so one stray file cannot block a whole tree.
 * Metric values out of range are errors wherever they are: they are a result file, and garbage.
 */
export function loadResultSet(path: string, stage: string): ResultSet {
  if (!existsSync(path)) throw inputError(`${stage}: ${path} does not exist (expected a result file or a results directory)`);
  const isDir = statSync(path).isDirectory();
  const files = isDir ? findResultFiles(path) : [path];
  if (files.length === 0) throw inputError(`${stage}: ${path} holds no result files (<Task>.json, searched recursively)`);
  const read: ResultFile[] = [];
  const refused: string[] = [];
  for (const file of files) {
    try {
      read.push(readResultFile(file, stage));
    } catch (err) {
      if (!isDir || !(err instanceof BenchError) || isValueError(err)) throw err;
      refused.push(err.message);
    }
  }
  if (read.length === 0) throw inputError(`${stage}: ${path} holds no readable result file; ${refused[0]!.replace(`${stage}: `, "")}`);
  for (const m of refused) warn(`${m} (skipped: not a result file)`);

  const dirOf = (f: string) => (isDir ? relative(path, dirname(f)).split(sep).join("/") : "");
  const models = [...new Set(read.map((r) => dirOf(r.path)))].sort();
  // Keyed by task alone unless some task is in several directories (several models, or one model's revisions):
  // a model's results spread over both --format layouts are still one model.
  const tasks = read.map((r) => `${r.task}\u0000${dirOf(r.path)}`);
  const taskNames = read.map((r) => r.task);
  const single = new Set(taskNames).size === new Set(tasks).size;
  const results = new Map<string, LoadedResult>();
  for (const r of read) {
    const model = single ? "" : dirOf(r.path);
    const key = resultKey(model, r.task);
    const prior = results.get(key);
    if (prior) {
      throw inputError(
        `${stage}: ${path} holds results for task ${r.task} twice in one directory (${relative(path, prior.path) || basename(prior.path)} and ${relative(path, r.path) || basename(r.path)}); ` +
          `keep one`,
      );
    }
    const sidecar = r.path.replace(/\.json$/, ".per_query.jsonl");
    const sha = datasetHash(provenancePath(r.path)) ?? datasetHash(legacyProvenancePath(r.path));
    results.set(key, { ...r, perQueryPath: existsSync(sidecar) ? sidecar : null, datasetSha256: sha, model });
  }
  return { label: path, results, models: single ? [""] : models };
}

// The errors that mean "a result file with impossible values", not "not a result file".
function isValueError(err: BenchError): boolean {
  return /metric ".*" is .*; expected/.test(err.message);
}

/**
 * Sides to compare must be alike: all single-model, or all trees of models (paired by model directory). A tree
 * against one model cannot be paired without guessing which model is meant.
 */
export function checkComparable(sets: ResultSet[], stage: string, names: string[]): void {
  const multi = sets.map((s) => s.models.length > 1 || s.models[0] !== "");
  if (multi.every((m) => m) || multi.every((m) => !m)) return;
  const i = multi.indexOf(true);
  const shown = sets[i]!.models.slice(0, 4).join(", ") + (sets[i]!.models.length > 4 ? ", …" : "");
  throw inputError(
    `${stage}: ${names[i]} holds results of ${sets[i]!.models.length} model directories (${shown}), the other side one model; ` +
      `point at one model's directory (e.g. ${join(sets[i]!.label, sets[i]!.models[0]!)}), or compare two trees of the same shape model by model`,
  );
}

function findResultFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory() && !e.name.startsWith(".")) out.push(...findResultFiles(p));
    else if (e.isFile() && isResultFileName(basename(p))) out.push(p);
  }
  return out;
}

// Provenance is informative only (it lets compare say "these runs read different data"): unreadable → null.
function datasetHash(path: string): string | null {
  if (!existsSync(path)) return null;
  try {
    // One JSON document: indented (old .bench.json) or on one line (.provenance.jsonl).
    const doc = JSON.parse(readFileSync(path, "utf8")) as { dataset?: { sha256?: unknown } };
    return typeof doc.dataset?.sha256 === "string" ? doc.dataset.sha256 : null;
  } catch {
    return null;
  }
}
