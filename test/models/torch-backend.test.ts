/**
 * `--backend torch` against `--backend onnx` on the same models, made and exported by the trainer's code: per-pair
 * scores within 1e-4 in fp32 (BERT and XLM-R, several batches in flight), bf16 within its documented tolerance,
 * and vector-cache entries that never mix between backends.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadNeuralReranker } from "../../src/models/neural-reranker.js";
import type { ScoreRequest } from "../../src/models/types.js";
import { torchSkipReason } from "../train/helpers.js";
import { TEST_CHARS } from "../../scripts/lib/onnx-builder.js";
import { makeTorchModel, TORCH_PYTHON } from "../helpers/torch-model.js";

const skip = torchSkipReason();
const work = mkdtempSync(join(tmpdir(), "bench-torch-backend-"));
test.after(() => rmSync(work, { recursive: true, force: true }));

/** Deterministic requests: short queries, documents from 3 to 90 characters (some truncated at max_length 64), a repeated document. */
function requests(): ScoreRequest[] {
  let s = 11;
  const r = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  const text = (n: number): string => Array.from({ length: n }, () => TEST_CHARS[Math.floor(r() * TEST_CHARS.length)]).join("");
  const shared = text(40);
  return Array.from({ length: 5 }, (_, row) => ({
    row,
    query: text(3 + row * 2),
    docs: [...Array.from({ length: 5 }, () => text(3 + Math.floor(r() * 88))), shared],
  }));
}

const common = { progress: false, threads: 1, batchSize: 4, python: TORCH_PYTHON } as const;

async function scores(
  dir: string,
  opts: Parameters<typeof loadNeuralReranker>[1],
): Promise<{ flat: number[]; framework: string[]; hits: number; batches: number }> {
  const m = await loadNeuralReranker(dir, { ...common, ...opts });
  try {
    const flat = (await m.score(requests())).flat();
    return { flat, framework: m.info.framework, hits: m.stats.cacheHits, batches: m.stats.batches };
  } finally {
    await m.close();
  }
}

const maxDiff = (a: number[], b: number[]): number => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

for (const kind of ["bert", "xlm-roberta"] as const) {
  test(`${kind}: torch fp32 scores equal ONNX scores within 1e-4; bf16 within 2e-2`, async (t) => {
    if (skip) return t.skip(skip);
    const dir = makeTorchModel(join(work, kind), { kind, colbertDim: 16, onnx: true });
    const onnx = await scores(dir, { cache: false });
    const torch = await scores(dir, { cache: false, backend: "torch", device: "cpu", dtype: "fp32" });
    assert.deepEqual(onnx.framework, ["ONNX"]);
    assert.deepEqual(torch.framework, ["PyTorch"]);
    assert.equal(torch.flat.length, 30);
    assert.ok(torch.batches >= 6, `several batches (${torch.batches}) so that more than one is in flight`);
    const d = maxDiff(onnx.flat, torch.flat);
    t.diagnostic(`${kind}: max |onnx - torch fp32| = ${d.toExponential(2)} over ${onnx.flat.length} pairs`);
    assert.ok(d <= 1e-4, `max abs diff ${d}`);
    const viaStdout = await scores(dir, { cache: false, backend: "torch", device: "cpu", dtype: "fp32", replies: "stdout" });
    assert.deepEqual(viaStdout.flat, torch.flat, "the reply transport never changes a score");
    const bf16 = await scores(dir, { cache: false, backend: "torch", device: "cpu", dtype: "bf16" });
    const db = maxDiff(onnx.flat, bf16.flat);
    t.diagnostic(`${kind}: max |onnx - torch bf16| = ${db.toExponential(2)}`);
    assert.ok(db <= 2e-2, `bf16 max abs diff ${db}`);
    assert.ok(db > 0, "bf16 must actually run in bf16 (a zero difference means fp32 ran)");
  });
}

test("the vector cache keeps torch and ONNX vectors apart, and a cached torch run repeats its scores exactly", async (t) => {
  if (skip) return t.skip(skip);
  const dir = makeTorchModel(join(work, "cache-model"), { kind: "bert", colbertDim: 8, onnx: true, seed: 3 });
  const cacheDir = join(work, "cache");
  const first = await scores(dir, { cacheDir, backend: "torch", device: "cpu" });
  assert.equal(first.hits, 0);
  const onnx = await scores(dir, { cacheDir });
  assert.equal(onnx.hits, 0, "ONNX must not read torch's cache entries");
  const bf16 = await scores(dir, { cacheDir, backend: "torch", device: "cpu", dtype: "bf16" });
  assert.equal(bf16.hits, 0, "bf16 must not read fp32 entries");
  const again = await scores(dir, { cacheDir, backend: "torch", device: "cpu", dtype: "fp32" });
  assert.equal(again.hits, 5 + 26, "every query and distinct document from the cache");
  assert.equal(again.batches, 0);
  assert.deepEqual(again.flat, first.flat);
});

test("--device / --dtype without --backend torch are refused, not ignored", async () => {
  await assert.rejects(
    loadNeuralReranker(join(work, "nowhere"), { dtype: "fp16" }),
    /eval: --device and --dtype apply to --backend torch only/,
  );
  await assert.rejects(
    loadNeuralReranker(join(work, "nowhere"), { backend: "onnx", device: "cuda" }),
    /eval: --device and --dtype apply to --backend torch only/,
  );
});

test("--backend torch rejects what it cannot serve, naming the files or flag", async (t) => {
  if (skip) return t.skip(skip);
  const dir = makeTorchModel(join(work, "onnx-only"), { kind: "bert", colbertDim: 8, onnx: true });
  await assert.rejects(
    scores(dir, { backend: "torch", python: "/nonexistent/python3" }),
    /eval: --backend torch: --python \/nonexistent\/python3 cannot import torch/,
  );
  rmSync(join(dir, "colbert_linear.pt"));
  await assert.rejects(scores(dir, { backend: "torch" }), /model: .*onnx-only: --backend torch needs colbert_linear\.pt/);
  await assert.rejects(scores(dir, { backend: "torch", workerTimeoutS: 0 }), /--worker-timeout must be a positive number/);
});
