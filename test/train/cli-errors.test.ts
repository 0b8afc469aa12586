/** `bench train` input errors: exit codes and messages that name the problem (no training runs here). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bench, scratchDir, tinyZh } from "./helpers.js";

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

  r = bench(dir, ["train", "--model", tinyZh, "--data", "train.jsonl", "--out", "gpu", "--fp16", "--device", "cpu", "--per_device_train_batch_size", "1"]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /bench: train: --fp16 needs a CUDA device/);

  r = bench(dir, ["train", "--out", "never-trained", "--resume"]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /--resume: .*run\.json not found/);
});
