/** The model config as the PyTorch worker serves it (`--backend torch`, src/encode/torch-backend.ts). */
import { inputError } from "../errors.js";
import type { ModelConfig } from "./model-config.js";

/** The model config as the worker serves it: ColBERT only, CLS-less normalised colbert_vecs from ids + mask. */
export function torchConfig(cfg: ModelConfig, dir: string): ModelConfig {
  if (cfg.type !== "colbert")
    throw inputError(`model: ${dir}: --backend torch runs the trainer's ColBERT; this model is type ${cfg.type} (use --backend onnx)`);
  return {
    ...cfg,
    inputs: { inputIds: "input_ids", attentionMask: "attention_mask", tokenTypeIds: null },
    output: "colbert_vecs",
    outputLayout: "tokens_without_cls",
    normalized: true,
  };
}
