/**
 * `bench eval`: load → (model) score → MTEB metrics → result files + a summary table on stdout.
 * With no arguments it evaluates bm25 on the embedded sample task, offline.
 */
import { isAbsolute, relative, resolve } from "node:path";
import { defaultTaskName, resolveDataset } from "../data/resolve.js";
import type { LoadedDataset } from "../data/types.js";
import { hasPositiveAndNegative } from "../data/validate-row.js";
import { inputError, usageError } from "../errors.js";
import { info, warn } from "../log.js";
import { evaluateReranking, type RerankingEvaluation } from "../metrics/evaluate.js";
import { type NeuralModelOptions, resolveModel } from "../models/resolve.js";
import { renderSetSummary, renderSummary } from "../results/summary-table.js";
import type { ResultFormat, ResultTask } from "../results/types.js";
import { writeResults } from "../results/write-results.js";
import { TASK_NAME } from "../tasks/metadata.js";
import { getTask } from "../tasks/registry.js";
import { findTaskSet, setTasks } from "../tasks/sets.js";
import { benchVersion, gitCommit, packageRoot } from "../util/build-info.js";
import { progressDisplay } from "../util/progress.js";

/** Options of `bench eval` (see src/cli.ts for the flags). */
export interface EvalCommandOptions extends NeuralModelOptions {
  model: string;
  /** A registered task, or a task set (tasks/sets/, e.g. C-MTEB-reranking: every task, one table, the average). */
  task?: string;
  data?: string;
  /** --data only: the task name written into results (default CustomReranking). */
  taskName?: string;
  /** --data only: the split name written into results (default test). */
  split?: string;
  /** The model name written into results (default: bm25, the hub name, or the model directory's basename). */
  modelName?: string;
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
  /** For a task set: every task's outcome, in the set's order (the fields above are the last task's). */
  set?: EvalOutcome[];
}

/** Provenance paths inside the repo are written relative to it, so committed results do not name a machine's paths. */
function displayPath(abs: string): string {
  const rel = relative(packageRoot, abs);
  return rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
}

/**
 * A file from `bench split` (or any file) is mteb's CustomReranking, split test unless --task-name/--split say
 * otherwise (docs/spec.md §2.2). dataset_revision: the hub commit for hub tasks; for a local file or the embedded task, the
 * data file's sha256 in --format mteb (mteb's TaskResult requires a string), null in --format mteb-1.1.1 (as
 * mteb 1.1.1 wrote it for tasks without a revision).
 */
function taskFor(ds: LoadedDataset, opts: EvalCommandOptions): ResultTask {
  const revision = ds.source.revision ?? (opts.format === "mteb" ? ds.source.sha256 : null);
  if (opts.data !== undefined) {
    return { name: opts.taskName ?? "CustomReranking", split: opts.split ?? "test", revision, languages: ["cmn-Hans"], mainScore: "map" };
  }
  const t = getTask(opts.task ?? defaultTaskName);
  return { name: t.name, split: t.eval_split, revision, languages: t.eval_langs, mainScore: t.main_score };
}

/** Checks the label flags before any work: they become file and directory names. */
function checkLabels(opts: EvalCommandOptions): void {
  if (opts.data === undefined) {
    if (opts.taskName !== undefined) throw usageError("eval: --task-name names a --data file's task; registered tasks keep their own name");
    if (opts.split !== undefined)
      throw usageError("eval: --split names a --data file's split; registered tasks use their evaluation split");
  }
  if (opts.taskName !== undefined && !TASK_NAME.test(opts.taskName)) {
    throw usageError(`eval: --task-name ${JSON.stringify(opts.taskName)}: use letters, digits, '_' or '-' (it is the result file's name)`);
  }
  if (opts.split !== undefined && !/^[A-Za-z0-9_.-]+$/.test(opts.split)) {
    throw usageError(`eval: --split ${JSON.stringify(opts.split)}: use letters, digits, '_', '.' or '-'`);
  }
  if (opts.modelName !== undefined && !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)?$/.test(opts.modelName)) {
    throw usageError(`eval: --model-name ${JSON.stringify(opts.modelName)}: use NAME or ORG/NAME (letters, digits, '_', '.', '-')`);
  }
}

