/**
 * `bench train` hyperparameters, named like open-retrievals / HF TrainingArguments, with the recipe's defaults
 * (spec §4b, rerank_colbert.sh). They are passed to scripts/trainer/args.py as `--name value`.
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
  gather_inbatch_negatives: ["boolean", true, "With --nproc-per-node and --use_inbatch_negative: also score against the other processes' passages (all-gather)"],
  ddp_timeout: ["int", 1800, "With --nproc-per-node: seconds before a stuck rendezvous or collective ends the run with an error"],
  device: ["string", "auto", "auto | cpu | cuda | cuda:N (with --nproc-per-node: auto or cuda, one GPU per process)"],
  threads: ["int", 0, "torch.set_num_threads (0: torch's default)"],
  onnx_opset: ["int", 14, "ONNX opset of the exported model (14–17)"],
};

/** Hyperparameter values by name. */
export type Hyperparameters = Record<string, number | boolean | string>;

/** Checks one value against its kind; names the flag on error. */
export function checkValue(name: string, v: unknown): number | boolean | string {
  const spec = HYPERPARAMETERS[name];
  if (!spec) throw usageError(`usage: unknown training option --${name}`);
  const [kind] = spec;
  if (kind === "boolean") {
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
  } else if (kind === "string") {
    if (typeof v === "string" && v.length > 0) return v;
  } else {
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    if (Number.isFinite(n) && (kind === "number" || Number.isInteger(n))) return n;
  }
  throw usageError(`usage: --${name} expects ${kind === "int" ? "an integer" : kind === "number" ? "a number" : kind === "boolean" ? "true or false" : "a value"}, got ${JSON.stringify(v)}`);
}

/** defaults ← stored (a resumed run's saved values) ← explicitly given flags. */
export function mergeHyperparameters(given: Record<string, unknown>, stored: Hyperparameters = {}): Hyperparameters {
  const out: Hyperparameters = {};
  for (const [name, [, def]] of Object.entries(HYPERPARAMETERS)) {
    const v = given[name] !== undefined ? given[name] : stored[name] !== undefined ? stored[name] : def;
    out[name] = checkValue(name, v);
  }
  if (out.bf16 && out.fp16) throw usageError("usage: --bf16 and --fp16 exclude each other");
  return out;
}

/** The trainer's argv for these values. */
export function trainerArgs(hp: Hyperparameters): string[] {
  return Object.entries(hp).flatMap(([k, v]) => [`--${k}`, String(v)]);
}
