/**
 * `bench split`: load a dataset (file or registered task), split it exactly as datasets'
 * `train_test_split(test_size, seed)` does (docs/spec.md §1), filter the train part, and write train.jsonl, test.jsonl
 * and split.json into --out as one atomic unit.
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { resolveDataset } from "../data/resolve.js";
import { inputError, outputWriteError, usageError } from "../errors.js";
import { info } from "../log.js";
import { writeFilesAtomic } from "../util/atomic-write.js";
import { buildSplitFiles } from "../split/split-files.js";
import { parseSeed, parseSplitSize } from "../split/split-size.js";
import { trainTestSplit } from "../split/train-test-split.js";

/** Options of `bench split`, as the CLI passes them (sizes and seeds may still be text). */
export interface SplitCommandOptions {
  task?: string;
  input?: string;
  testSize: number | string;
  seed: number | string | bigint;
  out: string;
}

/** Fails early, before any loading, when --out cannot be a directory (e.g. it is a file). */
function checkOutDir(out: string): void {
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw inputError(`split: --out ${out} exists and is not a directory`);
  }
}

/** Writes the files; on failure removes --out again if this call created it and it is still empty. */
function writeOutputs(out: string, files: Array<{ path: string; data: string }>): void {
  const existed = existsSync(out);
  try {
    mkdirSync(out, { recursive: true });
    writeFilesAtomic(files);
  } catch (err) {
    if (!existed && existsSync(out) && readdirSync(out).length === 0) rmdirSync(out);
    throw outputWriteError(`split: cannot write to --out ${out}`, err);
  }
}

/** Runs `bench split`; prints a one-paragraph summary to stderr. */
export async function splitCommand(opts: SplitCommandOptions): Promise<void> {
  if ((opts.task === undefined) === (opts.input === undefined)) throw usageError("usage: split needs exactly one of --task and --input");
  const testSize = parseSplitSize(opts.testSize, "--test-size");
  const seed = parseSeed(opts.seed);
  const out = resolve(opts.out);
  checkOutDir(out);

  const ds = await resolveDataset({ task: opts.task, input: opts.input });
  const what = ds.source.task !== undefined ? `task ${ds.source.task} (${ds.source.path})` : ds.source.path;
  const split = trainTestSplit(ds.rows.length, { testSize, seed });
  const files = buildSplitFiles(ds, split, testSize, seed);

  writeOutputs(out, [
    { path: join(out, "train.jsonl"), data: files.trainJsonl },
    { path: join(out, "test.jsonl"), data: files.testJsonl },
    { path: join(out, "split.json"), data: files.splitJson },
  ]);
  const dropped = split.nTrain - files.nTrainFiltered;
  info(
    `split: ${what}: ${ds.rows.length} rows → test part ${split.nTest} rows (test.jsonl, unfiltered), train part ${split.nTrain} rows` +
      ` of which ${files.nTrainFiltered} have ≥1 positive and ≥1 negative (train.jsonl; ${dropped} dropped);` +
      ` permutation = numpy default_rng(${seed}).permutation(${ds.rows.length}), test_size ${testSize.value};` +
      ` indices sha256 test ${files.testIndicesSha256.slice(0, 12)}…, train ${files.trainIndicesSha256.slice(0, 12)}…; wrote ${out}`,
  );
}
