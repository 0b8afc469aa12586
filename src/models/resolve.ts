/**
 * `--model` values → a Reranker. Heavy backends (onnxruntime) are imported only when a neural model is asked for.
 *   bm25                 lexical baseline (src/models/bm25.ts)
 *   scores:FILE          precomputed scores (src/models/precomputed-scores.ts)
 *   DIR                  a model directory (docs/model-format.md)
 *   ORG/NAME[@revision]  a model directory on the Hugging Face hub, downloaded into the HF cache
 */
import { existsSync, statSync } from "node:fs";
import type { RerankRow } from "../data/types.js";
import { inputError } from "../errors.js";
import { parseHubId } from "../hub/resolve-model-dir.js";
import type { NeuralRerankerOptions } from "./neural-reranker.js";
import type { Reranker } from "./types.js";

/** Options passed through to neural models (ignored by bm25 and precomputed scores): the `bench eval` flags, backend included. */
export type NeuralModelOptions = Pick<
  NeuralRerankerOptions,
  | "batchSize"
  | "cache"
  | "openRetrievalsCompat"
  | "queryMaxLength"
  | "maxLength"
  | "backend"
  | "device"
  | "dtype"
  | "workerTimeoutS"
  | "python"
  | "onnxFile"
>;

/** Resolves a `--model` value; `rows` are the rows to be evaluated (precomputed scores are checked against them). */
export async function resolveModel(spec: string, rows: RerankRow[], neural: NeuralModelOptions = {}): Promise<Reranker> {
  if (spec === "bm25") {
    const { createBm25 } = await import("./bm25.js");
    return createBm25();
  }
  if (spec.startsWith("scores:")) {
    const { loadPrecomputedScores } = await import("./precomputed-scores.js");
    return loadPrecomputedScores(spec.slice("scores:".length), rows);
  }
  const local = existsSync(spec);
  if (local && !statSync(spec).isDirectory()) {
    throw inputError(`eval: --model ${spec} is a file; expected a model directory (model.onnx + tokenizer.json), bm25, or scores:FILE`);
  }
  if (local || parseHubId(spec) !== null) {
    const { loadNeuralReranker } = await import("./neural-reranker.js");
    return loadNeuralReranker(spec, neural);
  }
  throw inputError(`eval: unknown model '${spec}': expected bm25, scores:FILE.jsonl, a model directory, or ORG/NAME[@revision]`);
}
