/**
 * All-or-nothing writing of a set of files. Phase 1 writes every file to a temp name beside its target; phase 2
 * renames them into place. If anything fails, the temps are removed and so are the targets already renamed, so a
 * failed run never leaves a partial result set (a result JSON without its provenance, say).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { BenchError } from "../errors.js";
import type { ResultFile } from "./types.js";

/** Writes every file or none of them; returns the paths written, in order. */
export function writeFileSet(files: readonly ResultFile[]): string[] {
  const temps: string[] = [];
  const placed: string[] = [];
  const stamp = `${process.pid}.${Date.now()}`;
  try {
    for (const f of files) {
      const dir = dirname(f.path);
      mkdirSync(dir, { recursive: true });
      const tmp = join(dir, `.${basename(f.path)}.${stamp}.tmp`);
      temps.push(tmp);
      writeFileSync(tmp, f.text);
    }
    files.forEach((f, i) => {
      renameSync(temps[i], f.path);
      placed.push(f.path);
    });
    return placed;
  } catch (err) {
    for (const t of temps) rmSync(t, { force: true });
    for (const p of placed) rmSync(p, { force: true });
    const why = err instanceof Error ? err.message : String(err);
    throw new BenchError(`results: could not write the result set (${files.length} files, none kept): ${why}`);
  }
}
