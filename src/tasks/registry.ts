/**
 * The task registry: the repo's top-level tasks/*.json, read on demand (no work at import time).
 * The directory is found from this module's URL, so it works from src/ (tsx) and from dist/ alike.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inputError } from "../errors.js";
import { TASK_NAME, type TaskMetadata, parseTaskMetadata } from "./metadata.js";

/** Absolute path of the repo's tasks/ directory: the nearest ancestor of this file holding package.json + tasks/. */
export function tasksDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "tasks"))) return join(dir, "tasks");
    const up = dirname(dir);
    if (up === dir) throw inputError("data: cannot find the tasks/ directory above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** The task names registered in `dir` (its *.json file names without the extension), sorted. */
function taskNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => basename(f, ".json"))
    .sort();
}

function readTaskFile(file: string): TaskMetadata {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw inputError(`data: task file ${file}: ${(err as Error).message}`);
  }
  const meta = parseTaskMetadata(json, file);
  if (meta.name !== basename(file, ".json")) {
    throw inputError(`data: task file ${file}: field "name" is "${meta.name}" but the file is named ${basename(file)}`);
  }
  return meta;
}

/** Every registered task, sorted by name; a broken task file is an error, not silently skipped. */
export function listTasks(dir: string = tasksDir()): TaskMetadata[] {
  return taskNames(dir).map((name) => readTaskFile(join(dir, `${name}.json`)));
}

/** The task named `name` (case-sensitive), or a BenchError listing the known tasks. */
export function getTask(name: string, dir: string = tasksDir()): TaskMetadata {
  const file = join(dir, `${name}.json`);
  if (TASK_NAME.test(name) && existsSync(file)) return readTaskFile(file);
  const known = taskNames(dir);
  throw inputError(`data: unknown task "${name}"; known tasks: ${known.join(", ") || "(none in " + dir + ")"}`);
}
