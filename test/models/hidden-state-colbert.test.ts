/**
 * BAAI/bge-m3's own ONNX layout (onnx/model.onnx: one last-hidden-state output, external data in
 * model.onnx_data + Constant_7_attr__value; colbert_linear.pt at the root) is scored as bge-m3 ColBERT with the
 * head applied in Node. Per-pair scores and MAP/MRR from `bench eval` equal a reference computed here without
 * bench's code: token ids from Hugging Face's Rust tokenizer (npm `tokenizers`), vectors and MaxSim by torch
 * from pytorch_model.bin + colbert_linear.pt (test/helpers/seed_repos.py), AP and MRR@10 written out below.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parsePythonJson } from "../../src/compare/python-json.js";
import { BenchError } from "../../src/errors.js";
import { onnxExternalDataLocations } from "../../src/onnx/external-data.js";
import { loadNeuralReranker } from "../../src/models/neural-reranker.js";
import { runCli } from "../helpers/cli.js";
import { referenceMetrics, requestsOf, type Row } from "../helpers/colbert-reference.js";
import { writeBgeM3Repo } from "../helpers/seed-repos.js";
import { torchSkipReason } from "../train/helpers.js";

const ROOT = resolve(import.meta.dirname, "../..");
const SAMPLE = join(ROOT, "tasks/data/zh-sample.jsonl");
const T2 = resolve(ROOT, "../shared/data/t2ranking-dev100.jsonl");
const skip = torchSkipReason();
const work = mkdtempSync(join(tmpdir(), "bench-hidden-colbert-"));
test.after(() => rmSync(work, { recursive: true, force: true }));

const readRows = (file: string, n: number): Row[] =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .slice(0, n)
    .map((l) => JSON.parse(l) as Row);
const sample = readRows(SAMPLE, 1000);
const t2 = existsSync(T2) ? readRows(T2, 4) : null;
if (!t2) console.error(`SKIPPED (t2ranking slice): ${T2} is missing; only the embedded sample task is compared`);

let repo: string | null = null;
function seedRepo(): string {
  repo ??= writeBgeM3Repo(join(work, "bge-m3"), {
    texts: [...sample, ...(t2 ?? [])].flatMap((r) => [r.query, ...r.positive, ...r.negative].flat()),
  });
  return repo;
}

async function compare(name: string, rows: Row[]): Promise<void> {
  const dir = seedRepo();
  const ref = await referenceMetrics(dir, rows, 256, work);
  const rr = await loadNeuralReranker(dir, { progress: false, cache: false, batchSize: 5, threads: 1 });
  let got: number[][];
  try {
    assert.equal(rr.info.extra?.config_origin, "detected bge-m3 hidden-state export + colbert_linear.pt");
    assert.equal(rr.config.onnxFile, "onnx/model.onnx");
    got = await rr.score(requestsOf(rows));
  } finally {
    await rr.close();
  }
  let worst = 0;
  for (const [i, s] of got.entries()) for (const [j, v] of s.entries()) worst = Math.max(worst, Math.abs(v - ref.scores[i][j]));
  assert.ok(worst <= 1e-6, `${name}: per-pair scores differ from torch's by up to ${worst}`);
  // End to end through the CLI (with the vector cache), full-precision mteb-1.1.1 result file.
  const data = join(work, `${name}.jsonl`);
  writeFileSync(data, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
  const out = join(work, `out-${name}`);
  const r = runCli(work, ["eval", "--model", dir, "--data", data, "--output", out, "--format", "mteb-1.1.1"], {
    BENCH_CACHE_DIR: join(work, "cache"),
  });
  assert.equal(r.code, 0, r.stderr);
  const res = parsePythonJson(readFileSync(join(out, "bge-m3", "CustomReranking.json"), "utf8")) as { test: { map: number; mrr: number } };
  assert.ok(Math.abs(res.test.map - ref.map) <= 1e-6, `${name}: MAP ${res.test.map} vs reference ${ref.map}`);
  assert.ok(Math.abs(res.test.mrr - ref.mrr) <= 1e-6, `${name}: MRR ${res.test.mrr} vs reference ${ref.mrr}`);
}

test("bge-m3's onnx/ export + colbert_linear.pt: scores and MAP/MRR equal torch's on the embedded sample task", async (t) => {
  if (skip) return t.skip(skip);
  await compare("sample", sample);
});

test("the same on a slice of ../shared/data/t2ranking-dev100.jsonl (long documents truncated at 256)", async (t) => {
  if (skip) return t.skip(skip);
  if (!t2) return t.skip(`SKIPPED: ${T2} is missing`);
  await compare("t2", t2);
});

test("the external-data files are read from the graph (a Constant node's value included); a missing one is named before onnxruntime runs", async (t) => {
  if (skip) return t.skip(skip);
  const dir = seedRepo();
  assert.deepEqual((await onnxExternalDataLocations(join(dir, "onnx/model.onnx"))).sort(), ["Constant_7_attr__value", "model.onnx_data"]);
  const broken = join(work, "broken");
  cpSync(dir, broken, { recursive: true });
  rmSync(join(broken, "onnx/Constant_7_attr__value"));
  await assert.rejects(
    loadNeuralReranker(broken, { progress: false, cache: false }),
    (err: unknown) =>
      err instanceof BenchError &&
      err.exitCode === 3 &&
      /onnx\/model\.onnx: external_data location "onnx\/Constant_7_attr__value": .* does not exist/.test(err.message),
  );
});
