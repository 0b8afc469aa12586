/**
 * The trainer and `--backend torch` on checkpoints laid out as the hub publishes them (issue 10 item 3):
 * BAAI/bge-m3 (pytorch_model.bin, no prefix, pooler, colbert_linear.pt, no bench_model.json) and
 * hfl/chinese-roberta-wwm-ext (bert. prefix, MLM/NSP heads, model.safetensors + pytorch_model.bin). Unused heads
 * are logged as ignored; torch-backend scores equal the trainer's model computed directly in Python; a missing
 * encoder key is a clear error naming it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadNeuralReranker } from "../../src/models/neural-reranker.js";
import { torchContentHash } from "../../src/encode/torch-backend.js";
import { writeBgeM3Layout, writeChineseRobertaLayout } from "../helpers/published-layouts.js";
import { bench, python, repoRoot, torchSkipReason } from "../train/helpers.js";

const skip = torchSkipReason();
const work = mkdtempSync(join(tmpdir(), "bench-torch-published-"));
test.after(() => rmSync(work, { recursive: true, force: true }));

const ROWS = [
  {
    query: "北京快递怎么办",
    positive: ["北京快递怎么办的回答是这样", "快递到了北京"],
    negative: ["我想看天气的回答", "学生在学习", "天气很好"],
  },
  { query: "学生在学习", positive: ["学生在学习数学"], negative: ["北京快递", "我想看天气的回答", "今天上海下雨了"] },
  { query: "今天天气", positive: ["今天天气很好", "天气预报说今天下雨"], negative: ["学生在学习", "北京快递怎么办的回答是这样"] },
  { query: "你说什么", positive: ["他说了什么话"], negative: ["天气很好", "北京快递"] },
];
writeFileSync(join(work, "data.jsonl"), `${ROWS.map((r) => JSON.stringify(r)).join("\n")}\n`);
const TRAIN = [
  "--data",
  "data.jsonl",
  "--max_steps",
  "2",
  "--per_device_train_batch_size",
  "2",
  "--train_group_size",
  "2",
  "--query_max_length",
  "16",
  "--max_length",
  "32",
  "--threads",
  "1",
  "--seed",
  "3",
];
const BGE_IGNORED =
  /model: .*pytorch_model\.bin: ignored 2 weights of heads ColBERT does not use: pooler\.dense\.bias, pooler\.dense\.weight\n/;

test("bench train from a BAAI/bge-m3-layout directory: pytorch_model.bin + colbert_linear.pt load, the pooler is logged as ignored", (t) => {
  if (skip) return t.skip(skip);
  writeBgeM3Layout(join(work, "bge-m3"), { colbertDim: 12 });
  const r = bench(work, ["train", "--model", "bge-m3", "--out", "from-bge", ...TRAIN]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, BGE_IGNORED);
  const m = JSON.parse(readFileSync(join(work, "from-bge/manifest.json"), "utf8")) as Record<string, string>;
  assert.match(m.base_model_weights, /bge-m3\/pytorch_model\.bin$/);
  assert.match(m.colbert_linear, /bge-m3\/colbert_linear\.pt$/);
});

test("bench train from an hfl/chinese-roberta-wwm-ext-layout directory: safetensors preferred, MLM/NSP heads and pooler ignored, a new head", (t) => {
  if (skip) return t.skip(skip);
  writeChineseRobertaLayout(join(work, "roberta"));
  const r = bench(work, ["train", "--model", "roberta", "--out", "from-roberta", ...TRAIN]);
  assert.equal(r.code, 0, r.stderr);
  const line = /model: (.*): ignored (\d+) weights of heads ColBERT does not use: (.*)\n/.exec(r.stderr);
  assert.ok(line, r.stderr);
  assert.match(line[1], /roberta\/model\.safetensors$/);
  const keys = line[3].split(", ");
  assert.equal(keys.length, Number(line[2]));
  assert.deepEqual(keys, [
    "cls.predictions.bias",
    "cls.predictions.decoder.weight",
    "cls.predictions.transform.LayerNorm.bias",
    "cls.predictions.transform.LayerNorm.weight",
    "cls.predictions.transform.dense.bias",
    "cls.predictions.transform.dense.weight",
    "cls.seq_relationship.bias",
    "cls.seq_relationship.weight",
    "pooler.dense.bias",
    "pooler.dense.weight",
  ]);
  const m = JSON.parse(readFileSync(join(work, "from-roberta/manifest.json"), "utf8")) as Record<string, string>;
  assert.equal(m.colbert_linear, "xavier-uniform init");
});

test("a vocab.txt-only base (no tokenizer.json): bench train tokenizes as with tokenizer.json; bench eval runs on the result", (t) => {
  if (skip) return t.skip(skip);
  writeChineseRobertaLayout(join(work, "roberta-vocab"), { tokenizerJson: false });
  const r = bench(work, ["train", "--model", "roberta-vocab", "--out", "from-vocab", ...TRAIN]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /tokenized with \S*roberta-vocab\/vocab\.txt/);
  if (!existsSync(join(work, "from-roberta"))) {
    writeChineseRobertaLayout(join(work, "roberta"));
    assert.equal(bench(work, ["train", "--model", "roberta", "--out", "from-roberta", ...TRAIN]).code, 0);
  }
  // the same token ids as the tokenizer.json directory (tiny-zh's: do_lower_case false both ways)
  const npy = readdirSync(join(work, "from-vocab/train-data")).filter((f) => f.endsWith(".npy"));
  assert.ok(npy.length >= 4, npy.join(" "));
  for (const f of npy)
    assert.ok(
      readFileSync(join(work, "from-vocab/train-data", f)).equals(readFileSync(join(work, "from-roberta/train-data", f))),
      `${f} differs`,
    );
  assert.ok(existsSync(join(work, "from-vocab/vocab.txt")) && !existsSync(join(work, "from-vocab/tokenizer.json")));
  const ev = bench(work, ["eval", "--data", "data.jsonl", "--model", "from-vocab", "--output", "r-vocab", "--no-cache"]);
  assert.equal(ev.code, 0, ev.stderr);
});

test("bench eval --backend torch on a bge-m3-layout directory: scores = the trainer's model in Python (≤ 1e-6)", async (t) => {
  if (skip) return t.skip(skip);
  const dir = writeBgeM3Layout(join(work, "bge-eval"), { colbertDim: 12, seed: 4 });
  const cli = bench(work, [
    "eval",
    "--data",
    "data.jsonl",
    "--model",
    "bge-eval",
    "--output",
    "r",
    "--no-cache",
    "--backend",
    "torch",
    "--device",
    "cpu",
  ]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(
    cli.stderr,
    /eval: torch worker: model: pytorch_model\.bin: ignored 2 weights of heads ColBERT does not use: pooler\.dense\.bias, pooler\.dense\.weight/,
  );

  const model = await loadNeuralReranker(dir, { backend: "torch", device: "cpu", cache: false, progress: false, threads: 1, batchSize: 3 });
  const requests = ROWS.map((r, row) => ({ row, query: r.query, docs: [...r.positive, ...r.negative] }));
  let got: number[];
  let pairs: number[][][];
  try {
    got = (await model.score(requests)).flat();
    const { queryMaxLength, maxLength } = model.config;
    pairs = requests.flatMap((r) =>
      r.docs.map((d) => [model.tokenizer.encode(r.query, queryMaxLength), model.tokenizer.encode(d, maxLength)]),
    );
  } finally {
    await model.close();
  }
  writeFileSync(join(work, "pairs.json"), JSON.stringify({ pairs }));
  python([
    join(repoRoot, "scripts/trainer/score_pairs.py"),
    "--model_dir",
    dir,
    "--pairs",
    join(work, "pairs.json"),
    "--out",
    join(work, "ref.json"),
  ]);
  const ref = (JSON.parse(readFileSync(join(work, "ref.json"), "utf8")) as { scores: number[] }).scores;
  assert.equal(got.length, ref.length);
  const maxDiff = Math.max(...got.map((s, i) => Math.abs(s - ref[i])));
  t.diagnostic(`${got.length} scores, max |torch backend − Python reference| = ${maxDiff.toExponential(2)}`);
  assert.ok(maxDiff <= 1e-6, `max diff ${maxDiff}`);
  assert.ok(new Set(got.map((s) => s.toFixed(6))).size > got.length / 2, "scores are (nearly) constant: the weights did not load");
});

test("a missing encoder key is an error naming it (train and eval --backend torch)", (t) => {
  if (skip) return t.skip(skip);
  const key = "encoder.layer.1.attention.self.key.weight";
  writeBgeM3Layout(join(work, "bge-broken"), { drop: key });
  const tr = bench(work, ["train", "--model", "bge-broken", "--out", "broken", ...TRAIN]);
  assert.equal(tr.code, 3, tr.stderr);
  assert.match(
    tr.stderr,
    new RegExp(`bge-broken/pytorch_model\\.bin: weights do not match the xlm-roberta config: missing \\['${key}'\\]; unexpected none`),
  );
  assert.doesNotMatch(tr.stderr, /Traceback/);
  const ev = bench(work, ["eval", "--data", "data.jsonl", "--model", "bge-broken", "--no-cache", "--backend", "torch", "--device", "cpu"]);
  assert.equal(ev.code, 3, ev.stderr);
  assert.match(ev.stderr, new RegExp(`missing \\['${key}'\\]`));
});

test("torchContentHash on bge-m3's layout: pytorch_model.bin and colbert_linear.pt count, sparse_linear.pt does not; a vocab.txt-only tokenizer counts", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bench-torch-hash-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of ["config.json", "pytorch_model.bin", "colbert_linear.pt", "sparse_linear.pt", "tokenizer.json"])
    writeFileSync(join(dir, f), `${f} v1`);
  const h0 = await torchContentHash(dir, null);
  writeFileSync(join(dir, "sparse_linear.pt"), "v2");
  assert.equal(await torchContentHash(dir, null), h0);
  writeFileSync(join(dir, "pytorch_model.bin"), "v2");
  const h1 = await torchContentHash(dir, null);
  assert.notEqual(h1, h0);
  writeFileSync(join(dir, "model.safetensors"), "st"); // preferred over the .bin when both exist
  const h2 = await torchContentHash(dir, null);
  assert.notEqual(h2, h1);
  writeFileSync(join(dir, "pytorch_model.bin"), "v3");
  assert.equal(await torchContentHash(dir, null), h2);
  rmSync(join(dir, "tokenizer.json"));
  writeFileSync(join(dir, "vocab.txt"), "[PAD]\n");
  const h3 = await torchContentHash(dir, null);
  writeFileSync(join(dir, "vocab.txt"), "[PAD]\n[UNK]\n");
  assert.notEqual(await torchContentHash(dir, null), h3);
});
