/**
 * ONNX rerankers (ColBERT, dense, cross-encoder) behind the Reranker interface: a model directory or hub id is
 * resolved, its config read (or a bge-m3 export recognised), the tokenizer loaded, and the session opened
 * lazily so a run served entirely from the vector cache never loads the graph. With --backend torch the encoder
 * session is the PyTorch worker instead (./torch-backend.ts says what differs); everything above it is shared.
 */
import { join } from "node:path";
import { defaultCacheDir, VectorCache } from "../cache/vector-cache.js";
import { inputError } from "../errors.js";
import { loadColbertHead } from "../encode/colbert-head.js";
import type { ExtractSpec } from "../encode/extract.js";
import { checkInputs, checkOutput } from "../encode/feeds.js";
import { defaultThreads, type EncoderSession, openSession, ortVersion } from "../encode/session.js";
import { type EncodeStats, encodeSequences, newStats, type TextEncodeSpec } from "../encode/text-encoder.js";
import { loadTokenizer, type TextTokenizer } from "../tokenize/tokenizer.js";
import { progressDisplay } from "../util/progress.js";
import { detectOnnxConfig } from "./detect-config.js";
import { bgeM3Config, type ModelConfig, readBenchModel, resolveModelDir, trainingBaseError } from "./model-dir.js";
import { modelPath } from "../util/model-paths.js";
import { checkGraphFiles, onnxModelContentHash } from "../onnx/graph-files.js";
import { countOnnxParameters } from "../onnx/params.js";
import type { TorchWorker } from "../encode/torch-worker.js";
import {
  type Backend,
  choosesTorch,
  startTorchBackend,
  type TorchBackendOptions,
  torchConfig,
  torchContentHash,
  workerInfoExtra,
} from "./torch-backend.js";
import { scoreEmbedding, scorePairs } from "./onnx-score.js";
import { scoreColbertParallel } from "./parallel-score.js";
import { defaultPoolSize, MaxSimPool } from "../score/maxsim-pool.js";
import type { ModelInfo, Progress, Reranker, ScoreRequest } from "./types.js";

/** Options of `loadOnnxReranker`; the `bench eval` flags are the fields NeuralModelOptions picks (./resolve.ts). */
export interface OnnxRerankerOptions extends TorchBackendOptions {
  /** Encoder backend: onnx (default; onnxruntime on the CPU) or torch (the trainer's model in a PyTorch worker). */
  backend?: Backend;
  /** Texts (or pairs) per encoder batch (an ORT run, or one batch sent to the torch worker); default 32. Never changes a score. */
  batchSize?: number;
  /** Use the on-disk vector cache (default true; `--no-cache` sets false). */
  cache?: boolean;
  /** Reproduce open-retrievals' compute_score: both sides truncated/padded to 256, doc pads floor each max at 0. */
  openRetrievalsCompat?: boolean;
  /** Override the query truncation length. */
  queryMaxLength?: number;
  /** Override the document (cross-encoder: pair) truncation length. */
  maxLength?: number;
  /** Cache directory; default $BENCH_CACHE_DIR or ./.bench-cache. */
  cacheDir?: string;
  /** Pad every batch to the max length, as open-retrievals does (slower; for comparison). Never changes a score. */
  padToMaxLength?: boolean;
  /** ORT intra-op threads, or the torch worker's CPU threads; default os.availableParallelism(). */
  threads?: number;
  /** Draw a progress bar on stderr when score() gets no onProgress callback (default true). */
  progress?: boolean;
  /** Documents (or pairs) per scoring chunk, bounding memory; default 2048. Never changes a score. */
  chunkDocs?: number;
  /** Hub endpoint / cache for ORG/NAME ids (default HF_ENDPOINT / HF_HUB_CACHE). */
  hubEndpoint?: string;
  hubCacheDir?: string;
  /** The graph to load, relative to the model root (`--onnx-file`); default model.onnx, else onnx/model.onnx. */
  onnxFile?: string;
}

/** A Reranker with its config and encode statistics exposed (for benchmarks and tests). */
export interface OnnxReranker extends Reranker {
  readonly config: ModelConfig;
  readonly stats: EncodeStats;
  readonly tokenizer: TextTokenizer;
  /** The PyTorch worker with --backend torch (its load report and compute time), else null. */
  readonly worker: TorchWorker | null;
}

const OPEN_RETRIEVALS_MAX_LENGTH = 256; // compute_score(max_length=256), docs/spec.md §4b

function positiveInt(v: number | undefined, flag: string): number | undefined {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw inputError(`eval: ${flag} must be a positive integer, got ${v}`);
  return v;
}

