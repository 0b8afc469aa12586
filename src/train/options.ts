/**
 * `bench train` hyperparameters, named like open-retrievals / HF TrainingArguments, with the recipe's defaults
 * (docs/spec.md §4b, rerank_colbert.sh). They are passed to scripts/trainer/args.py as `--name value`.
 */
import { usageError } from "../errors.js";

type Kind = "number" | "int" | "boolean" | "string";

/** The choices of the string hyperparameters (the trainer's argparse choices, scripts/trainer/args.py). */
export const LR_SCHEDULER_TYPES = ["linear", "cosine", "constant"] as const;
export const PADDINGS = ["max_length", "longest"] as const;
export const ATTENTIONS = ["auto", "sdpa", "manual"] as const;
export type LrSchedulerType = (typeof LR_SCHEDULER_TYPES)[number];
export type Padding = (typeof PADDINGS)[number];
export type Attention = (typeof ATTENTIONS)[number];

/** Hyperparameter values by name, after mergeHyperparameters checked them (kinds, choices, ranges). */
export interface Hyperparameters {
  learning_rate: number;
  num_train_epochs: number;
  max_steps: number;
  per_device_train_batch_size: number;
  gradient_accumulation_steps: number;
  train_group_size: number;
  query_max_length: number;
  max_length: number;
  use_inbatch_negative: boolean;
  bf16: boolean;
  fp16: boolean;
  warmup_ratio: number;
  warmup_steps: number;
  lr_scheduler_type: LrSchedulerType;
  logging_steps: number;
  save_steps: number;
  seed: number;
  max_grad_norm: number;
  weight_decay: number;
  adam_epsilon: number;
  head_lr_multiplier: number;
  temperature: number;
  divide_by_query_length: boolean;
  colbert_dim: number;
  padding: Padding;
  gradient_checkpointing: boolean;
  attention: Attention;
  gather_inbatch_negatives: boolean;
  ddp_timeout: number;
  /** auto | cpu | cuda | cuda:N (checked by validateChoices). */
  device: string;
  threads: number;
  onnx_opset: number;
  dataloader_drop_last: boolean;
  save_total_limit: number;
}

export type HyperparameterName = keyof Hyperparameters;

/** [kind, default, description] of one hyperparameter; the kind and the default must fit the field's type. */
type Spec<T> = [T] extends [number]
  ? readonly ["number" | "int", T, string]
  : [T] extends [boolean]
    ? readonly ["boolean", boolean, string]
    : readonly ["string", T, string];

/**
 * name → [kind, default, description], in the order the trainer's argv, run.json and `bench train --help` list them.
 * The trainer's own defaults are the same (scripts/trainer/args.py).
 */
export const HYPERPARAMETERS: { readonly [K in HyperparameterName]: Spec<Hyperparameters[K]> } = {
  learning_rate: ["number", 5e-6, "Backbone learning rate (the ColBERT head uses x head_lr_multiplier)"],
  num_train_epochs: ["number", 3, "Epochs (fractions allowed)"],
  max_steps: ["int", -1, "> 0: stop after this many optimizer steps (overrides num_train_epochs)"],
  per_device_train_batch_size: ["int", 32, "Queries per micro-batch"],
  gradient_accumulation_steps: ["int", 1, "Micro-batches per optimizer step"],
  train_group_size: ["int", 4, "1 positive + (train_group_size - 1) sampled negatives per query"],
  query_max_length: ["int", 128, "Query truncation length (tokens, specials included)"],
  max_length: ["int", 256, "Passage truncation length"],
  use_inbatch_negative: ["boolean", false, "Score every query against every passage in the batch"],
  bf16: ["boolean", false, "bf16 autocast (CUDA; CPU autocast where supported)"],
  fp16: ["boolean", false, "fp16 autocast with a GradScaler (CUDA only)"],
  warmup_ratio: ["number", 0.05, "Fraction of steps with linear warmup"],
  warmup_steps: ["int", 0, "> 0 overrides warmup_ratio"],
  lr_scheduler_type: ["string", "linear", "linear | cosine | constant (after warmup)"],
  logging_steps: ["int", 10, "Log (and update the progress line) every N steps"],
  save_steps: ["int", 500, "Checkpoint every N steps"],
  seed: ["int", 42, "Seeds the negative sampler (Python random), torch and the epoch order"],
  max_grad_norm: ["number", 1.0, "Gradient clipping"],
  weight_decay: ["number", 0, "AdamW weight decay"],
  adam_epsilon: ["number", 1e-6, "AdamW epsilon (open-retrievals uses 1e-6)"],
  head_lr_multiplier: ["number", 20, "Learning-rate multiplier of the colbert_linear head"],
  temperature: ["number", 0.02, "Score temperature of the loss"],
  divide_by_query_length: ["boolean", false, "Divide training scores by the query length (bge-m3 scoring; open-retrievals does not)"],
  colbert_dim: ["int", -1, "ColBERT vector size; -1 = hidden size (ignored when colbert_linear.pt exists)"],
  padding: ["string", "max_length", "max_length (the recipe) | longest (pad to the batch's longest, faster)"],
  gradient_checkpointing: ["boolean", false, "Recompute activations in backward to save memory"],
  attention: ["string", "auto", "auto | sdpa | manual"],
  gather_inbatch_negatives: [
    "boolean",
    true,
    "With --nproc-per-node and --use_inbatch_negative: also score against the other processes' passages (all-gather)",
  ],
  ddp_timeout: ["int", 1800, "With --nproc-per-node: seconds before a stuck rendezvous or collective ends the run with an error"],
  device: ["string", "auto", "auto | cpu | cuda | cuda:N (with --nproc-per-node: auto or cuda, one GPU per process)"],
  threads: ["int", 0, "torch.set_num_threads (0: torch's default)"],
  onnx_opset: ["int", 14, "ONNX opset of the exported model (14–17)"],
  dataloader_drop_last: ["boolean", true, "Drop the last incomplete batch of each epoch (the recipe passes True; false needs one process)"],
  save_total_limit: [
    "int",
    1,
    "Keep this many newest checkpoints (checkpoint/checkpoint.pt is the latest, older ones checkpoint/checkpoint-STEP.pt)",
  ],
};

