/**
 * `bench train --model BASE --data train.jsonl --out DIR`: tokenizes the data once with bench's tokenizer
 * (src/tokenize, the one `bench eval` uses), writes the token files, and runs the PyTorch trainer
 * (scripts/trainer) on them. DIR ends up a model directory `bench eval --model DIR` loads as is.
 * `--resume` continues from DIR's checkpoint with the run's saved settings. `--nproc-per-node N` runs it
 * under torchrun with DDP (src/train/distributed.ts). `--export-initial` writes BASE untrained (the "before").
 *
 * Order matters: every flag, the Python/GPU probe, the base model and the data are checked before anything is
 * created in DIR, so a failed start leaves DIR as it was (docs/training.md "Failures").
 */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadDatasetFile } from "../data/load.js";
import type { LoadedDataset } from "../data/types.js";
import { hasPositiveAndNegative } from "../data/validate-row.js";
import { inputError, usageError } from "../errors.js";
import { info, warn } from "../log.js";
import { parseHubId } from "../hub/resolve-model-dir.js";
import { type TextTokenizer, loadTokenizer } from "../tokenize/tokenizer.js";
import { type BaseModel, resolveBaseModel } from "../train/base-model.js";
import {
  type DistributedFlags,
  type DistributedLaunch,
  checkTorchrun,
  describeLaunch,
  parseDistributed,
  torchrunArgs,
} from "../train/distributed.js";
import { type TrainerResult, runTrainer } from "../train/launch.js";
import {
  type HyperparameterName,
  type Hyperparameters,
  maxTokenLength,
  mergeHyperparameters,
  parseBool,
  trainerArgs,
} from "../train/options.js";
import {
  TRAINER_LOG,
  blockingEntries,
  fsError,
  inUseError,
  liveLockPid,
  lockOutDir,
  removeBenchFiles,
  removeStaleTemps,
} from "../train/out-dir.js";
import { trainerScript } from "../train/paths.js";
import { type RunRecord, readRunRecord, writeRunRecord } from "../train/run-record.js";
import { type TorchPython, findTorchPython } from "../python/find-python.js";
import { writeTokenData } from "../train/token-data.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { gitCommit } from "../util/build-info.js";
import { progressDisplay } from "../util/progress.js";

/** Flags of the seed's open-retrievals command that bench accepts only with the values it implements. */
export interface SeedFlags {
  tokenizerName?: string;
  modelType?: string;
  doTrain?: unknown;
  positiveKey?: string;
  negativeKey?: string;
  unfoldEachPositive?: unknown;
}

/** Options of `bench train` as the CLI passes them; hyperparameters by their underscore names. */
export interface TrainCommandOptions {
  model?: string;
  data?: string;
  out: string;
  resume?: boolean;
  /** HF-style boolean (--overwrite_output_dir [True]): allow a non-empty --out, removing bench's own files first. */
  overwriteOutputDir?: unknown;
  /** Write the untrained starting point (no data, no training). */
  exportInitial?: boolean;
  python?: string;
  name?: string;
  quiet?: boolean;
  /** Raw flag values (strings, numbers, booleans as the CLI parsed them); mergeHyperparameters checks them. */
  hyperparameters: Partial<Record<HyperparameterName, unknown>>;
  /** torchrun launch flags (--nproc-per-node …); none = one process. Not saved for --resume: give them again. */
  distributed?: DistributedFlags;
  seedFlags?: SeedFlags;
}

function boolFlag(name: string, v: unknown, def: boolean): boolean {
  if (v === undefined) return def;
  const b = parseBool(v);
  if (b === null) throw usageError(`usage: --${name} expects true or false, got ${JSON.stringify(v)}`);
  return b;
}

/** The seed script's flags: accepted with the values bench implements, refused (usage, exit 2) otherwise. */
function checkSeedFlags(f: SeedFlags): void {
  if (f.modelType !== undefined && f.modelType !== "colbert") {
    throw usageError(`usage: --model_type ${f.modelType} is not supported: bench trains ColBERT models only (--model_type colbert)`);
  }
  if (!boolFlag("do_train", f.doTrain, true))
    throw usageError("usage: --do_train false: bench train always trains (use bench eval to evaluate)");
  if (boolFlag("unfold_each_positive", f.unfoldEachPositive, false)) {
    throw usageError(
      "usage: --unfold_each_positive true is not supported: bench samples one positive per query and epoch (the recipe's --unfold_each_positive false)",
    );
  }
  for (const [flag, v, field] of [
    ["positive_key", f.positiveKey, "positive"],
    ["negative_key", f.negativeKey, "negative"],
  ] as const) {
    if (v !== undefined && v !== field) {
      throw usageError(
        `usage: --${flag} ${v} is not supported: bench reads the fields query/positive/negative; rename "${v}" to "${field}" in the data file`,
      );
    }
  }
}

