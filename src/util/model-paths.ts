/**
 * Every path a model directory names (bench_model.json `onnx_file` / `colbert_head`, the external-data
 * locations inside a graph, `--onnx-file`) must stay inside the model root and be a regular file: an absolute
 * path, a `..` segment, `/dev/zero` or a FIFO is refused with one line naming the file and field (issue 11 §3).
 * The check is lexical (the name, not where a symlink points), so a hub snapshot's links to `../../blobs/…`
 * are fine; the target must then be a regular file.
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, join, posix, win32 } from "node:path";
import { inputError } from "../errors.js";

/** Why `rel` is not a plain relative path inside a root, or null when it is. */
export function relativePathProblem(rel: string): string | null {
  if (rel === "") return "is empty";
  if (rel.includes("\0")) return "contains a NUL byte";
  if (isAbsolute(rel) || posix.isAbsolute(rel) || win32.isAbsolute(rel)) return "is an absolute path";
  if (rel.split(/[\\/]/).includes("..")) return 'has a ".." segment';
  return null;
}

/**
 * `root/rel` after checking that `rel` (named by `field` of `source`) stays inside `root` and is a regular file
 * (symlinks followed for the file-type check only). `source` names where the path came from, e.g.
 * "…/bench_model.json" or "…/onnx/model.onnx".
 */
export function modelPath(root: string, rel: string, source: string, field: string): string {
  const bad = relativePathProblem(rel);
  if (bad)
    throw inputError(`model: ${source}: ${field} ${JSON.stringify(rel)} ${bad}; it must be a path inside the model directory ${root}`);
  const path = join(root, rel);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw inputError(`model: ${source}: ${field} ${JSON.stringify(rel)}: ${path} does not exist`);
  }
  if (!st.isFile()) throw inputError(`model: ${source}: ${field} ${JSON.stringify(rel)}: ${path} is not a regular file`);
  return path;
}

/**
 * A JSON file of a model directory (bench_model.json, modules.json, a module's config), parsed. It must be a regular
 * file: a FIFO or device there would block or never end (issue 11 §3).
 */
export function readModelJson(file: string): unknown {
  if (!statSync(file).isFile()) throw inputError(`model: ${file} is not a regular file`);
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw inputError(`model: ${file} is not valid JSON: ${(err as Error).message}`);
  }
}
