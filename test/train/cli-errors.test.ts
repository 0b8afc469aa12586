/** `bench train` input errors: exit codes and messages that name the problem (no training runs here). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TrainCommandOptions, trainCommand } from "../../src/commands/train.js";
import { BenchError } from "../../src/errors.js";
import { PYTHON, bench, scratchDir, tinyZh, torchSkipReason } from "./helpers.js";

/** Whether Debian's torch sees a GPU (the --device cuda refusal is tested only where it does not). */
function probeCuda(): boolean {
  const r = spawnSync(PYTHON, ["-c", "import torch; print(torch.cuda.is_available())"], { encoding: "utf8" });
  return r.stdout.trim() === "True";
}

test("bench train: usage and input errors", (t) => {
  const dir = scratchDir(t, "bench-train-err-");
  writeFileSync(join(dir, "train.jsonl"), `${JSON.stringify({ query: "问", positive: ["答"], negative: ["错"] })}\n`);

  let r = bench(dir, ["train", "--out", "x"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /train needs --model and --data/);

  mkdirSync(join(dir, "full"));
  writeFileSync(join(dir, "full", "something"), "");
  r = bench(dir, ["train", "--model", tinyZh, "--data", "train.jsonl", "--out", "full"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--out full is not empty; .*--resume/);

  r = bench(dir, ["train", "--model", tinyZh, "--data", "train.jsonl", "--out", "y", "--python", "/nonexistent/python"]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /apt-get install python3-torch python3-numpy libopenblas0-pthread/);

  r = bench(dir, ["train", "--model", "no/such/dir/here", "--data", "train.jsonl", "--out", "y", "--python", "/nonexistent/python"]);
  assert.equal(r.code, 3);

  r = bench(dir, ["train", "--model", tinyZh, "--data", "train.jsonl", "--out", "z", "--train_group_size", "2.5"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--train_group_size expects an integer/);

  r = bench(dir, [
    "train",
    "--model",
    tinyZh,
    "--data",
    "train.jsonl",
    "--out",
    "gpu",
    "--fp16",
    "--device",
    "cpu",
    "--per_device_train_batch_size",
    "1",
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /bench: usage: --fp16 needs a CUDA device/);

  r = bench(dir, ["train", "--out", "never-trained", "--resume"]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /--resume: .*run\.json not found/);
});

test("bench train: every range and choice is checked before anything is created (usage error, one line)", async (t) => {
  const dir = scratchDir(t, "bench-train-range-");
  const data = join(dir, "train.jsonl");
  writeFileSync(data, `${JSON.stringify({ query: "问", positive: ["答"], negative: ["错"] })}\n`);
  const out = join(dir, "never");
  // in-process (a CLI spawn per case costs seconds on a busy machine); the CLI's own parsing is tested below and in seed-flags
  const cases: Array<[Partial<TrainCommandOptions>, Record<string, unknown>, RegExp]> = [
    [{}, { temperature: 0 }, /--temperature must be > 0/],
    [{}, { max_grad_norm: -1 }, /--max_grad_norm must be > 0/],
    [{}, { num_train_epochs: -1 }, /--num_train_epochs must be ≥ 0/],
    [{}, { train_group_size: 1 }, /--train_group_size must be ≥ 2 .*unless --use_inbatch_negative/],
    [{}, { warmup_ratio: 5 }, /--warmup_ratio must be between 0 and 1/],
    [{}, { padding: "longst" }, /--padding must be one of max_length \| longest, got "longst"/],
    [{}, { lr_scheduler_type: "bogus" }, /--lr_scheduler_type must be one of linear \| cosine \| constant/],
    [{}, { device: "gpu" }, /--device must be auto \| cpu \| cuda \| cuda:N/],
    [{}, { bf16: "maybe" }, /--bf16 expects true or false, got "maybe"/],
    [{ seedFlags: { modelType: "dense" } }, {}, /--model_type dense is not supported: bench trains ColBERT models only/],
    [{ seedFlags: { unfoldEachPositive: "True" } }, {}, /--unfold_each_positive true is not supported/],
    [{ seedFlags: { positiveKey: "pos" } }, {}, /--positive_key pos is not supported: .*rename "pos" to "positive"/],
    [{ seedFlags: { tokenizerName: dir } }, {}, /--tokenizer_name .*a local directory with tokenizer.json/],
    [{ seedFlags: { doTrain: "false" } }, {}, /--do_train false: bench train always trains/],
    [{ distributed: { nprocPerNode: 2 } }, { dataloader_drop_last: "false" }, /--dataloader_drop_last false needs a single process/],
    [{ overwriteOutputDir: "", resume: true }, {}, /--overwrite_output_dir and --resume exclude each other/],
    [{ data: "org/some-dataset" }, {}, /--data org\/some-dataset is not a file; .*run `bench split/],
  ];
  for (const [opts, hp, want] of cases) {
    const what = JSON.stringify([opts, hp]);
    await assert.rejects(
      trainCommand({ model: tinyZh, data, out, python: "/nonexistent/python", hyperparameters: hp, ...opts }),
      (e: unknown) => e instanceof BenchError && e.exitCode === 2 && want.test(e.message) && !e.message.includes("\n"),
      what,
    );
    assert.ok(!existsSync(out), `${what} created --out`);
  }
  if (torchSkipReason()) return t.skip(`the torch-probe cases: ${torchSkipReason()}`);
  // after the probe: the base's position table, a GPU-only flag on a torch without CUDA, too few rows for one step
  await assert.rejects(
    trainCommand({ model: tinyZh, data, out, python: PYTHON, hyperparameters: { max_length: 100000 } }),
    /--max_length 100000 exceeds what the model's positions allow \(512/,
  );
  if (!probeCuda()) {
    await assert.rejects(
      trainCommand({ model: tinyZh, data, out, python: PYTHON, hyperparameters: { device: "cuda" } }),
      /--device cuda needs a CUDA GPU, and this torch .* sees none/,
    );
    await assert.rejects(
      trainCommand({ model: tinyZh, data, out, python: PYTHON, hyperparameters: { fp16: "" } }),
      /--fp16 needs a CUDA GPU/,
    );
  }
  await assert.rejects(
    trainCommand({ model: tinyZh, data, out, python: PYTHON, hyperparameters: { per_device_train_batch_size: 2 } }),
    (e: unknown) =>
      e instanceof BenchError && e.exitCode === 3 && /1 rows with a positive and a negative give no full step of batch 2/.test(e.message),
  );
  assert.ok(!existsSync(out));
  // the CLI: HF-style values reach the same checks, one line on stderr
  const r = bench(dir, [
    "train",
    "--model",
    tinyZh,
    "--data",
    "train.jsonl",
    "--out",
    "never",
    "--unfold_each_positive",
    "True",
    "--temperature=0.02",
  ]);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    "bench: usage: --unfold_each_positive true is not supported: bench samples one positive per query and epoch (the recipe's --unfold_each_positive false)\n",
  );
});

test("bench demo --steps 0 is refused (it used to train 12 steps)", (t) => {
  const dir = scratchDir(t, "bench-demo-steps-");
  const r = bench(dir, ["demo", "--out", "w", "--steps", "0"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--steps must be an integer ≥ 1/);
  assert.ok(!existsSync(join(dir, "w")));
});

test("bench train --out on a path that cannot be a directory: one line, no trace", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-train-ro-");
  writeFileSync(join(dir, "train.jsonl"), `${JSON.stringify({ query: "问", positive: ["答"], negative: ["错"] })}\n`);
  writeFileSync(join(dir, "afile"), "");
  // root ignores permissions, so a read-only --out cannot be simulated by chmod here: a file where a folder is expected
  const r = bench(dir, ["train", "--model", tinyZh, "--data", "train.jsonl", "--out", "afile/out", "--per_device_train_batch_size", "1"]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /^bench: train: cannot write --out afile\/out: ENOTDIR/);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
});
