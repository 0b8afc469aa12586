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
import { type FifoReader, openFifo } from "./fifo-reader.js";
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
  /** Extra environment for the worker (on top of bench's own). */
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
  return new TorchWorkerProcess(opts).loaded;
}

/** Workers still running. Ctrl-C / SIGTERM: end each, then let the signal do what it would have done without us. */
const live = new Set<TorchWorkerProcess>();
const onSignal = (sig: NodeJS.Signals): void => {
  for (const w of live) w.kill();
  live.clear();
  watchSignals(false);
  process.kill(process.pid, sig);
};
function watchSignals(on: boolean): void {
  for (const s of ["SIGINT", "SIGTERM"] as const) {
    if (on) process.on(s, onSignal);
    else process.off(s, onSignal);
  }
}
function track(w: TorchWorkerProcess): void {
  if (live.size === 0) watchSignals(true);
  live.add(w);
}
function untrack(w: TorchWorkerProcess): void {
  if (live.delete(w) && live.size === 0) watchSignals(false);
}

/** One worker process: its pipes, the batches awaiting replies, the one timer, and how it ended. */
class TorchWorkerProcess implements TorchWorker {
  readonly inputNames = ["input_ids", "attention_mask"];
  readonly outputNames = ["colbert_vecs"];
  readonly maxInFlight: number;
  /** Sum of the worker's per-batch compute times (ms). */
  computeMs = 0;
  /** Resolves with this worker once its model is loaded; rejects with the failure that came first. */
  readonly loaded: Promise<TorchWorker>;

  private readonly fifo: FifoReader | null;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly stderr: { describe(): string };
  private readonly reader = new FrameReader();
  /** Sent batches by id, in the order the worker must answer them. */
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** The load or batch timeout (one at a time). */
  private timer: NodeJS.Timeout | null = null;
  /** Settles `loaded`; null once the model is loaded. */
  private loading: { resolve: (w: TorchWorker) => void; reject: (e: Error) => void } | null = null;
  private loadedInfo: TorchWorkerInfo | null = null;
  /** Set by the first failure: the error every caller gets, once the worker is gone. */
  private failed: Promise<BenchError> | null = null;
  /** release() was called: the exit that follows is expected. */
  private closing = false;
  /** The worker has exited and every reply it wrote is delivered. */
  private closed = false;
  /** Run once `closed` becomes true. */
  private readonly exitWaiters: (() => void)[] = [];

  constructor(private readonly opts: TorchWorkerOptions) {
    this.maxInFlight = Math.max(1, opts.maxInFlight);
    this.fifo = opts.replies === "stdout" ? null : openFifo();
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
      ...(this.fifo ? ["--replies", this.fifo.path] : []),
    ];
    this.child = spawn(opts.python, args, {
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", ...opts.env },
      stdio: "pipe",
    });
    this.stderr = stderrTail(this.child.stderr);
    track(this);
    this.loaded = new Promise<TorchWorker>((resolve, reject) => {
      this.loading = { resolve, reject };
    });

