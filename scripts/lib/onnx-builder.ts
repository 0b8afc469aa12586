/**
 * Model directories without Python, for tests and benchmarks: random-weight transformer-ish ONNX graphs built
 * with onnx-proto (embedding + position/type embeddings + LayerNorm + self-attention/GELU-MLP layers, post-LN like
 * BERT/XLM-R) and tiny tokenizer.json files in the BERT WordPiece and XLM-R Unigram layouts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** Output heads the generated graph can carry. */
export type Head = "bge-m3" | "tokens" | "logits";

/** Shape and weights of a generated encoder. */
export interface EncoderSpec {
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  ffn: number;
  maxPositions: number;
  /** Adds a token_type_ids input (BERT) when true. */
  tokenTypes: boolean;
  head: Head;
  /** ColBERT projection size for head "bge-m3". */
  colbertDim?: number;
  seed: number;
  /** Uniform weight range ±scale. */
  scale?: number;
  /** Zero LayerNorm and projection biases, so token vectors point in unrelated directions (negative dots occur). */
  zeroBias?: boolean;
}

/** mulberry32: a small deterministic PRNG so generated models are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Graph {
  zeroBias = false;
  nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  inits: InstanceType<typeof onnx.TensorProto>[] = [];
  private n = 0;
  constructor(
    private readonly rand: () => number,
    private readonly scale: number,
  ) {}

  name(p: string): string {
    return `${p}_${this.n++}`;
  }
  floats(dims: number[], fill: (i: number) => number, p = "w"): string {
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = fill(i);
    const name = this.name(p);
    this.inits.push(
      onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) }),
    );
    return name;
  }
  random(dims: number[], p = "w"): string {
    return this.floats(dims, () => (this.rand() * 2 - 1) * this.scale, p);
  }
  consts(dims: number[], value: number): string {
    return this.floats(dims, () => value, "c");
  }
  ints(values: number[], scalar = false): string {
    const name = this.name("i");
    this.inits.push(
      onnx.TensorProto.create({ name, dims: scalar ? [] : [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values }),
    );
    return name;
  }
  op(type: string, inputs: string[], attrs: Record<string, number | number[]> = {}): string {
    const out = this.name(type.toLowerCase());
    const attribute = Object.entries(attrs).map(([name, v]) =>
      Array.isArray(v)
        ? onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v })
        : Number.isInteger(v) && name !== "epsilon" && name !== "alpha"
          ? onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: v })
          : onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v }),
    );
    this.nodes.push(onnx.NodeProto.create({ opType: type, input: inputs, output: [out], attribute }));
    return out;
  }
  rename(from: string, to: string): void {
    this.nodes.push(onnx.NodeProto.create({ opType: "Identity", input: [from], output: [to] }));
  }
}

function bias(g: Graph, n: number, p: string): string {
  return g.zeroBias ? g.consts([n], 0) : g.random([n], p);
}

function layerNorm(g: Graph, x: string, hidden: number): string {
  return g.op("LayerNormalization", [x, g.consts([hidden], 1), bias(g, hidden, "ln_b")], { axis: -1, epsilon: 1e-12 });
}

function linear(g: Graph, x: string, nIn: number, nOut: number): string {
  return g.op("Add", [g.op("MatMul", [x, g.random([nIn, nOut])]), bias(g, nOut, "b")]);
}

function l2normalize(g: Graph, x: string): string {
  // F.normalize(x, dim=-1, eps=1e-12): x / max(||x||, eps), so zero rows stay zero.
  const norm = g.op("ReduceL2", [x], { axes: [-1], keepdims: 1 });
  return g.op("Div", [x, g.op("Max", [norm, g.consts([], 1e-12)])]);
}

/** Builds the encoder graph and returns the serialized model bytes. */
export function buildEncoderOnnx(spec: EncoderSpec): Uint8Array {
  const g = new Graph(rng(spec.seed), spec.scale ?? 0.5);
  g.zeroBias = spec.zeroBias ?? false;
  const { hidden: H, heads: NH } = spec;
  const dh = H / NH;
  const ids = "input_ids";
  const mask = "attention_mask";
  const seqLen = g.op("Gather", [g.op("Shape", [ids]), g.ints([1], true)], { axis: 0 });
  const positions = g.op("Range", [g.ints([0], true), seqLen, g.ints([1], true)]);
  let h = g.op("Add", [
    g.op("Gather", [g.random([spec.vocab, H], "tok_emb"), ids]),
    g.op("Gather", [g.random([spec.maxPositions, H], "pos_emb"), positions]),
  ]);
  if (spec.tokenTypes) h = g.op("Add", [h, g.op("Gather", [g.random([2, H], "type_emb"), "token_type_ids"])]);
  h = layerNorm(g, h, H);
  const maskF = g.op("Cast", [mask], { to: onnx.TensorProto.DataType.FLOAT });
  // BERT's extended attention mask: (1 - mask) * -10000 on the key axis, [B, 1, 1, S].
  const bias = g.op("Unsqueeze", [g.op("Mul", [g.op("Sub", [g.consts([], 1), maskF]), g.consts([], -10000)]), g.ints([1, 2])]);
  const toHeads = (x: string): string => g.op("Transpose", [g.op("Reshape", [x, g.ints([0, 0, NH, dh])])], { perm: [0, 2, 1, 3] });
  for (let l = 0; l < spec.layers; l++) {
    const q = toHeads(linear(g, h, H, H));
    const k = g.op("Transpose", [g.op("Reshape", [linear(g, h, H, H), g.ints([0, 0, NH, dh])])], { perm: [0, 2, 3, 1] });
    const v = toHeads(linear(g, h, H, H));
    const scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), g.consts([], 1 / Math.sqrt(dh))]), bias]);
    const ctx = g.op("MatMul", [g.op("Softmax", [scores], { axis: -1 }), v]);
    const merged = g.op("Reshape", [g.op("Transpose", [ctx], { perm: [0, 2, 1, 3] }), g.ints([0, 0, H])]);
    h = layerNorm(g, g.op("Add", [h, linear(g, merged, H, H)]), H);
    const up = linear(g, h, H, spec.ffn);
    // GELU, erf form (BERT's "gelu").
    const gelu = g.op("Mul", [
      g.op("Mul", [up, g.consts([], 0.5)]),
      g.op("Add", [g.consts([], 1), g.op("Erf", [g.op("Div", [up, g.consts([], Math.SQRT2)])])]),
    ]);
    h = layerNorm(g, g.op("Add", [h, linear(g, gelu, spec.ffn, H)]), H);
  }
  const outputs: { name: string; dims: (string | number)[] }[] = [];
  const cls = g.op("Gather", [h, g.ints([0], true)], { axis: 1 });
  if (spec.head === "bge-m3") {
    const D = spec.colbertDim ?? H;
    // bge-m3: colbert_linear(h[:, 1:]) * mask[:, 1:, None], then F.normalize (docs/spec.md §4a).
    const rest = g.op("Slice", [h, g.ints([1]), g.ints([2 ** 31 - 1]), g.ints([1])]);
    const maskRest = g.op("Unsqueeze", [g.op("Slice", [maskF, g.ints([1]), g.ints([2 ** 31 - 1]), g.ints([1])]), g.ints([2])]);
    g.rename(l2normalize(g, g.op("Mul", [linear(g, rest, H, D), maskRest])), "colbert_vecs");
    g.rename(l2normalize(g, cls), "dense_vecs");
    g.rename(g.op("Relu", [g.op("Squeeze", [linear(g, h, H, 1), g.ints([2])])]), "sparse_vecs");
    outputs.push(
      { name: "dense_vecs", dims: ["batch", H] },
      { name: "sparse_vecs", dims: ["batch", "sequence"] },
      { name: "colbert_vecs", dims: ["batch", "sequence_minus_1", D] },
    );
  } else if (spec.head === "tokens") {
    g.rename(h, "last_hidden_state");
    outputs.push({ name: "last_hidden_state", dims: ["batch", "sequence", H] });
  } else {
    g.rename(linear(g, g.op("Tanh", [linear(g, cls, H, H)]), H, 1), "logits");
    outputs.push({ name: "logits", dims: ["batch", 1] });
  }
  const valueInfo = (name: string, elemType: number, dims: (string | number)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } },
    });
  const inputNames = spec.tokenTypes ? [ids, mask, "token_type_ids"] : [ids, mask];
  const graph = onnx.GraphProto.create({
    name: "bench_test_encoder",
    node: g.nodes,
    initializer: g.inits,
    input: inputNames.map((n) => valueInfo(n, onnx.TensorProto.DataType.INT64, ["batch", "sequence"])),
    output: outputs.map((o) => valueInfo(o.name, onnx.TensorProto.DataType.FLOAT, o.dims)),
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: "", version: 17 }], producerName: "bench-test", graph });
  return onnx.ModelProto.encode(model).finish();
}