/** Every hyperparameter name, in the table's order (the filter keeps them all; it only gives the keys their type). */
export const HYPERPARAMETER_NAMES: readonly HyperparameterName[] = Object.keys(HYPERPARAMETERS).filter(isHyperparameterName);

function isHyperparameterName(name: string): name is HyperparameterName {
  return Object.hasOwn(HYPERPARAMETERS, name);
}

/** Checks one value against its kind; names the flag on error. */
export function checkValue(name: string, v: unknown): number | boolean | string {
  if (!isHyperparameterName(name)) throw usageError(`usage: unknown training option --${name}`);
  const kind: Kind = HYPERPARAMETERS[name][0];
  if (kind === "boolean") {
    const b = parseBool(v);
    if (b !== null) return b;
  } else if (kind === "string") {
    if (typeof v === "string" && v.length > 0) return v;
  } else {
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    if (Number.isFinite(n) && (kind === "number" || Number.isInteger(n))) return n;
  }
  throw usageError(
    `usage: --${name} expects ${kind === "int" ? "an integer" : kind === "number" ? "a number" : kind === "boolean" ? "true or false" : "a value"}, got ${JSON.stringify(v)}`,
  );
}

/**
 * An HF-style boolean: true/false, True/False, 1/0, yes/no (any case), or "" (a bare `--flag`, which yargs gives a
 * string option with no value). null when it is none of these.
 */
export function parseBool(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  if (v === "") return true;
  if (typeof v === "number" && (v === 0 || v === 1)) return v === 1;
  if (typeof v !== "string") return null;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  return null;
}

/**
 * defaults ← stored (a resumed run's saved values, run.json) ← explicitly given flags. Checks in this order, the
 * first failure a usage error naming the flag: each value's kind (table order), --bf16 with --fp16, the choices
 * and --device, then the ranges (validateRanges).
 */
export function mergeHyperparameters(
  given: Readonly<Partial<Record<HyperparameterName, unknown>>>,
  stored: Readonly<Partial<Record<HyperparameterName, unknown>>> = {},
): Hyperparameters {
  const checked: Partial<Record<HyperparameterName, number | boolean | string>> = {};
  for (const name of HYPERPARAMETER_NAMES) {
    const def = HYPERPARAMETERS[name][1];
    const v = given[name] !== undefined ? given[name] : stored[name] !== undefined ? stored[name] : def;
    checked[name] = checkValue(name, v);
  }
  if (checked.bf16 && checked.fp16) throw usageError("usage: --bf16 and --fp16 exclude each other");
  validateChoices(checked);
  // Every field now holds its table kind (checkValue) and each string union one of its choices (validateChoices).
  const hp = checked as Hyperparameters;
  validateRanges(hp);
  return hp;
}

