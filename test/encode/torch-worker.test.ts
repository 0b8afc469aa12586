/**
 * The PyTorch worker misbehaving for real (test/helpers/faulty_python.py runs scripts/trainer/encode_worker.py so
 * that it exits, hangs, writes garbage, sends a short reply or fails inside the model): every case ends in a
 * BenchError that names the cause and the worker's last stderr lines, within the batch timeout, and the worker
 * process is gone.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BenchError } from "../../src/errors.js";
import { loadNeuralReranker } from "../../src/models/neural-reranker.js";
import { torchSkipReason } from "../train/helpers.js";
import { makeTorchModel } from "../helpers/torch-model.js";
import { budgetMs } from "../helpers/budget.js";
import { FAULTY_PYTHON, faultStarted, workerFault } from "../helpers/faulty-python.js";

const skip = torchSkipReason();
const work = mkdtempSync(join(tmpdir(), "bench-torch-worker-"));
test.after(() => rmSync(work, { recursive: true, force: true }));
let model: string | null = null;
const modelDir = (): string => (model ??= makeTorchModel(join(work, "m"), { kind: "bert", colbertDim: 8, onnx: false }));

const requests = [
  {
    row: 0,
    query: "北京快递",
    docs: ["北京快递怎么办", "我想看天气", "学生在学习", "快递到了吗", "天气很好", "今天下雨了", "上海的天气", "北京的天安门"],
  },
];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Scores with the worker faulting as `fault` says; returns the error, the worker's pid and how long failing took. */
async function failing(
  fault: string,
  timeoutS = budgetMs(3) / 1000,
  replies: "fifo" | "stdout" = "fifo",
): Promise<{ err: BenchError; pid: number; ms: number }> {
  const m = await loadNeuralReranker(modelDir(), {
    progress: false,
    threads: 1,
    batchSize: 2,
    cache: false,
    backend: "torch",
    device: "cpu",
    python: FAULTY_PYTHON,
    workerTimeoutS: timeoutS,
    workerEnv: workerFault(fault),
    replies,
  });
  assert.equal(m.worker?.info.replies, replies);
  const pid = Number((m.info.extra as { worker_pid?: number }).worker_pid);
  const t0 = performance.now();
  try {
    await m.score(requests);
  } catch (err) {
    assert.ok(err instanceof BenchError, `a BenchError, got ${String(err)}`);
    return { err, pid, ms: performance.now() - t0 };
  } finally {
    await m.close();
  }
  throw new Error(`fault ${fault}: score() succeeded`);
}

const noop = (): void => {};

async function gone(pid: number): Promise<boolean> {
  const until = Date.now() + budgetMs(0.5); // a killed process is gone within a fraction of a second when idle
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

test("a worker that exits mid-run: exit code, unanswered batches and its stderr in the error", async (t) => {
  if (skip) return t.skip(skip);
  const { err, pid } = await failing("exit:1");
  assert.match(
    err.message,
    /^encode: torch worker \(.*encode_worker\.py, pid \d+\) exited with code 3 with \d batch\(es\) unanswered; its last stderr lines:\n(?: {2}model: .*\n)? {2}fault injection: exiting on request 1/,
  );
  assert.ok(await gone(pid));
});

test("a hung worker (on the first document batch, queries are batch #0): killed after --worker-timeout, the error names the batch and the batches in flight", async (t) => {
  if (skip) return t.skip(skip);
  // Batch #0 must come back within the timeout too: 10x its time on an idle machine (1.5 s unscaled).
  const timeoutMs = budgetMs(0.15);
  const timeoutS = timeoutMs / 1000;
  const { err, pid, ms } = await failing("hang:1", timeoutS);
  const within = String((timeoutS * 1000) / 1000).replaceAll(".", "\\."); // as the worker computes it
  assert.match(
    err.message,
    new RegExp(
      `did not return batch #1 \\(2×\\d+ tokens\\) within ${within} s \\(--worker-timeout\\) with 3 batch\\(es\\) in flight; killed it; its last stderr lines:\n(?: {2}model: .*\n)? {2}fault injection: hanging on request 1`,
    ),
  );
  assert.ok(ms >= timeoutMs - 100 && ms < budgetMs(2), `failed after ${ms} ms`);
  assert.ok(await gone(pid), "the hung worker must be killed");
});

test("a worker killed from outside (OOM killer, kill -9): the signal is named", async (t) => {
  if (skip) return t.skip(skip);
  const m = await loadNeuralReranker(modelDir(), {
    progress: false,
    threads: 1,
    batchSize: 2,
    cache: false,
    backend: "torch",
    device: "cpu",
    python: FAULTY_PYTHON,
    workerEnv: workerFault("hang:1", join(work, "hang-started")),
  });
  const pid = Number((m.info.extra as { worker_pid?: number }).worker_pid);
  const scoring = m.score(requests);
  // Killed once it hangs on batch #1 (its stderr line is out), however long batch #0 took.
  try {
    await Promise.race([faultStarted(join(work, "hang-started"), 1), scoring.then(noop, noop)]);
  } finally {
    if (alive(pid)) process.kill(pid, "SIGKILL");
  }
  await assert.rejects(
    scoring,
    /torch worker .* was killed by signal SIGKILL; its last stderr lines:\n(?: {2}model: .*\n)? {2}fault injection: hanging on request 1/,
  );
  await m.close();
});

test("garbage in the reply stream: malformed output, with the bytes seen", async (t) => {
  if (skip) return t.skip(skip);
  const { err, pid } = await failing("garbage:1");
  assert.match(err.message, /wrote malformed output \(expected a frame starting with "BWF1", got "Traceback\? not a frame/);
  assert.match(err.message, /fault injection: writing garbage for request 1/);
  assert.ok(await gone(pid));
});

test("a reply whose payload does not match its dims: malformed reply", async (t) => {
  if (skip) return t.skip(skip);
  const { err } = await failing("short:0");
  assert.match(err.message, /sent a malformed reply for batch #0: dims \[1,\d+,8\] need \d+ payload bytes, got \d+/);
});

test("an exception inside the model: the worker's message and traceback", async (t) => {
  if (skip) return t.skip(skip);
  const { err } = await failing("error:2");
  assert.match(err.message, /failed on batch #2: RuntimeError: fault injection: error inside the model call; its last stderr lines:/);
  assert.match(err.message, /RuntimeError: fault injection/);
});

test("replies over stdout (the fallback transport): the same failures are caught the same way", async (t) => {
  if (skip) return t.skip(skip);
  const exit = await failing("exit:1", 30, "stdout");
  assert.match(exit.err.message, /exited with code 3 .*fault injection: exiting on request 1/s);
  const garbage = await failing("garbage:1", 30, "stdout");
  assert.match(
    garbage.err.message,
    /wrote malformed output \(expected a frame starting with "BWF1", got "Traceback\? not a frame.*fault injection: writing garbage for request 1/s,
  );
  assert.ok(await gone(garbage.pid));
});
