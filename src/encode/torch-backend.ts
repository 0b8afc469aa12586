/**
 * `--backend torch`: the EncoderBackend (./encoder-backend.ts) of a model directory encoded by the PyTorch worker
 * (docs/torch-backend.md). The backend flags are checked, the files that make the vectors (config.json, the
 * weights, colbert_linear.pt, the tokenizer) are checked and hashed, a Python with torch is found, the worker is
 * started, and what it reports is recorded. The model config as the worker serves it is src/models/torch-config.ts.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileHashLines, tokenizerFiles } from "../cache/content-hash.js";
import { BenchError, inputError, usageError } from "../errors.js";
import { info } from "../log.js";
import { TORCH_WEIGHT_FILES } from "../hub/model-files.js";
import { findTorchPython } from "../python/find-python.js";
import { sha256Hex } from "../util/sha256.js";
import type { EncoderBackend, BackendName } from "./encoder-backend.js";
import type { ColbertHead } from "./colbert-head.js";
import type { EncoderSession } from "./session.js";
import { type TorchWorker, startTorchWorker } from "./torch-worker.js";

/** Precisions of the torch backend. */
export type TorchDtype = "fp32" | "bf16" | "fp16";

/** Torch-only settings (the `bench eval` flags). */
export interface TorchBackendOptions {
  /** Default: cuda when the worker's torch sees a GPU, else cpu. */
  device?: "cpu" | "cuda";
  /** Default: fp32 on cpu, fp16 on cuda. */
  dtype?: TorchDtype;
  /** Python with torch; default $BENCH_PYTHON, python3, /usr/bin/python3. */
  python?: string;
  /** Seconds to wait for each batch reply (default 300); the model load gets max(this, 600). */
  workerTimeoutS?: number;
  /** Batches kept in flight (default 3). */
  maxInFlight?: number;
  /** Extra worker environment (on top of bench's own). */
  workerEnv?: NodeJS.ProcessEnv;
  /** Reply transport (default: a FIFO on Linux, else stdout); see src/encode/fifo-reader.ts. */
  replies?: "fifo" | "stdout";
}

/** The files whose bytes determine the torch backend's vectors; throws naming what is missing. */
function torchModelFiles(dir: string): string[] {
  const weights = TORCH_WEIGHT_FILES.find((f) => existsSync(join(dir, f)));
  const missing = [
    ...(existsSync(join(dir, "config.json")) ? [] : ["config.json"]),
    ...(weights ? [] : ["model.safetensors (or pytorch_model.bin)"]),
    ...(existsSync(join(dir, "colbert_linear.pt")) ? [] : ["colbert_linear.pt"]),
  ];
  if (missing.length)
    throw inputError(`model: ${dir}: --backend torch needs ${missing.join(", ")} (a directory written by \`bench train\` has them)`);
  return ["config.json", weights as string, "colbert_linear.pt", ...tokenizerFiles(dir)];
}

/** Content hash of the torch files, hashed like modelContentHash ("name sha256\n" lines). */
export async function torchContentHash(dir: string, memoFile: string | null): Promise<string> {
  return sha256Hex(`torch\n${await fileHashLines(dir, torchModelFiles(dir), memoFile)}`);
}

/** Flag checks that need no files, done before any model file is read or hashed. */
function checkTorchOptions(opts: TorchBackendOptions): void {
  const t = opts.workerTimeoutS;
  if (t !== undefined && !(t > 0)) throw inputError(`eval: --worker-timeout must be a positive number of seconds, got ${t}`);
  const n = opts.maxInFlight;
  if (n !== undefined && !(Number.isInteger(n) && n > 0)) throw inputError(`eval: maxInFlight must be a positive integer, got ${n}`);
}

/**
 * Which backend `opts` choose (true = torch), after the flag checks that need no files: an unknown backend, and
 * --device/--dtype without --backend torch, are errors. Hub ids are fetched for the torch purpose by resolveModelDir.
 */
