/**
 * DIR/train-data/run.json: the settings `bench train` records so `--resume` can repeat the run (docs/training.md).
 * Reading it checks every field; a bad file is an input error (exit 3) naming the file, the field and what it
 * should hold.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inputError } from "../errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { HyperparameterName } from "./options.js";

/** What `bench train` saves in DIR/train-data/run.json so `--resume` can repeat the run's settings. */
export interface RunRecord {
  /** --model as given: a directory or ORG/NAME[@revision]. */
  model: string;
  /** The training data file ("" for none). */
  data: string;
  /** --run-name, or null. */
  name: string | null;
  /** --tokenizer_name's directory, or null (the model's); absent in runs recorded before it existed. */
  tokenizer?: string | null;
  /** The merged hyperparameters; mergeHyperparameters checks each value again on --resume. */
  hyperparameters: Partial<Record<HyperparameterName, unknown>>;
}

/** DIR/train-data/run.json. */
export function runRecordPath(out: string): string {
  return join(out, "train-data", "run.json");
}

/** Reads and checks `out`'s run.json for --resume. */
export function readRunRecord(out: string): RunRecord {
  const file = runRecordPath(out);
  if (!existsSync(file)) throw inputError(`train: --resume: ${file} not found (was ${out} written by bench train?)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw inputError(`train: --resume: ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseRunRecord(json, file);
}

/** Writes `record` as run.json (atomically: a killed run leaves the previous one). */
export function writeRunRecord(out: string, record: RunRecord): void {
  writeFileAtomic(runRecordPath(out), `${JSON.stringify(record, null, 2)}\n`);
}

/** Checks a parsed run.json; `file` names it in errors. */
export function parseRunRecord(json: unknown, file: string): RunRecord {
  const bad = (what: string): never => {
    throw inputError(`train: --resume: ${file}: ${what}`);
  };
  if (!isObject(json)) return bad(`expected a JSON object, got ${describe(json)}`);
  const get = (key: string, want: string): unknown =>
    Object.hasOwn(json, key) ? json[key] : bad(`field "${key}" is missing (expected ${want})`);
  const wrong = (key: string, want: string): never => bad(`field "${key}" must be ${want}, got ${describe(json[key])}`);
  const string = (key: string): string => {
    const v = get(key, "a string");
    return typeof v === "string" ? v : wrong(key, "a string");
  };
  const stringOrNull = (key: string): string | null => {
    const v = get(key, "a string or null");
    return v === null || typeof v === "string" ? v : wrong(key, "a string or null");
  };
  const record: RunRecord = { model: string("model"), data: string("data"), name: stringOrNull("name"), hyperparameters: {} };
  if (Object.hasOwn(json, "tokenizer")) record.tokenizer = stringOrNull("tokenizer");
  const hp = get("hyperparameters", "an object of hyperparameter values");
  record.hyperparameters = isObject(hp) ? hp : wrong("hyperparameters", "an object of hyperparameter values");
  return record;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A value's JSON type and a short excerpt, for error messages. */
function describe(v: unknown): string {
  const type = v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;
  if (v === null || typeof v === "object") return type;
  const text = JSON.stringify(v);
  return `${type} (${text.length > 40 ? `${text.slice(0, 40)}…` : text})`;
}
