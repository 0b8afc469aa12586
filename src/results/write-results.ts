/**
 * The results stage's entry point (docs/spec.md §2.5): validates the metrics, renders the result file(s) for the chosen
 * format plus bench's per-query and provenance files, and writes them all atomically as one set.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { BenchError, outputWriteError } from "../errors.js";
import { mteb111TaskResult } from "./mteb-1.1.1-format.js";
import { mtebModelMeta, mtebTaskResult } from "./mteb-format.js";
import { benchJson, perQueryJsonl } from "./provenance.js";
import type { ResultFile, WriteResultsInput } from "./types.js";
import { writeFilesAtomic } from "../util/atomic-write.js";
import { metricEntries } from "./validate.js";

/** Paths written: the mteb result JSON and every file of the set (result, model_meta for "mteb", per_query, bench). */
export interface WrittenResults {
  resultPath: string;
  files: string[];
}

/**
 * Writes one task × model result set. Throws BenchError("results: …") for a non-finite metric (NaN is tolerated only
 * for nAUC_*, as mteb writes it), a missing main score, a non-finite evaluation time, or a failed write (then
 * nothing of the set is left behind; exit 5 when the disk refused, outputWriteError).
 */
export function writeResults(input: WriteResultsInput): WrittenResults {
  metricEntries(input.scores);
  const main = input.scores[input.task.mainScore];
  if (typeof main !== "number" || !Number.isFinite(main)) {
    throw new BenchError(
      `results: main score ${JSON.stringify(input.task.mainScore)} is ${String(main)}; expected one of the finite metrics (${Object.keys(input.scores).join(", ")})`,
    );
  }
  if (!Number.isFinite(input.evaluationTime) || input.evaluationTime < 0)
    throw new BenchError(`results: evaluation time ${input.evaluationTime} is not a finite number of seconds`);
  for (const q of input.perQuery) {
    if (!Number.isFinite(q.ap) || !Number.isFinite(q.rr))
      throw new BenchError(`results: per-query metric of row ${q.row} is not finite (ap ${q.ap}, rr ${q.rr})`);
  }
  const result = input.format === "mteb" ? mtebTaskResult(input) : mteb111TaskResult(input);
  const dir = join(result.path, "..");
  const files: ResultFile[] = [result];
  if (input.format === "mteb") files.push(mtebModelMeta(input));
  files.push({ path: join(dir, `${input.task.name}.per_query.jsonl`), text: perQueryJsonl(input) });
  // Not *.json: mteb's load_results/ResultCache read every *.json beside model_meta.json as a TaskResult.
  files.push({ path: join(dir, `${input.task.name}.provenance.jsonl`), text: benchJson(input) });
  try {
    writeFilesAtomic(files.map((f) => ({ path: f.path, data: f.text })));
  } catch (err) {
    throw outputWriteError(`results: could not write the result set (${files.length} files, none kept)`, err);
  }
  // The provenance bench wrote before it had its own name: mteb's loaders took it for a result and crashed.
  // It described the result just replaced, so it goes with it.
  try {
    rmSync(join(dir, `${input.task.name}.bench.json`), { force: true });
  } catch {
    // not a plain file: not bench's, leave it
  }
  return { resultPath: result.path, files: files.map((f) => f.path) };
}
