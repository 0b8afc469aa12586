/**
 * `bench train` end to end on CPU with Debian's torch: split the embedded sample, train the tiny random-init
 * model (scripts/models/tiny-zh) a few dozen steps, and check that the loss falls, MAP on the training queries
 * rises (bench's evaluator + ONNX reranker on the exported model), the ONNX export scores like PyTorch, and a
 * run SIGKILLed after a checkpoint and resumed ends with bit-identical weights.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { loadDatasetFile } from "../../src/data/load.js";
import { evaluateReranking } from "../../src/metrics/evaluate.js";
import { loadNeuralReranker } from "../../src/models/neural-reranker.js";
import { assertSameBytes, bench, benchUntil, python, repoRoot, scratchDir, tinyZh, torchSkipReason } from "./helpers.js";

// Small enough for ~30 s on 2 cores; lr/normalisation chosen so a random-init model learns within 30 steps.
const TRAIN_ARGS = [
  "--model",
  tinyZh,
  "--data",
  "split/train.jsonl",
  "--learning_rate",
  "1e-3",
  "--head-lr-multiplier",
  "1",
  "--divide_by_query_length",
  "true",
  "--per_device_train_batch_size",
  "8",
  "--train_group_size",
  "4",
  "--max_steps",
  "30",
  "--warmup_ratio",
  "0.1",
  "--query_max_length",
  "32",
  "--max_length",
  "64",
  "--padding",
  "longest",
  "--logging_steps",
  "5",
  "--save_steps",
  "10",
  "--threads",
  "1",
  "--seed",
  "7",
];

async function mapOf(modelDir: string, dataFile: string): Promise<number> {
  const ds = await loadDatasetFile(dataFile);
  const model = await loadNeuralReranker(modelDir, { cache: false, progress: false, threads: 1 });
  try {
    return (await evaluateReranking(ds.rows, model)).scores.map;
  } finally {
    await model.close();
  }
}

test("bench train: loss falls, training MAP rises, ONNX = PyTorch, SIGKILL + --resume is bit-identical", async (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-train-");
  const split = bench(dir, ["split", "--task", "ZhSampleReranking", "--out", "split"]);
  assert.equal(split.code, 0, split.stderr);

  // The model before training: zero epochs = the seeded random init, exported as is.
  const init = bench(dir, [
    "train",
    ...TRAIN_ARGS.filter((_, i, a) => a[i] !== "--max_steps" && a[i - 1] !== "--max_steps"),
    "--num_train_epochs",
    "0",
    "--out",
    "init",
  ]);
  assert.equal(init.code, 0, init.stderr);

  const a = bench(dir, ["train", ...TRAIN_ARGS, "--out", "A"]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stderr, /random init/);
  for (const f of [
    "config.json",
    "model.safetensors",
    "colbert_linear.pt",
    "tokenizer.json",
    "model.onnx",
    "bench_model.json",
    "train_log.jsonl",
    "manifest.json",
  ]) {
    assert.ok(existsSync(join(dir, "A", f)), `A/${f} missing`);
  }
  const log = readFileSync(join(dir, "A", "train_log.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, number>);
  assert.deepEqual(
    log.map((r) => r.step),
    [5, 10, 15, 20, 25, 30],
  );
  for (const r of log) for (const k of ["loss", "learning_rate", "grad_norm", "samples_per_second"]) assert.equal(typeof r[k], "number", k);
  assert.ok(log[log.length - 1].loss < log[0].loss * 0.6, `loss did not fall: ${log.map((r) => r.loss.toFixed(3)).join(" ")}`);
  const manifest = JSON.parse(readFileSync(join(dir, "A", "manifest.json"), "utf8")) as Record<string, unknown>;
  const trainBytes = readFileSync(join(dir, "split", "train.jsonl"));
  const { createHash } = await import("node:crypto");
  assert.equal(manifest.data_sha256, createHash("sha256").update(trainBytes).digest("hex"));
  assert.equal((manifest.hyperparameters as Record<string, unknown>).learning_rate, 0.001);

  const trainFile = join(dir, "split", "train.jsonl");
  const before = await mapOf(join(dir, "init"), trainFile);
  const after = await mapOf(join(dir, "A"), trainFile);
  t.diagnostic(
    `training-query MAP before ${before.toFixed(4)} → after ${after.toFixed(4)}; loss ${log[0].loss.toFixed(3)} → ${log[log.length - 1].loss.toFixed(3)}`,
  );
  assert.ok(after > before + 0.1, `MAP did not rise: ${before} → ${after}`);

  await t.test("export parity: ONNX through bench's reranker = PyTorch, max |diff| ≤ 1e-4", async () => {
    const ds = await loadDatasetFile(trainFile);
    const requests = ds.rows.slice(0, 6).map((r, row) => ({ row, query: String(r.query), docs: [...r.positive, ...r.negative] }));
    const model = await loadNeuralReranker(join(dir, "A"), { cache: false, progress: false, threads: 1 });
    const onnx = await model.score(requests);
    const tok = model.tokenizer;
    await model.close();
    const cfg = JSON.parse(readFileSync(join(dir, "A", "bench_model.json"), "utf8")) as { query_max_length: number; max_length: number };
    const pairs = requests.flatMap((r) => r.docs.map((d) => [tok.encode(r.query, cfg.query_max_length), tok.encode(d, cfg.max_length)]));
    writeFileSync(join(dir, "pairs.json"), JSON.stringify({ pairs }));
    python([
      join(repoRoot, "scripts/trainer/score_pairs.py"),
      "--model_dir",
      join(dir, "A"),
      "--pairs",
      join(dir, "pairs.json"),
      "--out",
      join(dir, "torch.json"),
    ]);
    const torchScores = (JSON.parse(readFileSync(join(dir, "torch.json"), "utf8")) as { scores: number[] }).scores;
    const flat = onnx.flat();
    assert.equal(flat.length, torchScores.length);
    const diff = Math.max(...flat.map((s, i) => Math.abs(s - torchScores[i])));
    t.diagnostic(`parity over ${flat.length} pairs: max |onnx - torch| = ${diff.toExponential(2)}`);
    assert.ok(diff <= 1e-4, `max abs diff ${diff}`);
  });

  await t.test("SIGKILL after a checkpoint, then --resume: same weights as the uninterrupted run", async () => {
    const { code, signal, stderr } = await benchUntil(dir, ["train", ...TRAIN_ARGS, "--out", "B"], /checkpoint at step 10/, (child) =>
      process.kill(-child.pid!, "SIGKILL"),
    );
    assert.equal(signal, "SIGKILL", `the run ended on its own (code ${code}):\n${stderr}`);
    assert.ok(!existsSync(join(dir, "B", "model.onnx")), "the killed run must not have finished");
    const r = bench(dir, ["train", "--out", "B", "--resume"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /resuming at step 10 of 30/);
    assertSameBytes(join(dir, "A"), join(dir, "B"), ["model.safetensors", "colbert_linear.pt"], "differs after resume");
    const logB = readFileSync(join(dir, "B", "train_log.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { step: number; loss: number });
    assert.deepEqual(
      logB.map((x) => x.step),
      log.map((x) => x.step),
    );
  });

  await t.test("Ctrl-C (SIGINT to bench): the trainer checkpoints and exits 130; --resume ends identical", async () => {
    // SIGINT to bench only, as a terminal's Ctrl-C reaches it; bench forwards it to the trainer
    const { code, stderr } = await benchUntil(dir, ["train", ...TRAIN_ARGS, "--out", "C"], /train \[.*\] 5\/30/, (child) =>
      child.kill("SIGINT"),
    );
    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping after the current step/);
    const stopped = /interrupted at step (\d+); the checkpoint is saved, continue with --resume/.exec(stderr);
    assert.ok(stopped, stderr);
    const r = bench(dir, ["train", "--out", "C", "--resume"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`resuming at step ${stopped[1]} of 30`));
    assertSameBytes(join(dir, "A"), join(dir, "C"), ["model.safetensors"], "differs after resume");
  });
});
