/**
 * `bench train` hyperparameters, named like open-retrievals / HF TrainingArguments, with the recipe's defaults
 * (docs/spec.md §4b, rerank_colbert.sh). They are passed to scripts/trainer/args.py as `--name value`.
 */
import { usageError } from "../errors.js";

type Kind = "number" | "int" | "boolean" | "string";

/** name → [kind, default, description]. The trainer's own defaults are the same (scripts/trainer/args.py). */
export const HYPERPARAMETERS: Record<string, [Kind, number | boolean | string, string]> = {
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

/** Choices of the string hyperparameters (the trainer's argparse choices, scripts/trainer/args.py). */
export const CHOICES: Record<string, readonly string[]> = {
  lr_scheduler_type: ["linear", "cosine", "constant"],
  padding: ["max_length", "longest"],
  attention: ["auto", "sdpa", "manual"],
};

/** Hyperparameter values by name. */
export type Hyperparameters = Record<string, number | boolean | string>;

/** Checks one value against its kind; names the flag on error. */
export function checkValue(name: string, v: unknown): number | boolean | string {
  const spec = HYPERPARAMETERS[name];
  if (!spec) throw usageError(`usage: unknown training option --${name}`);
  const [kind] = spec;
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

/** defaults ← stored (a resumed run's saved values) ← explicitly given flags. */
export function mergeHyperparameters(given: Record<string, unknown>, stored: Hyperparameters = {}): Hyperparameters {
  const out: Hyperparameters = {};
  for (const [name, [, def]] of Object.entries(HYPERPARAMETERS)) {
    const v = given[name] !== undefined ? given[name] : stored[name] !== undefined ? stored[name] : def;
    out[name] = checkValue(name, v);
  }
  if (out.bf16 && out.fp16) throw usageError("usage: --bf16 and --fp16 exclude each other");
  validateRanges(out);
  return out;
}

/**
 * Range checks of every hyperparameter, before any work (the trainer would otherwise train garbage and exit 0,
 * or fail with argparse usage after tokenizing). Each failure is one usage line naming the flag.
 */
export function validateRanges(hp: Hyperparameters): void {
  const n = (k: string): number => hp[k] as number;
  const bad = (k: string, want: string): never => {
    throw usageError(`usage: --${k} must be ${want}, got ${JSON.stringify(hp[k])}`);
  };
  for (const [k, choices] of Object.entries(CHOICES)) if (!choices.includes(String(hp[k]))) bad(k, `one of ${choices.join(" | ")}`);
  if (!/^(auto|cpu|cuda(:\d+)?)$/.test(String(hp.device))) bad("device", "auto | cpu | cuda | cuda:N");
  if (!(n("learning_rate") > 0)) bad("learning_rate", "> 0");
  if (!(n("num_train_epochs") >= 0)) bad("num_train_epochs", "≥ 0 (0: export the starting point untrained)");
  if (!(n("max_steps") >= -1)) bad("max_steps", "-1 or 0 (use num_train_epochs) or a step count > 0");
  for (const k of ["per_device_train_batch_size", "gradient_accumulation_steps", "logging_steps", "ddp_timeout", "save_total_limit"])
    if (!(n(k) >= 1)) bad(k, "≥ 1");
  const minGroup = hp.use_inbatch_negative ? 1 : 2;
  if (!(n("train_group_size") >= minGroup)) {
    bad(
      "train_group_size",
      hp.use_inbatch_negative
        ? "≥ 1"
        : "≥ 2 (1 positive + at least one negative; with 1 the loss is 0 at every step) unless --use_inbatch_negative",
    );
  }
  for (const k of ["query_max_length", "max_length"]) if (!(n(k) >= 2)) bad(k, "≥ 2 (the special tokens alone take 2)");
  if (!(n("warmup_ratio") >= 0 && n("warmup_ratio") <= 1)) bad("warmup_ratio", "between 0 and 1");
  for (const k of ["warmup_steps", "save_steps", "threads", "seed", "weight_decay", "head_lr_multiplier"]) if (!(n(k) >= 0)) bad(k, "≥ 0");
  if (!(n("max_grad_norm") > 0)) bad("max_grad_norm", "> 0 (gradient clipping cannot be switched off: 0 would zero every gradient)");
  if (!(n("adam_epsilon") > 0)) bad("adam_epsilon", "> 0");
  if (!(n("temperature") > 0)) bad("temperature", "> 0 (the loss divides by it)");
  if (!(n("colbert_dim") === -1 || n("colbert_dim") >= 1)) bad("colbert_dim", "-1 (the hidden size) or ≥ 1");
  if (!(n("onnx_opset") >= 14 && n("onnx_opset") <= 17)) bad("onnx_opset", "14..17");
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

/** The trainer's argv for these values. */
export function trainerArgs(hp: Hyperparameters): string[] {
  return Object.entries(hp).flatMap(([k, v]) => [`--${k}`, String(v)]);
}