/** --tokenizer_name: the model itself, or a local directory with tokenizer.json; returns the directory to use, or null (= the model's). */
function tokenizerDir(name: string | undefined, modelSpec: string): string | null {
  if (name === undefined || name === modelSpec || resolve(name) === resolve(modelSpec)) return null;
  if (existsSync(join(name, "tokenizer.json"))) return resolve(name);
  throw usageError(
    `usage: --tokenizer_name ${name}: give the model itself (${modelSpec}) or a local directory with tokenizer.json; bench does not fetch a separate tokenizer`,
  );
}

/** Checks --data before any work: a hub dataset id is not a file bench trains on. */
function checkDataPath(data: string): void {
  if (existsSync(data)) return;
  if (parseHubId(data)) {
    throw usageError(
      `usage: --data ${data} is not a file; bench trains on a local file: run \`bench split --task NAME --out DIR\` (or --input FILE) first and pass DIR/train.jsonl`,
    );
  }
  throw inputError(`train: --data ${data}: no such file`);
}

/** Devices the probed torch cannot give are usage errors before any tokenizing. */
function checkDevice(hp: Hyperparameters, cuda: boolean, torch: string): void {
  const dev = hp.device;
  if (hp.fp16 && dev === "cpu") throw usageError("usage: --fp16 needs a CUDA device (use --bf16 or fp32 on CPU)");
  if (cuda) return;
  const want = hp.fp16 ? "--fp16" : dev.startsWith("cuda") ? `--device ${dev}` : null;
  if (want)
    throw usageError(
      `usage: ${want} needs a CUDA GPU, and this torch (${torch}) sees none; use --device cpu${hp.fp16 ? " with --bf16 or fp32" : ""}`,
    );
}

/** --max_length / --query_max_length must fit the base's position table. */
function checkLengths(baseDir: string, hp: Hyperparameters): void {
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(readFileSync(join(baseDir, "config.json"), "utf8")) as Record<string, unknown>;
  } catch {
    return; // the trainer reports a bad config.json with its own message
  }
  const limit = maxTokenLength(cfg);
  if (limit === null) return;
  for (const k of ["max_length", "query_max_length"] as const) {
    if (hp[k] > limit)
      throw usageError(
        `usage: --${k} ${hp[k]} exceeds what the model's positions allow (${limit}: max_position_embeddings ${String(cfg.max_position_embeddings)} in ${join(baseDir, "config.json")})`,
      );
  }
}

/** The run's settings, every flag checked (checkFlags). */
interface TrainPlan {
  /** --out, resolved. */
  out: string;
  overwrite: boolean;
  modelSpec: string;
  dataPath: string | undefined;
  hp: Hyperparameters;
  launch: DistributedLaunch | null;
  name: string | null;
  tokDir: string | null;
}

/** What the run reads, loaded and checked before DIR is touched (loadInputs). */
interface TrainInputs {
  python: TorchPython;
  base: BaseModel;
  tok: TextTokenizer;
  /** The training data; null with --export-initial. */
  ds: LoadedDataset | null;
}

/** Runs `bench train`; returns the output directory. */
export async function trainCommand(opts: TrainCommandOptions): Promise<string> {
  const plan = checkFlags(opts);
  const inputs = await loadInputs(opts, plan);
  // Everything is checked: from here on DIR is written (under its lock).
  return writeAndTrain(opts, plan, inputs);
}