/** The tie warning: how many queries, which rows (the first few, with their query text), and what to do. */
export function tieWarning(rows: readonly { query: string | string[] }[], tieRows: readonly number[]): string {
  const shown = tieRows.slice(0, 3).map((i) => {
    const q = rows[i]!.query;
    const text = typeof q === "string" ? q : q.join(" | ");
    return `row ${i} (${JSON.stringify(text.length > 30 ? `${text.slice(0, 29)}…` : text)})`;
  });
  const more = tieRows.length > 3 ? ` and ${tieRows.length - 3} more` : "";
  return (
    `eval: ${tieRows.length} quer${tieRows.length === 1 ? "y has" : "ies have"} a positive and a negative with bit-identical scores deciding the top 10: ` +
    `${shown.join(", ")}${more}. MRR there depends on the tie rule (bench: stable order, positives first, as mteb; docs/spec.md §2.3). ` +
    `Check those rows for duplicate passages; a model that scores them equally cannot tell them apart (bm25 on very short texts often does).`
  );
}

/** Runs one evaluation (or every task of a task set) and writes the result files. */
export async function evalCommand(opts: EvalCommandOptions): Promise<EvalOutcome> {
  checkLabels(opts);
  const set = opts.task !== undefined && opts.data === undefined ? findTaskSet(opts.task) : null;
  if (set === null) return evalOne(opts);
  setTasks(set); // every task file validated before the first download
  const outcomes: EvalOutcome[] = [];
  for (const t of set.tasks) {
    info(`eval: task set ${set.name}: ${t} (${outcomes.length + 1} of ${set.tasks.length})`);
    outcomes.push(await evalOne({ ...opts, task: t, quiet: true }));
  }
  if (!opts.quiet) {
    const rows = outcomes.map((o) => ({
      task: o.task.name,
      split: o.task.split,
      model: o.modelName,
      nQueries: o.nEvaluated,
      mainScore: o.task.mainScore,
      main: o.scores[o.task.mainScore] as number,
      map: o.scores.map as number,
      mrr: o.scores.mrr as number,
    }));
    process.stdout.write(`${renderSetSummary(set.name, rows)}\n`);
  }
  return { ...outcomes[outcomes.length - 1]!, set: outcomes };
}

async function evalOne(opts: EvalCommandOptions): Promise<EvalOutcome> {
  const ds =
    opts.data !== undefined ? await resolveDataset({ input: opts.data }) : await resolveDataset({ task: opts.task ?? defaultTaskName });
  // Checked before the model is loaded (or downloaded), and here because only here the file's path is known.
  if (!ds.rows.some(hasPositiveAndNegative)) {
    throw inputError(`eval: ${ds.source.path}: no row has both a positive and a negative; nothing to evaluate`);
  }
  const task = taskFor(ds, opts);
  const resolved = await resolveModel(opts.model, ds.rows, opts);
  // --model-name: the name results are filed under (a checkpoint directory's basename is often just "ckpt").
  const model =
    opts.modelName === undefined
      ? resolved
      : { info: { ...resolved.info, name: opts.modelName }, score: resolved.score.bind(resolved), close: resolved.close.bind(resolved) };
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
  if (ev.nDropped > 0)
    info(`eval: ${ev.nDropped} of ${ds.rows.length} rows have no positive or no negative and are excluded, as mteb does`);
  if (ev.tieWarnings > 0) warn(tieWarning(ds.rows, ev.tieRows));
  if (!opts.quiet) {
    process.stdout.write(
      `${renderSummary([{ task: task.name, split: task.split, model: model.info.name, nQueries: ev.nEvaluated, map: ev.scores.map, mrr: ev.scores.mrr, recallAt10: ev.scores.recall_at_10 }])}\n`,
    );
  }
  info(`eval: wrote ${written.resultPath}`);
  return { task, modelName: model.info.name, nEvaluated: ev.nEvaluated, scores: ev.scores, resultPath: written.resultPath };
}
