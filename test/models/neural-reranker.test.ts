import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openSession } from "../../src/encode/session.js";
import { loadNeuralReranker, type NeuralRerankerOptions } from "../../src/models/neural-reranker.js";
import type { ScoreRequest } from "../../src/models/types.js";
import { loadTokenizer } from "../../src/tokenize/tokenizer.js";
import {
  buildEncoderOnnx,
  type EncoderSpec,
  TEST_CHARS,
  TINY_UNIGRAM_PIECES,
  unigramTokenizerJson,
  wordPieceTokenizerJson,
  writeModelDir,
} from "../../scripts/lib/onnx-builder.js";

const SHARED_TOKENIZER = resolve(import.meta.dirname, "../..", "../shared/tokenizers/bge-small-zh-v1.5");

/** Deterministic pseudo-random Chinese texts; docs repeat across requests so dedup is exercised. */
function makeRequests(nQueries: number, docsPerQuery: number, seed: number, longDoc: number): ScoreRequest[] {
  let s = seed;
  const r = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const text = (min: number, max: number): string =>
    Array.from({ length: min + Math.floor(r() * (max - min)) }, () => TEST_CHARS[Math.floor(r() * TEST_CHARS.length)]).join("");
  const pool = Array.from({ length: docsPerQuery * 2 }, (_, i) => text(i === 0 ? longDoc : 8, i === 0 ? longDoc + 1 : 60));
  return Array.from({ length: nQueries }, (_, row) => ({
    row,
    query: row === nQueries - 1 ? "快递怎么办" : text(4, 14),
    docs: Array.from({ length: docsPerQuery }, () => pool[Math.floor(r() * pool.length)]),
  }));
}

function tinyUnigramDir(name: string, spec: Partial<EncoderSpec>, benchModel?: Record<string, unknown>): string {
  const tj = unigramTokenizerJson(TINY_UNIGRAM_PIECES);
  const vocab = TINY_UNIGRAM_PIECES.length + 5;
  const model = buildEncoderOnnx({
    vocab,
    hidden: 32,
    layers: 2,
    heads: 4,
    ffn: 64,
    maxPositions: 300,
    tokenTypes: false,
    head: "bge-m3",
    colbertDim: 24,
    seed: 7,
    ...spec,
  });
  return writeModelDir(join(mkdtempSync(join(tmpdir(), "bench-onnx-")), name), model, tj, benchModel);
}

function bertDir(name: string, spec: Partial<EncoderSpec>, benchModel: Record<string, unknown>): { dir: string; shared: boolean } {
  const shared = existsSync(SHARED_TOKENIZER);
  // Without ../shared a tiny generated WordPiece vocabulary (every test character is its own token) stands in.
  const tj = shared
    ? JSON.parse(readFileSync(join(SHARED_TOKENIZER, "tokenizer.json"), "utf8"))
    : wordPieceTokenizerJson(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ...TEST_CHARS]);
  const vocab = shared ? 21128 : TEST_CHARS.length + 5;
  const model = buildEncoderOnnx({
    vocab,
    hidden: 32,
    layers: 2,
    heads: 4,
    ffn: 64,
    maxPositions: 300,
    tokenTypes: true,
    head: "tokens",
    seed: 11,
    ...spec,
  });
  return {
    dir: writeModelDir(join(mkdtempSync(join(tmpdir(), "bench-onnx-")), name), model, tj, { format: "bench-model/1", ...benchModel }),
    shared,
  };
}

type Nested = number[][];

/** Runs the raw graph on one sequence (batch 1, optionally right-padded to padTo) and returns output rows as nested arrays. */
async function rawRows(
  modelPath: string,
  ids: number[],
  output: string,
  opts: { typeIds?: number[]; padTo?: number; padId?: number; tokenTypes?: boolean } = {},
): Promise<Nested> {
  const s = await openSession(modelPath, 1);
  const L = opts.padTo ?? ids.length;
  const id = new BigInt64Array(L).fill(BigInt(opts.padId ?? 0));
  const mask = new BigInt64Array(L);
  const tt = new BigInt64Array(L);
  ids.forEach((v, j) => ((id[j] = BigInt(v)), (mask[j] = 1n), (tt[j] = BigInt(opts.typeIds?.[j] ?? 0))));
  const feeds = {
    input_ids: { data: id, dims: [1, L] },
    attention_mask: { data: mask, dims: [1, L] },
    ...(opts.tokenTypes ? { token_type_ids: { data: tt, dims: [1, L] } } : {}),
  };
  const out = (await s.run(feeds, [output]))[output];
  await s.release();
  const D = out.dims[out.dims.length - 1];
  const rows: Nested = [];
  for (let i = 0; i < out.data.length / D; i++) rows.push([...out.data.subarray(i * D, (i + 1) * D)]);
  return rows;
}

