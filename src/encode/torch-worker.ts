/**
 * The PyTorch encode worker as an EncoderSession (docs/torch-backend.md): scripts/trainer/encode_worker.py runs
 * the trainer's ColBERT, bench sends padded int64 batches and gets float32 [batch, length-1, dim] vectors back
 * over binary frames. Several batches are kept in flight so the GPU works while Node handles the last reply.
 * Every way the worker can go wrong (exit, hang, garbage, an error inside torch) ends in one BenchError that
 * names the cause and the worker's last stderr lines; nothing waits forever.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BenchError, ExitCode } from "../errors.js";
import type { EncoderSession, FloatTensor, Int64Tensor } from "./session.js";
import { openFifo } from "./fifo-reader.js";
import { stderrTail } from "./stderr-tail.js";
import { encodeFrame, type Frame, FrameReader } from "./worker-protocol.js";

/** The worker script, found relative to this module (src/ or dist/ alike). */
const WORKER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "../../scripts/trainer/encode_worker.py");

/** How to start the worker. */
export interface TorchWorkerOptions {
  python: string;
  modelDir: string;
  device: "auto" | "cpu" | "cuda";
  dtype: "auto" | "fp32" | "bf16" | "fp16";
  /** torch CPU threads (0 = torch's default). */
  threads: number;
  /** Longest wait for the next reply while batches are pending. */
  batchTimeoutMs: number;
  /** Longest wait for the model to load. */
  loadTimeoutMs: number;
  /** Batches sent ahead of the one being awaited (≥ 1). */
  maxInFlight: number;
  /** Extra environment (tests inject BENCH_WORKER_FAULT here). */
  env?: NodeJS.ProcessEnv;
  /** Where replies travel: a FIFO (default on Linux: 3× the stream's throughput) or the worker's stdout. */
  replies?: "fifo" | "stdout";
}

/** What the worker reported once its model was loaded. */
export interface TorchWorkerInfo {
  pid: number;
  torch: string;
  device: "cpu" | "cuda";
  dtype: "fp32" | "bf16" | "fp16";
  deviceName: string;
  dim: number;
  nParameters: number;
  loadSeconds: number;
  sdpa: boolean;
  /** CUDA: pinned, asynchronous copies finished on the worker's writer thread (BENCH_WORKER_SYNC=1: off). */
  asyncCopy: boolean;
  /** The transport replies came over. */
  replies: "fifo" | "stdout";
  /** The log line listing checkpoint weights of heads ColBERT does not use (pooler, MLM/NSP heads), or null. */
  ignoredWeights: string | null;
}

/** A running worker: an EncoderSession plus its load report and time spent inside the model. */
export interface TorchWorker extends EncoderSession {
  readonly info: TorchWorkerInfo;
  readonly maxInFlight: number;
  /** Sum of the worker's own per-batch compute times (ms), from its replies. */
  readonly computeMs: number;
}

interface Pending {
  id: number;
  shape: string;
  resolve: (t: FloatTensor) => void;
  reject: (e: Error) => void;
}

