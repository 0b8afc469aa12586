/**
 * The syntax of a repo path: what a hub listing, an ONNX graph's external-data location or a task's dataset file
 * may name. Stricter than src/util/model-paths.ts (a user's local path), because these names come from outside.
 */

/**
 * A repo-relative file name (a listing's rfilename, an ONNX external-data location after joining, a task's
 * dataset.file): forward slashes only, relative, no "." / ".." / empty segments, no NUL or control bytes.
 * Returns null when it is fine, else the reason.
 */
export function repoPathProblem(name: string): string | null {
  if (name === "") return "is empty";
  if (name.includes("\\")) return "contains a backslash";
  if (name.startsWith("/")) return "is absolute";
  if (/^[A-Za-z]:/.test(name)) return "starts with a drive letter";
  if (/[\u0000-\u001f\u007f]/.test(name)) return "contains control characters";
  const segs = name.split("/");
  if (segs.some((s) => s === "")) return "has an empty path segment";
  if (segs.some((s) => s === "." || s === "..")) return "has a '.' or '..' segment";
  return null;
}
