import { test } from "node:test";
import assert from "node:assert/strict";
import { BenchError } from "../../src/errors.js";
import { HYPERPARAMETERS, maxTokenLength, mergeHyperparameters, parseBool, trainerArgs } from "../../src/train/options.js";
import { python, torchSkipReason } from "./helpers.js";

test("defaults follow the recipe (docs/spec.md §4b rerank_colbert.sh)", () => {
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
  assert.throws(
    () => mergeHyperparameters({ train_group_size: 2.5 }),
    (e: unknown) => e instanceof BenchError && e.exitCode === 2 && /--train_group_size expects an integer, got 2.5/.test(e.message),
  );
  assert.throws(() => mergeHyperparameters({ fp16: "maybe" }), /--fp16 expects true or false/);
  assert.throws(() => mergeHyperparameters({ bf16: true, fp16: true }), /exclude each other/);
  assert.throws(() => mergeHyperparameters({ learning_rate: "fast" }), /--learning_rate expects a number/);
});

test("the trainer's own defaults (scripts/trainer/args.py) are bench's, so the trainer run alone trains the same", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const code =
    "import json, sys; sys.path.insert(0, 'scripts/trainer'); from args import parser; print(json.dumps(vars(parser().parse_args(['--model_dir', 'm', '--data_dir', 'd', '--output_dir', 'o']))))";
  const trainer = JSON.parse(python(["-c", code])) as Record<string, unknown>;
  for (const [name, [, def]] of Object.entries(HYPERPARAMETERS)) assert.equal(trainer[name], def, `--${name}`);
});

test('HF-style booleans: True/false/1/0/yes/no in any case, a bare flag ("") is true', () => {
  for (const v of ["True", "true", "TRUE", "1", "yes", "", true, 1]) assert.equal(parseBool(v), true, JSON.stringify(v));
  for (const v of ["False", "false", "0", "no", false, 0]) assert.equal(parseBool(v), false, JSON.stringify(v));
  for (const v of ["maybe", "2", 2, null, undefined]) assert.equal(parseBool(v), null, JSON.stringify(v));
  assert.equal(mergeHyperparameters({ use_inbatch_negative: "False", bf16: "" }).use_inbatch_negative, false);
  assert.equal(mergeHyperparameters({ bf16: "" }).bf16, true);
});

test("ranges: each flag's bound is enforced, its edge accepted", () => {
  const usage = (re: RegExp) => (e: unknown) => e instanceof BenchError && e.exitCode === 2 && re.test(e.message);
  assert.throws(() => mergeHyperparameters({ temperature: 0 }), usage(/--temperature must be > 0/));
  assert.throws(() => mergeHyperparameters({ max_grad_norm: 0 }), usage(/--max_grad_norm must be > 0/));
  assert.throws(() => mergeHyperparameters({ num_train_epochs: -0.5 }), usage(/--num_train_epochs must be ≥ 0/));
  assert.equal(mergeHyperparameters({ num_train_epochs: 0 }).num_train_epochs, 0);
  assert.throws(() => mergeHyperparameters({ train_group_size: 1 }), usage(/--train_group_size must be ≥ 2/));
  assert.equal(mergeHyperparameters({ train_group_size: 1, use_inbatch_negative: true }).train_group_size, 1);
  assert.throws(() => mergeHyperparameters({ warmup_ratio: 1.01 }), usage(/--warmup_ratio must be between 0 and 1/));
  assert.equal(mergeHyperparameters({ warmup_ratio: 1 }).warmup_ratio, 1);
  assert.throws(() => mergeHyperparameters({ padding: "longst" }), usage(/--padding must be one of max_length \| longest/));
  assert.throws(() => mergeHyperparameters({ lr_scheduler_type: "bogus" }), usage(/--lr_scheduler_type must be one of/));
  assert.throws(() => mergeHyperparameters({ device: "tpu" }), usage(/--device must be auto \| cpu \| cuda \| cuda:N/));
  assert.equal(mergeHyperparameters({ device: "cuda:1" }).device, "cuda:1");
  assert.throws(() => mergeHyperparameters({ save_total_limit: 0 }), usage(/--save_total_limit must be ≥ 1/));
  assert.throws(() => mergeHyperparameters({ max_length: 1 }), usage(/--max_length must be ≥ 2/));
  assert.throws(() => mergeHyperparameters({ onnx_opset: 18 }), usage(/--onnx_opset must be 14..17/));
});

test("maxTokenLength: BERT uses every position, RoBERTa/XLM-R lose pad_token_id + 1", () => {
  assert.equal(maxTokenLength({ model_type: "bert", max_position_embeddings: 512 }), 512);
  assert.equal(maxTokenLength({ model_type: "xlm-roberta", max_position_embeddings: 8194, pad_token_id: 1 }), 8192);
  assert.equal(maxTokenLength({ model_type: "roberta", max_position_embeddings: 514 }), 512);
  assert.equal(maxTokenLength({ model_type: "bert" }), null);
});
