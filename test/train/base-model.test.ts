/**
 * `--model BASE` resolution: local directories (with or without weights) and a hub id served by a real
 * loopback fake hub (test/hub/server.ts); the downloaded HF weights ("bert." prefixed safetensors + bge-m3-style
 * colbert_linear.pt) go through the trainer untouched (zero epochs) and come back out bit-identical.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BenchError } from "../../src/errors.js";
import { localBase } from "../../src/train/base-model.js";
import { startFakeHub } from "../hub/server.js";
import { benchAsync, python, repoRoot, scratchDir, tinyZh, torchSkipReason } from "./helpers.js";

test("localBase: config.json + tokenizer.json (or vocab.txt) required; no weights means random init", (t) => {
  const dir = scratchDir(t, "bench-base-");
  assert.deepEqual(localBase(tinyZh), { dir: tinyZh, id: tinyZh, hasWeights: false });
  writeFileSync(join(dir, "config.json"), "{}");
  assert.throws(
    () => localBase(dir),
    (e: unknown) => e instanceof BenchError && /has no tokenizer\.json .*or a BERT vocab\.txt/.test(e.message),
  );
  writeFileSync(join(dir, "vocab.txt"), "[PAD]\n");
  assert.equal(localBase(dir).hasWeights, false);
  rmSync(join(dir, "config.json"));
  writeFileSync(join(dir, "tokenizer.json"), "{}");
  assert.throws(
    () => localBase(dir),
    (e: unknown) => e instanceof BenchError && /has no config\.json/.test(e.message),
  );
  writeFileSync(join(dir, "config.json"), "{}");
  writeFileSync(join(dir, "pytorch_model.bin"), "");
  assert.equal(localBase(dir).hasWeights, true);
});

test("bench train --model ORG/NAME downloads HF weights from the hub and the trainer loads them by name", async (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-base-hub-");
  const src = join(dir, "src");
  mkdirSync(src);
  // Real weights in HF layout: BertModel names under a "bert." prefix, plus a colbert_linear.pt state dict.
  python([
    "-c",
    [
      "import sys, torch; sys.path.insert(0, 'scripts/trainer')",
      "from model import load_colbert; from safetensors_io import save_safetensors",
      `m, _ = load_colbert(${JSON.stringify(tinyZh)}, colbert_dim=32, seed=5)`,
      `save_safetensors({'bert.' + k: v for k, v in m.encoder.state_dict().items()}, ${JSON.stringify(join(src, "model.safetensors"))})`,
      `torch.save(m.colbert_linear.state_dict(), ${JSON.stringify(join(src, "colbert_linear.pt"))})`,
    ].join("\n"),
  ]);
  const commit = "c".repeat(40);
  const files = ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"].map((f) => ({
    repoType: "model" as const,
    repoId: "org/tiny",
    commit,
    filename: f,
    content: readFileSync(join(tinyZh, f)),
  }));
  for (const f of ["model.safetensors", "colbert_linear.pt"])
    files.push({
      repoType: "model",
      repoId: "org/tiny",
      commit,
      filename: f,
      content: readFileSync(join(src, f)),
      lfs: true,
    } as (typeof files)[0]);
  const hub = await startFakeHub(files);
  t.after(() => hub.close());
  const rows = [0, 1, 2].map((i) => JSON.stringify({ query: `问题${i}`, positive: [`答案${i}`], negative: [`无关${i}`, `其他${i}`] }));
  writeFileSync(join(dir, "train.jsonl"), `${rows.join("\n")}\n`);
  const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(dir, "hub-cache"), HF_HUB_OFFLINE: "" };
  const r = await benchAsync(
    dir,
    [
      "train",
      "--model",
      "org/tiny",
      "--data",
      "train.jsonl",
      "--out",
      "out",
      "--num_train_epochs",
      "0",
      "--per_device_train_batch_size",
      "2",
      "--max_length",
      "16",
      "--query_max_length",
      "8",
      "--threads",
      "1",
    ],
    env,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /weights .*model\.safetensors/);
  assert.match(r.stderr, /model\.safetensors: ignored 2 weights of heads ColBERT does not use: pooler\.dense\.bias, pooler\.dense\.weight/);
  const manifest = JSON.parse(readFileSync(join(dir, "out", "manifest.json"), "utf8")) as Record<string, unknown>;
  assert.equal(manifest.base_model, `org/tiny@${commit}`);
  const same = python(
    [
      "-c",
      [
        "import sys, torch; sys.path.insert(0, 'scripts/trainer')",
        "from safetensors_io import load_safetensors",
        `a = load_safetensors(${JSON.stringify(join(src, "model.safetensors"))}); b = load_safetensors(${JSON.stringify(join(dir, "out", "model.safetensors"))})`,
        `la = torch.load(${JSON.stringify(join(src, "colbert_linear.pt"))}); lb = torch.load(${JSON.stringify(join(dir, "out", "colbert_linear.pt"))})`,
        // the pooler is a head ColBERT does not use: ignored on load (and logged), so not written back
        "ok = sorted(k[5:] for k in a if not k.startswith('bert.pooler.')) == sorted(b) and all(torch.equal(a['bert.' + k], b[k]) for k in b)",
        "ok = ok and all(torch.equal(la[k], lb[k]) for k in la) and lb['weight'].shape[0] == 32",
        "print(ok)",
      ].join("\n"),
    ],
    repoRoot,
  );
  assert.equal(same.trim(), "True");
});