const dot = (a: number[], b: number[]): number => a.reduce((s, x, k) => s + x * b[k], 0);
const norm = (a: number[]): number[] => {
  const n = Math.max(Math.sqrt(dot(a, a)), 1e-12);
  return a.map((x) => x / n);
};
/** The textbook ColBERT score: mean over query rows of the max dot product over doc rows. */
const colbertRef = (q: Nested, d: Nested): number => q.reduce((s, qi) => s + Math.max(...d.map((dj) => dot(qi, dj))), 0) / q.length;
const cosineRef = (a: number[], b: number[]): number => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));

/** Expected scores computed one text at a time: sim(embedQuery(query), embedDoc(doc)) for every request's documents. */
async function referenceScores<Q, D>(
  reqs: ScoreRequest[],
  embedQuery: (text: string) => Promise<Q>,
  embedDoc: (text: string) => Promise<D>,
  sim: (q: Q, d: D) => number,
): Promise<number[][]> {
  const expected: number[][] = [];
  for (const r of reqs) {
    const q = await embedQuery(r.query);
    const row: number[] = [];
    for (const d of r.docs) row.push(sim(q, await embedDoc(d)));
    expected.push(row);
  }
  return expected;
}

function assertClose(actual: number[][], expected: number[][], tol: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= tol, `[${i}][${j}] ${v} vs ${expected[i][j]}`)),
  );
}

const quiet: NeuralRerankerOptions = { progress: false };

test("bge-m3-style export (XLM-R Unigram, no bench_model.json) is recognised; ColBERT scores match a direct computation", async () => {
  const dir = tinyUnigramDir("m3", {});
  const cacheDir = mkdtempSync(join(tmpdir(), "bench-cache-"));
  const rr = await loadNeuralReranker(dir, { ...quiet, cacheDir, batchSize: 4 });
  assert.equal(rr.info.modelType, "late-interaction");
  assert.equal(rr.info.similarityFn, "MaxSim");
  assert.deepEqual(rr.info.framework, ["ONNX"]);
  assert.equal(rr.info.embedDim, 24);
  assert.ok((rr.info.nParameters ?? 0) > (TINY_UNIGRAM_PIECES.length + 5) * 32, "nParameters counts the initializers");
  assert.equal(rr.info.maxTokens, 256);
  assert.equal(rr.config.origin, "detected bge-m3 export");
  assert.match(String(rr.info.extra?.content_sha256), /^[0-9a-f]{64}$/);
  const reqs = makeRequests(5, 6, 1, 400); // one doc longer than 256 tokens: truncated, </s> kept
  const got = await rr.score(reqs);
  await rr.close();
  const tok = loadTokenizer(dir);
  const model = join(dir, "model.onnx");
  // colbert_vecs of an unpadded batch of 1 are exactly the n-1 token rows after CLS.
  const vecs = (text: string): Promise<Nested> => rawRows(model, tok.encode(text, 256), "colbert_vecs");
  assertClose(got, await referenceScores(reqs, vecs, vecs, colbertRef), 1e-5);
});

test("batching, length grouping, dedup and the cache never change a ColBERT score (bit for bit vs batch size 1, no cache)", async () => {
  const dir = tinyUnigramDir("m3", { seed: 3 });
  const cacheDir = mkdtempSync(join(tmpdir(), "bench-cache-"));
  const reqs = makeRequests(6, 8, 2, 300);
  const base = await loadNeuralReranker(dir, { ...quiet, batchSize: 1, cache: false });
  const want = await base.score(reqs);
  await base.close();
  const cold = await loadNeuralReranker(dir, { ...quiet, batchSize: 16, cacheDir });
  assert.deepEqual(await cold.score(reqs), want);
  assert.equal(cold.stats.cacheHits, 0);
  await cold.close();
  const warm = await loadNeuralReranker(dir, { ...quiet, batchSize: 7, cacheDir });
  assert.deepEqual(await warm.score(reqs), want);
  assert.equal(warm.stats.batches, 0, "a warm cache runs no batch");
  assert.ok(warm.stats.cacheHits > 0);
  await warm.close();
  const chunked = await loadNeuralReranker(dir, { ...quiet, batchSize: 5, cache: false, chunkDocs: 3, padToMaxLength: true });
  assert.deepEqual(await chunked.score(reqs), want);
  await chunked.close();
  // A different model (same files but other weights) must not hit the first model's entries.
  const other = tinyUnigramDir("m3", { seed: 4 });
  const fresh = await loadNeuralReranker(other, { ...quiet, cacheDir });
  const otherScores = await fresh.score(reqs);
  assert.equal(fresh.stats.cacheHits, 0);
  assert.notDeepEqual(otherScores, want);
  await fresh.close();
});