const SPECIAL = (id: number, content: string) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
});

/**
 * A TemplateProcessing post-processor with two special tokens ([token, id]): single = `cls A sep`, pair as listed
 * ([piece, type_id]; "A" and "B" are the sequences, anything else a special token).
 */
function templateProcessing(cls: [string, number], sep: [string, number], pair: [string, number][]): Record<string, unknown> {
  const piece = ([id, type_id]: [string, number]) =>
    id === "A" || id === "B" ? { Sequence: { id, type_id } } : { SpecialToken: { id, type_id } };
  return {
    type: "TemplateProcessing",
    single: (
      [
        [cls[0], 0],
        ["A", 0],
        [sep[0], 0],
      ] as [string, number][]
    ).map(piece),
    pair: pair.map(piece),
    special_tokens: Object.fromEntries([cls, sep].map(([token, id]) => [token, { id: token, ids: [id], tokens: [token] }])),
  };
}

/** A BERT-layout WordPiece tokenizer.json over `vocab` (ids = positions; must contain [PAD] [UNK] [CLS] [SEP] [MASK]). */
export function wordPieceTokenizerJson(vocab: string[]): Record<string, unknown> {
  const v = Object.fromEntries(vocab.map((t, i) => [t, i]));
  const specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((t) => SPECIAL(v[t], t));
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: specials,
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: templateProcessing(
      ["[CLS]", v["[CLS]"]],
      ["[SEP]", v["[SEP]"]],
      [
        ["[CLS]", 0],
        ["A", 0],
        ["[SEP]", 0],
        ["B", 1],
        ["[SEP]", 1],
      ],
    ),
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab: v },
  };
}

