/**
 * `bench train --nproc-per-node 2` on CPU (torchrun + DDP over gloo) with Debian's torch: rank 0 alone writes
 * the output; Ctrl-C checkpoints every rank's state and --resume ends bit-identical to the uninterrupted run
 * (dropout on, so each rank's RNG state must come back); a rank that raises or hangs ends the run with its error;
 * two trainings started at once on one machine both run (each rendezvous on its own free port). Runs that do not
 * depend on each other start together (fewer serial trainer start-ups). Equivalence with one process (weights,
 * losses) is tested in scripts/trainer/tests/test_ddp.py.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:net";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { timeoutScale } from "../helpers/budget.js";
import { assertSameBytes, bench, benchAsync, benchUntil, scratchDir, tinyZh, torchSkipReason } from "./helpers.js";

const ARGS = [
  "--model",
  tinyZh,
  "--data",
  "split/train.jsonl",
  "--nproc-per-node",
  "2",
  "--per_device_train_batch_size",
  "2",
  "--train_group_size",
  "3",
  "--max_steps",
  "20",
  "--learning_rate",
  "1e-3",
  "--query_max_length",
  "32",
  "--max_length",
  "48",
  "--padding",
  "longest",
  "--use_inbatch_negative",
  "true",
  "--logging_steps",
  "1",
  "--save_steps",
  "100",
  "--threads",
  "1",
  "--seed",
  "5",
];
const WEIGHTS = ["model.safetensors", "colbert_linear.pt"];

test("bench train --nproc-per-node 2: rank-0 output, Ctrl-C + --resume bit-identical, failing ranks end the run", async (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-ddp-");
  assert.equal(bench(dir, ["split", "--task", "ZhSampleReranking", "--out", "split"]).code, 0);

  // two 2-process trainings started at the same time on this machine: A runs to the end while C is interrupted
  // (each torchrun's rendezvous binds its own free port; with torch 1.13's --standalone both wanted port 29400
  // and one failed with "Address already in use")
  const [a, c] = await Promise.all([
    benchAsync(dir, ["train", ...ARGS, "--out", "A"]),
    // SIGINT to bench only; it forwards to torchrun, which forwards to the ranks
    benchUntil(dir, ["train", ...ARGS, "--out", "C"], /train \[.*\] 2\/20/, (child) => child.kill("SIGINT")),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.doesNotMatch(`${a.stderr}\n${c.stderr}`, /Address already in use/);
  assert.match(a.stderr, /torchrun, 2 processes per node; global batch 2 x 2 processes x 1 accumulation = 4 queries per step/);
  assert.match(a.stderr, /device cpu x 2 processes/);
  for (const f of ["model.safetensors", "colbert_linear.pt", "model.onnx", "bench_model.json", "manifest.json"])
    assert.ok(existsSync(join(dir, "A", f)), f);
  const log = readFileSync(join(dir, "A", "train_log.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { step: number });
  assert.deepEqual(
    log.map((r) => r.step),
    Array.from({ length: 20 }, (_, i) => i + 1),
  ); // one writer: no duplicate lines

  await t.test("Ctrl-C: every rank stops at the same step, rank 0 checkpoints; --resume ends bit-identical", async () => {
    const { code, stderr } = c;
    assert.equal(code, 130, stderr);
    const stopped = /interrupted at step (\d+); the checkpoint is saved, continue with --resume/.exec(stderr);
    assert.ok(stopped && Number(stopped[1]) < 20, stderr);
    const r = bench(dir, ["train", "--out", "C", "--resume", "--nproc-per-node", "2"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`resuming at step ${stopped[1]} of 20`));
    assertSameBytes(join(dir, "A"), join(dir, "C"), WEIGHTS, "differs after resume");
  });

  await t.test("2 nodes x 1 process (static rendezvous on loopback) = 1 node x 2 processes, bit for bit", async () => {
    const port = await freePort();
    const multi = ARGS.map((a, i) => (ARGS[i - 1] === "--nproc-per-node" ? "1" : a));
    const flags = ["--nnodes", "2", "--master-addr", "127.0.0.1", "--master-port", String(port)];
    // torchrun sets OMP_NUM_THREADS=1 only with > 1 process per node; OpenBLAS follows it (not --threads), and
    // another BLAS thread count sums in another order: give the 1-process nodes what the 2-process run had
    const env = { OMP_NUM_THREADS: "1" };
    const [n0, n1] = await Promise.all([
      benchAsync(dir, ["train", ...multi, ...flags, "--node-rank", "0", "--out", "N0"], env),
      benchAsync(dir, ["train", ...multi, ...flags, "--node-rank", "1", "--out", "N1"], env),
    ]);
    assert.equal(n0.code, 0, n0.stderr);
    assert.equal(n1.code, 0, n1.stderr);
    assert.match(n1.stderr, /node 1's processes finished; node 0 writes/);
    assert.ok(!existsSync(join(dir, "N1", "model.safetensors")), "node 1 must not write the model");
    assertSameBytes(join(dir, "A"), join(dir, "N0"), WEIGHTS, "differs between 2 nodes x 1 process and 1 node x 2 processes");
  });

  // "not a hang": each run has a time budget (benchAsync: 10 x 30 s idle x BENCH_TEST_TIMEOUT_SCALE), past which
  // it is killed and the test fails saying so. Both start together (independent runs).
  // --ddp_timeout: how long a healthy rank waits at a collective (also at the rendezvous, where a busy machine can
  // start one rank seconds after the other), 10 s scaled like every test budget.
  const ddpTimeout = Math.ceil(10 * timeoutScale());
  const t0 = Date.now();
  const [f, h] = await Promise.all([
    benchAsync(dir, ["train", ...ARGS, "--out", "F"], { BENCH_TRAINER_TEST_FAIL: "1:3" }, 30),
    benchAsync(dir, ["train", ...ARGS, "--out", "H", "--ddp_timeout", String(ddpTimeout)], { BENCH_TRAINER_TEST_FAIL: "1:3:hang" }, 30),
  ]);
  const hangS = ((Date.now() - t0) / 1000).toFixed(1);

  await t.test("a rank that raises ends the run with its error (exit 4), not a hang", () => {
    assert.equal(f.code, 4, f.stderr);
    assert.match(f.stderr, /bench: train: rank 1: RuntimeError: test failure injected on rank 1 at step 3/);
    assert.ok(!existsSync(join(dir, "F", "model.onnx")));
  });

  await t.test("a rank that hangs: the others time out after --ddp_timeout and the run ends (exit 4)", () => {
    assert.equal(h.code, 4, h.stderr);
    assert.match(h.stderr, new RegExp(`bench: train: rank 0: RuntimeError: .*Timed out waiting ${ddpTimeout * 1000}ms`));
    t.diagnostic(`hang detected and the run ended in ${hangS} s (--ddp_timeout ${ddpTimeout})`);
  });
});

test("bench train: torchrun flag errors (exit 2)", (t) => {
  const dir = scratchDir(t, "bench-ddp-err-");
  const base = ["train", "--model", tinyZh, "--data", "x.jsonl", "--out", "o"];
  let r = bench(dir, [...base, "--nproc-per-node", "2", "--nnodes", "2"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--nnodes > 1 needs --master-addr and --master-port/);
  r = bench(dir, [
    ...base,
    "--nproc-per-node",
    "2",
    "--nnodes",
    "2",
    "--node-rank",
    "2",
    "--master-addr",
    "10.0.0.1",
    "--master-port",
    "29500",
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--node-rank 2 must be below --nnodes 2/);
  r = bench(dir, [...base, "--nnodes", "2"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /need --nproc-per-node/);
  r = bench(dir, [...base, "--nproc-per-node", "0"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--nproc-per-node expects an integer ≥ 1, got 0/);
});

/** A TCP port free right now on loopback (the rendezvous binds it a moment later). */
async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const addr = srv.address();
  srv.close();
  await once(srv, "close");
  if (addr === null || typeof addr === "string") throw new Error("no port");
  return addr.port;
}
