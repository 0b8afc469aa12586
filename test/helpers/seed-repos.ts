/**
 * Repositories laid out exactly as the hub publishes the seed's models (issue 10, "The layouts, as published"),
 * with tiny random weights written at test time: `writeBgeM3Repo` → BAAI/bge-m3 (root: config.json
 * XLMRobertaModel, pytorch_model.bin via torch.save with keys without prefix + pooler, colbert_linear.pt,
 * sparse_linear.pt, tokenizer files, modules.json, config_sentence_transformers.json, sentence_bert_config.json,
 * 1_Pooling/config.json; onnx/: model.onnx with one output last_hidden_state, its weights as external data in
 * model.onnx_data and one Constant node's value in its own file Constant_7_attr__value, config.json and the
 * tokenizer files). The weights come from torch (./seed_repos.py); the external-data layout is written here
 * with onnx-proto. A few seconds on 2 cores.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import onnxProto from "onnx-proto";
import { xlmRobertaConfig } from "../../scripts/lib/hf-configs.js";
import { unigramTokenizerJson } from "../../scripts/lib/onnx-builder.js";
import { TORCH_PYTHON } from "./torch-model.js";

const { onnx } = onnxProto;
const here = dirname(fileURLToPath(import.meta.url));

/** Sizes of the tiny encoder (XLM-R architecture). */
export interface SeedRepoSpec {
  hidden?: number;
  layers?: number;
  heads?: number;
  ffn?: number;
  colbertDim?: number;
  seed?: number;
  /** Unigram pieces of the tokenizer (default: one piece per distinct character of `texts`). */
  texts?: readonly string[];
}

/** The commit BAAI/bge-m3 is pinned at in the issue and mteb (for fake-hub tests). */
export const BGE_M3_COMMIT = "5617a9f61b028005a4858fdac845db406aefb181";

/** A Unigram (XLM-R-style: <s>=0, <pad>=1, </s>=2, <unk>=3) tokenizer.json covering every character of `texts`. */
export function xlmrTokenizerJson(texts: readonly string[]): Record<string, unknown> {
  const chars = [...new Set(texts.flatMap((t) => [...t]))].filter((c) => c.trim() !== "").sort();
  return unigramTokenizerJson([["▁", -3], ...chars.map((c, i): [string, number] => [c, -5 - i / 1000])]);
}

