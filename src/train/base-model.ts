/**
 * `bench train --model BASE`: a local directory (config.json + tokenizer.json, with or without weights), or a
 * hub id ORG/NAME[@revision] whose HF-format files are downloaded into the HF cache with src/hub.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { inputError } from "../errors.js";
import { TORCH_WEIGHT_FILES } from "../hub/model-files.js";
import { parseHubId, resolveModelDir } from "../hub/resolve-model-dir.js";

/** The trainer's starting point. */
export interface BaseModel {
  dir: string;
  /** What manifest.json records: the path, or ORG/NAME@commit. */
  id: string;
  /** Whether encoder weights exist; false → random init from config.json. */
  hasWeights: boolean;
}

/** Checks a local base directory and reports whether it carries weights. */
export function localBase(dir: string, id = dir): BaseModel {
  const abs = resolve(dir);
  if (!statSync(abs).isDirectory()) throw inputError(`train: --model ${dir} is a file; expected a model directory with config.json`);
  if (!existsSync(join(abs, "config.json")))
    throw inputError(`train: --model ${dir} has no config.json (a base model needs config.json and a Hugging Face tokenizer.json)`);
  // vocab.txt alone is enough: loadTokenizer builds what BertTokenizerFast would (src/tokenize/bert-vocab.ts)
  if (!existsSync(join(abs, "tokenizer.json")) && !existsSync(join(abs, "vocab.txt"))) {
    throw inputError(
      `train: --model ${dir} has no tokenizer.json (a base model needs config.json and a Hugging Face tokenizer.json, or a BERT vocab.txt)`,
    );
  }
  return { dir: abs, id, hasWeights: TORCH_WEIGHT_FILES.some((w) => existsSync(join(abs, w))) };
}

/**
 * Resolves BASE; a hub id goes through the same listing-based resolver as `bench eval --backend torch`
 * (resolveModelDir, purpose "torch": config, model.safetensors else pytorch_model.bin, colbert_linear.pt, tokenizer
 * files; never tf/flax weights), and the manifest records ORG/NAME@<commit>.
 */
export async function resolveBaseModel(spec: string, opts: { endpoint?: string; cacheDir?: string } = {}): Promise<BaseModel> {
  if (existsSync(spec)) return localBase(spec);
  const hub = parseHubId(spec);
  if (!hub) throw inputError(`train: --model ${spec} is neither a directory nor ORG/NAME[@revision]`);
  const r = await resolveModelDir(spec, { ...opts, purpose: "torch" });
  return { ...localBase(r.dir, `${hub.repoId}@${r.revision ?? hub.revision}`), hasWeights: true };
}
