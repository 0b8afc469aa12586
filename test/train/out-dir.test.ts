/**
 * `bench train --out DIR` ownership: the lock (a live holder refuses a second run at once, a dead one's lock is
 * stale), --overwrite_output_dir removes bench's own files only, a NaN loss stops the run with nothing exported, and
 * a failed start leaves nothing that blocks the corrected re-run (src/train/out-dir.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trainCommand } from "../../src/commands/train.js";
import { BenchError } from "../../src/errors.js";
import {
  BENCH_OUT_FILES,
  LOCK_FILE,
  TRAINER_LOG,
  blockingEntries,
  lockOutDir,
  removeBenchFiles,
  removeStaleTemps,
} from "../../src/train/out-dir.js";
import { bench, scratchDir, tinyZh, torchSkipReason } from "./helpers.js";
import { writeSmallTrainFile } from "./fixtures-small.js";

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

test("the lock: a live holder refuses a second run at once; a dead holder's lock is taken over", async (t) => {
  const dir = scratchDir(t, "bench-train-lock-");
  const data = writeSmallTrainFile(dir);
  const out = join(dir, "out");
  mkdirSync(out);
  writeFileSync(join(out, LOCK_FILE), `${process.pid}\n`); // this test process: alive, and not bench's own pid there
  const r = bench(dir, ["train", "--model", tinyZh, "--data", data, "--out", "out"]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr,
    `bench: usage: --out out is in use by another bench train (pid ${process.pid}); wait for it to finish or choose another --out\n`,
  );
  // stale: the holder is dead, so the lock is replaced (and released again)
  writeFileSync(join(out, LOCK_FILE), `${deadPid()}\n`);
  assert.deepEqual(blockingEntries(out), [], "a stale lock alone does not make --out non-empty");
  const release = lockOutDir(out, "out");
  assert.equal(readFileSync(join(out, LOCK_FILE), "utf8"), `${process.pid}\n`);
  // a lock with this process's own pid is not "another run": the command gets past it (to the Python probe here)
  await assert.rejects(
    trainCommand({ model: tinyZh, data, out, python: "/nonexistent/python", hyperparameters: {} }),
    (e: unknown) => e instanceof BenchError && /cannot import torch/.test(e.message),
  );
  release();
  assert.ok(!existsSync(join(out, LOCK_FILE)));
});

test("--overwrite_output_dir removes bench's own files and temp files, nothing else", (t) => {
  const dir = scratchDir(t, "bench-train-overwrite-");
  for (const f of BENCH_OUT_FILES) writeFileSync(join(dir, f), "x");
  writeFileSync(join(dir, "notes.txt"), "mine");
  writeFileSync(join(dir, "model.safetensors.123.tmp"), "torn");
  mkdirSync(join(dir, "checkpoint.d"));
  const removed = removeBenchFiles(dir, [TRAINER_LOG]);
  assert.deepEqual(readdirSync(dir).sort(), ["checkpoint.d", "notes.txt", TRAINER_LOG].sort());
  assert.ok(removed.includes("model.safetensors.123.tmp"));
  mkdirSync(join(dir, "checkpoint"));
  writeFileSync(join(dir, "checkpoint", "checkpoint.pt.77.tmp"), "torn");
  mkdirSync(join(dir, ".onnx-export-x1"));
  assert.deepEqual(removeStaleTemps(dir).sort(), [join(dir, ".onnx-export-x1"), join(dir, "checkpoint", "checkpoint.pt.77.tmp")].sort());
});

test("a NaN loss stops the run (exit 3, nothing exported); the failed start does not block the corrected re-run", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-train-nan-");
  writeSmallTrainFile(dir);
  const args = [
    "train",
    "--model",
    tinyZh,
    "--data",
    "train.jsonl",
    "--out",
    "run",
    "--per_device_train_batch_size",
    "4",
    "--max_steps",
    "1",
    "--query_max_length",
    "16",
    "--max_length",
    "32",
    "--train_group_size",
    "2",
    "--threads",
    "1",
    "--padding",
    "longest",
  ];
  // 1e-300 is a valid float > 0 but 0 in float32: every score becomes inf, the loss NaN
  const bad = bench(dir, [...args, "--temperature", "1e-300"]);
  assert.equal(bad.code, 3, bad.stderr);
  assert.match(bad.stderr, /^bench: train: the loss is nan at step 1: training diverged, nothing was exported/m);
  assert.deepEqual(readdirSync(join(dir, "run")), [TRAINER_LOG], "only the trainer's log stays after a failed start");
  const ok = bench(dir, args);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(existsSync(join(dir, "run", "model.onnx")));
  assert.ok(existsSync(join(dir, "run", TRAINER_LOG)));
});

test("a full disk under --out: one line, exit 5 (the environment), no C++ trace, nothing but trainer.log left", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-train-full-");
  writeSmallTrainFile(dir);
  // outside `dir`: it must be unmounted before it is removed
  const disk = mkdtempSync(join(tmpdir(), "bench-train-disk-"));
  // 2 MB: the token data fits, a checkpoint (~38 MB for tiny-zh) does not. Needs root with CAP_SYS_ADMIN.
  const m = spawnSync("mount", ["-t", "tmpfs", "-o", "size=2M", "tmpfs", disk], { encoding: "utf8" });
  if (m.status !== 0) {
    rmSync(disk, { recursive: true, force: true });
    return t.skip(
      `SKIPPED: cannot mount a small tmpfs to fill (${(m.stderr || m.error?.message || "").trim()}); the full-disk case is untested here`,
    );
  }
  t.after(() => {
    spawnSync("umount", [disk]);
    rmSync(disk, { recursive: true, force: true });
  });
  const r = bench(dir, [
    "train",
    "--model",
    tinyZh,
    "--data",
    "train.jsonl",
    "--out",
    join(disk, "out"),
    "--per_device_train_batch_size",
    "4",
    "--max_steps",
    "2",
    "--save_steps",
    "1",
    "--query_max_length",
    "16",
    "--max_length",
    "32",
    "--train_group_size",
    "2",
    "--threads",
    "1",
  ]);
  assert.equal(r.code, 5, r.stderr);
  const last = r.stderr.trim().split("\n").pop() ?? "";
  assert.match(last, /^bench: train: cannot write the output .*No space left on device/);
  assert.doesNotMatch(r.stderr, /Traceback|terminate called|what\(\)/);
  assert.deepEqual(readdirSync(join(disk, "out")), [TRAINER_LOG]);
});
