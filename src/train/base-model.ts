/**
 * `bench train --model BASE`: a local directory (config.json + tokenizer.json, with or without weights), or a
 * hub id ORG/NAME[@revision] whose HF-format files are downloaded into the HF cache with src/hub.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { BenchError, inputError } from "../errors.js";
import { parseHubId } from "../models/model-dir.js";

/** The trainer's starting point. */
export interface BaseModel {
  dir: string;
  /** What manifest.json records: the path, or ORG/NAME@commit. */
  id: string;
  /** Whether encoder weights exist; false → random init from config.json. */
  hasWeights: boolean;
}

const WEIGHTS = ["model.safetensors", "pytorch_model.bin"];

/** Checks a local base directory and reports whether it carries weights. */
export function localBase(dir: string, id = dir): BaseModel {
  const abs = resolve(dir);
  if (!statSync(abs).isDirectory()) throw inputError(`train: --model ${dir} is a file; expected a model directory with config.json`);
  if (!existsSync(join(abs, "config.json"))) throw inputError(`train: --model ${dir} has no config.json (a base model needs config.json and a Hugging Face tokenizer.json)`);
  // vocab.txt alone is enough: loadTokenizer builds what BertTokenizerFast would (src/tokenize/bert-vocab.ts)
  if (!existsSync(join(abs, "tokenizer.json")) && !existsSync(join(abs, "vocab.txt"))) {
    throw inputError(`train: --model ${dir} has no tokenizer.json (a base model needs config.json and a Hugging Face tokenizer.json, or a BERT vocab.txt)`);
  }
  return { dir: abs, id, hasWeights: WEIGHTS.some((w) => existsSync(join(abs, w))) };
}

function is404(err: unknown): boolean {
  return err instanceof BenchError && /\b404\b/.test(err.message);
}

/** Resolves BASE; hub models are fetched: config, tokenizer files, weights (safetensors, else .bin), colbert_linear.pt if any. */
export async function resolveBaseModel(spec: string, opts: { endpoint?: string; cacheDir?: string } = {}): Promise<BaseModel> {
  if (existsSync(spec)) return localBase(spec);
  const hub = parseHubId(spec);
  if (!hub) throw inputError(`train: --model ${spec} is neither a directory nor ORG/NAME[@revision]`);
  const { repoId, revision } = hub;
  const { hubDownload } = await import("../hub/download.js");
  const get = (filename: string) => hubDownload({ repoType: "model", repoId, revision, filename, ...opts });
  const optional = async (filename: string): Promise<string | null> => {
    try {
      return await get(filename);
    } catch (err) {
      if (is404(err)) return null;
      throw err;
    }
  };
  const dir = dirname(await get("config.json"));
  await get("tokenizer.json");
  for (const f of ["tokenizer_config.json", "special_tokens_map.json", "sentencepiece.bpe.model", "vocab.txt", "colbert_linear.pt"]) await optional(f);
  if ((await optional("model.safetensors")) === null && (await optional("pytorch_model.bin")) === null) {
    throw inputError(`train: hub model ${repoId}@${revision} has neither model.safetensors nor pytorch_model.bin`);
  }
  const commit = dir.split(/[\\/]/).pop() ?? revision;
  return { ...localBase(dir, `${repoId}@${/^[0-9a-f]{40}$/.test(commit) ? commit : revision}`), hasWeights: true };
}
