/**
 * `bench train --out DIR`: what bench owns in DIR, the lock that keeps two runs out of one DIR, and the cleanup of a
 * failed start and of a killed run's temp files. Only names listed here are ever removed.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { BenchError, ExitCode, inputError, isDiskFault, usageError } from "../errors.js";

/** The lock file; holds the pid of the `bench train` writing DIR. */
export const LOCK_FILE = ".bench-train.lock";
/** Where the trainer's stderr (Python tracebacks included) is kept. */
export const TRAINER_LOG = "trainer.log";

/** Every file or folder `bench train` writes into --out (the trainer's export, scripts/trainer/export.py, included). */
export const BENCH_OUT_FILES = [
  "train-data",
  "checkpoint",
  "config.json",
  "model.safetensors",
  "colbert_linear.pt",
  "model.onnx",
  "bench_model.json",
  "train_log.jsonl",
  "manifest.json",
  TRAINER_LOG,
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "vocab.txt",
  "sentencepiece.bpe.model",
  "added_tokens.json",
] as const;

/** A temp file of an atomic write (`NAME.PID.tmp`, scripts/trainer/atomic.py) or an ONNX export's scratch folder. */
function isTempName(name: string): boolean {
  return /\.\d+\.tmp$/.test(name) || name.startsWith(".onnx-export-");
}

/** The entries of DIR that keep it from counting as empty: all but a failed start's trainer.log, a stale lock, temp files. */
export function blockingEntries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n !== TRAINER_LOG && n !== LOCK_FILE && !isTempName(n));
}

/**
 * Removes bench's own files (and leftover temp files) from DIR, except `keep`; returns the names removed.
 * Used by --overwrite_output_dir, and after a failed fresh start (which began in an empty DIR, so all of them are its own).
 */
export function removeBenchFiles(dir: string, keep: readonly string[] = []): string[] {
  const removed: string[] = [];
  if (!existsSync(dir)) return removed;
  for (const n of readdirSync(dir)) {
    if (keep.includes(n)) continue;
    if ((BENCH_OUT_FILES as readonly string[]).includes(n) || isTempName(n)) {
      rmSync(join(dir, n), { recursive: true, force: true });
      removed.push(n);
    }
  }
  return removed;
}

/**
 * Temp files a killed run left (SIGKILL during an export or a checkpoint: `model.safetensors.<pid>.tmp`,
 * `.onnx-export-*`). Called while holding the lock, so no live writer owns them.
 */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  for (const sub of [dir, join(dir, "checkpoint")]) {
    if (!existsSync(sub) || !statSync(sub).isDirectory()) continue;
    for (const n of readdirSync(sub)) {
      if (isTempName(n)) {
        rmSync(join(sub, n), { recursive: true, force: true });
        removed.push(join(sub, n));
      }
    }
  }
  return removed;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by another user
  }
}

/** One line for a file-system failure (read-only, full disk, a file where a folder is expected), never a trace. */
export function fsError(what: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code !== "string") return err as Error;
  const message = `train: cannot write ${what}: ${e.code} ${e.message.replace(/^[A-Z]+: /, "")}`;
  // a disk that refuses is the environment (exit 5); a path that cannot hold the output is bad input (exit 3)
  return isDiskFault(err) ? new BenchError(message, ExitCode.FileSystem) : inputError(message);
}

/** The pid holding DIR's lock when that process is alive, else null (no lock, or a stale one). */
export function liveLockPid(dir: string): number | null {
  let text: string;
  try {
    text = readFileSync(join(dir, LOCK_FILE), "utf8");
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid) ? pid : null;
}

/** The usage error for a DIR another run holds. */
export function inUseError(shownAs: string, pid: number): Error {
  return usageError(`usage: --out ${shownAs} is in use by another bench train (pid ${pid}); wait for it to finish or choose another --out`);
}

/**
 * Creates DIR if needed and takes its lock (O_EXCL). A lock whose pid is dead is stale (a killed run) and is
 * replaced; a live one is a usage error naming the pid. Returns the release function.
 */
export function lockOutDir(dir: string, shownAs: string): () => void {
  const lock = join(dir, LOCK_FILE);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fsError(`--out ${shownAs}`, err);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lock, "wx");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw fsError(`--out ${shownAs}`, err);
      const pid = liveLockPid(dir);
      if (pid !== null) throw inUseError(shownAs, pid);
      rmSync(lock, { force: true }); // stale: its process is gone
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return () => rmSync(lock, { force: true });
  }
  throw usageError(`usage: --out ${shownAs}: cannot take the lock ${lock}`);
}
