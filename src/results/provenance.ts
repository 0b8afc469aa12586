/**
 * bench's own files beside each result: <Task>.per_query.jsonl (one line per evaluated row, for paired comparisons)
 * and <Task>.provenance.jsonl (where the numbers came from: one JSON line; written as <Task>.bench.json before
 * bench 0.2, a name mteb's result loaders mistook for a result). Both are bench formats, versioned by schema_version.
 */
import { type PyJson, PyFloat, pyJsonDumps, toPyJson } from "./py-json.js";
import type { WriteResultsInput } from "./types.js";

/** Version of the provenance / per_query.jsonl layout. */
export const BENCH_SCHEMA_VERSION = 1;

/** One json.dumps(..., ensure_ascii=False) line per evaluated row: {"row", "query", "ap", "rr"}, floats in repr. */
export function perQueryJsonl(input: WriteResultsInput): string {
  let out = "";
  for (const q of input.perQuery) {
    const line: PyJson = { row: q.row, query: q.query, ap: new PyFloat(q.ap), rr: new PyFloat(q.rr) };
    out += pyJsonDumps(line, { ensureAscii: false }) + "\n";
  }
  return out;
}

/** The provenance document: schema_version, bench_version, git_commit, created_at, dataset, model, runtime. */
export function benchJson(input: WriteResultsInput): string {
  const { provenance: p, model: m } = input;
  const model: Record<string, PyJson> = { name: m.name, revision: m.revision };
  for (const [k, v] of Object.entries(m.extra ?? {})) if (!(k in model)) model[k] = toPyJson(v, `model.extra.${k}`);
  const runtime: Record<string, PyJson> = { node: p.runtime.node };
  if (p.runtime.onnxruntime !== undefined) runtime.onnxruntime = p.runtime.onnxruntime;
  const doc: PyJson = {
    schema_version: BENCH_SCHEMA_VERSION,
    bench_version: p.benchVersion,
    git_commit: p.gitCommit,
    created_at: p.createdAt,
    format: input.format,
    task: { name: input.task.name, split: input.task.split, main_score: input.task.mainScore },
    dataset: {
      path: p.dataset.path,
      task: p.dataset.task,
      revision: p.dataset.revision,
      sha256: p.dataset.sha256,
      n_rows: p.dataset.nRows,
      n_evaluated: p.dataset.nEvaluated,
    },
    model,
    runtime,
  };
  return pyJsonDumps(doc, { ensureAscii: false }) + "\n";
}
