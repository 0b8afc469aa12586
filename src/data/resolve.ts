/**
 * Where a command's data comes from: an explicit file (--input/--data) or a registered task (tasks/*.json),
 * whose data is either shipped in tasks/ or downloaded from the hub at its pinned revision (docs/spec.md §3).
 */
import { join } from "node:path";
import { inputError, usageError } from "../errors.js";
import { type HubDatasetRef, isHubRef } from "../tasks/metadata.js";
import { getTask, tasksDir } from "../tasks/registry.js";
import { loadDatasetFile } from "./load.js";
import type { LoadedDataset } from "./types.js";
import { sha256Hex } from "../util/sha256.js";

/** The embedded sample task used when neither a task nor a file is given. */
export const defaultTaskName = "ZhSampleReranking";

/** Which data to load: at most one of `task` and `input`; neither means the default task. */
export interface ResolveOptions {
  task?: string;
  input?: string;
  /** The tasks/ directory to read (default: the repo's, see tasks/registry.ts); for tests and embedding. */
  tasksDir?: string;
}

/**
 * The parquet shards of `split` in a dataset repo listing, in order: data/<split>-*.parquet, else a top-level
 * <split>-*.parquet or <split>.parquet (the layouts the hub's parquet conversion and `datasets` write).
 * Exported for tests.
 */
export function splitShards(files: Iterable<string>, split: string): string[] {
  const all = [...files].sort();
  const esc = split.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const re of [new RegExp(`^data/${esc}-[^/]*\\.parquet$`), new RegExp(`^${esc}(-[^/]*)?\\.parquet$`)]) {
    const hit = all.filter((f) => re.test(f));
    if (hit.length > 0) return hit;
  }
  return [];
}

/**
 * Fetches a hub task's data at its pinned revision: `file` when the task names one (it must be in the listing),
 * else the eval split's parquet shards from the listing. Returns local paths and the commit.
 */
async function hubDatasetFiles(ref: HubDatasetRef, split: string, task: string): Promise<{ paths: string[]; commit: string }> {
  // Lazy: the hub client is only loaded when a task really needs a download.
  const { openSnapshot, fetchFiles } = await import("../hub/snapshot.js");
  const need = ref.file !== undefined ? [ref.file] : [`data/${split}-*.parquet`];
  const snap = await openSnapshot({ repoType: "dataset", repoId: ref.hub, revision: ref.revision }, need);
  const parquet = [...snap.files.keys()].filter((f) => f.endsWith(".parquet")).sort();
  let names: string[];
  if (ref.file !== undefined) {
    if (!snap.files.has(ref.file) && !snap.offline) {
      throw inputError(
        `data: task ${task}: dataset.file ${ref.file} is not in ${ref.hub}@${ref.revision} (its parquet files: ${parquet.join(", ") || "none"})`,
      );
    }
    names = [ref.file];
  } else {
    names = splitShards(snap.files.keys(), split);
    if (names.length === 0 && snap.offline) names = need; // fetchFiles names what to place
    if (names.length === 0) {
      throw inputError(
        `data: task ${task}: ${ref.hub}@${ref.revision} has no parquet file for split "${split}" (data/${split}-*.parquet or ${split}.parquet); its parquet files: ${parquet.join(", ") || "none"}; name one in dataset.file`,
      );
    }
  }
  return { paths: await fetchFiles(snap, names), commit: snap.commit };
}

/** Loads one file, or several shards as one dataset (rows in shard order; sha256 over the shards' hashes). */
async function loadShards(paths: string[]): Promise<LoadedDataset> {
  if (paths.length === 1) return loadDatasetFile(paths[0]);
  const parts = [];
  for (const p of paths) parts.push(await loadDatasetFile(p));
  const sha256 = sha256Hex(parts.map((d) => `${d.source.sha256}\n`).join(""));
  return { rows: parts.flatMap((d) => d.rows), source: { ...parts[0].source, path: paths.join(", "), sha256 } };
}

/** Loads the dataset of a task or an input file; for tasks, source.task and source.revision are set. */
export async function resolveDataset(opts: ResolveOptions): Promise<LoadedDataset> {
  if (opts.task !== undefined && opts.input !== undefined) throw usageError("usage: give either a task or an input file, not both");
  if (opts.input !== undefined) return loadDatasetFile(opts.input);
  const dir = opts.tasksDir ?? tasksDir();
  const task = getTask(opts.task ?? defaultTaskName, dir);
  const ref = task.dataset;
  let revision: string | null;
  let ds: LoadedDataset;
  if (isHubRef(ref)) {
    const { paths, commit } = await hubDatasetFiles(ref, task.eval_split, task.name);
    ds = await loadShards(paths);
    revision = commit;
  } else {
    ds = await loadDatasetFile(join(dir, ref.local));
    revision = null;
  }
  if (ref.sha256 !== undefined && ds.source.sha256 !== ref.sha256) {
    throw inputError(`data: task ${task.name}: ${ds.source.path} has sha256 ${ds.source.sha256}, the task pins ${ref.sha256}`);
  }
  return { rows: ds.rows, source: { ...ds.source, task: task.name, revision } };
}
