/**
 * `bench demo`, offline in a few minutes on 2 CPU cores: split the embedded sample task 90/10, evaluate bm25 and
 * a tiny random-init ColBERT (scripts/models/tiny-zh), fine-tune that ColBERT on the train part with the PyTorch
 * trainer, evaluate again, and print a before/after table (held-out test queries and the training queries).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Table from "cli-table3";
import { usageError } from "../errors.js";
import { info } from "../log.js";
import { scriptsDir } from "../train/paths.js";
import { evalCommand } from "./eval.js";
import { splitCommand } from "./split.js";
import { trainCommand } from "./train.js";

/** Options of `bench demo`. */
export interface DemoCommandOptions {
  /** Working directory for the split, models and results (default: a new temp dir). */
  out?: string;
  python?: string;
  /** Optimizer steps of the fine-tuning run. */
  steps: number;
  /** Where result files go, as <test|train>/<model>/… (default: <out>/results); `npm run results:update` commits them. */
  results?: string;
}

/** Settings that let a random-init 2-layer model learn within a few dozen CPU steps (measured in test/train). */
const DEMO_HP = {
  learning_rate: 1e-3,
  head_lr_multiplier: 1,
  divide_by_query_length: true,
  per_device_train_batch_size: 8,
  train_group_size: 4,
  warmup_ratio: 0.1,
  query_max_length: 32,
  max_length: 64,
  padding: "longest",
  logging_steps: 5,
  save_steps: 0,
  threads: 1,
  seed: 7,
};

/** A before/after row: model label → metrics per split. */
interface DemoRow {
  model: string;
  test: Record<string, number | undefined>;
  train: Record<string, number | undefined>;
}

const f4 = (x: number | undefined): string => (x === undefined ? "-" : x.toFixed(4));

/** The split of the sample task: its two files. */
interface DemoSplit {
  trainFile: string;
  testFile: string;
}

/** Runs the demo; returns the rows of the printed table. */
export async function demoCommand(opts: DemoCommandOptions): Promise<DemoRow[]> {
  checkSteps(opts.steps);
  const work = resolve(opts.out ?? mkdtempSync(join(tmpdir(), "bench-demo-")));
  const tiny = join(scriptsDir(), "models", "tiny-zh"); // before the split: scriptsDir() refuses a package without its trainer
  info(`demo: working in ${work}`);
  const split = await splitSample(work);
  const { before, after } = await trainTinyColbert(tiny, work, split, opts);
  const models: [string, string][] = [
    ["bm25", "bm25"],
    ["tiny-colbert, random init", before],
    ["tiny-colbert, fine-tuned", after],
  ];
  const rows = await evaluateModels(models, split, resolve(opts.results ?? join(work, "results")));
  printTable(rows);
  info(
    `demo: the test part is the 10% held out by the split (few queries: treat its numbers as noisy); training-query scores show what fine-tuning learned. Files: ${work}`,
  );
  return rows;
}

/** 0 would mean "train by epochs" to the trainer (max_steps ≤ 0): refuse rather than train some other number of steps. */
function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) {
    throw usageError(
      `usage: --steps must be an integer ≥ 1 (the untrained model is always evaluated as the "before"), got ${String(steps)}`,
    );
  }
}

/** Splits the embedded sample task 90/10 into WORK/split. */
async function splitSample(work: string): Promise<DemoSplit> {
  await splitCommand({ task: "ZhSampleReranking", testSize: 0.1, seed: 42, out: join(work, "split") });
  return { trainFile: join(work, "split", "train.jsonl"), testFile: join(work, "split", "test.jsonl") };
}

/** Exports the tiny ColBERT untrained (the "before"), then fine-tunes it on the train part (the "after"). */
async function trainTinyColbert(
  tiny: string,
  work: string,
  { trainFile }: DemoSplit,
  opts: DemoCommandOptions,
): Promise<{ before: string; after: string }> {
  info("demo: exporting the tiny ColBERT as initialised (random weights, 0 training steps)");
  // `bench train --export-initial`: what a user runs for the "before" of any training run
  const before = await trainCommand({
    model: tiny,
    out: join(work, "tiny-colbert-init"),
    python: opts.python,
    name: "tiny-colbert-init",
    quiet: true,
    exportInitial: true,
    hyperparameters: DEMO_HP,
  });
  info(`demo: fine-tuning it for ${opts.steps} steps on ${trainFile}`);
  const after = await trainCommand({
    model: tiny,
    data: trainFile,
    out: join(work, "tiny-colbert-trained"),
    python: opts.python,
    name: "tiny-colbert-finetuned",
    hyperparameters: { ...DEMO_HP, max_steps: opts.steps },
  });
  return { before, after };
}

/** Evaluates each [label, model] on the test part, then the training queries; result files go to RESULTS/<test|train>/. */
async function evaluateModels(models: [string, string][], { trainFile, testFile }: DemoSplit, resultsDir: string): Promise<DemoRow[]> {
  const rows: DemoRow[] = [];
  for (const [label, model] of models) {
    const ev = async (data: string) =>
      (
        await evalCommand({
          model,
          data,
          output: join(resultsDir, data === testFile ? "test" : "train"),
          format: "mteb",
          quiet: true,
          cache: false,
        })
      ).scores;
    rows.push({ model: label, test: await ev(testFile), train: await ev(trainFile) });
  }
  return rows;
}

/** The before/after table on stdout. */
function printTable(rows: DemoRow[]): void {
  const table = new Table({
    head: ["model", "test map", "test mrr", "train-query map", "train-query mrr"],
    style: { head: [], border: [] },
  });
  for (const r of rows) table.push([r.model, f4(r.test.map), f4(r.test.mrr), f4(r.train.map), f4(r.train.mrr)]);
  process.stdout.write(`${table.toString()}\n`);
}
