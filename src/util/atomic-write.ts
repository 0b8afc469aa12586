/**
 * Write-then-rename, so a crash or an error never leaves a half-written result or cache file behind.
 * The temp file sits in the target's directory (rename is atomic only within one filesystem).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Creates `path`'s directory and returns a temp name beside it, unique to this process and moment. */
function tempBeside(path: string): string {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  return join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

/** Writes `data` to `path` atomically, creating parent directories. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempBeside(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes several files as one unit: every temp file is written first, then all are renamed. If anything fails,
 * the temps are removed and so are the targets already renamed, so no partial set is left behind (used by
 * `bench split` for its three outputs and by the results writer for a result set).
 */
export function writeFilesAtomic(files: ReadonlyArray<{ path: string; data: string | Uint8Array }>): void {
  const temps: string[] = [];
  const placed: string[] = [];
  try {
    for (const f of files) {
      const tmp = tempBeside(f.path);
      temps.push(tmp);
      writeFileSync(tmp, f.data);
    }
    files.forEach((f, i) => {
      renameSync(temps[i]!, f.path);
      placed.push(f.path);
    });
  } catch (err) {
    for (const t of temps) rmSync(t, { force: true });
    for (const p of placed) rmSync(p, { force: true });
    throw err;
  }
}
