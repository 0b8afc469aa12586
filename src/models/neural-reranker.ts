/**
 * Neural rerankers (ColBERT, dense, cross-encoder) behind the Reranker interface, composed in named steps: a model
 * directory or hub id is resolved and its config read (or a bge-m3 export recognised), the encoder backend opened
 * (onnxruntime, src/encode/onnx-backend.ts, whose session opens lazily so a run served entirely from the vector
 * cache never loads the graph; or with --backend torch the PyTorch worker, src/encode/torch-backend.ts), the
 * encode functions built over the vector cache, the ModelInfo recorded, and requests scored by the loops of src/score/.
 */
import { join } from "node:path";
import { type CachedVectors, defaultCacheDir, VectorCache } from "../cache/vector-cache.js";
import type { BackendName, EncoderBackend } from "../encode/encoder-backend.js";
import type { ExtractSpec } from "../encode/extract.js";
import { checkInputs, checkOutput } from "../encode/feeds.js";
import { OnnxBackend } from "../encode/onnx-backend.js";
import { defaultThreads, type EncoderSession, openSession } from "../encode/session.js";
import { type EncodeStats, encodeSequences, newStats, type TextEncodeSpec } from "../encode/text-encoder.js";
import { choosesTorch, TorchBackend, type TorchBackendOptions } from "../encode/torch-backend.js";
import type { TorchWorker } from "../encode/torch-worker.js";
import { inputError } from "../errors.js";
import { checkGraphFiles } from "../onnx/graph-files.js";
import { scoreEmbedding } from "../score/embedding-loop.js";
import { defaultPoolSize, MaxSimPool } from "../score/maxsim-pool.js";
import { scorePairs } from "../score/pair-loop.js";
import { type PretokenizedEncodeFn, scoreColbertParallel } from "../score/parallel-colbert-loop.js";
import { loadTokenizer, type TextTokenizer } from "../tokenize/tokenizer.js";
import { progressDisplay } from "../util/progress.js";
import { detectOnnxConfig } from "./detect-config.js";
import { resolveModelDir } from "../hub/resolve-model-dir.js";
import { bgeM3Config, type ModelConfig, readBenchModel, trainingBaseError } from "./model-config.js";
import { torchConfig } from "./torch-config.js";
import type { ModelInfo, Progress, Reranker, ScoreRequest } from "./types.js";