/** Every flag, --out's state and a resumed run's record, before any probing or loading. */
function checkFlags(opts: TrainCommandOptions): TrainPlan {
  const out = resolve(opts.out);
  if (existsSync(out) && !statSync(out).isDirectory()) throw inputError(`train: --out ${opts.out} exists and is not a directory`);
  checkSeedFlags(opts.seedFlags ?? {});
  const overwrite = boolFlag("overwrite_output_dir", opts.overwriteOutputDir, false);
  if (overwrite && opts.resume) throw usageError("usage: --overwrite_output_dir and --resume exclude each other");
  if (opts.exportInitial && opts.resume) throw usageError("usage: --export-initial and --resume exclude each other");
  const busy = liveLockPid(out);
  if (busy !== null) throw inUseError(opts.out, busy);
  const stored = opts.resume ? readRunRecord(out) : null;
  if (!opts.resume && !overwrite && blockingEntries(out).length > 0) {
    throw usageError(
      `usage: --out ${opts.out} is not empty; choose a new directory, pass --resume to continue its run, or --overwrite_output_dir to replace bench's files there`,
    );
  }
  const modelSpec = opts.model ?? stored?.model;
  const dataPath = opts.data ?? stored?.data;
  if (!modelSpec || (!dataPath && !opts.exportInitial))
    throw usageError("usage: train needs --model and --data (or --resume with a previous run's --out; --export-initial needs no --data)");
  const hp = mergeHyperparameters(opts.hyperparameters, stored?.hyperparameters);
  const launch = parseDistributed(opts.distributed ?? {});
  if (launch && !hp.dataloader_drop_last)
    throw usageError(
      "usage: --dataloader_drop_last false needs a single process (under torchrun every process needs an equal shard of each batch)",
    );
  if (launch && opts.exportInitial) throw usageError("usage: --export-initial runs no training: drop --nproc-per-node");
  if (dataPath && !opts.exportInitial) checkDataPath(dataPath); // after the flags: usage errors (2) come before input errors (3)
  const name = opts.name ?? stored?.name ?? null;
  const tokDir = tokenizerDir(opts.seedFlags?.tokenizerName, modelSpec) ?? stored?.tokenizer ?? null;
  return { out, overwrite, modelSpec, dataPath, hp, launch, name, tokDir };
}

/** Probes Python/torch, resolves the base model, loads the tokenizer and the data, and checks they fit the flags. */
async function loadInputs(opts: TrainCommandOptions, { modelSpec, dataPath, hp, launch, tokDir }: TrainPlan): Promise<TrainInputs> {
  const python = findTorchPython(opts.python);
  checkDevice(hp, python.cuda, python.torch);
  if (launch) checkTorchrun(python.python);
  const base = await resolveBaseModel(modelSpec);
  checkLengths(base.dir, hp);
  const tok = loadTokenizer(tokDir ?? base.dir);
  const ds = opts.exportInitial || !dataPath ? null : await loadDatasetFile(dataPath);
  if (ds) checkFullStep(ds, hp, launch);
  return { python, base, tok, ds };
}

/** The data must give at least one full optimizer step when incomplete batches are dropped. */
function checkFullStep(ds: LoadedDataset, hp: Hyperparameters, launch: DistributedLaunch | null): void {
  const usable = ds.rows.filter(hasPositiveAndNegative).length;
  const procs = launch ? launch.nprocPerNode * launch.nnodes : 1;
  const need = hp.dataloader_drop_last ? hp.per_device_train_batch_size * procs * hp.gradient_accumulation_steps : 1;
  if (usable < need) {
    throw inputError(
      `train: ${ds.source.path}: ${usable} rows with a positive and a negative give no full step of batch ${hp.per_device_train_batch_size}${procs > 1 ? ` x ${procs} processes` : ""} x accumulation ${hp.gradient_accumulation_steps} (lower --per_device_train_batch_size, or --dataloader_drop_last false)`,
    );
  }
}

/**
 * Locks DIR, writes the token data and the run record, runs the trainer and reports. A fresh start that fails
 * before its first checkpoint is cleaned up (cleanUpFailedStart).
 */
async function writeAndTrain(opts: TrainCommandOptions, plan: TrainPlan, inputs: TrainInputs): Promise<string> {
  const { out, hp, launch, name, tokDir } = plan;
  const { python, base, ds } = inputs;
  const created = !existsSync(out);
  const release = lockOutDir(out, opts.out);
  const dataDir = join(out, "train-data");
  let started = false;
  try {
    prepareOutDir(out, opts.out, plan.overwrite);
    const args = writeTrainerInputs(opts, plan, inputs, dataDir);
    const record: RunRecord = { model: plan.modelSpec, data: ds?.source.path ?? "", name, tokenizer: tokDir, hyperparameters: hp };
    // a fresh run records its settings now; a resumed one only once the trainer accepted the checkpoint (a refused
    // --resume with a changed flag must leave run.json as it was, so the correct --resume still works)
    if (!opts.resume && ds) writeRunRecord(out, record);
    if (!base.hasWeights) info(`train: ${base.dir} has no weights: the encoder starts from random init (config.json)`);
    if (launch) info(describeLaunch(launch, hp.per_device_train_batch_size, hp.gradient_accumulation_steps));

    if (tokDir) args.push("--tokenizer_dir", tokDir);
    if (name) args.push("--name", name);
    if (opts.resume) args.push("--resume");
    const remote = launch !== null && launch.nodeRank > 0;
    const result = await runTrainer(python.python, trainerScript(), args, {
      quiet: opts.quiet,
      launcher: launch ? torchrunArgs(launch) : undefined,
      noEvents: remote,
      logFile: join(out, TRAINER_LOG),
      onStart: () => {
        started = true;
        if (opts.resume) writeRunRecord(out, record);
      },
    });
    reportFinished(opts, plan, inputs, result);
    return out;
  } catch (err) {
    if (!opts.resume) cleanUpFailedStart(out, created, started, release);
    throw err;
  } finally {
    release();
  }
}

