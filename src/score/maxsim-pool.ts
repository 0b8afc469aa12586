/**
 * MaxSim on worker threads, so Node can keep reading encoder replies while earlier documents are scored (the
 * torch backend's vectors arrive faster than one thread can score them: ~1.7 ms per 255 × 1024 document on
 * the project's box). Each task goes to the thread with the fewest tasks outstanding; document vectors that are
 * not needed again are transferred (zero-copy), the others copied. Scores are those of src/score/maxsim.ts.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { BenchError, ExitCode } from "../errors.js";
import { maxSim } from "./maxsim.js";

/** One task: a query's token vectors and the documents to score it against. */
interface MaxSimTask {
  id: number;
  q: Float32Array;
  nq: number;
  dim: number;
  docs: { d: Float32Array; nd: number; floor: boolean }[];
}

// The thread runs the very function the main thread uses (its source, which closes over nothing), so a score is
// bit-identical wherever it is computed, and no TypeScript loader is needed inside the thread.
const THREAD_SOURCE = `
const { parentPort } = require("node:worker_threads");
const maxSim = ${maxSim.toString()};
parentPort.on("message", (t) => {
  const scores = t.docs.map((x) => maxSim(t.q, t.nq, x.d, x.nd, t.dim, x.floor));
  parentPort.postMessage({ id: t.id, scores });
});
`;

/** A document for the pool: its vectors, row count, whether pads floor the max at 0, and whether it may be moved. */
export interface PoolDoc {
  data: Float32Array;
  rows: number;
  floor: boolean;
  /** True when the caller never reads `data` again: it is transferred to the thread (and detached here). */
  last: boolean;
}

/** The pool size the torch backend uses and bench:eval-gpu reports: every core but two, at least one (docs/torch-backend.md). */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 2);
}

/** A fixed set of scoring threads. */
export class MaxSimPool {
  private readonly threads: { w: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, { resolve: (s: number[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(THREAD_SOURCE, { eval: true });
      const slot = { w, busy: 0 };
      w.on("message", (m: { id: number; scores: number[] }) => {
        slot.busy--;
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve(m.scores);
      });
      w.on("error", (err) => this.fail(err));
      w.unref();
      this.threads.push(slot);
    }
  }

  private fail(err: Error): void {
    this.failure = new BenchError(`score: a MaxSim thread failed: ${err.message}`, ExitCode.Internal);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }

  /** Scores query `q` (`nq` rows of `dim`) against `docs`, in order. */
  score(q: Float32Array, nq: number, dim: number, docs: readonly PoolDoc[]): Promise<number[]> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.threads.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    const task: MaxSimTask = { id, q, nq, dim, docs: docs.map((d) => ({ d: d.data, nd: d.rows, floor: d.floor })) };
    const transfer = docs
      .filter((d) => d.last && d.data.byteOffset === 0 && d.data.byteLength === d.data.buffer.byteLength)
      .map((d) => d.data.buffer as ArrayBuffer);
    const result = new Promise<number[]>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    slot.busy++;
    slot.w.ref();
    slot.w.postMessage(task, [...new Set(transfer)]);
    return result.finally(() => {
      if (slot.busy === 0) slot.w.unref();
    });
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.w.terminate()));
    this.threads.length = 0;
  }
}
