/**
 * `bench eval`: load → (model) score → MTEB metrics → result files + a summary table on stdout.
 * With no arguments it evaluates bm25 on the embedded sample task, offline.
 */
import { isAbsolute, relative, resolve } from "node:path";
import { defaultTaskName, resolveDataset } from "../data/resolve.js";
import type { LoadedDataset } from "../data/types.js";
import { hasPositiveAndNegative } from "../data/validate-row.js";
import { inputError } from "../errors.js";
import { info, warn } from "../log.js";
import { evaluateReranking, type RerankingEvaluation } from "../metrics/evaluate.js";
import { type NeuralModelOptions, resolveModel } from "../models/resolve.js";
import { renderSummary } from "../results/summary-table.js";
import type { ResultFormat, ResultTask } from "../results/types.js";
import { writeResults } from "../results/write-results.js";
import { getTask } from "../tasks/registry.js";
import { benchVersion, gitCommit, packageRoot } from "../util/build-info.js";
import { progressDisplay } from "../util/progress.js";

/** Options of `bench eval` (see src/cli.ts for the flags). */
export interface EvalCommandOptions extends NeuralModelOptions {
  model: string;
  task?: string;
  data?: string;
  output: string;
  format: ResultFormat;
  /** Print the summary table (default true). */
  quiet?: boolean;
}

/** What one evaluation produced, for callers such as `bench demo`. */
export interface EvalOutcome {
  task: ResultTask;
  modelName: string;
  nEvaluated: number;
  scores: Record<string, number | undefined>;
  resultPath: string;
}

/** Provenance paths inside the repo are written relative to it, so committed results do not name a machine's paths. */
function displayPath(abs: string): string {
  const rel = relative(packageRoot, abs);
  return rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
}

/** A file from `bench split` (or any file) is mteb's CustomReranking, split test, no revision (spec §2.2). */
function taskFor(ds: LoadedDataset, opts: EvalCommandOptions): ResultTask {
  if (opts.data !== undefined) return { name: "CustomReranking", split: "test", revision: null, languages: ["cmn-Hans"], mainScore: "map" };
  const t = getTask(opts.task ?? defaultTaskName);
  return { name: t.name, split: t.eval_split, revision: ds.source.revision ?? null, languages: t.eval_langs, mainScore: t.main_score };
}

/** Runs one evaluation and writes its result files. */
export async function evalCommand(opts: EvalCommandOptions): Promise<EvalOutcome> {
  const ds = opts.data !== undefined ? await resolveDataset({ input: opts.data }) : await resolveDataset({ task: opts.task ?? defaultTaskName });
  // Checked before the model is loaded (or downloaded), and here because only here the file's path is known.
  if (!ds.rows.some(hasPositiveAndNegative)) {
    throw inputError(`eval: ${ds.source.path}: no row has both a positive and a negative; nothing to evaluate`);
  }
  const task = taskFor(ds, opts);
  const model = await resolveModel(opts.model, ds.rows, opts);
  let ev: RerankingEvaluation;
  try {
    const bar = progressDisplay(`eval ${model.info.name}`, "docs");
    ev = await evaluateReranking(ds.rows, model, { onProgress: (d, t) => bar.update(d, t) });
    bar.stop();
  } finally {
    await model.close(); // the model (an ONNX session, a torch worker) is not needed for writing
  }
  const written = writeResults({
    format: opts.format,
    outputDir: resolve(opts.output),
    task,
    model: model.info,
    scores: ev.scores,
    perQuery: ev.perQuery,
    evaluationTime: ev.evaluationSeconds,
    provenance: {
      benchVersion: benchVersion(),
      gitCommit: gitCommit(),
      createdAt: new Date().toISOString(),
      dataset: {
        path: displayPath(ds.source.path),
        task: ds.source.task ?? null,
        revision: ds.source.revision ?? null,
        sha256: ds.source.sha256,
        nRows: ds.rows.length,
        nEvaluated: ev.nEvaluated,
      },
      runtime: { node: process.version, onnxruntime: (model.info.extra?.onnxruntime as string | undefined) ?? null },
    },
  });
  if (ev.nDropped > 0) info(`eval: ${ev.nDropped} of ${ds.rows.length} rows have no positive or no negative and are excluded, as mteb does`);
  if (ev.tieWarnings > 0) {
    warn(`${ev.tieWarnings} queries had their top 10 decided by a positive and a negative with bit-identical scores; MRR depends on the tie rule (stable, positives first, spec §2.3)`);
  }
  if (!opts.quiet) {
    process.stdout.write(
      `${renderSummary([{ task: task.name, split: task.split, model: model.info.name, nQueries: ev.nEvaluated, map: ev.scores.map, mrr: ev.scores.mrr, recallAt10: ev.scores.recall_at_10 }])}\n`,
    );
  }
  info(`eval: wrote ${written.resultPath}`);
  return { task, modelName: model.info.name, nEvaluated: ev.nEvaluated, scores: ev.scores, resultPath: written.resultPath };
}
