import { accessSync, constants, existsSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Errors that carry an exit code. Commands throw; only src/cli.ts turns an error into an exit code.
 * Messages start with the stage ("data: …", "split: …", "eval: …") and name the offending file/line/field.
 */
export class BenchError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Input,
  ) {
    super(message);
    this.name = "BenchError";
  }
}

/**
 * Exit codes used by every command. `bench check` uses Regression (1) for a failed gate. 5 (FileSystem and
 * Network): the environment failed, not the input — a refused file operation (disk full, read-only, permission
 * denied, a file where a directory is needed, a missing TMPDIR; docs/errors.md) or the network (docs/hub.md).
 */
export const ExitCode = {
  Ok: 0,
  Regression: 1,
  Usage: 2,
  Input: 3,
  Internal: 4,
  /** The environment failed: a file operation the system refused (disk full, read-only, permission, a file where a directory is needed; docs/errors.md). */
  FileSystem: 5,
  /** The environment failed: the network (hub unreachable, connection broken, stalled, 5xx); retrying may help; docs/hub.md. */
  Network: 5,
} as const;

/** Bad user input: a file, a field, a flag value. Exit 3. */
export function inputError(message: string): BenchError {
  return new BenchError(message, ExitCode.Input);
}

/** Conflicting or missing flags. Exit 2. */
export function usageError(message: string): BenchError {
  return new BenchError(message, ExitCode.Usage);
}

/**
 * `text` safe to print on one terminal line: control characters (C0 including newlines, DEL, C1 such as the
 * 0x9B CSI) and bidirectional overrides, which input files may carry and a terminal would obey, become visible
 * escapes (\n, \x1b, \u202e). src/cli.ts (error lines) and log.ts (info and warnings, which keep their newlines)
 * pass every message through it, so no input text reaches the terminal raw, whatever module built the message.
 */
export function printable(text: string, keepNewlines = false): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === "\n") return keepNewlines ? c : "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16).padStart(4, "0")}`;
  });
}

/** Why a file-system call failed, in words, for the errno codes a user's environment causes. */
const FS_REASONS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a component of the path is a file, not a directory",
  EISDIR: "it is a directory",
  EEXIST: "something else already exists there",
  ENOTEMPTY: "a non-empty directory is in the way",
  ENOENT: "no such file or directory",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  EIO: "input/output error",
};

/** Environment variables that place bench's files; a failing path under one of them is reported with its name. */
const PATH_VARIABLES = ["BENCH_CACHE_DIR", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME", "TMPDIR"];

/**
 * A Node file-system error (an errno code and a path, raised by any module and not turned into a BenchError
 * there) as one line naming the path, the call and the cause, with exit code FileSystem; null for any other error.
 * `env` is for tests.
 */
export function fileSystemError(err: unknown, env: NodeJS.ProcessEnv = process.env): BenchError | null {
  if (!(err instanceof Error)) return null;
  const e = err as NodeJS.ErrnoException & { dest?: string };
  let code = e.code;
  if (code === undefined || FS_REASONS[code] === undefined) return null;
  if (typeof e.path !== "string") {
    // write(2) errors carry no path; these codes can only mean the disk, whatever was being written.
    if (!PATHLESS.has(code)) return null;
    return new BenchError(`file system: cannot ${e.syscall ?? "write"}: ${FS_REASONS[code]} (${code})`, ExitCode.FileSystem);
  }
  const target = e.dest ?? e.path;
  code = causeCode(e, target);
  const reason = FS_REASONS[code]!;
  const where = PATH_VARIABLES.find((v) => {
    const dir = env[v];
    return dir !== undefined && dir !== "" && (target === dir || target.startsWith(dir.endsWith("/") ? dir : `${dir}/`));
  });
  const hint = where === undefined ? "" : ` (under $${where}=${env[where]}; point it at a writable directory)`;
  const call = e.syscall === undefined ? "" : `${e.syscall} `;
  return new BenchError(`file system: cannot ${call}${target}: ${reason} (${code})${hint}`, ExitCode.FileSystem);
}

/** Codes that name the disk even without a path: the device refused, whatever path was chosen. */
const PATHLESS = new Set(["ENOSPC", "EDQUOT", "EROFS", "EIO"]);

/**
 * Whether `err` is a disk refusing a write (full, over quota, read-only, an I/O error; a recursive mkdir's ENOENT
 * under a read-only parent counts): the environment failed (exit FileSystem), whatever output path was chosen.
 */
export function isDiskFault(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as NodeJS.ErrnoException & { dest?: string };
  if (typeof e.code !== "string") return false;
  const target = e.dest ?? e.path;
  return PATHLESS.has(typeof target === "string" ? causeCode(e, target) : e.code);
}

/** `e`'s code, except that a recursive mkdir's ENOENT becomes why the nearest existing ancestor of `target` refuses. */
function causeCode(e: NodeJS.ErrnoException, target: string): string {
  const code = e.code!;
  // A recursive mkdir on a read-only or unwritable parent reports ENOENT; ask the nearest existing ancestor why.
  return code === "ENOENT" && e.syscall === "mkdir" ? (ancestorRefusal(target) ?? code) : code;
}

/**
 * The error for an output set that could not be written (`bench eval --output`'s result set, `bench split --out`):
 * when the disk refused (full, over quota, read-only, an I/O error), exit FileSystem with the path bench tried to
 * write and the reason; otherwise (a path that cannot hold the files: a file where the folder goes, a folder where a
 * file goes) exit Input with Node's message. `context` starts the message; a rollback's note ("; could not restore
 * …", src/util/atomic-write.ts) is kept. Environment variables are not named: the user chose the output path.
 */
export function outputWriteError(context: string, err: unknown): BenchError {
  const why = err instanceof Error ? err.message : String(err);
  const fs = isDiskFault(err) ? fileSystemError(err, {}) : null;
  if (fs === null) return new BenchError(`${context}: ${why}`, ExitCode.Input);
  const at = why.indexOf("; could not restore ");
  return new BenchError(`${context}: ${fs.message.replace(/^file system: /, "")}${at < 0 ? "" : why.slice(at)}`, ExitCode.FileSystem);
}

/** The errno code (EROFS, EACCES) why the nearest existing ancestor of `path` is not writable, or null. */
function ancestorRefusal(path: string): string | null {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== undefined && FS_REASONS[code] !== undefined ? code : null;
  }
}