/**
 * An XLM-R-layout Unigram tokenizer.json: ids 0..3 = <s> <pad> </s> <unk> (fairseq order, as bge-m3),
 * then `pieces` ([piece, log-prob]), then <mask>. Metaspace pre-tokenizer, RobertaProcessing-equivalent template.
 */
export function unigramTokenizerJson(pieces: [string, number][]): Record<string, unknown> {
  const vocab: [string, number][] = [["<s>", 0], ["<pad>", 0], ["</s>", 0], ["<unk>", 0], ...pieces, ["<mask>", 0]];
  const maskId = vocab.length - 1;
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [
      SPECIAL(0, "<s>"),
      SPECIAL(1, "<pad>"),
      SPECIAL(2, "</s>"),
      SPECIAL(3, "<unk>"),
      { ...SPECIAL(maskId, "<mask>"), lstrip: true },
    ],
    normalizer: { type: "Replace", pattern: { Regex: " {2,}" }, content: " " },
    pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    post_processor: templateProcessing(
      ["<s>", 0],
      ["</s>", 2],
      [
        ["<s>", 0],
        ["A", 0],
        ["</s>", 0],
        ["</s>", 0],
        ["B", 0],
        ["</s>", 0],
      ],
    ),
    decoder: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    model: { type: "Unigram", unk_id: 3, vocab, byte_fallback: false },
  };
}

/** Common CJK characters that test texts are made of; every one is a piece of TINY_UNIGRAM_PIECES. */
export const TEST_CHARS: readonly string[] = [
  ..."的是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感快递怎办北京安门",
];

/**
 * The tiny bge-m3-layout graph many tests load (vocab of TINY_UNIGRAM_PIECES, hidden 16, one layer): its ColBERT
 * export (head 8, output colbert_vecs), or with `"hidden-state"` bge-m3's own `onnx/` export (the last hidden state).
 */
export function tinyBgeM3Onnx(seed: number, output: "colbert" | "hidden-state" = "colbert"): Uint8Array {
  return buildEncoderOnnx({
    vocab: TINY_UNIGRAM_PIECES.length + 5,
    hidden: 16,
    layers: 1,
    heads: 2,
    ffn: 32,
    maxPositions: 300,
    tokenTypes: false,
    ...(output === "colbert" ? { head: "bge-m3", colbertDim: 8 } : { head: "tokens" }),
    seed,
  });
}

/** The pieces of the tiny test Unigram vocabulary: "▁", TEST_CHARS, a few multi-char words, ASCII. */
export const TINY_UNIGRAM_PIECES: [string, number][] = [
  ["▁", -3],
  ...TEST_CHARS.map((c, i): [string, number] => [c, -5 - i / 100]),
  ["▁快递", -2],
  ["怎么办", -2.5],
  ["▁北京", -2.2],
  ...[..."abcdefghijklmnopqrstuvwxyz0123456789"].map((c): [string, number] => [c, -8]),
];

/** Writes `model.onnx` + `tokenizer.json` (+ optional `bench_model.json`) into `dir`. */
export function writeModelDir(
  dir: string,
  model: Uint8Array,
  tokenizerJson: Record<string, unknown>,
  benchModel?: Record<string, unknown>,
): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.onnx"), model);
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(tokenizerJson));
  if (benchModel) writeFileSync(join(dir, "bench_model.json"), JSON.stringify(benchModel, null, 2));
  return dir;
}
