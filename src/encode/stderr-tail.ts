/**
 * The last lines a child process wrote to stderr, kept for error messages: a worker that fails is reported with
 * what it said last (a Python traceback, a CUDA error), not just an exit code.
 */
import type { Readable } from "node:stream";

/** Keeps the last `keep` non-empty lines of `stream`; `describe()` renders them for an error message. */
export function stderrTail(stream: Readable, keep = 12): { describe(): string } {
  const lines: string[] = [];
  let partial = "";
  stream.setEncoding("utf8");
  stream.on("data", (s: string) => {
    const parts = (partial + s).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts.filter((l) => l.trim() !== ""));
    if (lines.length > keep) lines.splice(0, lines.length - keep);
  });
  return {
    describe() {
      const all = partial.trim() ? [...lines, partial] : lines;
      return all.length ? `; its last stderr lines:\n  ${all.slice(-keep).join("\n  ")}` : "; it wrote nothing to stderr";
    },
  };
}
