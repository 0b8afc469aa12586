/**
 * What a neural reranker (src/models/neural-reranker.ts) needs from the encoder behind it. Two backends implement
 * it: onnxruntime on the CPU (./onnx-backend.ts) and the trainer's model in a PyTorch worker (./torch-backend.ts).
 * Everything above the EncoderSession (tokenizing, length batches, dedup, vector cache, scoring) is shared.
 */
import type { ColbertHead } from "./colbert-head.js";
import type { EncoderSession } from "./session.js";
import type { EncodeStats } from "./text-encoder.js";

/** The encoder backends of `bench eval --backend`. */
export type BackendName = "onnx" | "torch";

/** An opened backend. */
export interface EncoderBackend {
  /** The encoder session: ONNX opens its graph on the first call (the time goes to `stats.openMs`); torch's worker is already running. */
  session(stats: EncodeStats): Promise<EncoderSession>;
  /** sha256 over the files whose bytes make the vectors: the vector cache's model key and results' content_sha256. */
  readonly contentHash: string;
  /** Fields appended to every vector-cache key: none for ONNX (older keys stay valid), backend/device/dtype for torch. */
  readonly cacheKeyExtra: Readonly<Record<string, string>>;
  /** bge-m3's ColBERT head projected in Node (a graph that outputs the hidden state), else null. */
  readonly head: ColbertHead | null;
  /** ModelInfo.framework. */
  readonly framework: string[];
  /** ModelInfo.nParameters. */
  readonly nParameters: number | null;
  /** ModelInfo.extra fields recorded right after content_sha256: the runtime's version, or the worker's report. */
  readonly infoExtra: Record<string, unknown>;
  /** Releases the session (or worker) and the head; a second call does nothing. */
  release(): Promise<void>;
}