function python(args: string[]): string {
  const r = spawnSync(TORCH_PYTHON, [join(here, "seed_repos.py"), ...args], {
    encoding: "utf8",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (r.status !== 0) throw new Error(`seed_repos.py ${args[0]} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/**
 * Rewrites `graphPath` (weights embedded) as bge-m3's onnx/ holds it: one initializer turned into a Constant
 * node "Constant_7" whose value lives in `Constant_7_attr__value`, every other initializer in `model.onnx_data`.
 */
function externalize(graphPath: string): void {
  const m = onnx.ModelProto.decode(readFileSync(graphPath));
  const g = m.graph as InstanceType<typeof onnx.GraphProto>;
  const folder = dirname(graphPath);
  const inits = g.initializer as InstanceType<typeof onnx.TensorProto>[];
  const raw = (t: InstanceType<typeof onnx.TensorProto>): Uint8Array => {
    if (t.rawData && t.rawData.length > 0) return t.rawData;
    if (t.floatData && t.floatData.length > 0) return new Uint8Array(Float32Array.from(t.floatData).buffer);
    throw new Error(`initializer ${t.name} has no raw or float data`);
  };
  const external = (t: InstanceType<typeof onnx.TensorProto>, location: string, offset: number, length: number): void => {
    t.rawData = new Uint8Array(0);
    t.floatData = [];
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [
      onnx.StringStringEntryProto.create({ key: "location", value: location }),
      onnx.StringStringEntryProto.create({ key: "offset", value: String(offset) }),
      onnx.StringStringEntryProto.create({ key: "length", value: String(length) }),
    ];
  };
  // The position-embedding table becomes the Constant (bge-m3's is a 65.6 kB constant; any tensor shows the layout).
  const ci = Math.max(
    0,
    inits.findIndex((t) => /position_embeddings/.test(t.name)),
  );
  const [constant] = inits.splice(ci, 1);
  const cbytes = raw(constant);
  writeFileSync(join(folder, "Constant_7_attr__value"), cbytes);
  const value = onnx.TensorProto.create({ dims: constant.dims, dataType: constant.dataType, name: "Constant_7_attr__value" });
  external(value, "Constant_7_attr__value", 0, cbytes.length);
  const node = onnx.NodeProto.create({
    name: "Constant_7",
    opType: "Constant",
    output: [constant.name],
    attribute: [onnx.AttributeProto.create({ name: "value", type: onnx.AttributeProto.AttributeType.TENSOR, t: value })],
  });
  g.node = [node, ...(g.node as InstanceType<typeof onnx.NodeProto>[])];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const t of inits) {
    const b = raw(t);
    const pad = (64 - (offset % 64)) % 64; // onnx's external-data writer aligns tensors; so do we
    if (pad) parts.push(new Uint8Array(pad));
    offset += pad;
    parts.push(b);
    external(t, "model.onnx_data", offset, b.length);
    offset += b.length;
  }
  g.initializer = inits;
  writeFileSync(join(folder, "model.onnx_data"), Buffer.concat(parts));
  writeFileSync(graphPath, onnx.ModelProto.encode(m).finish());
}

/** Writes a BAAI/bge-m3-layout repository into `out`; returns `out`. */
export function writeBgeM3Repo(out: string, spec: SeedRepoSpec = {}): string {
  const hidden = spec.hidden ?? 32;
  const tj = xlmrTokenizerJson(spec.texts ?? ["快递怎么办北京天安门学生会好看的我不知道"]);
  const vocab = (tj.model as { vocab: unknown[] }).vocab.length;
  const config = {
    architectures: ["XLMRobertaModel"],
    ...xlmRobertaConfig({ vocab, hidden, layers: spec.layers ?? 2, heads: spec.heads ?? 4, ffn: spec.ffn ?? 64, maxPositions: 514 }),
    position_embedding_type: "absolute",
    torch_dtype: "float32",
  };
  mkdirSync(join(out, "1_Pooling"), { recursive: true });
  const json = (rel: string, v: unknown): void => writeFileSync(join(out, rel), `${JSON.stringify(v, null, 2)}\n`);
  json("config.json", config);
  python([
    "build",
    "--config",
    join(out, "config.json"),
    "--out",
    out,
    "--colbert_dim",
    String(spec.colbertDim ?? 24),
    "--seed",
    String(spec.seed ?? 7),
  ]);
  externalize(join(out, "onnx", "model.onnx"));
  const tokConfig = {
    model_max_length: 8192,
    tokenizer_class: "XLMRobertaTokenizer",
    bos_token: "<s>",
    eos_token: "</s>",
    unk_token: "<unk>",
    sep_token: "</s>",
    pad_token: "<pad>",
    cls_token: "<s>",
    mask_token: "<mask>",
  };
  const special = {
    bos_token: "<s>",
    eos_token: "</s>",
    unk_token: "<unk>",
    sep_token: "</s>",
    pad_token: "<pad>",
    cls_token: "<s>",
    mask_token: "<mask>",
  };
  for (const d of ["", "onnx"]) {
    json(join(d, "tokenizer.json"), tj);
    json(join(d, "tokenizer_config.json"), tokConfig);
    json(join(d, "special_tokens_map.json"), special);
    // bench never reads the sentencepiece model (tokenizer.json is the source of truth); the file is there because the repo has it.
    writeFileSync(join(out, d, "sentencepiece.bpe.model"), "placeholder: not a sentencepiece model\n");
  }
  json("onnx/config.json", config);
  json("modules.json", [
    { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
    { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
    { idx: 2, name: "2", path: "2_Normalize", type: "sentence_transformers.models.Normalize" },
  ]);
  json("1_Pooling/config.json", {
    word_embedding_dimension: hidden,
    pooling_mode_cls_token: true,
    pooling_mode_mean_tokens: false,
    pooling_mode_max_tokens: false,
    pooling_mode_mean_sqrt_len_tokens: false,
  });
  json("config_sentence_transformers.json", {
    __version__: { sentence_transformers: "2.2.2", transformers: "4.33.0", pytorch: "2.1.2+cu121" },
  });
  json("sentence_bert_config.json", { max_seq_length: 8192, do_lower_case: false });
  writeFileSync(join(out, "README.md"), "---\nlicense: mit\n---\ntiny random-weight stand-in for BAAI/bge-m3 (tests)\n");
  return resolve(out);
}

/** bge-m3 ColBERT scores (mode "dense-cls": CLS cosine) of `pairs` computed by torch from the repo's pytorch_model.bin + colbert_linear.pt (./seed_repos.py). */
export function referenceScores(
  repo: string,
  ids: { queries: number[][]; docs: number[][]; pairs: [number, number][]; mode?: "dense-cls" },
  work: string,
): number[] {
  const file = join(work, `ids-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(ids));
  return JSON.parse(python(["reference", "--model", repo, "--ids", file])) as number[];
}