test("openRetrievalsCompat equals open-retrievals' compute_score on inputs padded to 256 (doc pads floor the max at 0)", async () => {
  // 4-dim vectors without biases: token vectors point every way, so some query token's best dot is negative.
  const dir = tinyUnigramDir("m3", { seed: 5, scale: 2, colbertDim: 4, zeroBias: true });
  const reqs = [
    ...makeRequests(3, 5, 3, 300),
    { row: 3, query: "快递怎么办", docs: ["的是了", "我不人在他有这个上", "北京"] },
    { row: 4, query: "学么之都好看", docs: ["来到时大地为子中你说", "去能对小多然于"] },
  ];
  const rr = await loadNeuralReranker(dir, { ...quiet, cache: false, openRetrievalsCompat: true });
  const got = await rr.score(reqs);
  await rr.close();
  const tok = loadTokenizer(dir);
  const model = join(dir, "model.onnx");
  // Straight from docs/spec.md §4b: both sides padded to 256; einsum → max over all 255 doc rows (pads are zero
  // vectors) → sum over all 255 query rows (pads contribute 0) → / q_mask[:, 1:].sum().
  const padded = (ids: number[]): Promise<Nested> => rawRows(model, ids, "colbert_vecs", { padTo: 256, padId: 1 });
  const query = async (text: string): Promise<{ rows: Nested; n: number }> => {
    const ids = tok.encode(text, 256);
    return { rows: await padded(ids), n: ids.length - 1 };
  };
  const compatScore = (q: { rows: Nested; n: number }, dm: Nested): number =>
    q.rows.reduce((s, qi) => s + Math.max(...dm.map((dj) => dot(qi, dj))), 0) / q.n;
  assertClose(got, await referenceScores(reqs, query, (text) => padded(tok.encode(text, 256)), compatScore), 1e-5);
  const plain = await loadNeuralReranker(dir, { ...quiet, cache: false });
  const unfloored = await plain.score(reqs);
  await plain.close();
  assert.ok(
    unfloored.flat().some((v, i) => v < got.flat()[i]),
    "some doc has a negative max that the floor lifts",
  );
});

test("BERT-shaped ColBERT (token_type_ids, last_hidden_state, normalised by bench) matches a direct computation", async (t) => {
  const { dir, shared } = bertDir(
    "bert-colbert",
    {},
    {
      type: "colbert",
      inputs: { input_ids: "input_ids", attention_mask: "attention_mask", token_type_ids: "token_type_ids" },
      output: "last_hidden_state",
      output_layout: "tokens",
      normalized: false,
      query_max_length: 32,
      max_length: 64,
    },
  );
  if (!shared) t.diagnostic(`NOTE: ${SHARED_TOKENIZER} missing; using a generated WordPiece vocabulary instead of bge-small-zh-v1.5`);
  const rr = await loadNeuralReranker(dir, { ...quiet, cache: false });
  const reqs = makeRequests(4, 5, 4, 120);
  const got = await rr.score(reqs);
  await rr.close();
  const tok = loadTokenizer(dir);
  const model = join(dir, "model.onnx");
  const rows = async (text: string, max: number) =>
    (await rawRows(model, tok.encode(text, max), "last_hidden_state", { tokenTypes: true })).slice(1).map(norm);
  assertClose(
    got,
    await referenceScores(
      reqs,
      (text) => rows(text, 32),
      (text) => rows(text, 64),
      colbertRef,
    ),
    1e-5,
  );
});

test("dense: mean pooling over last_hidden_state and bge-m3 dense_vecs, cosine, match a direct computation", async () => {
  const { dir } = bertDir(
    "bert-dense",
    { seed: 12 },
    {
      type: "dense",
      inputs: { input_ids: "input_ids", attention_mask: "attention_mask", token_type_ids: "token_type_ids" },
      output: "last_hidden_state",
      output_layout: "tokens",
      pooling: "mean",
      max_length: 64,
    },
  );
  const rr = await loadNeuralReranker(dir, { ...quiet, cache: false, batchSize: 3 });
  assert.equal(rr.info.modelType, "dense");
  assert.equal(rr.info.similarityFn, "cosine");
  const reqs = makeRequests(4, 5, 5, 100);
  const got = await rr.score(reqs);
  await rr.close();
  const tok = loadTokenizer(dir);
  const model = join(dir, "model.onnx");
  const meanVec = async (text: string): Promise<number[]> => {
    const h = await rawRows(model, tok.encode(text, 64), "last_hidden_state", { tokenTypes: true });
    return h[0].map((_, k) => h.reduce((s, row) => s + row[k], 0) / h.length);
  };
  assertClose(got, await referenceScores(reqs, meanVec, meanVec, cosineRef), 1e-5);
  const one = await loadNeuralReranker(dir, { ...quiet, cache: false, batchSize: 1 });
  assert.deepEqual(await one.score(reqs), got, "mean pooling ignores padding: batch 1 and batch 3 agree bit for bit");
  await one.close();

  const m3 = tinyUnigramDir(
    "m3-dense",
    { seed: 8 },
    { format: "bench-model/1", type: "dense", output: "dense_vecs", output_layout: "pooled", normalized: true, max_length: 128 },
  );
  const rd = await loadNeuralReranker(m3, { ...quiet, cache: false });
  const got2 = await rd.score(reqs);
  await rd.close();
  const tok2 = loadTokenizer(m3);
  const m3model = join(m3, "model.onnx");
  const denseVec = async (text: string): Promise<number[]> => (await rawRows(m3model, tok2.encode(text, 128), "dense_vecs"))[0];
  assertClose(got2, await referenceScores(reqs, denseVec, denseVec, cosineRef), 1e-5);
});

