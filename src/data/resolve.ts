/**
 * Where a command's data comes from: an explicit file (--input/--data) or a registered task (tasks/*.json),
 * whose data is either shipped in tasks/ or downloaded from the hub at its pinned revision (spec §3).
 */
import { join } from "node:path";
import { inputError, usageError } from "../errors.js";
import { isHubRef } from "../tasks/metadata.js";
import { getTask, tasksDir } from "../tasks/registry.js";
import { loadDatasetFile } from "./load.js";
import type { LoadedDataset } from "./types.js";

/** The embedded sample task used when neither a task nor a file is given. */
export const defaultTaskName = "ZhSampleReranking";

/** Which data to load: at most one of `task` and `input`; neither means the default task. */
export interface ResolveOptions {
  task?: string;
  input?: string;
  /** The tasks/ directory to read (default: the repo's, see tasks/registry.ts); for tests and embedding. */
  tasksDir?: string;
}

/** Loads the dataset of a task or an input file; for tasks, source.task and source.revision are set. */
export async function resolveDataset(opts: ResolveOptions): Promise<LoadedDataset> {
  if (opts.task !== undefined && opts.input !== undefined) throw usageError("usage: give either a task or an input file, not both");
  if (opts.input !== undefined) return loadDatasetFile(opts.input);
  const dir = opts.tasksDir ?? tasksDir();
  const task = getTask(opts.task ?? defaultTaskName, dir);
  const ref = task.dataset;
  let path: string;
  let revision: string | null;
  if (isHubRef(ref)) {
    // Lazy: the hub client is only loaded when a task really needs a download.
    const { hubDownload } = await import("../hub/download.js");
    path = await hubDownload({ repoType: "dataset", repoId: ref.hub, revision: ref.revision, filename: ref.file });
    revision = ref.revision;
  } else {
    path = join(dir, ref.local);
    revision = null;
  }
  const ds = await loadDatasetFile(path);
  if (ref.sha256 !== undefined && ds.source.sha256 !== ref.sha256) {
    throw inputError(`data: task ${task.name}: ${ds.source.path} has sha256 ${ds.source.sha256}, the task pins ${ref.sha256}`);
  }
  return { rows: ds.rows, source: { ...ds.source, task: task.name, revision } };
}
