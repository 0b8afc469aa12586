/** `bench train`: its options (the hyperparameters from src/train/options.ts) and the call of src/commands/train.ts. */
import type { Argv } from "yargs";
import type { SeedFlags } from "../commands/train.js";
import type { DistributedFlags } from "../train/distributed.js";
import { HYPERPARAMETERS, HYPERPARAMETER_NAMES, type HyperparameterName } from "../train/options.js";

/** Adds the command to the parser. */
export function defineTrainCommand<T>(y: Argv<T>): Argv<T> {
  return y.command(
    "train",
    "Fine-tune a ColBERT model (open-retrievals recipe) with the PyTorch trainer in scripts/trainer; --out becomes a model directory for `bench eval`. Takes the seed's torchrun flags as written (HF-style: --flag value, --flag=value, a bare boolean flag = true)",
    (y) => {
      const t = torchrunOptions(seedScriptOptions(runOptions(y)))
        .group(["model", "data", "out", "resume", "overwrite_output_dir", "export-initial", "run-name", "python"], "Run:")
        .group(
          ["tokenizer_name", "model_type", "do_train", "positive_key", "negative_key", "unfold_each_positive"],
          "Seed-script flags (open-retrievals):",
        )
        .group(["nproc-per-node", "nnodes", "node-rank", "master-addr", "master-port"], "Several processes (torchrun):")
        .parserConfiguration({ "camel-case-expansion": false })
        .example("$0 train --model BAAI/bge-m3 --data split/train.jsonl --out ckpt --fp16", "fine-tune on a GPU")
        .example("$0 train --model BAAI/bge-m3 --out bge-m3-init --export-initial", 'the untrained starting point, for a "before" eval');
      addHyperparameterOptions(t);
      return t.group(Object.keys(HYPERPARAMETERS), "Training (HF TrainingArguments names):");
    },
    async (a) => {
      const { trainCommand } = await import("../commands/train.js");
      await trainCommand({
        model: a.model,
        data: a.data,
        out: a.out,
        resume: a.resume,
        overwriteOutputDir: a.overwrite_output_dir,
        exportInitial: a["export-initial"],
        python: a.python,
        name: a["run-name"],
        hyperparameters: hyperparameterValues(a),
        distributed: distributedFlags(a),
        seedFlags: seedFlags(a),
      });
    },
  );
}

/** --model, --data, --out and the other flags of the run itself. */
function runOptions<T>(y: Argv<T>) {
  return y
    .option("model", {
      type: "string",
      alias: "model_name_or_path",
      describe: "Base: a directory with config.json + tokenizer.json (no weights → random init), or ORG/NAME[@revision]",
    })
    .option("data", {
      type: "string",
      alias: "data_name_or_path",
      describe:
        "Training data file (train.jsonl from `bench split`, or any JSONL/JSON/Arrow/Parquet reranking file); hub dataset ids: run `bench split` first",
    })
    .option("out", {
      type: "string",
      alias: "output_dir",
      demandOption: true,
      describe: "Output model directory (checkpoints, log, manifest, model.onnx)",
    })
    .option("resume", { type: "boolean", default: false, describe: "Continue the run in --out from its last checkpoint" })
    .option("overwrite_output_dir", {
      type: "string",
      describe:
        "Allow a non-empty --out: bench's own files there (train-data/, checkpoint/, the model files, logs) are removed first; other files stay",
    })
    .option("export-initial", {
      type: "boolean",
      default: false,
      describe:
        'Write the untrained starting point of --model (a new seeded random ColBERT head when it has none) as a model directory for `bench eval`, the "before" score; needs no --data',
    })
    .option("run-name", {
      type: "string",
      alias: ["run_name", "name"],
      describe: "Model name in bench_model.json and in result files (default: <out basename>@<base model>-step<N>)",
    })
    .option("python", { type: "string", describe: "Python with torch + numpy (default: $BENCH_PYTHON, python3, /usr/bin/python3)" });
}

/** The open-retrievals seed script's flags, accepted with the values bench implements (src/commands/train.ts checks them). */
function seedScriptOptions<T>(y: Argv<T>) {
  return y
    .option("tokenizer_name", {
      type: "string",
      describe:
        "Accepted as in the seed: the model itself, or a directory with tokenizer.json (then used for the data and copied into --out)",
    })
    .option("model_type", { type: "string", describe: "colbert (the only type bench trains)" })
    .option("do_train", { type: "string", describe: "Accepted (bench train always trains); false is refused" })
    .option("positive_key", { type: "string", describe: "Field of the positives: positive (the only name bench's loader reads)" })
    .option("negative_key", { type: "string", describe: "Field of the negatives: negative (the only name bench's loader reads)" })
    .option("unfold_each_positive", {
      type: "string",
      describe: "false (one sampled positive per query and epoch, the recipe); true is refused",
    });
}

/** torchrun's launch flags (src/train/distributed.ts). */
function torchrunOptions<T>(y: Argv<T>) {
  return y
    .option("nproc-per-node", {
      type: "number",
      describe:
        "Train with this many processes on this node under torchrun + DDP (one per GPU; gloo on CPU); per_device_train_batch_size stays per process",
    })
    .option("nnodes", {
      type: "number",
      describe: "Nodes of a multi-node run (default 1); run the same command on every node with its --node-rank",
    })
    .option("node-rank", { type: "number", describe: "This node's index, 0 … nnodes-1 (node 0 writes the output)" })
    .option("master-addr", { type: "string", describe: "Node 0's address for the rendezvous (multi-node)" })
    .option("master-port", { type: "number", describe: "Node 0's free TCP port for the rendezvous (multi-node)" });
}

/** One option per hyperparameter, in the table's order, with an alias in dashes (--learning-rate) where it differs. */
function addHyperparameterOptions<T>(t: Argv<T>): void {
  for (const [k, [kind, def, describe]] of Object.entries(HYPERPARAMETERS)) {
    const alias = k.replace(/_/g, "-");
    // booleans as strings: HF-style values (True, false, 1, 0) as a separate word; a bare flag gives "" = true
    t.option(k, {
      type: kind === "int" || kind === "number" ? "number" : "string",
      ...(alias !== k ? { alias } : {}),
      describe: `${describe} (default ${String(def)}${kind === "boolean" ? "; true/false/1/0, a bare flag = true" : ""})`,
    });
  }
}

/** The hyperparameter flags as given (undefined when absent); mergeHyperparameters checks them. */
function hyperparameterValues(a: Record<string, unknown>): Partial<Record<HyperparameterName, unknown>> {
  const hp: Partial<Record<HyperparameterName, unknown>> = {};
  for (const k of HYPERPARAMETER_NAMES) hp[k] = a[k];
  return hp;
}

function distributedFlags(a: {
  "nproc-per-node"?: number;
  nnodes?: number;
  "node-rank"?: number;
  "master-addr"?: string;
  "master-port"?: number;
}): DistributedFlags {
  return {
    nprocPerNode: a["nproc-per-node"],
    nnodes: a.nnodes,
    nodeRank: a["node-rank"],
    masterAddr: a["master-addr"],
    masterPort: a["master-port"],
  };
}

function seedFlags(a: {
  tokenizer_name?: string;
  model_type?: string;
  do_train?: string;
  positive_key?: string;
  negative_key?: string;
  unfold_each_positive?: string;
}): SeedFlags {
  return {
    tokenizerName: a.tokenizer_name,
    modelType: a.model_type,
    doTrain: a.do_train,
    positiveKey: a.positive_key,
    negativeKey: a.negative_key,
    unfoldEachPositive: a.unfold_each_positive,
  };
}