/** Options of `loadNeuralReranker`; the `bench eval` flags are the fields NeuralModelOptions picks (./resolve.ts). */
export interface NeuralRerankerOptions extends TorchBackendOptions {
  /** Encoder backend: onnx (default; onnxruntime on the CPU) or torch (the trainer's model in a PyTorch worker). */
  backend?: BackendName;
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
export interface NeuralReranker extends Reranker {
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

/** A model directory read up to its backend: the config as the backend serves it, and what reading it produced. */
interface ModelDirConfig {
  dir: string;
  tokenizerDir: string;
  tokenizer: TextTokenizer;
  threads: number;
  cfg: ModelConfig;
  /** The ONNX graph's external-data files (checked); none for torch. */
  dataFiles: string[];
  /** The session opened to detect the config of a graph without bench_model.json, else null. */
  session: EncoderSession | null;
}

/** Resolves `dirOrHubId`, loads its tokenizer and chooses its config: bench_model.json, bge-m3's defaults (torch), or detected from the graph. */
async function resolveConfig(dirOrHubId: string, opts: NeuralRerankerOptions, torch: boolean): Promise<ModelDirConfig> {
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
  return { dir, tokenizerDir: resolved.tokenizerDir, tokenizer, threads, cfg, dataFiles, session };
}

/** The flags that shape the vectors and the cache, over the config's defaults. */
interface EncodeSettings {
  compat: boolean;
  queryMax: number;
  docMax: number;
  padToMax: boolean;
  useCache: boolean;
  cacheDir: string;
  /** The file-hash memo beside the cache, or null without a cache. */
  memo: string | null;
}

function encodeSettings(cfg: ModelConfig, opts: NeuralRerankerOptions): EncodeSettings {
  const compat = opts.openRetrievalsCompat ?? false;
  const queryMax = positiveInt(opts.queryMaxLength, "--query-max-length") ?? (compat ? OPEN_RETRIEVALS_MAX_LENGTH : cfg.queryMaxLength);
  const docMax = positiveInt(opts.maxLength, "--max-length") ?? (compat ? OPEN_RETRIEVALS_MAX_LENGTH : cfg.maxLength);
  const useCache = opts.cache ?? true;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const memo = useCache ? join(cacheDir, "file-hashes.json") : null;
  return { compat, queryMax, docMax, padToMax: opts.padToMaxLength ?? false, useCache, cacheDir, memo };
}

/** Opens the backend: the torch worker (started now, not on the first cache miss), or ONNX with its head. */
function openBackend(model: ModelDirConfig, memo: string | null, opts: NeuralRerankerOptions, torch: boolean): Promise<EncoderBackend> {
  const { dir, cfg, threads } = model;
  if (torch) return TorchBackend.open(dir, threads, memo, opts);
  const headSource = cfg.origin === "bench_model.json" ? join(dir, "bench_model.json") : dir;
  return OnnxBackend.open(
    {
      dir,
      onnxFile: cfg.onnxFile,
      dataFiles: model.dataFiles,
      tokenizerDir: model.tokenizerDir,
      colbertHead: cfg.colbertHead === null ? null : { file: cfg.colbertHead, source: headSource },
      dim: cfg.dim,
    },
    threads,
    memo,
    model.session,
  );
}

/** What results record about the model (mteb's model_meta fields, plus the content hash and settings). */
function modelInfo(model: ModelDirConfig, settings: EncodeSettings, backend: EncoderBackend): ModelInfo {
  const { cfg } = model;
  const head = backend.head;
  return {
    name: cfg.name,
    revision: cfg.revision,
    modelType: ({ colbert: "late-interaction", dense: "dense", "cross-encoder": "cross-encoder" } as const)[cfg.type],
    similarityFn: ({ colbert: "MaxSim", dense: "cosine", "cross-encoder": null } as const)[cfg.type],
    framework: backend.framework,
    nParameters: backend.nParameters,
    embedDim: cfg.type === "cross-encoder" ? null : (head?.dim ?? cfg.dim),
    maxTokens: settings.docMax,
    extra: {
      content_sha256: backend.contentHash,
      ...backend.infoExtra,
      config_origin: cfg.origin,
      ...(head ? { colbert_head: { file: cfg.colbertHead, dim: head.dim, hidden: head.hidden } } : {}),
      settings: {
        type: cfg.type,
        output: cfg.output,
        output_layout: cfg.outputLayout,
        normalized: cfg.normalized,
        pooling: cfg.pooling,
        query_max_length: settings.queryMax,
        max_length: settings.docMax,
        query_prefix: cfg.queryPrefix,
        document_prefix: cfg.documentPrefix,
        open_retrievals_compat: settings.compat,
        threads: model.threads,
      },
    },
  };
}

/** The encode functions of a run, each over its own vector cache. */
interface Encoders {
  /** Texts of one role (`tokens`: already tokenized, as the torch path does for the next chunk while this one encodes). */
  texts(role: string, prefix: string, maxLength: number): PretokenizedEncodeFn;
  /** Cross-encoder (query, document) pairs. */
  pairs(): (pairs: [string, string][], tick: (n: number) => void) => Promise<CachedVectors[]>;
}

/** How vectors are extracted from the output: the config's layout, plus the head's name when there is one. */
function extractSpec(cfg: ModelConfig, backend: EncoderBackend): ExtractSpec {
  return {
    kind: cfg.type,
    layout: cfg.outputLayout,
    normalized: cfg.normalized,
    pooling: cfg.pooling,
    head: backend.head ? cfg.colbertHead : null,
  };
}

/** The vector cache of one role, prefix and length (null with --no-cache); the key's JSON is kept byte for byte so old caches stay valid. */
function vectorCacheFor(
  cfg: ModelConfig,
  settings: EncodeSettings,
  backend: EncoderBackend,
  extract: ExtractSpec,
): (role: string, prefix: string, maxLength: number) => VectorCache | null {
  // The head's bytes are in contentHash; its name is in the key only when there is one (older keys stay valid).
  const { head: _h, ...extractKey } = extract;
  return (role, prefix, maxLength) =>
    settings.useCache
      ? new VectorCache(
          settings.cacheDir,
          backend.contentHash,
          JSON.stringify({
            role,
            prefix,
            maxLength,
            output: cfg.output,
            extract: extract.head ? extract : extractKey,
            padTo: settings.padToMax ? maxLength : null,
            ...backend.cacheKeyExtra,
          }),
        )
      : null;
}

/** Builds the encode functions; `info.embedDim` is filled from the first vectors when the config leaves dim out. */
function makeEncoders(
  model: ModelDirConfig,
  settings: EncodeSettings,
  backend: EncoderBackend,
  batchSize: number,
  stats: EncodeStats,
  info: ModelInfo,
): Encoders {
  const { dir, cfg, tokenizer } = model;
  const getSession = async (): Promise<EncoderSession> => {
    const session = await backend.session(stats);
    checkInputs(session, cfg.inputs, `${dir}/${cfg.onnxFile}`);
    checkOutput(session, cfg.output, `${dir}/${cfg.onnxFile}`);
    return session;
  };
  const extract = extractSpec(cfg, backend);
  const spec = (maxLength: number): TextEncodeSpec => ({
    inputs: cfg.inputs,
    output: cfg.output,
    extract,
    head: backend.head,
    padId: tokenizer.padId,
    batchSize,
    padTo: settings.padToMax ? maxLength : null,
  });
  const cacheFor = vectorCacheFor(cfg, settings, backend, extract);

  return {
    texts(role, prefix, maxLength) {
      const cache = cacheFor(role, prefix, maxLength);
      return async (texts, tick, tokens) => {
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
    },
    pairs() {
      const docMax = settings.docMax;
      const cache = cacheFor("pair", `${cfg.queryPrefix}\0${cfg.documentPrefix}`, docMax);
      return (pairs, tick) => {
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
    },
  };
}

/** The score step, with the MaxSim thread pool the torch path starts on its first use. */
interface Scorer {
  score(requests: ScoreRequest[], onProgress?: Progress): Promise<number[][]>;
  close(): Promise<void>;
}

/**
 * Scores by the loops of src/score/: the cross-encoder's pairs, the embedding loop, or with the torch worker
 * (`parallel`, always ColBERT) the parallel ColBERT loop. A progress bar is drawn when `score` gets no callback
 * and `opts.progress` is not false.
 */
function makeScorer(
  model: ModelDirConfig,
  settings: EncodeSettings,
  encoders: Encoders,
  chunkDocs: number,
  parallel: boolean,
  opts: NeuralRerankerOptions,
): Scorer {
  const { cfg, tokenizer } = model;
  const { compat, queryMax, docMax } = settings;
  let pool: MaxSimPool | null = null;
  return {
    async score(requests, onProgress) {
      const display =
        onProgress || opts.progress === false
          ? null
          : progressDisplay(`encode ${cfg.name}`, cfg.type === "cross-encoder" ? "pairs" : "texts");
      const progress = onProgress ?? ((d: number, t: number) => display?.update(d, t));
      try {
        if (cfg.type === "cross-encoder") return await scorePairs(requests, encoders.pairs(), chunkDocs, progress);
        const encodeQueries = encoders.texts("query", cfg.queryPrefix, queryMax);
        const encodeDocs = encoders.texts("document", cfg.documentPrefix, docMax);
        const how = { kind: cfg.type, floorBelowTokens: compat && cfg.type === "colbert" ? docMax : null, chunkDocs };
        if (!parallel) return await scoreEmbedding(requests, encodeQueries, encodeDocs, how, progress);
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
    },
  };
}

/** Loads a model directory or `ORG/NAME[@revision]` as a Reranker. */
export async function loadNeuralReranker(dirOrHubId: string, opts: NeuralRerankerOptions = {}): Promise<NeuralReranker> {
  const batchSize = positiveInt(opts.batchSize, "--batch-size") ?? 32;
  const chunkDocs = positiveInt(opts.chunkDocs, "chunkDocs") ?? 2048;
  const torch = choosesTorch(dirOrHubId, opts);
  const model = await resolveConfig(dirOrHubId, opts, torch);
  const settings = encodeSettings(model.cfg, opts);
  const backend = await openBackend(model, settings.memo, opts, torch);
  const worker = backend instanceof TorchBackend ? backend.worker : null;
  const stats = newStats();
  const info = modelInfo(model, settings, backend);
  const encoders = makeEncoders(model, settings, backend, batchSize, stats, info);
  const scorer = makeScorer(model, settings, encoders, chunkDocs, worker !== null, opts);
  return {
    info,
    config: model.cfg,
    stats,
    tokenizer: model.tokenizer,
    worker,
    score: (requests, onProgress) => scorer.score(requests, onProgress),
    async close() {
      await scorer.close();
      await backend.release();
    },
  };
}