test("cross-encoder: each pair through the model, its logit is the score; batching and cache change nothing", async () => {
  const { dir } = bertDir(
    "bert-ce",
    { head: "logits", seed: 13 },
    {
      type: "cross-encoder",
      inputs: { input_ids: "input_ids", attention_mask: "attention_mask", token_type_ids: "token_type_ids" },
      output: "logits",
      output_layout: "logits",
      max_length: 48,
    },
  );
  const reqs = makeRequests(4, 5, 6, 100);
  const cacheDir = mkdtempSync(join(tmpdir(), "bench-cache-"));
  const rr = await loadNeuralReranker(dir, { ...quiet, cacheDir, batchSize: 6 });
  assert.equal(rr.info.modelType, "cross-encoder");
  assert.equal(rr.info.similarityFn, null);
  const got = await rr.score(reqs);
  await rr.close();
  const tok = loadTokenizer(dir);
  const model = join(dir, "model.onnx");
  const expected: number[][] = [];
  for (const r of reqs) {
    const row: number[] = [];
    for (const d of r.docs) {
      const p = tok.encodePair(r.query, d, 48);
      row.push((await rawRows(model, p.ids, "logits", { typeIds: p.typeIds, tokenTypes: true }))[0][0]);
    }
    expected.push(row);
  }
  assertClose(got, expected, 1e-5);
  const one = await loadNeuralReranker(dir, { ...quiet, batchSize: 1, cache: false });
  assert.deepEqual(await one.score(reqs), got);
  await one.close();
  const warm = await loadNeuralReranker(dir, { ...quiet, cacheDir });
  assert.deepEqual(await warm.score(reqs), got);
  assert.equal(warm.stats.batches, 0);
  await warm.close();
});

test("a directory that is neither configured nor a bge-m3 export, and a wrong input config, fail with model:/encode: errors", async () => {
  const { dir } = bertDir("bad", {}, { type: "colbert", output: "last_hidden_state", output_layout: "tokens" });
  const rr = await loadNeuralReranker(dir, { ...quiet, cache: false });
  await assert.rejects(
    rr.score(makeRequests(1, 1, 1, 10)),
    /encode: .*inputs are \[input_ids, attention_mask, token_type_ids\].*token_type_ids/,
  );
  await rr.close();
  const noCfg = tinyUnigramDir("plain", { head: "tokens" });
  const wrongDim = await loadNeuralReranker(
    tinyUnigramDir(
      "dim",
      {},
      {
        format: "bench-model/1",
        type: "colbert",
        output: "colbert_vecs",
        output_layout: "tokens_without_cls",
        normalized: true,
        dim: 1024,
      },
    ),
    { ...quiet, cache: false },
  );
  await assert.rejects(
    wrongDim.score([{ row: 0, query: "快递", docs: ["北京"] }]),
    /model: .*output colbert_vecs has vectors of size 24, but bench_model\.json says dim 1024/,
  );
  await wrongDim.close();
  // A graph whose embedding table is smaller than the tokenizer's vocabulary: ORT's Gather fails, and says where.
  const small = await loadNeuralReranker(tinyUnigramDir("small-vocab", { vocab: 10 }), { ...quiet, cache: false });
  await assert.rejects(
    small.score([{ row: 0, query: "快递", docs: ["北京"] }]),
    /^BenchError: encode: onnxruntime failed running .*model\.onnx on input_ids \[1, \d+\]/,
  );
  await small.close();
  // A hidden-state graph without a ColBERT head or modules.json: a plain LM, and the message says how to get a reranker.
  await assert.rejects(
    loadNeuralReranker(noCfg, { ...quiet, cache: false }),
    /model: .*model\.onnx outputs only the encoder's hidden state \(last_hidden_state\) and the directory has no ColBERT head \(colbert_linear\.pt\).*bench train/,
  );
});
