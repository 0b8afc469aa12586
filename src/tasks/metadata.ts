/**
 * Task metadata: a declarative tasks/<Name>.json, validated on load with unknown keys rejected (so a typo
 * never silently drops a setting). Fields mirror mteb's TaskMetadata for T2Reranking (docs/spec.md §3).
 */
import { inputError } from "../errors.js";
import { isCommitSha } from "../hub/cache.js";
import { repoPathProblem } from "../util/repo-path.js";
import { isSha256Hex } from "../util/sha256.js";

/**
 * A dataset pinned on the Hugging Face hub (repo + commit revision). `file` (a path in the repo) is optional:
 * without it, the eval split's parquet shards are found in the repo listing (data/resolve.ts).
 */
export interface HubDatasetRef {
  hub: string;
  revision: string;
  file?: string;
  /** Optional sha256 of the file's bytes, checked after loading. */
  sha256?: string;
}

/** A dataset file shipped in the repo, path relative to tasks/. */
export interface LocalDatasetRef {
  local: string;
  sha256?: string;
}

/** One registered task. */
export interface TaskMetadata {
  name: string;
  description: string;
  type: "Reranking";
  dataset: HubDatasetRef | LocalDatasetRef;
  eval_split: string;
  eval_langs: string[];
  main_score: "map" | "mrr";
  /** Paper or dataset URL; null for data written for bench itself (the embedded sample task). */
  reference: string | null;
}

/** What a task name may contain: it is also the task file's base name, so it must be a plain path segment. */
export const TASK_NAME = /^[A-Za-z0-9_-]+$/;

const TOP_KEYS = ["name", "description", "type", "dataset", "eval_split", "eval_langs", "main_score", "reference"];
const HUB_KEYS = ["hub", "revision", "file", "sha256"];
const LOCAL_KEYS = ["local", "sha256"];

/** True when the task's data comes from the hub. */
export function isHubRef(ref: HubDatasetRef | LocalDatasetRef): ref is HubDatasetRef {
  return "hub" in ref;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Validates parsed JSON from `file` as TaskMetadata; every error names the file and the field. */
export function parseTaskMetadata(json: unknown, file: string): TaskMetadata {
  const fail = (field: string, expected: string): never => {
    throw inputError(`data: task file ${file}: field "${field}" ${expected}`);
  };
  if (!isObject(json)) throw inputError(`data: task file ${file}: expected a JSON object`);
  for (const k of Object.keys(json)) if (!TOP_KEYS.includes(k)) fail(k, `is not a known key (known: ${TOP_KEYS.join(", ")})`);
  const str = (obj: Record<string, unknown>, k: string, prefix = ""): string => {
    const v = obj[k];
    if (typeof v !== "string" || v === "") fail(prefix + k, "must be a non-empty string");
    return v as string;
  };
  const name = str(json, "name");
  if (!TASK_NAME.test(name)) fail("name", "must contain only letters, digits, '_' or '-'");
  if (json.type !== "Reranking") fail("type", 'must be "Reranking"');
  if (json.main_score !== "map" && json.main_score !== "mrr") fail("main_score", 'must be "map" or "mrr"');
  const langs = json.eval_langs;
  if (!Array.isArray(langs) || langs.length === 0 || !langs.every((l) => typeof l === "string" && l !== "")) {
    fail("eval_langs", "must be a non-empty array of strings");
  }
  if (json.reference === undefined) fail("reference", "is required (an http(s) URL, or null for data written for bench)");
  const reference = json.reference === null ? null : str(json, "reference");
  if (reference !== null && !/^https?:\/\//.test(reference)) fail("reference", "must be an http(s) URL or null");
  const ds = json.dataset;
  if (!isObject(ds)) return fail("dataset", 'must be an object: {"hub","revision"[,"file"]} or {"local"}');
  const hasHub = "hub" in ds;
  const allowed = hasHub ? HUB_KEYS : LOCAL_KEYS;
  for (const k of Object.keys(ds)) if (!allowed.includes(k)) fail(`dataset.${k}`, `is not a known key (known: ${allowed.join(", ")})`);
  if (ds.sha256 !== undefined && !isSha256Hex(ds.sha256)) {
    fail("dataset.sha256", "must be 64 lowercase hex digits");
  }
  let dataset: HubDatasetRef | LocalDatasetRef;
  if (hasHub) {
    const hub = str(ds, "hub", "dataset.");
    if (!/^[\w.-]+\/[\w.-]+$/.test(hub)) fail("dataset.hub", 'must be "ORG/NAME"');
    const revision = str(ds, "revision", "dataset.");
    // Pin a commit, not a branch: results must name the exact data they were computed on (docs/spec.md §3).
    if (!isCommitSha(revision)) fail("dataset.revision", "must be a 40-hex-digit commit sha");
    let file: string | undefined;
    if (ds.file !== undefined) {
      file = str(ds, "file", "dataset.");
      const why = repoPathProblem(file);
      if (why !== null) fail("dataset.file", `${why}; it must be a path inside the dataset repo`);
    }
    dataset = { hub, revision, ...(file !== undefined ? { file } : {}), ...(ds.sha256 ? { sha256: ds.sha256 as string } : {}) };
  } else {
    const local = str(ds, "local", "dataset.");
    if (local.startsWith("/") || local.split(/[\\/]/).includes(".."))
      fail("dataset.local", "must be a path inside tasks/ (relative, no '..')");
    dataset = { local, ...(ds.sha256 ? { sha256: ds.sha256 as string } : {}) };
  }
  return {
    name,
    description: str(json, "description"),
    type: "Reranking",
    dataset,
    eval_split: str(json, "eval_split"),
    eval_langs: langs as string[],
    main_score: json.main_score as "map" | "mrr",
    reference,
  };
}