/** Loads a model directory or `ORG/NAME[@revision]` as a Reranker. */
export async function loadOnnxReranker(dirOrHubId: string, opts: OnnxRerankerOptions = {}): Promise<OnnxReranker> {
  const batchSize = positiveInt(opts.batchSize, "--batch-size") ?? 32;
  const chunkDocs = positiveInt(opts.chunkDocs, "chunkDocs") ?? 2048;
  const torch = choosesTorch(dirOrHubId, opts);
  const resolved = await resolveModelDir(dirOrHubId, {
    endpoint: opts.hubEndpoint,
    cacheDir: opts.hubCacheDir,
    onnxFile: opts.onnxFile,
    purpose: torch ? "torch" : "onnx",
  });
  const { dir } = resolved;
  const tokenizer = loadTokenizer(resolved.tokenizerDir);
  const threads = opts.threads ?? defaultThreads();
  let session: EncoderSession | null = null;
  let config = readBenchModel(dir, resolved.name);
  // --onnx-file picks the graph even when bench_model.json names another.
  if (config !== null && opts.onnxFile !== undefined && resolved.onnxFile !== null) config = { ...config, onnxFile: resolved.onnxFile };
  // torch without bench_model.json: bge-m3's layout (docs/model-format.md defaults), nothing read from a graph.
  if (config === null && torch) config = bgeM3Config(resolved.name, resolved.revision, null);
  let dataFiles: string[] = [];
  if (config === null) {
    const onnxFile = resolved.onnxFile;
    // A training base (config.json + weights, no graph): say how to export its untrained starting point.
    const base = onnxFile === null ? trainingBaseError(dir, dirOrHubId) : null;
    if (base) throw base;
    if (onnxFile === null)
      throw inputError(`model: ${dir} has no bench_model.json and no ONNX graph (model.onnx or onnx/model.onnx); see docs/model-format.md`);
    dataFiles = await checkGraphFiles(dir, onnxFile, dir, "graph");
    session = await openSession(join(dir, onnxFile), threads);
    try {
      config = detectOnnxConfig(session, dir, onnxFile, resolved.name, resolved.revision);
    } catch (err) {
      await session.release();
      throw err;
    }
  } else {
    if (!torch)
      dataFiles = await checkGraphFiles(
        dir,
        config.onnxFile,
        opts.onnxFile !== undefined ? dir : join(dir, "bench_model.json"),
        opts.onnxFile !== undefined ? "--onnx-file" : "onnx_file",
      );
    if (config.revision === null) config = { ...config, revision: resolved.revision };
  }
  const cfg = torch ? torchConfig(config, dir) : config;
  const compat = opts.openRetrievalsCompat ?? false;
  const queryMax = positiveInt(opts.queryMaxLength, "--query-max-length") ?? (compat ? OPEN_RETRIEVALS_MAX_LENGTH : cfg.queryMaxLength);
  const docMax = positiveInt(opts.maxLength, "--max-length") ?? (compat ? OPEN_RETRIEVALS_MAX_LENGTH : cfg.maxLength);
  const padToMax = opts.padToMaxLength ?? false;
  const useCache = opts.cache ?? true;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const memo = useCache ? join(cacheDir, "file-hashes.json") : null;
  const head =
    !torch && cfg.colbertHead !== null
      ? loadColbertHead(
          modelPath(dir, cfg.colbertHead, cfg.origin === "bench_model.json" ? join(dir, "bench_model.json") : dir, "colbert_head"),
          threads,
        )
      : null;
  if (head && cfg.dim !== null && head.dim !== cfg.dim)
    throw inputError(`model: ${dir}: ${cfg.colbertHead} projects to ${head.dim}, but bench_model.json says dim ${cfg.dim}`);
  const contentHash = torch
    ? await torchContentHash(dir, memo)
    : await onnxModelContentHash(
        dir,
        cfg.onnxFile,
        dataFiles,
        resolved.tokenizerDir,
        head && cfg.colbertHead ? [cfg.colbertHead] : [],
        memo,
      );
  // The worker starts now (not on the first cache miss): its device and dtype are part of the cache key.
  const worker = torch ? await startTorchBackend(dir, threads, opts) : null;
  let pool: MaxSimPool | null = null;
  if (worker) session = worker;
  // torch and ONNX vectors never share cache entries: the key names the backend, device and dtype.
  const backendKey = worker ? { backend: "torch", device: worker.info.device, dtype: worker.info.dtype } : {};
  const getSession = async (): Promise<EncoderSession> => {
    if (session === null) {
      const t0 = performance.now();
      session = await openSession(join(dir, cfg.onnxFile), threads);
      stats.openMs += performance.now() - t0;
    }
    checkInputs(session, cfg.inputs, `${dir}/${cfg.onnxFile}`);
    checkOutput(session, cfg.output, `${dir}/${cfg.onnxFile}`);
    return session;
  };
  const stats = newStats();
  const headName = head ? cfg.colbertHead : null;
  const extract: ExtractSpec = {
    kind: cfg.type,
    layout: cfg.outputLayout,
    normalized: cfg.normalized,
    pooling: cfg.pooling,
    head: headName,
  };
  const spec = (maxLength: number): TextEncodeSpec => ({
    inputs: cfg.inputs,
    output: cfg.output,
    extract,
    head,
    padId: tokenizer.padId,
    batchSize,
    padTo: padToMax ? maxLength : null,
  });
  // The head's bytes are in contentHash; its name is in the key only when there is one (older keys stay valid).
  const { head: _h, ...extractKey } = extract;
  const cacheFor = (role: string, prefix: string, maxLength: number): VectorCache | null =>
    useCache
      ? new VectorCache(
          cacheDir,
          contentHash,
          JSON.stringify({
            role,
            prefix,
            maxLength,
            output: cfg.output,
            extract: headName ? extract : extractKey,
            padTo: padToMax ? maxLength : null,
            ...backendKey,
          }),
        )
      : null;

  const encodeTexts = (role: string, prefix: string, maxLength: number) => {
    const cache = cacheFor(role, prefix, maxLength);
    // `tokens`: the texts already tokenized (the torch path tokenizes the next chunk while this one encodes).
    return async (texts: string[], tick: (n: number) => void, tokens?: number[][]) => {
      const v = await encodeSequences(
        tokens ?? texts.map((t) => tokenizer.encode(prefix + t, maxLength)),
        texts,
        spec(maxLength),
        getSession,
        cache,
        stats,
        tick,
      );
      // bench_model.json may leave dim out: record what the graph actually produced.
      if (v.length > 0 && cfg.dim !== null && v[0].dim !== cfg.dim) {
        throw inputError(`model: ${dir}: output ${cfg.output} has vectors of size ${v[0].dim}, but bench_model.json says dim ${cfg.dim}`);
      }
      if (info.embedDim === null && v.length > 0) info.embedDim = v[0].dim;
      return v;
    };
  };
  const encodePairs = () => {
    const cache = cacheFor("pair", `${cfg.queryPrefix}\0${cfg.documentPrefix}`, docMax);
    return (pairs: [string, string][], tick: (n: number) => void) => {
      const enc = pairs.map(([q, d]) => tokenizer.encodePair(cfg.queryPrefix + q, cfg.documentPrefix + d, docMax));
      const keys = pairs.map((p) => JSON.stringify(p));
      return encodeSequences(
        enc.map((e) => e.ids),
        keys,
        spec(docMax),
        getSession,
        cache,
        stats,
        tick,
        enc.map((e) => e.typeIds),
      );
    };
  };

  const info: ModelInfo = {
    name: cfg.name,
    revision: cfg.revision,
    modelType: ({ colbert: "late-interaction", dense: "dense", "cross-encoder": "cross-encoder" } as const)[cfg.type],
    similarityFn: ({ colbert: "MaxSim", dense: "cosine", "cross-encoder": null } as const)[cfg.type],
    framework: worker ? ["PyTorch"] : ["ONNX"],
    nParameters: worker ? worker.info.nParameters : await countOnnxParameters(join(dir, cfg.onnxFile)),
    embedDim: cfg.type === "cross-encoder" ? null : (head?.dim ?? cfg.dim),
    maxTokens: docMax,
    extra: {
      content_sha256: contentHash,
      ...(worker ? workerInfoExtra(worker) : { onnxruntime: ortVersion }),
      config_origin: cfg.origin,
      ...(head ? { colbert_head: { file: cfg.colbertHead, dim: head.dim, hidden: head.hidden } } : {}),
      settings: {
        type: cfg.type,
        output: cfg.output,
        output_layout: cfg.outputLayout,
        normalized: cfg.normalized,
        pooling: cfg.pooling,
        query_max_length: queryMax,
        max_length: docMax,
        query_prefix: cfg.queryPrefix,
        document_prefix: cfg.documentPrefix,
        open_retrievals_compat: compat,
        threads,
      },
    },
  };

  return {
    info,
    config: cfg,
    stats,
    tokenizer,
    worker,
    async score(requests: ScoreRequest[], onProgress?: Progress): Promise<number[][]> {
      const display =
        onProgress || opts.progress === false
          ? null
          : progressDisplay(`encode ${cfg.name}`, cfg.type === "cross-encoder" ? "pairs" : "texts");
      const progress = onProgress ?? ((d: number, t: number) => display?.update(d, t));
      try {
        if (cfg.type === "cross-encoder") return await scorePairs(requests, encodePairs(), chunkDocs, progress);
        const encodeQueries = encodeTexts("query", cfg.queryPrefix, queryMax);
        const encodeDocs = encodeTexts("document", cfg.documentPrefix, docMax);
        const how = { kind: cfg.type, floorBelowTokens: compat && cfg.type === "colbert" ? docMax : null, chunkDocs };
        if (!worker) return await scoreEmbedding(requests, encodeQueries, encodeDocs, how, progress);
        // torch (always ColBERT): MaxSim on threads, so Node keeps feeding the GPU (docs/torch-backend.md)
        pool ??= new MaxSimPool(defaultPoolSize());
        const tokenizeDoc = (text: string): number[] => tokenizer.encode(cfg.documentPrefix + text, docMax);
        return await scoreColbertParallel(requests, encodeQueries, encodeDocs, how, progress, pool, tokenizeDoc);
      } finally {
        display?.stop();
      }
    },
    async close() {
      await pool?.close();
      pool = null;
      if (session) await session.release();
      session = null;
      await head?.release();
    },
  };
}