/** Starts the worker and waits until its model is loaded (or it fails). */
export function startTorchWorker(opts: TorchWorkerOptions): Promise<TorchWorker> {
  const fifo = opts.replies === "stdout" ? null : openFifo();
  const args = [
    WORKER_SCRIPT,
    "--model_dir",
    opts.modelDir,
    "--device",
    opts.device,
    "--dtype",
    opts.dtype,
    "--threads",
    String(opts.threads),
    ...(fifo ? ["--replies", fifo.path] : []),
  ];
  const child: ChildProcessWithoutNullStreams = spawn(opts.python, args, {
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", ...opts.env },
    stdio: "pipe",
  });
  const stderr = stderrTail(child.stderr);
  const reader = new FrameReader();
  const pending = new Map<number, Pending>();
  let failed: Promise<BenchError> | null = null;
  let closed = false;
  const exitWaiters: (() => void)[] = []; // run once the worker is gone and its replies are delivered
  let closing = false;
  let nextId = 0;
  let computeMs = 0;
  let timer: NodeJS.Timeout | null = null;
  let onReady: ((f: Frame) => void) | null = null;
  let onLoadFail: ((e: Error) => void) | null = null;

  const who = (): string => `encode: torch worker (${opts.python} ${WORKER_SCRIPT}, pid ${child.pid ?? "?"})`;
  // On failure the worker is killed first and its stderr read to the end (stderr and stdout are separate pipes:
  // a traceback may arrive after the bad frame), then every waiting caller gets the same error.
  const fail = (cause: string): void => {
    if (failed) return;
    if (timer) clearTimeout(timer);
    child.kill("SIGKILL");
    detachSignals();
    failed = new Promise<BenchError>((resolve) => {
      const done = (): void => {
        const failure = new BenchError(`${who()} ${cause}${stderr.describe()}`, ExitCode.Input);
        for (const p of pending.values()) p.reject(failure);
        pending.clear();
        onLoadFail?.(failure);
        resolve(failure);
      };
      if (closed) return done();
      const t = setTimeout(() => {
        fifo?.close();
        done();
      }, 2000);
      exitWaiters.push(() => {
        clearTimeout(t);
        done();
      });
    });
  };
  const arm = (ms: number, what: () => string): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => fail(what()), ms);
  };
  const armBatch = (): void => {
    const first = pending.values().next().value as Pending | undefined;
    if (!first) {
      if (timer) clearTimeout(timer);
      timer = null;
      return;
    }
    arm(
      opts.batchTimeoutMs,
      () =>
        `did not return batch #${first.id} (${first.shape}) within ${opts.batchTimeoutMs / 1000} s (--worker-timeout) with ${pending.size} batch(es) in flight; killed it`,
    );
  };

  // Ctrl-C / SIGTERM: end the worker, then let the signal do what it would have done without us.
  const onSignal = (sig: NodeJS.Signals): void => {
    child.kill("SIGKILL");
    fifo?.close();
    detachSignals();
    process.kill(process.pid, sig);
  };
  const detachSignals = (): void => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const handle = (f: Frame): void => {
    const op = f.header.op;
    if (op === "ready") return onReady?.(f);
    const id = f.header.id;
    if (op === "error")
      return fail(`failed${typeof id === "number" ? ` on batch #${id}` : " while loading the model"}: ${String(f.header.message)}`);
    const p = typeof id === "number" ? pending.get(id) : undefined;
    if (op !== "vectors" || !p) return fail(`sent an unexpected reply ${JSON.stringify(f.header).slice(0, 200)}`);
    const dims = f.header.dims;
    const ok = Array.isArray(dims) && dims.length === 3 && dims.every((d) => Number.isInteger(d) && d >= 0);
    const size = ok ? (dims as number[]).reduce((a, b) => a * b, 1) * 4 : -1;
    if (!ok || size !== f.payload.length) {
      return fail(
        `sent a malformed reply for batch #${id}: dims ${JSON.stringify(dims)} need ${size} payload bytes, got ${f.payload.length}`,
      );
    }
    if (p.id !== (pending.keys().next().value as number)) return fail(`answered batch #${id} before #${pending.keys().next().value}`);
    pending.delete(p.id);
    computeMs += typeof f.header.compute_ms === "number" ? f.header.compute_ms : 0;
    armBatch();
    p.resolve({ data: new Float32Array(f.payload.buffer, f.payload.byteOffset, f.payload.length / 4), dims: dims as number[] });
  };

  const onData = (chunk: Buffer): void => {
    if (failed) return;
    try {
      for (const f of reader.push(chunk)) {
        handle(f);
        if (failed) return;
      }
    } catch (err) {
      fail(`wrote malformed output (${(err as Error).message})`);
    }
  };
  if (fifo) {
    fifo.start(onData);
    child.stdout.on("data", () => {}); // fd 1 is the worker's stderr copy; nothing should arrive here
  } else child.stdout.on("data", onData);
  child.on("error", (err) => fail(`could not be started: ${err.message}`));
  child.stdin.on("error", () => {
    /* EPIPE when the worker died: the close handler reports why */
  });
  child.on("close", async (code, signal) => {
    // Replies the worker wrote before it ended are still in the FIFO: deliver them before judging the exit.
    if (fifo) {
      await fifo.drain();
      fifo.close();
    }
    closed = true;
    exitWaiters.forEach((w) => w());
    if (closing || failed) return;
    fail(
      signal
        ? `was killed by signal ${signal}`
        : `exited with code ${code}${pending.size ? ` with ${pending.size} batch(es) unanswered` : " before it was done"}`,
    );
  });

  return new Promise<TorchWorker>((resolve, reject) => {
    onLoadFail = reject;
    arm(opts.loadTimeoutMs, () => `did not finish loading ${opts.modelDir} within ${opts.loadTimeoutMs / 1000} s; killed it`);
    onReady = (f) => {
      if (timer) clearTimeout(timer);
      onLoadFail = null;
      const h = f.header;
      const info: TorchWorkerInfo = {
        pid: Number(h.pid),
        torch: String(h.torch),
        device: h.device as TorchWorkerInfo["device"],
        dtype: h.dtype as TorchWorkerInfo["dtype"],
        deviceName: String(h.device_name),
        dim: Number(h.dim),
        nParameters: Number(h.n_parameters),
        loadSeconds: Number(h.load_s),
        sdpa: h.sdpa === true,
        asyncCopy: h.async_copy === true,
        replies: fifo ? "fifo" : "stdout",
        ignoredWeights: typeof h.ignored_weights === "string" ? h.ignored_weights : null,
      };
      resolve({
        info,
        maxInFlight: Math.max(1, opts.maxInFlight),
        get computeMs() {
          return computeMs;
        },
        inputNames: ["input_ids", "attention_mask"],
        outputNames: ["colbert_vecs"],
        outputShape: () => ["batch", "sequence_minus_1", info.dim],
        run(feeds: Record<string, Int64Tensor>, outputs: readonly string[]): Promise<Record<string, FloatTensor>> {
          if (failed) return failed.then((e) => Promise.reject(e));
          const ids = feeds.input_ids;
          const mask = feeds.attention_mask;
          const [b, len] = ids.dims;
          const id = nextId++;
          const out = outputs[0] ?? "colbert_vecs";
          const result = new Promise<FloatTensor>((res, rej) =>
            pending.set(id, { id, shape: `${b}×${len} tokens`, resolve: res, reject: rej }),
          );
          if (pending.size === 1) armBatch();
          for (const part of encodeFrame({ op: "encode", id, batch: b, length: len }, [ids.data, mask.data])) child.stdin.write(part);
          return result.then((t) => ({ [out]: t }));
        },
        async release() {
          if (closing) return;
          closing = true;
          detachSignals();
          if (timer) clearTimeout(timer);
          if (closed) return;
          // End of input asks the worker to exit; a worker that does not within 5 s is killed.
          const exited = new Promise<void>((ok) => exitWaiters.push(ok));
          child.stdin.end();
          const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
          await exited;
          clearTimeout(kill);
        },
      });
    };
  });
}
