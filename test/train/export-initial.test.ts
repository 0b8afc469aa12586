/**
 * The "before" of any training run: `bench train --export-initial` writes the base untrained (a new seeded head
 * when it has none), equal to a 0-epoch run's export; `bench eval` on a training base names that command; a
 * trainer crash is one line that names trainer.log, which keeps the Python traceback.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assertSameBytes, bench, scratchDir, tinyZh, torchSkipReason } from "./helpers.js";
import { writeSmallTrainFile } from "./fixtures-small.js";

const HP = ["--seed", "7", "--query_max_length", "16", "--max_length", "32", "--threads", "1"];

test("bench train --export-initial = the 0-epoch export, and bench eval on a training base names it", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-train-init-");
  writeSmallTrainFile(dir);
  const ev = bench(dir, ["eval", "--model", tinyZh, "--data", "train.jsonl"]);
  assert.equal(ev.code, 3, ev.stderr);
  assert.match(
    ev.stderr,
    /has config.json but no model.onnx .*`bench train --model .*tiny-zh --out tiny-zh-init --export-initial`, then `bench eval --model tiny-zh-init`/,
  );
  assert.match(ev.stderr, /it has no ColBERT head \(colbert_linear.pt\), so the export gets a new randomly initialised head/);

  const init = bench(dir, ["train", "--model", tinyZh, "--out", "init", "--export-initial", "--run-name", "tiny-before", ...HP]);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stderr, /exporting the starting point untrained/);
  const zero = bench(dir, [
    "train",
    "--model",
    tinyZh,
    "--data",
    "train.jsonl",
    "--out",
    "zero",
    "--num_train_epochs",
    "0",
    "--per_device_train_batch_size",
    "2",
    ...HP,
  ]);
  assert.equal(zero.code, 0, zero.stderr);
  assertSameBytes(
    join(dir, "init"),
    join(dir, "zero"),
    ["model.safetensors", "colbert_linear.pt", "config.json", "tokenizer.json"],
    "differ between --export-initial and --num_train_epochs 0",
  );
  const bm = JSON.parse(readFileSync(join(dir, "init", "bench_model.json"), "utf8")) as Record<string, unknown>;
  assert.equal(bm.name, "tiny-before");
  assert.equal(bm.step, 0);
  const zeroName = (JSON.parse(readFileSync(join(dir, "zero", "bench_model.json"), "utf8")) as Record<string, unknown>).name;
  assert.equal(zeroName, "zero@tiny-zh-step0");
  const after = bench(dir, ["eval", "--model", "init", "--data", "train.jsonl", "--output", "res", "--no-cache"]);
  assert.equal(after.code, 0, after.stderr);
  assert.match(after.stdout, /tiny-before/);
});

test("a trainer crash: one line naming trainer.log, which holds the traceback", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-train-crash-");
  const base = join(dir, "base");
  mkdirSync(base);
  for (const f of ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]) {
    try {
      copyFileSync(join(tinyZh, f), join(base, f));
    } catch {
      // not every tokenizer file exists in tiny-zh
    }
  }
  const cfg = JSON.parse(readFileSync(join(tinyZh, "config.json"), "utf8")) as Record<string, unknown>;
  delete cfg.num_hidden_layers; // the trainer's config reader fails on it
  writeFileSync(join(base, "config.json"), JSON.stringify(cfg));
  const r = bench(dir, ["train", "--model", base, "--out", "x", "--export-initial"]);
  assert.notEqual(r.code, 0);
  assert.doesNotMatch(r.stderr, /Traceback|File ".*\.py", line/, "no Python traceback on the terminal");
  const last = r.stderr.trim().split("\n").pop() ?? "";
  assert.match(last, /^bench: train: .*num_hidden_layers/);
  if (r.code === 4) {
    // an uncaught exception: the full traceback is in the log the message names
    assert.match(last, /the trainer's full output: .*trainer\.log\)$/);
    assert.match(readFileSync(join(dir, "x", "trainer.log"), "utf8"), /Traceback \(most recent call last\)/);
  } else {
    assert.equal(r.code, 3, r.stderr); // the trainer reported it as bad input itself: one line, no traceback at all
  }
});
