/**
 * The rules mteb applies when it loads a results tree, embedded as fixtures (mteb's own code cannot run here:
 * no mteb install, no network). Each rule names its source in embeddings-benchmark/mteb:
 * - which files are loaded: 1.39.x mteb/load_results/load_results.py `revision_path.glob("*.json")` minus
 *   model_meta.json; 2.x mteb/cache.py ResultCache.get_cache_paths `results/*\/*\/*.json` (and
 *   `*\/*\/experiments/*\/*.json`) minus model_meta.json. Every such file goes to TaskResult.from_disk.
 * - TaskResult (1.39.x mteb/load_results/task_results.py): dataset_revision: str, task_name: str,
 *   mteb_version: str | None, scores: dict[split, list[dict]] whose entries hold main_score, hf_subset (str) and
 *   languages (list); evaluation_time: float | None. from_disk falls back to the pre-1.11 conversion only for
 *   files of version < 1.11 (or none), which needs mteb_dataset_name.
 * - ModelMeta (1.39.x mteb/model_meta.py): framework ⊆ FRAMEWORKS, similarity_fn_name ∈ ScoringFunction or None,
 *   languages a list of ISO 639-3 + script codes or None (mteb writes a list), name "org/model" (issue 12: mteb
 *   derives the results directory and leaderboard name from it).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parsePythonJson } from "../../src/compare/python-json.js";

export const FRAMEWORKS_1_39 = [
  "Sentence Transformers",
  "PyTorch",
  "GritLM",
  "LLM2Vec",
  "TensorFlow",
  "API",
  "Tevatron",
  "NumPy",
  "PyLate",
  "ColBERT",
];
export const SCORING_FUNCTIONS_1_39 = ["cosine", "dot", "MaxSim"];

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

function versionLt111(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  const m = /^(\d+)\.(\d+)/.exec(String(v));
  return m !== null && (Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 11));
}

/** Why TaskResult.from_disk would fail on this JSON, or null when it loads. */
export function taskResultProblem(json: unknown): string | null {
  if (!isObj(json)) return "not an object";
  const direct = validateTaskResult(json);
  if (direct === null) return null;
  if (versionLt111(json.mteb_version) && typeof json.mteb_dataset_name === "string") return null; // _convert_from_before_v1_11_0
  if (!versionLt111(json.mteb_version)) return direct;
  return `${direct}; and no mteb_dataset_name for the pre-1.11 conversion (KeyError: 'mteb_dataset_name')`;
}

function validateTaskResult(o: Record<string, unknown>): string | null {
  if (typeof o.dataset_revision !== "string") return `dataset_revision must be a string, got ${JSON.stringify(o.dataset_revision)}`;
  if (typeof o.task_name !== "string") return "task_name must be a string";
  if (!("mteb_version" in o) || !(o.mteb_version === null || typeof o.mteb_version === "string"))
    return "mteb_version must be present (str or null)";
  if (!("evaluation_time" in o) || !(o.evaluation_time === null || typeof o.evaluation_time === "number"))
    return "evaluation_time must be present (float or null)";
  if (!isObj(o.scores)) return "scores must be a dict";
  for (const [split, entries] of Object.entries(o.scores)) {
    if (!Array.isArray(entries)) return `scores.${split} must be a list`;
    for (const e of entries) {
      if (!isObj(e)) return "Scores should be a dictionary";
      if (!("main_score" in e)) return "'main_score' should be in scores";
      if (typeof e.hf_subset !== "string") return "hf_subset should be in scores and should be a string";
      if (!Array.isArray(e.languages)) return "languages should be in scores and should be a list";
    }
  }
  return null;
}

/** Why ModelMeta validation (or mteb's naming) would refuse this model_meta.json, or null. */
export function modelMetaProblem(json: unknown): string | null {
  if (!isObj(json)) return "not an object";
  if (typeof json.name !== "string" || !/^[^/\s]+\/[^/\s]+$/.test(json.name))
    return `name must be "org/model", got ${JSON.stringify(json.name)}`;
  if (!Array.isArray(json.framework) || !json.framework.every((f) => FRAMEWORKS_1_39.includes(String(f))))
    return `framework must be a list of ${FRAMEWORKS_1_39.join(", ")}; got ${JSON.stringify(json.framework)}`;
  if (json.similarity_fn_name !== null && !SCORING_FUNCTIONS_1_39.includes(String(json.similarity_fn_name)))
    return `similarity_fn_name ${JSON.stringify(json.similarity_fn_name)} is not a ScoringFunction`;
  if (!Array.isArray(json.languages) || !json.languages.every((l) => /^[a-z]{3}-[A-Z][a-z]{3}$/.test(String(l))))
    return `languages must be a list of ISO codes like "cmn-Hans", got ${JSON.stringify(json.languages)}`;
  return null;
}

/** The files mteb's loaders hand to TaskResult.from_disk in `root` (a results/ directory: root/<model>/<revision>/). */
export function mtebCandidates(root: string): string[] {
  const out: string[] = [];
  const dirs = (d: string) => readdirSync(d).filter((n) => statSync(join(d, n)).isDirectory());
  for (const model of dirs(root)) {
    for (const rev of dirs(join(root, model))) {
      const revDir = join(root, model, rev);
      for (const f of readdirSync(revDir))
        if (f.endsWith(".json") && f !== "model_meta.json" && statSync(join(revDir, f)).isFile()) out.push(join(revDir, f));
      const exp = join(revDir, "experiments");
      try {
        for (const e of dirs(exp))
          for (const f of readdirSync(join(exp, e))) if (f.endsWith(".json") && f !== "model_meta.json") out.push(join(exp, e, f));
      } catch {
        // no experiments/
      }
    }
  }
  return out.sort();
}

/** Every problem mteb would have with the tree at `root` (relative paths), [] when it loads. */
export function treeProblems(root: string, checkMeta = true): string[] {
  const problems: string[] = [];
  for (const f of mtebCandidates(root)) {
    const p = taskResultProblem(parsePythonJson(readFileSync(f, "utf8")));
    if (p) problems.push(`${relative(root, f)}: ${p}`);
    const metaPath = join(f, "..", "model_meta.json");
    if (!checkMeta) continue;
    try {
      const mp = modelMetaProblem(JSON.parse(readFileSync(metaPath, "utf8")));
      if (mp) problems.push(`${relative(root, metaPath)}: ${mp}`);
    } catch {
      // no model_meta.json: mteb skips the directory (require_model_meta) or names it from the path
    }
  }
  return [...new Set(problems)];
}
