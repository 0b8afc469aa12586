/**
 * Tiny random-weight model directories in the layouts the hub publishes (issue 10, "The layouts, as
 * published"; file names exact): BAAI/bge-m3 (XLM-R, pytorch_model.bin without prefix + pooler, colbert_linear.pt,
 * sparse_linear.pt, no bench_model.json) and hfl/chinese-roberta-wwm-ext (BertForMaskedLM, model.safetensors and
 * pytorch_model.bin with the bert. prefix, pooler, MLM and NSP heads, vocab.txt, added_tokens.json). The weights
 * are written by scripts/trainer/tests/published_layouts.py (torch.save and the trainer's safetensors writer);
 * the tokenizer files here.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TINY_UNIGRAM_PIECES, unigramTokenizerJson } from "../../scripts/lib/onnx-builder.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BUILDER = join(repoRoot, "scripts/trainer/tests/published_layouts.py");
/** Debian's Python with torch 1.13 (pyenv's python3 on PATH has none). */
const TORCH_PYTHON = "/usr/bin/python3";

/** Options of the layout writers. */
export interface LayoutOptions {
  seed?: number;
  /** An encoder key (HF name without prefix) to leave out of the weights, to test the missing-key error. */
  drop?: string;
}

/** Options of writeChineseRobertaLayout. */
export interface RobertaLayoutOptions extends LayoutOptions {
  /** false: no tokenizer.json, only vocab.txt + tokenizer_config.json (an older BERT repo). Default true. */
  tokenizerJson?: boolean;
}

function writeJson(path: string, o: unknown): void {
  writeFileSync(path, `${JSON.stringify(o, null, 2)}\n`);
}

function weights(layout: "bge-m3" | "chinese-roberta", dir: string, opts: LayoutOptions, extra: string[] = []): void {
  const args = [BUILDER, layout, dir, "--seed", String(opts.seed ?? 0), ...extra, ...(opts.drop ? ["--drop", opts.drop] : [])];
  const r = spawnSync(TORCH_PYTHON, args, { encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  if (r.status !== 0) throw new Error(`published_layouts.py ${layout} failed (${r.status}):\n${r.stderr}`);
}

/** Writes a tiny BAAI/bge-m3-layout directory (XLM-R, Unigram tokenizer, ColBERT head of `colbertDim`) into `dir`. */
export function writeBgeM3Layout(dir: string, opts: LayoutOptions & { colbertDim?: number } = {}): string {
  mkdirSync(dir, { recursive: true });
  const tj = unigramTokenizerJson(TINY_UNIGRAM_PIECES);
  const vocab = (tj.model as { vocab: unknown[] }).vocab.length;
  writeJson(join(dir, "config.json"), {
    _name_or_path: "",
    architectures: ["XLMRobertaModel"],
    attention_probs_dropout_prob: 0.1,
    bos_token_id: 0,
    classifier_dropout: null,
    eos_token_id: 2,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    hidden_size: 16,
    initializer_range: 0.02,
    intermediate_size: 32,
    layer_norm_eps: 1e-5,
    max_position_embeddings: 514,
    model_type: "xlm-roberta",
    num_attention_heads: 2,
    num_hidden_layers: 2,
    output_past: true,
    pad_token_id: 1,
    position_embedding_type: "absolute",
    torch_dtype: "float32",
    transformers_version: "4.33.0",
    type_vocab_size: 1,
    use_cache: true,
    vocab_size: vocab,
  });
  writeJson(join(dir, "tokenizer.json"), tj);
  writeJson(join(dir, "tokenizer_config.json"), {
    bos_token: "<s>",
    clean_up_tokenization_spaces: true,
    cls_token: "<s>",
    eos_token: "</s>",
    mask_token: { __type: "AddedToken", content: "<mask>", lstrip: true, normalized: true, rstrip: false, single_word: false },
    model_max_length: 8192,
    pad_token: "<pad>",
    sep_token: "</s>",
    sp_model_kwargs: {},
    tokenizer_class: "XLMRobertaTokenizer",
    unk_token: "<unk>",
  });
  writeJson(join(dir, "special_tokens_map.json"), {
    bos_token: "<s>",
    cls_token: "<s>",
    eos_token: "</s>",
    mask_token: { content: "<mask>", lstrip: true, normalized: false, rstrip: false, single_word: false },
    pad_token: "<pad>",
    sep_token: "</s>",
    unk_token: "<unk>",
  });
  weights("bge-m3", dir, opts, ["--colbert_dim", String(opts.colbertDim ?? 12)]);
  return dir;
}

/** Writes a tiny hfl/chinese-roberta-wwm-ext-layout directory (BERT, tiny-zh's 21128-token WordPiece) into `dir`. */
export function writeChineseRobertaLayout(dir: string, opts: RobertaLayoutOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  writeJson(join(dir, "config.json"), {
    architectures: ["BertForMaskedLM"],
    attention_probs_dropout_prob: 0.1,
    bos_token_id: 0,
    directionality: "bidi",
    eos_token_id: 2,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    hidden_size: 16,
    initializer_range: 0.02,
    intermediate_size: 32,
    layer_norm_eps: 1e-12,
    max_position_embeddings: 512,
    model_type: "bert",
    num_attention_heads: 2,
    num_hidden_layers: 2,
    output_past: true,
    pad_token_id: 0,
    pooler_fc_size: 768,
    pooler_num_attention_heads: 12,
    pooler_num_fc_layers: 3,
    pooler_size_per_head: 128,
    pooler_type: "first_token_transform",
    type_vocab_size: 2,
    vocab_size: 21128,
  });
  const tiny = join(repoRoot, "scripts/models/tiny-zh");
  for (const f of ["vocab.txt", ...(opts.tokenizerJson === false ? [] : ["tokenizer.json"]), "special_tokens_map.json"])
    copyFileSync(join(tiny, f), join(dir, f));
  writeJson(join(dir, "tokenizer_config.json"), { init_inputs: [], do_lower_case: false, tokenizer_class: "BertTokenizer" });
  writeJson(join(dir, "added_tokens.json"), {});
  weights("chinese-roberta", dir, opts);
  return dir;
}