    const onData = (chunk: Buffer): void => this.onData(chunk);
    if (this.fifo) {
      this.fifo.start(onData);
      this.child.stdout.on("data", () => {}); // fd 1 is the worker's stderr copy; nothing should arrive here
    } else this.child.stdout.on("data", onData);
    this.child.on("error", (err) => this.fail(`could not be started: ${err.message}`));
    this.child.stdin.on("error", () => {
      /* EPIPE when the worker died: the close handler reports why */
    });
    this.child.on("close", (code, signal) => void this.onClose(code, signal));
    this.arm(opts.loadTimeoutMs, () => `did not finish loading ${opts.modelDir} within ${opts.loadTimeoutMs / 1000} s; killed it`);
  }

  get info(): TorchWorkerInfo {
    if (!this.loadedInfo) throw new Error("torch worker: info read before the model was loaded");
    return this.loadedInfo;
  }

  outputShape(): (number | string)[] {
    return ["batch", "sequence_minus_1", this.info.dim];
  }

  run(feeds: Record<string, Int64Tensor>, outputs: readonly string[]): Promise<Record<string, FloatTensor>> {
    if (this.failed) return this.failed.then((e) => Promise.reject(e));
    const ids = feeds.input_ids;
    const mask = feeds.attention_mask;
    const [b, len] = ids.dims;
    const id = this.nextId++;
    const out = outputs[0] ?? "colbert_vecs";
    const result = new Promise<FloatTensor>((resolve, reject) =>
      this.pending.set(id, { id, shape: `${b}×${len} tokens`, resolve, reject }),
    );
    if (this.pending.size === 1) this.armBatch();
    for (const part of encodeFrame({ op: "encode", id, batch: b, length: len }, [ids.data, mask.data])) this.child.stdin.write(part);
    return result.then((t) => ({ [out]: t }));
  }

  async release(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    untrack(this);
    this.clearTimer();
    if (this.closed) return;
    // End of input asks the worker to exit; a worker that does not within 5 s is killed.
    const exited = new Promise<void>((ok) => this.exitWaiters.push(ok));
    this.child.stdin.end();
    const kill = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(kill);
  }

  /** Ends the worker at once (a signal is ending bench). */
  kill(): void {
    this.child.kill("SIGKILL");
    this.fifo?.close();
  }

  private who(): string {
    return `encode: torch worker (${this.opts.python} ${WORKER_SCRIPT}, pid ${this.child.pid ?? "?"})`;
  }

  /**
   * The worker is killed first and its stderr read to the end (stderr and stdout are separate pipes: a traceback
   * may arrive after the bad frame), then every waiting caller, the load included, gets the same error.
   */
  private fail(cause: string): void {
    if (this.failed) return;
    this.clearTimer();
    this.child.kill("SIGKILL");
    untrack(this);
    this.failed = new Promise<BenchError>((resolve) => {
      const done = (): void => {
        const failure = new BenchError(`${this.who()} ${cause}${this.stderr.describe()}`, ExitCode.Input);
        for (const p of this.pending.values()) p.reject(failure);
        this.pending.clear();
        this.loading?.reject(failure);
        resolve(failure);
      };
      if (this.closed) return done();
      const t = setTimeout(() => {
        this.fifo?.close();
        done();
      }, 2000);
      this.exitWaiters.push(() => {
        clearTimeout(t);
        done();
      });
    });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Fails with `what()` unless something re-arms or clears the timer within `ms`. */
  private arm(ms: number, what: () => string): void {
    this.clearTimer();
    this.timer = setTimeout(() => this.fail(what()), ms);
  }

  /** The batch timeout runs for the oldest pending batch; none pending, no timer. */
  private armBatch(): void {
    const first = this.pending.values().next().value as Pending | undefined;
    if (!first) return this.clearTimer();
    const { batchTimeoutMs } = this.opts;
    this.arm(
      batchTimeoutMs,
      () =>
        `did not return batch #${first.id} (${first.shape}) within ${batchTimeoutMs / 1000} s (--worker-timeout) with ${this.pending.size} batch(es) in flight; killed it`,
    );
  }

  private onData(chunk: Buffer): void {
    if (this.failed) return;
    try {
      for (const f of this.reader.push(chunk)) {
        this.handle(f);
        if (this.failed) return;
      }
    } catch (err) {
      this.fail(`wrote malformed output (${(err as Error).message})`);
    }
  }

  private handle(f: Frame): void {
    const op = f.header.op;
    if (op === "ready") return this.onReady(f);
    const id = f.header.id;
    if (op === "error")
      return this.fail(`failed${typeof id === "number" ? ` on batch #${id}` : " while loading the model"}: ${String(f.header.message)}`);
    const p = typeof id === "number" ? this.pending.get(id) : undefined;
    if (op !== "vectors" || !p) return this.fail(`sent an unexpected reply ${JSON.stringify(f.header).slice(0, 200)}`);
    const dims = f.header.dims;
    const ok = Array.isArray(dims) && dims.length === 3 && dims.every((d) => Number.isInteger(d) && d >= 0);
    const size = ok ? (dims as number[]).reduce((a, b) => a * b, 1) * 4 : -1;
    if (!ok || size !== f.payload.length) {
      return this.fail(
        `sent a malformed reply for batch #${id}: dims ${JSON.stringify(dims)} need ${size} payload bytes, got ${f.payload.length}`,
      );
    }
    const oldest = this.pending.keys().next().value as number;
    if (p.id !== oldest) return this.fail(`answered batch #${id} before #${oldest}`);
    this.pending.delete(p.id);
    this.computeMs += typeof f.header.compute_ms === "number" ? f.header.compute_ms : 0;
    this.armBatch();
    p.resolve({ data: new Float32Array(f.payload.buffer, f.payload.byteOffset, f.payload.length / 4), dims: dims as number[] });
  }

  private onReady(f: Frame): void {
    if (!this.loading) return; // only the first ready frame counts
    this.clearTimer();
    const h = f.header;
    this.loadedInfo = {
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
      replies: this.fifo ? "fifo" : "stdout",
      ignoredWeights: typeof h.ignored_weights === "string" ? h.ignored_weights : null,
    };
    const { resolve } = this.loading;
    this.loading = null;
    resolve(this);
  }

  private async onClose(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    // Replies the worker wrote before it ended are still in the FIFO: deliver them before judging the exit.
    if (this.fifo) {
      await this.fifo.drain();
      this.fifo.close();
    }
    this.closed = true;
    for (const w of this.exitWaiters) w();
    if (this.closing || this.failed) return;
    this.fail(
      signal
        ? `was killed by signal ${signal}`
        : `exited with code ${code}${this.pending.size ? ` with ${this.pending.size} batch(es) unanswered` : " before it was done"}`,
    );
  }
}
