/**
 * The seed's command as a user types it: open-retrievals' `torchrun --nproc_per_node 1 --module
 * retrievals.pipelines.rerank` replaced by `bench train --nproc-per-node 1`, every other flag kept (HF-style
 * values: `True`/`false` as separate words, `--flag=value`, bare booleans). Tiny model, tiny data, 4 steps.
 * Then a --resume with a changed flag is refused and leaves run.json as it was; a killed export's temp file goes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bench, scratchDir, tinyZh, torchSkipReason } from "./helpers.js";
import { writeSmallTrainFile } from "./fixtures-small.js";

test("bench train runs the seed's full flag set (open-retrievals' rerank pipeline flags) to completion", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-train-seed-");
  writeSmallTrainFile(dir);
  const seedFlags = [
    "--nproc-per-node",
    "1",
    "--output_dir",
    "ckpt",
    "--overwrite_output_dir",
    "--model_name_or_path",
    tinyZh,
    "--tokenizer_name",
    tinyZh,
    "--model_type",
    "colbert",
    "--do_train",
    "--data_name_or_path",
    "train.jsonl",
    "--positive_key",
    "positive",
    "--negative_key",
    "negative",
    "--learning_rate",
    "1e-4",
    "--bf16",
    "--num_train_epochs",
    "1",
    "--per_device_train_batch_size",
    "2",
    "--dataloader_drop_last",
    "True",
    "--query_max_length",
    "16",
    "--max_length",
    "32",
    "--train_group_size",
    "2",
    "--unfold_each_positive",
    "false",
    "--save_total_limit",
    "2",
    "--logging_steps",
    "1",
    "--use_inbatch_negative",
    "False",
    // bench's own, to keep it tiny: 4 steps, a checkpoint after each
    "--max_steps=4",
    "--save_steps",
    "1",
    "--threads",
    "1",
  ];
  const r = bench(dir, ["train", ...seedFlags]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /torchrun, 1 process/);
  assert.match(r.stderr, /train: done at step 4/);
  const out = join(dir, "ckpt");
  const bm = JSON.parse(readFileSync(join(out, "bench_model.json"), "utf8")) as Record<string, unknown>;
  assert.equal(bm.name, "ckpt@tiny-zh-step4", "default name: <out basename>@<base>-step<N>");
  assert.equal(bm.step, 4);
  assert.equal(bm.base_model, tinyZh);
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { hyperparameters: Record<string, unknown> };
  for (const [k, v] of Object.entries({
    bf16: true,
    dataloader_drop_last: true,
    use_inbatch_negative: false,
    save_total_limit: 2,
    train_group_size: 2,
  })) {
    assert.equal(manifest.hyperparameters[k], v, k);
  }
  // --save_total_limit 2: the latest (step 3) + one older (step 2); step 1's is gone
  assert.deepEqual(
    readdirSync(join(out, "checkpoint"))
      .filter((f) => f.endsWith(".pt"))
      .sort(),
    ["checkpoint-2.pt", "checkpoint.pt"],
  );
  assert.ok(!existsSync(join(out, ".bench-train.lock")), "the lock is released");

  // a --resume with a changed training flag is refused by the checkpoint check, and run.json is untouched
  const runJson = join(out, "train-data", "run.json");
  const before = readFileSync(runJson);
  writeFileSync(join(out, "model.safetensors.999999.tmp"), "torn"); // what a SIGKILLed export leaves
  const refused = bench(dir, ["train", "--output_dir", "ckpt", "--resume", "--nproc-per-node", "1", "--learning_rate", "1e-3"]);
  assert.equal(refused.code, 3, refused.stderr);
  assert.match(refused.stderr, /hyperparameters differ from the checkpointed run: learning_rate: checkpoint 0\.0001 vs now 0\.001/);
  assert.ok(readFileSync(runJson).equals(before), "a refused --resume rewrote run.json");
  assert.ok(!existsSync(join(out, "model.safetensors.999999.tmp")), "a killed export's temp file survived the next run");
  assert.match(refused.stderr, /removed .*model\.safetensors\.999999\.tmp, a temp file left by a killed run/);
});

test("--dataloader_drop_last false trains the last, smaller batch too (HF DataLoader semantics)", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-train-droplast-");
  writeSmallTrainFile(dir); // 12 rows, batch 5: 2 full batches (+ one of 2 rows without drop_last)
  const args = [
    "train",
    "--model",
    tinyZh,
    "--data",
    "train.jsonl",
    "--per_device_train_batch_size",
    "5",
    "--num_train_epochs",
    "1",
    "--query_max_length",
    "16",
    "--max_length",
    "32",
    "--train_group_size",
    "2",
    "--logging_steps",
    "1",
    "--threads",
    "1",
    "--padding",
    "longest",
  ];
  const dropped = bench(dir, [...args, "--out", "a"]);
  assert.equal(dropped.code, 0, dropped.stderr);
  assert.match(dropped.stderr, /train: 2 steps;/);
  const kept = bench(dir, [...args, "--out", "b", "--dataloader_drop_last", "false"]);
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(kept.stderr, /train: 3 steps;/);
});
