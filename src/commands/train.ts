/**
 * `bench train --model BASE --data train.jsonl --out DIR`: tokenizes the data once with bench's tokenizer
 * (src/tokenize, the one `bench eval` uses), writes the token files, and runs the PyTorch trainer
 * (scripts/trainer) on them. DIR ends up a model directory `bench eval --model DIR` loads as is.
 * `--resume` continues from DIR's checkpoint with the run's saved settings. `--nproc-per-node N` runs it
 * under torchrun with DDP (src/train/distributed.ts).
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadDatasetFile } from "../data/load.js";
import { inputError, usageError } from "../errors.js";
import { info } from "../log.js";
import { loadTokenizer } from "../tokenize/tokenizer.js";
import { resolveBaseModel } from "../train/base-model.js";
import { type DistributedFlags, checkTorchrun, describeLaunch, parseDistributed, torchrunArgs } from "../train/distributed.js";
import { runTrainer } from "../train/launch.js";
import { type Hyperparameters, mergeHyperparameters, trainerArgs } from "../train/options.js";
import { trainerScript } from "../train/paths.js";
import { findTorchPython } from "../train/python.js";
import { writeTokenData } from "../train/token-data.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { gitCommit } from "../util/build-info.js";

/** Options of `bench train` as the CLI passes them; hyperparameters by their underscore names. */
export interface TrainCommandOptions {
  model?: string;
  data?: string;
  out: string;
  resume?: boolean;
  python?: string;
  name?: string;
  quiet?: boolean;
  hyperparameters: Record<string, unknown>;
  /** torchrun launch flags (--nproc-per-node …); none = one process. Not saved for --resume: give them again. */
  distributed?: DistributedFlags;
}

/** What `bench train` saves in DIR/train-data/run.json so `--resume` can repeat the run's settings. */
interface RunRecord {
  model: string;
  data: string;
  name: string | null;
  hyperparameters: Hyperparameters;
}

function readRunRecord(out: string): RunRecord {
  const file = join(out, "train-data", "run.json");
  if (!existsSync(file)) throw inputError(`train: --resume: ${file} not found (was ${out} written by bench train?)`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as RunRecord;
  } catch (err) {
    throw inputError(`train: --resume: ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Runs `bench train`; returns the output directory. */
export async function trainCommand(opts: TrainCommandOptions): Promise<string> {
  const out = resolve(opts.out);
  if (existsSync(out) && !statSync(out).isDirectory()) throw inputError(`train: --out ${opts.out} exists and is not a directory`);
  const stored = opts.resume ? readRunRecord(out) : null;
  if (!opts.resume && existsSync(out) && readdirSync(out).length > 0) {
    throw usageError(`usage: --out ${opts.out} is not empty; choose a new directory, or pass --resume to continue its run`);
  }
  const modelSpec = opts.model ?? stored?.model;
  const dataPath = opts.data ?? stored?.data;
  if (!modelSpec || !dataPath) throw usageError("usage: train needs --model and --data (or --resume with a previous run's --out)");
  const hp = mergeHyperparameters(opts.hyperparameters, stored?.hyperparameters);
  const launch = parseDistributed(opts.distributed ?? {});
  const name = opts.name ?? stored?.name ?? null;

  const python = findTorchPython(opts.python);
  if (launch) checkTorchrun(python.python);
  const base = await resolveBaseModel(modelSpec);
  const ds = await loadDatasetFile(dataPath);
  const tok = loadTokenizer(base.dir);
  const dataDir = join(out, "train-data");
  const summary = writeTokenData(dataDir, ds.rows, tok, { queryMaxLength: Number(hp.query_max_length), maxLength: Number(hp.max_length) }, {
    data_path: ds.source.path,
    data_sha256: ds.source.sha256,
  });
  const record: RunRecord = { model: modelSpec, data: ds.source.path, name, hyperparameters: hp };
  writeFileAtomic(join(dataDir, "run.json"), `${JSON.stringify(record, null, 2)}\n`);
  const metaFile = join(dataDir, "manifest-meta.json");
  writeFileAtomic(metaFile, `${JSON.stringify({ data_sha256: ds.source.sha256, data_path: ds.source.path, base_model: base.id, git_commit: gitCommit() }, null, 2)}\n`);
  info(
    `train: ${summary.rows} rows → ${summary.queries} unique queries, ${summary.docs} unique passages (${summary.truncatedDocs} truncated to ${hp.max_length} tokens) tokenized with ${tok.source}; python ${python.python} (torch ${python.torch}${python.cuda ? ", CUDA" : ""})`,
  );
  if (!base.hasWeights) info(`train: ${base.dir} has no weights: the encoder starts from random init (config.json)`);
  if (launch) info(describeLaunch(launch, Number(hp.per_device_train_batch_size), Number(hp.gradient_accumulation_steps)));

  const args = ["--model_dir", base.dir, "--data_dir", dataDir, "--output_dir", out, "--meta", metaFile, ...trainerArgs(hp)];
  if (name) args.push("--name", name);
  if (opts.resume) args.push("--resume");
  const remote = launch !== null && launch.nodeRank > 0;
  const result = await runTrainer(python.python, trainerScript(), args, { quiet: opts.quiet, launcher: launch ? torchrunArgs(launch) : undefined, noEvents: remote });
  if (remote) {
    info(`train: node ${launch.nodeRank}'s processes finished; node 0 writes the checkpoints, the log and the model directory`);
    return out;
  }
  const last = [...result.events].reverse().find((e) => e.event === "log");
  info(`train: done at step ${result.finalStep}${last && typeof last.loss === "number" ? `, loss ${last.loss.toPrecision(4)}` : ""}; model directory ${out} (evaluate with: bench eval --model ${opts.out})`);
  return out;
}
