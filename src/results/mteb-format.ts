/**
 * Current-mteb result files (docs/spec.md §2.5): `<dir>/<org__model>/<revision|no_revision_available>/<Task>.json` as
 * TaskResult.to_disk writes it in mteb 1.12.76+ … 1.39.x (json.dump(indent=2), pydantic field order, every float in
 * `scores` rounded to 6 decimals with Python's round), plus the single-line model_meta.json beside it.
 * mteb_version is "1.39.7", the last 1.x release: bench reproduces that version's reranking metric set
 * (map, mrr, nAUC_*, recall_at_10) on the RerankingEvaluator path, so the file claims the version whose numbers it has.
 */
import { join } from "node:path";
import type { ModelInfo } from "../models/types.js";
import { type PyJson, PyFloat, pyJsonDumps, pyRound } from "./py-json.js";
import type { ResultFile, WriteResultsInput } from "./types.js";
import { metricEntries, safeSegment } from "./validate.js";

/** The mteb version whose metric set and file layout bench reproduces. */
export const MTEB_VERSION = "1.39.7";

/** mteb's ModelMeta.model_name_as_path: "/" → "__". */
function modelNameAsPath(name: string): string {
  return safeSegment(name.replaceAll("/", "__"), "model name");
}

/** `<dir>/<org__model>/<revision|no_revision_available>`: where mteb puts a model's result files. */
function modelDir(outputDir: string, model: ModelInfo): string {
  return join(outputDir, modelNameAsPath(model.name), safeSegment(model.revision ?? "no_revision_available", "model revision"));
}

/**
 * mteb 1.39.x RerankingEvaluator's key order: map, mrr, recall_at_10, then the nAUC_* of each in that order
 * (as in real 1.39 files, e.g. nvidia/llama-embed-nemotron-8b's T2Reranking.json). Unknown keys keep their place
 * after these.
 */
const KEY_ORDER = ["map", "mrr", "recall_at_10"];
function orderedMetrics(entries: [string, number][]): [string, number][] {
  const rank = (k: string): number => {
    const base = KEY_ORDER.indexOf(k);
    if (base >= 0) return base;
    const m = /^nAUC_(.+)_(max|std|diff1)$/.exec(k);
    if (m && KEY_ORDER.includes(m[1]!)) return 10 + KEY_ORDER.indexOf(m[1]!) * 3 + ["max", "std", "diff1"].indexOf(m[2]!);
    return 100;
  };
  return entries
    .map((e, i) => [e, i] as const)
    .sort((a, b) => rank(a[0][0]) - rank(b[0][0]) || a[1] - b[1])
    .map(([e]) => e);
}

/** mteb 1.39.7's ModelMeta.framework values (mteb/model_meta.py FRAMEWORKS); anything else is left out. */
export const MTEB_FRAMEWORKS = [
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
/** mteb 1.39.7's ScoringFunction values (plus null). */
export const MTEB_SIMILARITY_FNS = ["cosine", "dot", "MaxSim"];

/**
 * The model_meta.json name: mteb names models "org/model"; a bench model without an org (bm25, a local
 * checkpoint directory) is written as "bench/<name>". The directory keeps the plain name (results/…/bm25/).
 */
export function mtebModelName(name: string): string {
  return name.includes("/") ? name : `bench/${name}`;
}

/** The <Task>.json text and its path. */
export function mtebTaskResult(input: WriteResultsInput): ResultFile {
  const { task, model, scores, outputDir } = input;
  const dir = modelDir(outputDir, model);
  const entry: Record<string, PyJson> = {};
  for (const [k, v] of orderedMetrics(metricEntries(scores))) entry[k] = new PyFloat(pyRound(v, 6));
  entry.main_score = new PyFloat(pyRound(scores[task.mainScore] as number, 6));
  entry.hf_subset = "default";
  entry.languages = task.languages;
  const doc: PyJson = {
    dataset_revision: task.revision,
    task_name: task.name,
    mteb_version: MTEB_VERSION,
    scores: { [task.split]: [entry] },
    evaluation_time: new PyFloat(input.evaluationTime),
    kg_co2_emissions: null,
  };
  return { path: join(dir, `${safeSegment(task.name, "task name")}.json`), text: pyJsonDumps(doc, { indent: 2 }) };
}

/** model_meta.json: json.dump(ModelMeta.to_dict()) of the 1.39.x fields, in field order; unknown → null. */
export function mtebModelMeta(input: WriteResultsInput): ResultFile {
  const m: ModelInfo = input.model;
  const isCrossEncoder =
    m.modelType === "cross-encoder" ? true : ["dense", "late-interaction", "lexical"].includes(m.modelType) ? false : null;
  const meta: PyJson = {
    name: mtebModelName(m.name),
    revision: m.revision,
    release_date: null,
    // mteb writes a list here ([] when the model's languages are not known); null fails its leaderboard code.
    languages: [],
    n_parameters: m.nParameters,
    memory_usage_mb: null,
    // ModelMeta.max_tokens is a float field in 1.39 (pydantic writes 512.0).
    max_tokens: m.maxTokens === null ? null : new PyFloat(m.maxTokens),
    embed_dim: m.embedDim,
    license: null,
    open_weights: null,
    public_training_code: null,
    public_training_data: null,
    framework: m.framework.filter((f) => MTEB_FRAMEWORKS.includes(f)),
    reference: null,
    similarity_fn_name: m.similarityFn !== null && MTEB_SIMILARITY_FNS.includes(m.similarityFn) ? m.similarityFn : null,
    use_instructions: null,
    training_datasets: null,
    adapted_from: null,
    superseded_by: null,
    is_cross_encoder: isCrossEncoder,
    modalities: ["text"],
    loader: null,
  };
  return { path: join(modelDir(input.outputDir, m), "model_meta.json"), text: pyJsonDumps(meta) };
}
