/**
 * A "side" of a comparison: every result file found under a path (one file, or a results directory in any
 * layout of spec §2.5, searched recursively), keyed by task, with the per-query sidecar beside each file.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { inputError } from "../errors.js";
import { readResultFile, type ResultFile } from "./result-file.js";

/** A result file plus the path of its `<Task>.per_query.jsonl` sidecar, when there is one. */
export interface LoadedResult extends ResultFile {
  perQueryPath: string | null;
  /** dataset.sha256 from the `<Task>.bench.json` provenance beside it, when bench wrote the file. */
  datasetSha256: string | null;
}

/** All results of one side, by task name. */
export interface ResultSet {
  /** The path as the user gave it. */
  label: string;
  results: Map<string, LoadedResult>;
}

// JSON files in a results tree that are not task results.
function isResultFileName(name: string): boolean {
  return name.endsWith(".json") && !name.startsWith(".") && name !== "model_meta.json" && !name.endsWith(".bench.json");
}

/** Loads a file or a directory of results. Missing paths, empty directories and duplicate tasks are errors. */
export function loadResultSet(path: string, stage: string): ResultSet {
  if (!existsSync(path)) throw inputError(`${stage}: ${path} does not exist (expected a result file or a results directory)`);
  const files = statSync(path).isDirectory() ? findResultFiles(path) : [path];
  if (files.length === 0) {
    throw inputError(`${stage}: ${path} holds no result files (<Task>.json, searched recursively)`);
  }
  const results = new Map<string, LoadedResult>();
  for (const file of files) {
    const r = readResultFile(file, stage);
    const prior = results.get(r.task);
    if (prior) {
      throw inputError(
        `${stage}: ${path} holds results for task ${r.task} twice (${relative(path, prior.path)} and ${relative(path, file)}); ` +
          `point at one model's directory or file`,
      );
    }
    const sidecar = file.replace(/\.json$/, ".per_query.jsonl");
    results.set(r.task, { ...r, perQueryPath: existsSync(sidecar) ? sidecar : null, datasetSha256: datasetHash(file.replace(/\.json$/, ".bench.json")) });
  }
  return { label: path, results };
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
    const doc = JSON.parse(readFileSync(path, "utf8")) as { dataset?: { sha256?: unknown } };
    return typeof doc.dataset?.sha256 === "string" ? doc.dataset.sha256 : null;
  } catch {
    return null;
  }
}
