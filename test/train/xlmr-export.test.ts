/**
 * XLM-RoBERTa (bge-m3's architecture, pad id 1, position ids from HF create_position_ids_from_input_ids) through
 * the whole path: a random-init config + an XLM-R-layout Unigram tokenizer → `bench train` → model.onnx. The ONNX
 * graph on a right-padded batch must give PyTorch's colbert_vecs (pads zero), and bench's reranker PyTorch's scores.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openSession } from "../../src/encode/session.js";
import { loadNeuralReranker } from "../../src/models/neural-reranker.js";
import { xlmRobertaConfig } from "../../scripts/lib/hf-configs.js";
import { TINY_UNIGRAM_PIECES, unigramTokenizerJson } from "../../scripts/lib/onnx-builder.js";
import { bench, python, repoRoot, scratchDir, torchSkipReason } from "./helpers.js";

test("XLM-R: bench train exports an ONNX graph equal to PyTorch on padded batches", async (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-xlmr-");
  const base = join(dir, "base");
  mkdirSync(base);
  const tj = unigramTokenizerJson(TINY_UNIGRAM_PIECES);
  const vocab = (tj.model as { vocab: unknown[] }).vocab.length;
  writeFileSync(join(base, "tokenizer.json"), JSON.stringify(tj));
  writeFileSync(
    join(base, "config.json"),
    JSON.stringify({
      architectures: ["XLMRobertaModel"],
      ...xlmRobertaConfig({ vocab, hidden: 32, layers: 2, heads: 4, ffn: 64, maxPositions: 66 }),
    }),
  );
  const rows = ["北京快递怎么办", "我想看天气", "快递到了吗", "学生在学习"].map((q, i, all) =>
    JSON.stringify({ query: q, positive: [`${q}的回答是这样`], negative: all.filter((_, j) => j !== i).map((o) => `${o}的回答`) }),
  );
  writeFileSync(join(dir, "train.jsonl"), `${rows.join("\n")}\n`);
  const r = bench(dir, [
    "train",
    "--model",
    "base",
    "--data",
    "train.jsonl",
    "--out",
    "out",
    "--max_steps",
    "3",
    "--per_device_train_batch_size",
    "2",
    "--learning_rate",
    "1e-3",
    "--query_max_length",
    "16",
    "--max_length",
    "24",
    "--colbert_dim",
    "16",
    "--threads",
    "1",
    "--onnx_opset",
    "17",
  ]);
  assert.equal(r.code, 0, r.stderr);

  // A right-padded batch (pad id 1): positions of real tokens count from 2, pads keep 1, outputs at pads are 0.
  const batch = [
    [0, 5, 9, 7, 30, 2],
    [0, 12, 2, 1, 1, 1],
  ];
  const mask = batch.map((s) => s.map((id) => (id === 1 ? 0 : 1)));
  const torchOut = JSON.parse(
    python(
      [
        "-c",
        [
          "import sys, json, torch; sys.path.insert(0, 'scripts/trainer')",
          "from model import load_colbert",
          `m, _ = load_colbert(${JSON.stringify(join(dir, "out"))}); m.eval()`,
          `v = m.encode(torch.tensor(${JSON.stringify(batch)}), torch.tensor(${JSON.stringify(mask)}))`,
          "print(json.dumps({'dims': list(v.shape), 'data': v.flatten().tolist()}))",
        ].join("\n"),
      ],
      repoRoot,
    ),
  ) as { dims: number[]; data: number[] };
  const session = await openSession(join(dir, "out", "model.onnx"), 1);
  const feed = (m: number[][]) => ({ data: BigInt64Array.from(m.flat(), (v) => BigInt(v)), dims: [m.length, m[0].length] });
  const out = (await session.run({ input_ids: feed(batch), attention_mask: feed(mask) }, ["colbert_vecs"])).colbert_vecs;
  await session.release();
  assert.deepEqual(out.dims, [2, 5, 16]);
  assert.deepEqual(torchOut.dims, out.dims);
  const diff = Math.max(...torchOut.data.map((x, i) => Math.abs(x - out.data[i])));
  t.diagnostic(`padded batch: max |onnx - torch| = ${diff.toExponential(2)}`);
  assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
  assert.ok(
    out.data.slice(16 * 7, 16 * 10).every((x) => x === 0),
    "pad positions must be zero vectors",
  );

  const model = await loadNeuralReranker(join(dir, "out"), { cache: false, progress: false, threads: 1 });
  const requests = [{ row: 0, query: "北京快递怎么办", docs: ["北京快递怎么办的回答是这样", "我想看天气的回答"] }];
  const scores = (await model.score(requests)).flat();
  const pairs = requests[0].docs.map((d) => [model.tokenizer.encode(requests[0].query, 16), model.tokenizer.encode(d, 24)]);
  await model.close();
  writeFileSync(join(dir, "pairs.json"), JSON.stringify({ pairs }));
  python([
    join(repoRoot, "scripts/trainer/score_pairs.py"),
    "--model_dir",
    join(dir, "out"),
    "--pairs",
    join(dir, "pairs.json"),
    "--out",
    join(dir, "s.json"),
  ]);
  const ref = (JSON.parse(readFileSync(join(dir, "s.json"), "utf8")) as { scores: number[] }).scores;
  assert.ok(Math.max(...scores.map((s, i) => Math.abs(s - ref[i]))) <= 1e-4, `${scores} vs ${ref}`);
});
