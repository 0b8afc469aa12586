/**
 * Random-weight ColBERT model directories made by the trainer's own code (scripts/trainer/random_model.py:
 * HF init, Xavier head, save_model_dir, bench_model.json, optional ONNX export), for the torch-backend tests.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { xlmRobertaConfig } from "../../scripts/lib/hf-configs.js";
import { TINY_UNIGRAM_PIECES, unigramTokenizerJson } from "../../scripts/lib/onnx-builder.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Debian's Python with torch 1.13 (pyenv's python3 on PATH has none). */
export const TORCH_PYTHON = "/usr/bin/python3";

/** Options of makeTorchModel. */
export interface TorchModelSpec {
  kind: "bert" | "xlm-roberta";
  colbertDim: number;
  onnx: boolean;
  seed?: number;
  maxLength?: number;
  queryMaxLength?: number;
}

/** Writes a tiny random ColBERT into `out` (BERT with tiny-zh's WordPiece, or XLM-R with a Unigram tokenizer). */
export function makeTorchModel(out: string, spec: TorchModelSpec): string {
  const src = `${out}.src`;
  mkdirSync(src, { recursive: true });
  let tokDir = join(repoRoot, "scripts/models/tiny-zh");
  let config: Record<string, unknown>;
  if (spec.kind === "bert") {
    config = {
      model_type: "bert",
      vocab_size: 21128,
      hidden_size: 32,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      intermediate_size: 64,
      max_position_embeddings: 128,
      type_vocab_size: 2,
      pad_token_id: 0,
      hidden_act: "gelu",
      layer_norm_eps: 1e-12,
    };
  } else {
    const tj = unigramTokenizerJson(TINY_UNIGRAM_PIECES);
    tokDir = src;
    writeFileSync(join(src, "tokenizer.json"), JSON.stringify(tj));
    const vocab = (tj.model as { vocab: unknown[] }).vocab.length;
    config = xlmRobertaConfig({ vocab, hidden: 32, layers: 2, heads: 4, ffn: 64, maxPositions: 130 });
  }
  writeFileSync(join(src, "config.json"), JSON.stringify(config));
  const args = [
    join(repoRoot, "scripts/trainer/random_model.py"),
    "--config",
    join(src, "config.json"),
    "--tokenizer_dir",
    tokDir,
    "--out",
    out,
    "--colbert_dim",
    String(spec.colbertDim),
    "--seed",
    String(spec.seed ?? 0),
    "--max_length",
    String(spec.maxLength ?? 64),
    "--query_max_length",
    String(spec.queryMaxLength ?? 32),
  ];
  if (spec.onnx) args.push("--onnx");
  const r = spawnSync(TORCH_PYTHON, args, { encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  if (r.status !== 0) throw new Error(`random_model.py failed (${r.status}):\n${r.stderr}`);
  return out;
}
