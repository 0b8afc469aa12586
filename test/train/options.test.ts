import { test } from "node:test";
import assert from "node:assert/strict";
import { BenchError } from "../../src/errors.js";
import { HYPERPARAMETERS, mergeHyperparameters, trainerArgs } from "../../src/train/options.js";
import { python, torchSkipReason } from "./helpers.js";

test("defaults follow the recipe (spec §4b rerank_colbert.sh)", () => {
  const hp = mergeHyperparameters({});
  assert.equal(hp.learning_rate, 5e-6);
  assert.equal(hp.per_device_train_batch_size, 32);
  assert.equal(hp.train_group_size, 4);
  assert.equal(hp.query_max_length, 128);
  assert.equal(hp.max_length, 256);
  assert.equal(hp.temperature, 0.02);
  assert.equal(hp.use_inbatch_negative, false);
  assert.equal(hp.head_lr_multiplier, 20);
});

test("given flags beat a resumed run's stored values, which beat defaults", () => {
  const hp = mergeHyperparameters({ seed: 3, bf16: "true" }, { seed: 9, max_length: 64 });
  assert.equal(hp.seed, 3);
  assert.equal(hp.max_length, 64);
  assert.equal(hp.bf16, true);
  const args = trainerArgs(hp);
  assert.equal(args.length, 2 * Object.keys(HYPERPARAMETERS).length);
  assert.deepEqual(args.slice(args.indexOf("--seed"), args.indexOf("--seed") + 2), ["--seed", "3"]);
});

test("bad values are usage errors naming the flag", () => {
  assert.throws(() => mergeHyperparameters({ train_group_size: 2.5 }), (e: unknown) => e instanceof BenchError && e.exitCode === 2 && /--train_group_size expects an integer, got 2.5/.test(e.message));
  assert.throws(() => mergeHyperparameters({ fp16: "yes" }), /--fp16 expects true or false/);
  assert.throws(() => mergeHyperparameters({ bf16: true, fp16: true }), /exclude each other/);
  assert.throws(() => mergeHyperparameters({ learning_rate: "fast" }), /--learning_rate expects a number/);
});

test("the trainer's own defaults (scripts/trainer/args.py) are bench's, so the trainer run alone trains the same", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const code = "import json, sys; sys.path.insert(0, 'scripts/trainer'); from args import parser; print(json.dumps(vars(parser().parse_args(['--model_dir', 'm', '--data_dir', 'd', '--output_dir', 'o']))))";
  const trainer = JSON.parse(python(["-c", code])) as Record<string, unknown>;
  for (const [name, [, def]] of Object.entries(HYPERPARAMETERS)) assert.equal(trainer[name], def, `--${name}`);
});
