/**
 * bench:eval-gpu — `bench eval --backend torch` on a GPU against an open-retrievals-style PyTorch loop, both on the
 * same bge-m3-sized random-weight ColBERT (XLM-R large: 24 layers, hidden 1024, 16 heads, FFN 4096, vocab 250002,
 * head 1024; the trainer's random init via scripts/trainer/random_model.py) and a generated T2Reranking-sized test
 * split (590 queries × ~16.5 documents of ~840 characters, max length 256). Measured in one run:
 *   (a) bench: evaluateReranking() time (tokenize + encode in the worker + MaxSim + metrics), documents/s, and where
 *       the time went (the worker's own compute, Node waiting for replies, bytes of vectors moved);
 *   (b) the baseline loop (scripts/bench-eval-gpu-baseline.py: batch 16 pairs, q + d padded to 256, fp16);
 *   (c) score agreement of --dtype (fp16) with fp32 on the first queries (the documented tolerance);
 *   (d) Node's MaxSim cost per document at these shapes (what Node must keep up with).
 * Usage (GPU machine, no Node there: carry .gpu/ from scripts/gpu-pack.sh):  bash scripts/bench-eval-gpu.sh
 *        CPU smoke test of the same code path with tiny sizes:                 npm run bench:eval-gpu -- --smoke
 *        What Node alone sustains at full size (1-layer hidden-32 encoder, dim 1024, GPU if any): … --node-bound
 * Options: --queries N  --batch-size N  --dtype fp16|bf16|fp32  --device cuda|cpu  --check-queries N  --work DIR  --python PY
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { RerankRow } from "../src/data/types.js";
import { evaluateReranking } from "../src/metrics/evaluate.js";
import { loadNeuralReranker, type NeuralReranker } from "../src/models/neural-reranker.js";
import { maxSim } from "../src/score/maxsim.js";
import { defaultPoolSize } from "../src/score/maxsim-pool.js";
import { findTorchPython } from "../src/python/find-python.js";
import { unigramTokenizerJson } from "./lib/onnx-builder.js";
import { xlmRobertaConfig } from "./lib/hf-configs.js";
import { T2_LIKE_CJK, t2LikeRows } from "./lib/t2-like-data.js";

const ROOT = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const smoke = args.includes("--smoke");
// --node-bound: full data and vector size (dim 1024, vocab 250002) through a 1-layer hidden-32 encoder (on the GPU
// when there is one), so the run measures what Node sustains (tokenize, read replies, MaxSim) when the encoder
// costs almost nothing. On a CPU-only box the tiny encoder's 32→1024 head still dominates: not a Node figure there.
const nodeBound = args.includes("--node-bound");
const MAX = 256;
const size = nodeBound
  ? {
      layers: 1,
      hidden: 32,
      heads: 2,
      ffn: 64,
      vocab: 250002,
      dim: 1024,
      queries: 590,
      device: undefined,
      dtype: "fp32" as const,
      check: "bf16" as const,
    }
  : smoke
    ? {
        layers: 2,
        hidden: 64,
        heads: 4,
        ffn: 128,
        vocab: 6000,
        dim: 64,
        queries: 12,
        device: "cpu" as const,
        dtype: "fp32" as const,
        check: "bf16" as const,
      }
    : {
        layers: 24,
        hidden: 1024,
        heads: 16,
        ffn: 4096,
        vocab: 250002,
        dim: 1024,
        queries: 590,
        device: "cuda" as const,
        dtype: "fp16" as const,
        check: "fp16" as const,
      };
const nQueries = Number(arg("--queries", String(size.queries)));
const batchSize = Number(arg("--batch-size", smoke ? "8" : "64"));
// --device cpu runs the full sizes on the CPU (a slow check that the full-size path works; fp32, bf16 check).
const device = (args.includes("--device") ? arg("--device", "") : size.device) as "cpu" | "cuda" | undefined;
const onCpu = device === "cpu";
const dtype = arg("--dtype", onCpu ? "fp32" : size.dtype) as "fp32" | "bf16" | "fp16";
const checkDtype = onCpu ? "bf16" : size.check;
const checkQueries = Number(arg("--check-queries", smoke ? "6" : "60"));
const work = resolve(arg("--work", join(tmpdir(), `bench-eval-gpu-${nodeBound ? "node-bound" : smoke ? "smoke" : "full"}`)));
const python = findTorchPython(args.includes("--python") ? arg("--python", "") : undefined).python;
const threads = smoke ? 1 : availableParallelism();

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

/** An XLM-R-layout Unigram tokenizer with `vocab` ids: CJK characters as pieces, filled up with 2-character pieces that never win. */
function tokenizerJson(vocab: number): Record<string, unknown> {
  const chars = T2_LIKE_CJK;
  const pieces: [string, number][] = [
    ["▁", -3],
    ...chars.map((c): [string, number] => [c, -8]),
    ...[..."，。、；0123456789abcdefghijklmnopqrstuvwxyz"].map((c): [string, number] => [c, -9]),
  ];
  // 4 specials first and <mask> last make up the rest of the ids. A 2-character piece (-30) scores below two
  // single characters (-16), so text is still cut into characters, as T2's ~840-character documents mostly are
  // cut into more than 256 tokens by bge-m3's tokenizer.
  const want = vocab - 5;
  for (let i = 0; i < chars.length && pieces.length < want; i++)
    for (let j = 0; j < chars.length && pieces.length < want; j++) pieces.push([chars[i] + chars[j], -30]);
  if (pieces.length > want) pieces.length = want;
  return unigramTokenizerJson(pieces);
}