export function choosesTorch(_dirOrHubId: string, opts: TorchBackendOptions & { backend?: BackendName }): boolean {
  const torch = opts.backend === "torch";
  if (opts.backend !== undefined && opts.backend !== "onnx" && !torch)
    throw inputError(`eval: --backend must be onnx or torch, got ${String(opts.backend)}`);
  if (torch) checkTorchOptions(opts);
  else if (opts.device !== undefined || opts.dtype !== undefined)
    throw usageError("eval: --device and --dtype apply to --backend torch only (onnx runs on the CPU in fp32)");
  return torch;
}

/** What results record about a running worker (ModelInfo.extra): its process, torch version, device and precision. */
export function workerInfoExtra(worker: TorchWorker): Record<string, unknown> {
  const w = worker.info;
  return { backend: "torch", worker_pid: w.pid, torch: w.torch, device: w.device, device_name: w.deviceName, dtype: w.dtype };
}

/** Pythons already found to import torch, so one process probes each choice once (a probe imports torch: ~1 s). */
const probed = new Map<string, string>();

/** Finds Python and starts the worker on `dir`; resolves once the model is loaded on its device. */
async function startTorchBackend(dir: string, threads: number, opts: TorchBackendOptions): Promise<TorchWorker> {
  torchModelFiles(dir);
  checkTorchOptions(opts);
  const timeoutS = opts.workerTimeoutS ?? 300;
  let python: string;
  try {
    const key = opts.python ?? `env:${process.env.BENCH_PYTHON ?? ""}`;
    python = probed.get(key) ?? findTorchPython(opts.python).python;
    probed.set(key, python);
  } catch (err) {
    if (err instanceof BenchError) throw new BenchError(`eval: --backend torch: ${err.message.replace(/^train: /, "")}`, err.exitCode);
    throw err;
  }
  const worker = await startTorchWorker({
    python,
    modelDir: dir,
    device: opts.device ?? "auto",
    dtype: opts.dtype ?? "auto",
    threads,
    batchTimeoutMs: timeoutS * 1000,
    loadTimeoutMs: Math.max(timeoutS, 600) * 1000,
    maxInFlight: opts.maxInFlight ?? 3,
    env: opts.workerEnv,
    replies: opts.replies,
  });
  const w = worker.info;
  info(
    `eval: torch worker pid ${w.pid}: ${w.device === "cuda" ? `cuda (${w.deviceName})` : "cpu"} ${w.dtype}, torch ${w.torch}, ${w.nParameters} parameters loaded in ${w.loadSeconds} s; replies over ${w.replies}`,
  );
  if (w.ignoredWeights) info(`eval: torch worker: ${w.ignoredWeights}`);
  return worker;
}

/** The torch backend: the worker's session, its report in results, and torch-only vector-cache entries. */
export class TorchBackend implements EncoderBackend {
  readonly head: ColbertHead | null = null;
  readonly framework = ["PyTorch"];
  private released = false;

  private constructor(
    readonly contentHash: string,
    /** The running worker (its load report and compute time). */
    readonly worker: TorchWorker,
  ) {}

  /** Hashes the model files of `dir` (memoised in `memoFile`), then starts the worker on them. */
  static async open(dir: string, threads: number, memoFile: string | null, opts: TorchBackendOptions): Promise<TorchBackend> {
    const contentHash = await torchContentHash(dir, memoFile);
    // The worker starts now (not on the first cache miss): its device and dtype are part of the cache key.
    return new TorchBackend(contentHash, await startTorchBackend(dir, threads, opts));
  }

  /** torch and ONNX vectors never share cache entries: the key names the backend, device and dtype. */
  get cacheKeyExtra(): Readonly<Record<string, string>> {
    return { backend: "torch", device: this.worker.info.device, dtype: this.worker.info.dtype };
  }

  get nParameters(): number {
    return this.worker.info.nParameters;
  }

  get infoExtra(): Record<string, unknown> {
    return workerInfoExtra(this.worker);
  }

  async session(): Promise<EncoderSession> {
    return this.worker;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.worker.release();
  }
}
