/**
 * Named task sets: tasks/sets/<Name>.json, e.g. C-MTEB-reranking. `bench eval --task <set>` evaluates every task
 * of the set and reports their average the way the benchmark does: the mean of the tasks' main scores (C-MTEB's
 * "Reranking" column averages map over its four reranking tasks). Validated on load, unknown keys rejected.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { inputError } from "../errors.js";
import { getTask, tasksDir } from "./registry.js";
import { TASK_NAME, type TaskMetadata } from "./metadata.js";

/** One task set. */
export interface TaskSet {
  name: string;
  description: string;
  /** Task names, in the order they are evaluated and reported. */
  tasks: string[];
  reference: string | null;
}

const KEYS = ["name", "description", "tasks", "reference"];

/** Directory of the task sets. */
export function setsDir(dir: string = tasksDir()): string {
  return join(dir, "sets");
}

/** Validates parsed JSON from `file` as a TaskSet whose tasks are all registered in `dir`. */
export function parseTaskSet(json: unknown, file: string, dir: string = tasksDir()): TaskSet {
  const fail = (field: string, expected: string): never => {
    throw inputError(`data: task set ${file}: field "${field}" ${expected}`);
  };
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw inputError(`data: task set ${file}: expected a JSON object`);
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(k, `is not a known key (known: ${KEYS.join(", ")})`);
  if (typeof o.name !== "string" || !TASK_NAME.test(o.name)) fail("name", "must be a name of letters, digits, '_' or '-'");
  if (o.name !== basename(file, ".json")) fail("name", `is "${String(o.name)}" but the file is named ${basename(file)}`);
  if (typeof o.description !== "string" || o.description === "") fail("description", "must be a non-empty string");
  const tasks = o.tasks;
  if (!Array.isArray(tasks) || tasks.length === 0 || !tasks.every((t) => typeof t === "string"))
    fail("tasks", "must be a non-empty array of task names");
  const names = tasks as string[];
  const dup = names.find((t, i) => names.indexOf(t) !== i);
  if (dup !== undefined) fail("tasks", `names ${dup} twice`);
  for (const t of names) {
    if (!TASK_NAME.test(t) || !existsSync(join(dir, `${t}.json`)))
      fail("tasks", `names ${JSON.stringify(t)}, which is not a registered task (tasks/${t}.json)`);
  }
  if (o.reference !== null && (typeof o.reference !== "string" || !/^https?:\/\//.test(o.reference)))
    fail("reference", "must be an http(s) URL or null");
  return { name: o.name as string, description: o.description as string, tasks: names, reference: (o.reference as string | null) ?? null };
}

/** The set named `name`, or null when there is none (then `name` may be a task). */
export function findTaskSet(name: string, dir: string = tasksDir()): TaskSet | null {
  const file = join(setsDir(dir), `${name}.json`);
  if (!TASK_NAME.test(name) || !existsSync(file)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw inputError(`data: task set ${file}: ${(err as Error).message}`);
  }
  return parseTaskSet(json, file, dir);
}

/** Every task set, sorted by name (each validated). */
export function listTaskSets(dir: string = tasksDir()): TaskSet[] {
  const d = setsDir(dir);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => findTaskSet(basename(f, ".json"), dir)!);
}

/** The tasks of a set, validated. */
export function setTasks(set: TaskSet, dir: string = tasksDir()): TaskMetadata[] {
  return set.tasks.map((t) => getTask(t, dir));
}
