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
import type { Reranker } from "./types.js";

/** Options passed through to neural models (ignored by bm25 and precomputed scores). */
export interface NeuralModelOptions {
  batchSize?: number;
  cache?: boolean;
  openRetrievalsCompat?: boolean;
  queryMaxLength?: number;
  maxLength?: number;
  /** Encoder backend for model directories, and its torch-only settings (docs/torch-backend.md). */
  backend?: "onnx" | "torch";
  device?: "cpu" | "cuda";
  dtype?: "fp32" | "bf16" | "fp16";
  workerTimeoutS?: number;
  python?: string;
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+(@[\w./-]+)?$/;

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
  if (existsSync(spec)) {
    if (!statSync(spec).isDirectory()) {
      throw inputError(`eval: --model ${spec} is a file; expected a model directory (model.onnx + tokenizer.json), bm25, or scores:FILE`);
    }
    const { loadOnnxReranker } = await import("./onnx-reranker.js");
    return loadOnnxReranker(spec, neural);
  }
  if (HUB_ID.test(spec)) {
    const { loadOnnxReranker } = await import("./onnx-reranker.js");
    return loadOnnxReranker(spec, neural);
  }
  throw inputError(`eval: unknown model '${spec}': expected bm25, scores:FILE.jsonl, a model directory, or ORG/NAME[@revision]`);
}
