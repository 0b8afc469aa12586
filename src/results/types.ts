/** Inputs of the results writers (docs/spec.md §2.5): what one task × model evaluation produced. */
import type { PerQuery, RerankingScores } from "../metrics/evaluate.js";
import type { ModelInfo } from "../models/types.js";

/** Result file layout: current mteb (1.12.76+ … 1.39.x TaskResult) or byte-for-byte mteb 1.1.1. */
export type ResultFormat = "mteb" | "mteb-1.1.1";

/** The task as written into result files. */
export interface ResultTask {
  /** mteb task name, e.g. "T2Reranking" or "CustomReranking". Also the result file's base name. */
  name: string;
  /** Evaluated split, e.g. "dev" or "test". */
  split: string;
  /** Dataset revision written as dataset_revision (null when the task has none, as the reference recipe). */
  revision: string | null;
  /** mteb language codes, e.g. ["cmn-Hans"]. */
  languages: string[];
  /** Metric key copied to main_score, e.g. "map". */
  mainScore: string;
}

/** Provenance written to <Task>.bench.json. */
export interface ResultProvenance {
  benchVersion: string;
  gitCommit: string | null;
  /** ISO 8601 timestamp. */
  createdAt: string;
  dataset: {
    /** File that was read, or null when only a task name is known. */
    path: string | null;
    task: string | null;
    revision: string | null;
    sha256: string;
    nRows: number;
    nEvaluated: number;
  };
  runtime: { node: string; onnxruntime?: string | null };
}

/** Everything writeResults needs. */
export interface WriteResultsInput {
  format: ResultFormat;
  outputDir: string;
  task: ResultTask;
  model: ModelInfo;
  scores: RerankingScores;
  perQuery: readonly PerQuery[];
  /** Seconds; mteb 1.1.1 rounds it to 2 decimals (half-even), later versions write it unrounded. */
  evaluationTime: number;
  provenance: ResultProvenance;
}

/** One file of a result set: absolute path and exact bytes. */
export interface ResultFile {
  path: string;
  text: string;
}