/** The random model directory (reused when the same sizes were built before in --work). */
function buildModel(): string {
  const dir = join(work, "model");
  const cfg = { architectures: ["XLMRobertaModel"], ...xlmRobertaConfig({ ...size, maxPositions: 514 }) };
  const stamp = JSON.stringify({ cfg, dim: size.dim });
  if (
    existsSync(join(dir, "bench_model.json")) &&
    existsSync(join(work, "stamp.json")) &&
    readFileSync(join(work, "stamp.json"), "utf8") === stamp
  )
    return dir;
  const base = join(work, "base");
  mkdirSync(base, { recursive: true });
  const tj = tokenizerJson(size.vocab);
  if ((tj.model as { vocab: unknown[] }).vocab.length !== size.vocab)
    throw new Error(`tokenizer has ${(tj.model as { vocab: unknown[] }).vocab.length} ids, wanted ${size.vocab}`);
  writeFileSync(join(base, "tokenizer.json"), JSON.stringify(tj));
  writeFileSync(join(base, "config.json"), JSON.stringify(cfg));
  const t0 = performance.now();
  const r = spawnSync(
    python,
    [
      join(ROOT, "scripts/trainer/random_model.py"),
      "--config",
      join(base, "config.json"),
      "--tokenizer_dir",
      base,
      "--out",
      dir,
      "--colbert_dim",
      String(size.dim),
      "--max_length",
      String(MAX),
      "--query_max_length",
      String(MAX),
      "--name",
      `random-xlmr-${size.layers}L-${size.hidden}-colbert`,
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  if (r.status !== 0) throw new Error(`random_model.py exited ${r.status}`);
  writeFileSync(join(work, "stamp.json"), stamp);
  log(`built the model in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${dir}`);
  return dir;
}

/** T2-like rows with both a positive and a negative, `n` of them. */
function testRows(n: number): RerankRow[] {
  const rows = t2LikeRows({ rows: Math.ceil(n * 1.1) + 5, seed: 11 }).filter((r) => r.positive.length > 0 && r.negative.length > 0);
  if (rows.length < n) throw new Error(`only ${rows.length} evaluable rows generated`);
  return rows.slice(0, n);
}

/** The baseline's input: every (query, document) pair's token ids, as bench's tokenizer makes them. */
function writePairs(
  model: NeuralReranker,
  rows: RerankRow[],
  file: string,
): { pairs: number; realTokens: number; meanQueryTokens: number } {
  const q: number[][] = [];
  const d: number[][] = [];
  let qTokens = 0;
  for (const r of rows) {
    const qIds = model.tokenizer.encode(r.query as string, MAX); // once per row; the file repeats it per pair
    qTokens += qIds.length;
    for (const doc of [...r.positive, ...r.negative]) {
      q.push(qIds);
      d.push(model.tokenizer.encode(doc, MAX));
    }
  }
  const flat = Int32Array.from([...q.map((x) => x.length), ...d.map((x) => x.length), ...q.flat(), ...d.flat()]);
  writeFileSync(`${file}.bin`, flat);
  writeFileSync(`${file}.json`, JSON.stringify({ n: q.length, max_length: MAX }));
  return { pairs: q.length, realTokens: [...q, ...d].reduce((s, x) => s + x.length, 0), meanQueryTokens: qTokens / rows.length };
}

let workerEnv: NodeJS.ProcessEnv = {};
async function load(dt: string): Promise<NeuralReranker> {
  return loadNeuralReranker(join(work, "model"), {
    backend: "torch",
    device,
    dtype: dt as "fp16",
    cache: false,
    progress: false,
    batchSize,
    threads,
    python,
    workerEnv,
  });
}

/** The model loaded and warmed up; if the asynchronous CUDA copy path fails, once more with BENCH_WORKER_SYNC=1. */
async function loadWarm(): Promise<NeuralReranker> {
  const warmUp = testRows(2).map((r, row) => ({ row, query: `${r.query}热`, docs: r.negative.map((d) => `${d}热`) }));
  for (;;) {
    const model = await load(dtype);
    try {
      await model.score(warmUp);
      return model;
    } catch (err) {
      await model.close();
      if (workerEnv.BENCH_WORKER_SYNC || !model.worker?.info.asyncCopy) throw err;
      log(`warm-up failed with asynchronous CUDA copies (${(err as Error).message}); retrying with BENCH_WORKER_SYNC=1`);
      workerEnv = { BENCH_WORKER_SYNC: "1" };
    }
  }
}

/** Node's MaxSim per document at these shapes (query rows = the mean query length − 1, 255 doc rows). */
function maxSimMsPerDoc(qRows: number, docs: number): number {
  let s = 5;
  const r = (): number => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  const qv = Float32Array.from({ length: qRows * size.dim }, r);
  const dv = Array.from({ length: 4 }, () => Float32Array.from({ length: (MAX - 1) * size.dim }, r));
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < docs; i++) sink += maxSim(qv, qRows, dv[i % 4], MAX - 1, size.dim);
  if (!Number.isFinite(sink)) throw new Error("maxSim not finite");
  return (performance.now() - t0) / docs;
}

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  log(`bench:eval-gpu ${smoke ? "(CPU smoke sizes)" : ""} work dir ${work}, python ${python}`);
  const modelDir = buildModel();
  const rows = testRows(nQueries);
  const nDocs = rows.reduce((n, r) => n + r.positive.length + r.negative.length, 0);
  const nTexts = new Set(rows.flatMap((r) => [r.query as string, ...r.positive, ...r.negative])).size;
  writeFileSync(join(work, "test.jsonl"), `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);

  // (a) bench eval --backend torch, timed after the model is loaded and one small warm-up run.
  const tLoad = performance.now();
  const model = await loadWarm();
  const loadS = (performance.now() - tLoad) / 1000;
  const warm = { ...model.stats };
  const worker = model.worker;
  const compute0 = worker?.computeMs ?? 0;
  const t0 = performance.now();
  const ev = await evaluateReranking(rows, model);
  const evalS = (performance.now() - t0) / 1000;
  const st = model.stats;
  const pairsFile = join(work, "pairs");
  const tok = writePairs(model, rows, pairsFile);
  const info = worker?.info;
  await model.close();
  const bench = {
    wall_s: evalS,
    docs_per_s: nDocs / evalS,
    load_and_warmup_s: loadS,
    map: ev.scores.map,
    mrr: ev.scores.mrr,
    worker_compute_s: ((worker?.computeMs ?? 0) - compute0) / 1000,
    node_waiting_s: (st.sessionMs - warm.sessionMs) / 1000,
    batches: st.batches - warm.batches,
    real_tokens: st.realTokens - warm.realTokens,
    padded_tokens: st.paddedTokens - warm.paddedTokens,
    // Reply payloads: [batch, length − 1, dim] float32 per batch = (padded tokens − texts) × dim × 4 bytes.
    vector_gb: ((st.paddedTokens - warm.paddedTokens - nTexts) * size.dim * 4) / 1e9,
    device: info?.device,
    device_name: info?.deviceName,
    dtype: info?.dtype,
    torch: info?.torch,
    sdpa: info?.sdpa,
    n_parameters: info?.nParameters,
    async_copy: info?.asyncCopy,
    replies: info?.replies,
    threads_maxsim: defaultPoolSize(),
  };
  log(
    `bench: ${evalS.toFixed(2)} s for ${nDocs} documents (${bench.docs_per_s.toFixed(1)}/s); worker compute ${bench.worker_compute_s.toFixed(2)} s`,
  );
  if (nodeBound) {
    const out = JSON.stringify(
      {
        date: new Date().toISOString(),
        mode: "node-bound",
        cpu: cpus()[0]?.model,
        cores: availableParallelism(),
        node: process.version,
        data: { queries: rows.length, documents: nDocs },
        batch_size: batchSize,
        bench,
      },
      null,
      2,
    );
    if (process.env.OUT) writeFileSync(join(process.env.OUT, "bench-eval-gpu-node-bound.json"), out);
    process.stdout.write(`${out}\n`);
    return;
  }

  // (b) the baseline loop on the same model and token ids.
  const b = spawnSync(
    python,
    [
      join(ROOT, "scripts/bench-eval-gpu-baseline.py"),
      "--model_dir",
      modelDir,
      "--pairs",
      pairsFile,
      "--device",
      device ?? "cuda",
      "--dtype",
      onCpu ? "fp32" : "fp16",
      "--threads",
      String(threads),
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  if (b.status !== 0) throw new Error(`baseline exited ${b.status}`);
  const base = JSON.parse(b.stdout.trim().split("\n").pop() as string) as { wall_s: number; pairs_per_s: number; loop: string };
  log(`baseline: ${base.wall_s.toFixed(2)} s (${base.loop})`);

  // (c) --dtype vs fp32 on the first queries: the score tolerance of reduced precision.
  const sub = rows.slice(0, checkQueries).map((r, row) => ({ row, query: r.query as string, docs: [...r.positive, ...r.negative] }));
  const scoresIn = async (dt: string): Promise<number[]> => {
    const m = await load(dt);
    try {
      return (await m.score(sub)).flat();
    } finally {
      await m.close();
    }
  };
  const ref = await scoresIn("fp32");
  const low = await scoresIn(checkDtype);
  const diffs = ref.map((x, i) => Math.abs(x - low[i]));
  const check = {
    dtype: checkDtype,
    pairs: ref.length,
    max_abs_diff: Math.max(...diffs),
    mean_abs_diff: diffs.reduce((a, x) => a + x, 0) / diffs.length,
  };

  // (d) Node's MaxSim cost at these shapes.
  const qRows = Math.max(1, Math.round(tok.meanQueryTokens) - 1);
  const msPerDoc = maxSimMsPerDoc(qRows, smoke ? 50 : 300);

  const summary = {
    date: new Date().toISOString(),
    smoke,
    cpu: cpus()[0]?.model,
    node: process.version,
    model: `random XLM-R ${size.layers}L hidden ${size.hidden} heads ${size.heads} ffn ${size.ffn} vocab ${size.vocab}, ColBERT ${size.dim}`,
    data: { queries: rows.length, documents: nDocs, pairs: tok.pairs, real_tokens_pairs: tok.realTokens },
    batch_size: batchSize,
    bench,
    baseline: base,
    speedup: base.wall_s / evalS,
    precision_check: check,
    node_maxsim: { query_rows: qRows, ms_per_doc: msPerDoc, projected_s: (msPerDoc * nDocs) / 1000 },
  };
  const out = JSON.stringify(summary, null, 2);
  writeFileSync(join(work, "summary.json"), out);
  if (process.env.OUT) writeFileSync(join(process.env.OUT, "bench-eval-gpu.json"), out);
  process.stdout.write(`${out}\n`);
  log(
    `speedup vs baseline: ${summary.speedup.toFixed(2)}× (goal ≥ 2×); ${check.dtype} vs fp32: max |Δscore| ${check.max_abs_diff.toExponential(2)} over ${check.pairs} pairs`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:eval-gpu: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
