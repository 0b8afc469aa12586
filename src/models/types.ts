/**
 * The score stage's contract. Every model kind (bm25, precomputed scores, ONNX ColBERT/dense/cross-encoder)
 * implements Reranker; the evaluator never knows which one it has.
 */

/** One query with its candidate documents, in order (positives then negatives, docs/spec.md §2.2). */
export interface ScoreRequest {
  /** Index of the source row in the evaluated data, in file order (precomputed scores are looked up by it). */
  row: number;
  query: string;
  docs: string[];
}

/** Progress callback: `done` of `total` units (documents or pairs, as the model counts them). */
export type Progress = (done: number, total: number) => void;

/** mteb's model_type of each kind bench evaluates (bm25, ColBERT, dense and cross-encoder models, precomputed scores). */
export type ModelType = "lexical" | "late-interaction" | "dense" | "cross-encoder" | "precomputed";

/** mteb's similarity_fn_name values bench records (src/results/mteb-format.ts MTEB_SIMILARITY_FNS). */
export type SimilarityFn = "MaxSim" | "cosine" | "dot";

/** What the results writer records about a model (mteb's model_meta.json fields that we know). */
export interface ModelInfo {
  /** Name as written in results: "bm25", "BAAI/bge-m3", or a checkpoint's directory basename. */
  name: string;
  /** Hub revision, or null when there is none. */
  revision: string | null;
  /** mteb model_type. */
  modelType: ModelType;
  /** mteb similarity_fn_name; null for models without one (bm25, cross-encoders, precomputed scores). */
  similarityFn: SimilarityFn | null;
  framework: string[];
  nParameters: number | null;
  embedDim: number | null;
  maxTokens: number | null;
  /** Anything else worth recording (content hash of the model files, settings). */
  extra?: Record<string, unknown>;
}

/** A model that scores each request's candidate documents (bm25, precomputed scores, a model directory). */
export interface Reranker {
  readonly info: ModelInfo;
  /**
   * Scores every request's documents: result[i][j] scores requests[i].docs[j]; higher = more relevant.
   * Must be deterministic. Scores are rounded to float32 by the evaluator (docs/spec.md §2.3), not here.
   */
  score(requests: ScoreRequest[], onProgress?: Progress): Promise<number[][]>;
  /** Releases sessions, workers, files. */
  close(): Promise<void>;
}
