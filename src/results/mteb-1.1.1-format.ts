/**
 * mteb 1.1.1 result files, byte for byte (docs/spec.md §2.5; mteb/evaluation/MTEB.py @ 1.1.1): `<dir>/<model basename>/<Task>.json`
 * (the reference recipe's `zh_results/<model-basename>/CustomReranking.json`), written with
 * json.dump(indent=2, sort_keys=True): {dataset_revision, mteb_dataset_name, mteb_version, <split>: {evaluation_time
 * rounded to 2 decimals half-even, map, mrr}} with full float repr. 1.1.1 had no other metrics, so none are written.
 */
import { join } from "node:path";
import { type PyJson, PyFloat, pyJsonDumps, pyRound } from "./py-json.js";
import type { ResultFile, WriteResultsInput } from "./types.js";
import { safeSegment } from "./validate.js";

/** The <Task>.json text and its path in the 1.1.1 layout. */
export function mteb111TaskResult(input: WriteResultsInput): ResultFile {
  const { task, model, scores } = input;
  const base =
    model.name
      .split("/")
      .filter((s) => s !== "")
      .pop() ?? "";
  const doc: PyJson = {
    dataset_revision: task.revision,
    mteb_dataset_name: task.name,
    mteb_version: "1.1.1",
    [task.split]: {
      evaluation_time: new PyFloat(pyRound(input.evaluationTime, 2)),
      map: new PyFloat(scores.map),
      mrr: new PyFloat(scores.mrr),
    },
  };
  return {
    path: join(input.outputDir, safeSegment(base, "model name"), `${safeSegment(task.name, "task name")}.json`),
    text: pyJsonDumps(doc, { indent: 2, sortKeys: true }),
  };
}