/** The string hyperparameters with a fixed set of values, and --device's pattern; usage errors naming the flag. */
function validateChoices(values: Readonly<Partial<Record<HyperparameterName, unknown>>>): void {
  const bad = (k: HyperparameterName, want: string): never => {
    throw usageError(`usage: --${k} must be ${want}, got ${JSON.stringify(values[k])}`);
  };
  const oneOf = (k: HyperparameterName, choices: readonly string[]): void => {
    if (!choices.includes(String(values[k]))) bad(k, `one of ${choices.join(" | ")}`);
  };
  oneOf("lr_scheduler_type", LR_SCHEDULER_TYPES);
  oneOf("padding", PADDINGS);
  oneOf("attention", ATTENTIONS);
  if (!/^(auto|cpu|cuda(:\d+)?)$/.test(String(values.device))) bad("device", "auto | cpu | cuda | cuda:N");
}

/** The names of the number-valued hyperparameters. */
type NumberName = { [K in HyperparameterName]: Hyperparameters[K] extends number ? K : never }[HyperparameterName];

/**
 * Range checks of every number hyperparameter, before any work (the trainer would otherwise train garbage and exit 0,
 * or fail with argparse usage after tokenizing). Each failure is one usage line naming the flag.
 */
export function validateRanges(hp: Hyperparameters): void {
  const bad = (k: NumberName, want: string): never => {
    throw usageError(`usage: --${k} must be ${want}, got ${JSON.stringify(hp[k])}`);
  };
  const atLeast = (names: readonly NumberName[], min: number, want: string): void => {
    for (const k of names) if (!(hp[k] >= min)) bad(k, want);
  };
  if (!(hp.learning_rate > 0)) bad("learning_rate", "> 0");
  if (!(hp.num_train_epochs >= 0)) bad("num_train_epochs", "≥ 0 (0: export the starting point untrained)");
  if (!(hp.max_steps >= -1)) bad("max_steps", "-1 or 0 (use num_train_epochs) or a step count > 0");
  atLeast(["per_device_train_batch_size", "gradient_accumulation_steps", "logging_steps", "ddp_timeout", "save_total_limit"], 1, "≥ 1");
  const minGroup = hp.use_inbatch_negative ? 1 : 2;
  if (!(hp.train_group_size >= minGroup)) {
    bad(
      "train_group_size",
      hp.use_inbatch_negative
        ? "≥ 1"
        : "≥ 2 (1 positive + at least one negative; with 1 the loss is 0 at every step) unless --use_inbatch_negative",
    );
  }
  atLeast(["query_max_length", "max_length"], 2, "≥ 2 (the special tokens alone take 2)");
  if (!(hp.warmup_ratio >= 0 && hp.warmup_ratio <= 1)) bad("warmup_ratio", "between 0 and 1");
  atLeast(["warmup_steps", "save_steps", "threads", "seed", "weight_decay", "head_lr_multiplier"], 0, "≥ 0");
  if (!(hp.max_grad_norm > 0)) bad("max_grad_norm", "> 0 (gradient clipping cannot be switched off: 0 would zero every gradient)");
  if (!(hp.adam_epsilon > 0)) bad("adam_epsilon", "> 0");
  if (!(hp.temperature > 0)) bad("temperature", "> 0 (the loss divides by it)");
  if (!(hp.colbert_dim === -1 || hp.colbert_dim >= 1)) bad("colbert_dim", "-1 (the hidden size) or ≥ 1");
  if (!(hp.onnx_opset >= 14 && hp.onnx_opset <= 17)) bad("onnx_opset", "14..17");
}

/**
 * The largest token length the base's position table allows: max_position_embeddings, less the offset of
 * RoBERTa-style positions (they start at pad_token_id + 1, scripts/trainer/encoder.py). null when unknown.
 */
export function maxTokenLength(config: Record<string, unknown>): number | null {
  const max = config.max_position_embeddings;
  if (typeof max !== "number" || !Number.isInteger(max)) return null;
  const roberta = config.model_type === "xlm-roberta" || config.model_type === "roberta";
  const pad = typeof config.pad_token_id === "number" ? config.pad_token_id : roberta ? 1 : 0;
  return roberta ? max - pad - 1 : max;
}

/** The trainer's argv for these values, in the table's order. */
export function trainerArgs(hp: Hyperparameters): string[] {
  return HYPERPARAMETER_NAMES.flatMap((k) => [`--${k}`, String(hp[k])]);
}