/** The last line of a run: what node 0 wrote (a remote node only says it is done). */
function reportFinished(opts: TrainCommandOptions, { out, launch }: TrainPlan, { base }: TrainInputs, result: TrainerResult): void {
  if (launch !== null && launch.nodeRank > 0) {
    info(`train: node ${launch.nodeRank}'s processes finished; node 0 writes the checkpoints, the log and the model directory`);
  } else if (opts.exportInitial) {
    info(`train: wrote ${base.id} untrained (step 0) to ${out}; its "before" score: bench eval --model ${opts.out}`);
  } else {
    const last = [...result.events].reverse().find((e) => e.event === "log");
    info(
      `train: done at step ${result.finalStep}${last && typeof last.loss === "number" ? `, loss ${last.loss.toPrecision(4)}` : ""}; model directory ${out} (evaluate with: bench eval --model ${opts.out})`,
    );
  }
}

/** --overwrite_output_dir removes bench's files from DIR; temp files of a killed run go in any case. */
function prepareOutDir(out: string, given: string, overwrite: boolean): void {
  if (overwrite) {
    const removed = removeBenchFiles(out);
    if (removed.length > 0) info(`train: --overwrite_output_dir: removed bench's ${removed.join(", ")} from ${given}`);
  }
  for (const f of removeStaleTemps(out)) warn(`train: removed ${f}, a temp file left by a killed run`);
}

/**
 * Tokenizes the data into `dataDir` (or, with --export-initial, asks for the export only) and writes the manifest
 * metadata; returns the trainer's argv so far. A failed write is a file-system error naming `dataDir`.
 */
function writeTrainerInputs(
  opts: TrainCommandOptions,
  { out, hp }: TrainPlan,
  { python, base, tok, ds }: TrainInputs,
  dataDir: string,
): string[] {
  const meta = {
    base_model: base.id,
    git_commit: gitCommit(),
    ...(ds ? { data_sha256: ds.source.sha256, data_path: ds.source.path } : {}),
  };
  const metaFile = join(dataDir, "manifest-meta.json");
  const args = ["--model_dir", base.dir, "--output_dir", out, "--meta", metaFile, ...trainerArgs(hp)];
  try {
    if (ds) {
      const bar = opts.quiet ? null : progressDisplay("train: tokenizing", "rows");
      const summary = writeTokenData(
        dataDir,
        ds.rows,
        tok,
        { queryMaxLength: hp.query_max_length, maxLength: hp.max_length },
        {
          data_path: ds.source.path,
          data_sha256: ds.source.sha256,
        },
        bar ? (d, t) => bar.update(d, t) : undefined,
      );
      bar?.stop();
      info(
        `train: ${summary.rows} rows → ${summary.queries} unique queries, ${summary.docs} unique passages (${summary.truncatedDocs} truncated to ${hp.max_length} tokens) tokenized with ${tok.source}; python ${python.python} (torch ${python.torch}${python.cuda ? ", CUDA" : ""})`,
      );
      args.push("--data_dir", dataDir);
    } else {
      args.push("--export_only");
    }
    writeFileAtomic(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  } catch (err) {
    throw fsError(`the training data into ${dataDir}`, err);
  }
  return args;
}

/**
 * A fresh start that failed before its first checkpoint leaves nothing that blocks the retry: bench's own files go
 * (the trainer.log with the traceback stays; it does not count as content), and a folder bench created too.
 */
function cleanUpFailedStart(out: string, created: boolean, started: boolean, release: () => void): void {
  if (existsSync(join(out, "checkpoint", "checkpoint.pt"))) return;
  removeBenchFiles(out, [TRAINER_LOG]);
  if (created && !started && !existsSync(join(out, TRAINER_LOG))) {
    release();
    rmSync(out, { recursive: true, force: true });
  }
}
