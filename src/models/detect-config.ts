/**
 * The model config of an ONNX graph without bench_model.json, read from the graph's outputs and the files
 * beside it (docs/model-format.md, "recognised without bench_model.json"), in this order:
 *   1. outputs dense_vecs, sparse_vecs, colbert_vecs (aapot-style bge-m3 exports) → bge-m3 ColBERT;
 *   2. one last-hidden-state output + colbert_linear.pt at the root (BAAI/bge-m3's own onnx/) → bge-m3 ColBERT
 *      with the head applied in Node — this wins over the repo's modules.json (bge-m3 ships both);
 *   3. one last-hidden-state output + modules.json (sentence-transformers) → dense, CLS or mean pooling;
 *   4. a last-hidden-state output and neither → an error saying there is no ColBERT head and how to get one.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { inputError } from "../errors.js";
import type { EncoderSession } from "../encode/session.js";
import { BGE_M3_OUTPUTS, bgeM3Config, hiddenStateColbertConfig, type ModelConfig } from "./model-config.js";
import { readSentenceTransformers } from "./sentence-transformers.js";

/** bge-m3's head file, as the repo ships it and `bench train` writes it. */
export const COLBERT_LINEAR = "colbert_linear.pt";

/** The output holding the encoder's last hidden state [batch, sequence, hidden], or null. */
function hiddenStateOutput(session: EncoderSession): string | null {
  const outs = session.outputNames;
  const name = outs.length === 1 ? outs[0] : outs.includes("last_hidden_state") ? "last_hidden_state" : null;
  if (name === null) return null;
  const shape = session.outputShape(name);
  return shape === null || shape.length === 3 ? name : null;
}

/** Config for the graph `onnxFile` of `dir` (opened as `session`); throws an input error when nothing fits. */
export function detectOnnxConfig(
  session: EncoderSession,
  dir: string,
  onnxFile: string,
  name: string,
  revision: string | null,
): ModelConfig {
  const outs = session.outputNames;
  if (BGE_M3_OUTPUTS.every((o) => outs.includes(o))) {
    const d = session.outputShape("colbert_vecs")?.[2];
    return bgeM3Config(name, revision, typeof d === "number" ? d : null, onnxFile);
  }
  const hidden = hiddenStateOutput(session);
  if (hidden === null) {
    throw inputError(
      `model: ${dir} has no bench_model.json and ${onnxFile} is not a recognised export (outputs ${outs.join(", ")}; expected ${BGE_M3_OUTPUTS.join(", ")}, or one last-hidden-state output with ${COLBERT_LINEAR} or modules.json beside it); see docs/model-format.md`,
    );
  }
  const hiddenSize = session.outputShape(hidden)?.[2];
  const dim = typeof hiddenSize === "number" ? hiddenSize : null;
  // A BERT export also takes token_type_ids (zeros for single texts); bge-m3/XLM-R takes ids and mask only.
  const inputs = {
    inputIds: "input_ids",
    attentionMask: "attention_mask",
    tokenTypeIds: session.inputNames.includes("token_type_ids") ? "token_type_ids" : null,
  };
  if (existsSync(join(dir, COLBERT_LINEAR))) {
    // dim: the head's output size, known once colbert_linear.pt is read (src/encode/onnx-backend.ts).
    return { ...hiddenStateColbertConfig(name, revision, onnxFile, hidden, null, COLBERT_LINEAR), inputs };
  }
  const st = readSentenceTransformers(dir);
  if (st) {
    const maxLength = st.maxSeqLength ?? 512;
    return {
      type: "dense",
      onnxFile,
      inputs,
      output: hidden,
      outputLayout: "tokens",
      normalized: st.normalize,
      pooling: st.pooling,
      dim,
      queryMaxLength: maxLength,
      maxLength,
      queryPrefix: "",
      documentPrefix: "",
      name,
      revision,
      colbertHead: null,
      origin: `detected sentence-transformers export (modules.json: ${st.pooling} pooling${st.normalize ? " + Normalize" : ""})`,
    };
  }
  throw inputError(
    `model: ${dir}: ${onnxFile} outputs only the encoder's hidden state (${hidden}) and the directory has no ColBERT head (${COLBERT_LINEAR}) and no modules.json: ` +
      "it is a plain language model, not a reranker. Fine-tune a ColBERT from it with `bench train --model DIR …` (the trained directory scores as is), " +
      `or put the ${COLBERT_LINEAR} of a trained model beside it; see docs/model-format.md`,
  );
}
