/**
 * The command-line entry point: argv → one command function. Commands are plain async functions, imported
 * lazily so `bench --help` does not load onnxruntime or parquet readers. This is the only place that exits, and
 * the only place that turns an error into an exit code and a stderr line (docs/errors.md).
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { BenchError, ExitCode, fileSystemError, printable, usageError } from "./errors.js";
import { HYPERPARAMETERS } from "./train/options.js";

/**
 * Refuses an option given twice (`--data a --data b`): yargs collects repeats into an array, which a string or
 * number option must never receive (the last would win silently, or an array would reach the command). Options
 * declared with `array: true` (compare's results, --metric) may repeat.
 */
function refuseRepeatedOptions(argv: Record<string, unknown>, y?: unknown): void {
  // yargs passes its instance as the second argument (not in @types/yargs); getOptions() has the command's options.
  const arrays = new Set((y as { getOptions(): { array: string[] } }).getOptions().array);
  for (const [key, value] of Object.entries(argv)) {
    if (key === "_" || key === "$0" || arrays.has(key) || !Array.isArray(value)) continue;
    throw usageError(`usage: --${key} given ${value.length} times (${value.map(String).join(", ")}); give it once (see bench --help)`);
  }
}

async function main(argv: string[]): Promise<void> {
  const parser = yargs(argv)
    .scriptName("bench")
    .usage("$0 <command> [options]\n\nMTEB-exact evaluation, splitting, training and comparison of passage rerankers.")
    .command(
      "split",
      "Split a reranking dataset 90/10 exactly as datasets' train_test_split(test_size, seed) does, filter the train part, write train.jsonl / test.jsonl / split.json",
      (y) =>
        y
          .option("task", { type: "string", describe: "Registered task to split (see tasks/), e.g. T2Reranking" })
          .option("input", { type: "string", describe: "Dataset file: .jsonl/.json, .arrow (HF datasets cache), .parquet" })
          .option("test-size", {
            type: "string",
            default: "0.1",
            describe: "Fraction in (0,1) (like a Python float: 0.1, 1e-1) or row count (digits only, like a Python int: 613)",
          })
          .option("seed", {
            type: "string",
            default: "42",
            describe: "Seed for numpy's default_rng (SeedSequence + PCG64); any integer ≥ 0, kept as text so every digit counts",
          })
          .option("out", { type: "string", demandOption: true, describe: "Output directory" })
          .conflicts("task", "input")
          .check((a) => {
            // A BenchError, so .fail rethrows it as a usage error (exit 2) rather than an internal one.
            if (!a.task && !a.input) throw usageError("usage: give --task or --input (see bench --help)");
            return true;
          }),
      async (a) => {
        const { splitCommand } = await import("./commands/split.js");
        await splitCommand({ task: a.task, input: a.input, testSize: a["test-size"], seed: a.seed, out: a.out });
      },
    )
    .command(
      "eval",
      "Rerank a dataset with a model and compute MTEB's MAP/MRR; writes MTEB-compatible result JSON. With no arguments: bm25 on the embedded sample task",
      (y) =>
        y
          .option("model", {
            type: "string",
            default: "bm25",
            describe: "bm25 | scores:FILE.jsonl | a model directory | ORG/NAME[@revision] from the hub",
          })
          .option("task", {
            type: "string",
            describe:
              "Registered task (see tasks/) or task set (tasks/sets/, e.g. C-MTEB-reranking: every task, one table, the average); default: the embedded sample task",
          })
          .option("data", {
            type: "string",
            describe:
              "Evaluate this file (e.g. test.jsonl from `bench split`) as task CustomReranking, split test (see --task-name, --split)",
          })
          .option("task-name", {
            type: "string",
            describe: "--data: the task name in results (default CustomReranking), e.g. T2RerankingTrainQueries",
          })
          .option("split", { type: "string", describe: "--data: the split name in results (default test), e.g. train" })
          .option("model-name", {
            type: "string",
            describe: "Name the results are filed under, NAME or ORG/NAME (default: bm25, the hub name, or the model directory's basename)",
          })
          .option("output", { type: "string", default: "results", describe: "Results directory" })
          .option("format", {
            choices: ["mteb", "mteb-1.1.1"] as const,
            default: "mteb" as const,
            describe: "Result file layout (docs/spec.md §2.5)",
          })
          .option("batch-size", {
            type: "number",
            describe: "Neural models: texts (or pairs) per ONNX run (default 32; never changes a score)",
          })
          .option("cache", {
            type: "boolean",
            default: true,
            describe: "Neural models: reuse token vectors from the on-disk cache (.bench-cache/ or $BENCH_CACHE_DIR); --no-cache disables",
          })
          .option("open-retrievals-compat", {
            type: "boolean",
            default: false,
            describe: "ColBERT: reproduce open-retrievals' compute_score (both sides padded to 256, doc pads floor each max at 0)",
          })
          .option("query-max-length", { type: "number", describe: "Neural models: override the query truncation length" })
          .option("max-length", {
            type: "number",
            describe: "Neural models: override the document (cross-encoder: pair) truncation length",
          })
          .option("backend", {
            choices: ["onnx", "torch"] as const,
            default: "onnx" as const,
            describe:
              "Model directories: onnx (onnxruntime, CPU) or torch (the trainer's ColBERT in a PyTorch worker, GPU or CPU; docs/torch-backend.md)",
          })
          .option("device", {
            choices: ["cuda", "cpu"] as const,
            describe: "--backend torch: default cuda when the worker's torch sees a GPU, else cpu",
          })
          .option("dtype", { choices: ["fp32", "bf16", "fp16"] as const, describe: "--backend torch: default fp32 on cpu, fp16 on cuda" })
          .option("worker-timeout", {
            type: "number",
            default: 300,
            describe: "--backend torch: seconds to wait for each batch before the worker is declared hung and killed",
          })
          .option("python", {
            type: "string",
            describe: "--backend torch: Python with torch (default: $BENCH_PYTHON, python3, /usr/bin/python3)",
          })
          .option("onnx-file", {
            type: "string",
            describe:
              "Model directories / hub ids: the ONNX graph to load, relative to the model root (default model.onnx, else onnx/model.onnx)",
          })
          .conflicts("task", "data")
          .example("$0 eval", "bm25 on the embedded sample task, results in results/")
          .example("$0 eval --task T2Reranking --model BAAI/bge-m3", "the real task from the hub (pinned revision)")
          .example("$0 eval --data split/test.jsonl --model ckpt/ --format mteb-1.1.1", "as open-retrievals' eval script writes it")
          .example(
            "$0 eval --task C-MTEB-reranking --model ckpt/ --model-name me/ckpt-step600",
            "the four C-MTEB reranking tasks and their average",
          ),
      async (a) => {
        const { evalCommand } = await import("./commands/eval.js");
        await evalCommand({
          model: a.model,
          task: a.task,
          data: a.data,
          taskName: a["task-name"],
          split: a.split,
          modelName: a["model-name"],
          output: a.output,
          format: a.format,
          batchSize: a["batch-size"],
          cache: a.cache,
          openRetrievalsCompat: a["open-retrievals-compat"],
          queryMaxLength: a["query-max-length"],
          maxLength: a["max-length"],
          backend: a.backend,
          device: a.device,
          dtype: a.dtype,
          workerTimeoutS: a["worker-timeout"],
          python: a.python,
          onnxFile: a["onnx-file"],
        });
      },
    )
    .command(
      "compare <results..>",
      "Compare result files or directories (any mteb/bench layout) against the first: per task, split and metric, deltas, and where per-query files exist a paired bootstrap 95% CI and sign-flip p-value",
      (y) =>
        y
          .positional("results", {
            type: "string",
            array: true,
            describe: "Two or more result files or results directories; the first is the base",
          })
          .option("format", {
            choices: ["table", "md", "json"] as const,
            default: "table" as const,
            describe: "table (terminal), md (markdown for pull requests), json (for scripts)",
          })
          .option("plot", { type: "string", describe: "Also write an SVG of the sorted per-query AP differences to this file" })
          .option("metric", {
            type: "string",
            array: true,
            describe: 'Metrics to show (default: each task\'s main score and mrr; "all" for every metric; e.g. --metric map recall_at_10)',
          }),
      async (a) => {
        const { compareCommand } = await import("./commands/compare.js");
        await compareCommand({ paths: (a.results ?? []).map(String), format: a.format, plot: a.plot, metrics: a.metric });
      },
    )
    .command(
      "check",
      "Regression gate: exit 0 when no metric of --candidate fell more than --tolerance below --baseline, 1 with a table of regressions, 2 when results are missing or unreadable",
      (y) =>
        y
          .option("baseline", {
            type: "string",
            demandOption: true,
            describe: "Baseline result file or directory (e.g. the committed results/)",
          })
          .option("candidate", { type: "string", demandOption: true, describe: "Candidate result file or directory" })
          .option("tolerance", {
            type: "number",
            default: 0.002,
            describe: "Largest allowed fall of any metric (absolute; metrics are 0–1)",
          })
          .option("metric", {
            type: "string",
            array: true,
            describe: 'Metrics to gate (default: each task\'s main score and mrr; "all" for every metric; an unknown name is an error)',
          }),
      async (a) => {
        const { checkCommand } = await import("./commands/check.js");
        await checkCommand({ baseline: a.baseline, candidate: a.candidate, tolerance: a.tolerance, metrics: a.metric });
      },
    )
    .command(
      "train",
      "Fine-tune a ColBERT model (open-retrievals recipe) with the PyTorch trainer in scripts/trainer; --out becomes a model directory for `bench eval`. Takes the seed's torchrun flags as written (HF-style: --flag value, --flag=value, a bare boolean flag = true)",
      (y) => {
        const t = y
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
          .option("python", { type: "string", describe: "Python with torch + numpy (default: $BENCH_PYTHON, python3, /usr/bin/python3)" })
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
          })
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
          .option("master-port", { type: "number", describe: "Node 0's free TCP port for the rendezvous (multi-node)" })
          .group(["model", "data", "out", "resume", "overwrite_output_dir", "export-initial", "run-name", "python"], "Run:")
          .group(
            ["tokenizer_name", "model_type", "do_train", "positive_key", "negative_key", "unfold_each_positive"],
            "Seed-script flags (open-retrievals):",
          )
          .group(["nproc-per-node", "nnodes", "node-rank", "master-addr", "master-port"], "Several processes (torchrun):")
          .parserConfiguration({ "camel-case-expansion": false })
          .example("$0 train --model BAAI/bge-m3 --data split/train.jsonl --out ckpt --fp16", "fine-tune on a GPU")
          .example("$0 train --model BAAI/bge-m3 --out bge-m3-init --export-initial", 'the untrained starting point, for a "before" eval');
        for (const [k, [kind, def, describe]] of Object.entries(HYPERPARAMETERS)) {
          const alias = k.replace(/_/g, "-");
          // booleans as strings: HF-style values (True, false, 1, 0) as a separate word; a bare flag gives "" = true
          t.option(k, {
            type: kind === "int" || kind === "number" ? "number" : "string",
            ...(alias !== k ? { alias } : {}),
            describe: `${describe} (default ${String(def)}${kind === "boolean" ? "; true/false/1/0, a bare flag = true" : ""})`,
          });
        }
        return t.group(Object.keys(HYPERPARAMETERS), "Training (HF TrainingArguments names):");
      },
      async (a) => {
        const { trainCommand } = await import("./commands/train.js");
        const hp: Record<string, unknown> = {};
        for (const k of Object.keys(HYPERPARAMETERS)) hp[k] = a[k];
        const distributed = {
          nprocPerNode: a["nproc-per-node"],
          nnodes: a.nnodes,
          nodeRank: a["node-rank"],
          masterAddr: a["master-addr"],
          masterPort: a["master-port"],
        };
        const seed = {
          tokenizerName: a.tokenizer_name,
          modelType: a.model_type,
          doTrain: a.do_train,
          positiveKey: a.positive_key,
          negativeKey: a.negative_key,
          unfoldEachPositive: a.unfold_each_positive,
        };
        await trainCommand({
          model: a.model,
          data: a.data,
          out: a.out,
          resume: a.resume,
          overwriteOutputDir: a.overwrite_output_dir,
          exportInitial: a["export-initial"],
          python: a.python,
          name: a["run-name"],
          hyperparameters: hp,
          distributed,
          seedFlags: seed,
        });
      },
    )
    .command(
      "demo",
      "Offline demo: split the embedded sample, evaluate bm25 and a tiny ColBERT, fine-tune the ColBERT on CPU, evaluate again, print before/after",
      (y) =>
        y
          .option("out", { type: "string", describe: "Working directory (default: a new temp dir)" })
          .option("steps", {
            type: "number",
            default: 60,
            describe: 'Fine-tuning steps (an integer ≥ 1; the untrained model is always evaluated as the "before")',
          })
          .option("results", {
            type: "string",
            describe: "Write the result files here, as <test|train>/<model>/… (default: <out>/results)",
          })
          .option("python", { type: "string", describe: "Python with torch + numpy (default: $BENCH_PYTHON, python3, /usr/bin/python3)" }),
      async (a) => {
        const { demoCommand } = await import("./commands/demo.js");
        await demoCommand({ out: a.out, steps: a.steps, python: a.python, results: a.results });
      },
    )
    .middleware(refuseRepeatedOptions)
    .strict()
    .demandCommand(1, "give a command")
    .help()
    .alias("h", "help")
    .version(false)
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw usageError(`usage: ${msg} (see bench --help)`);
    });
  if (argv.length === 0) {
    // A bare `bench` does nothing but list the commands (it used to run eval and write results/ here).
    process.stderr.write(`${await parser.getHelp()}\n`);
    throw usageError("usage: give a command, e.g. `bench eval` (bm25 on the embedded sample task) or `bench demo`");
  }
  await parser.parseAsync();
}

/** Prints `err` as one line on stderr and sets the exit code: BenchErrors and file-system errors as they say, the rest internal. */
function report(err: unknown): void {
  const known = err instanceof BenchError ? err : fileSystemError(err);
  if (known !== null) {
    process.stderr.write(`bench: ${printable(known.message)}\n`);
    process.exitCode = known.exitCode;
  } else {
    // A bug: keep the stack (for the report), but escape it like everything else.
    process.stderr.write(`bench: internal error: ${printable(err instanceof Error ? (err.stack ?? err.message) : String(err), true)}\n`);
    process.exitCode = ExitCode.Internal;
  }
}

/**
 * A closed stdout or stderr (`bench eval | head -1`, `bench eval 2>&1 | true`) makes writes fail with EPIPE,
 * emitted as an 'error' event that would otherwise crash the process with exit 1 (the regression code). The
 * reader is gone, so further output is dropped; the command finishes (result files are still written) and exits
 * with its normal code.
 */
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") report(err);
  });
}
// Errors that escape the command's promise (a stream's 'error' event, a callback) are reported the same way.
process.on("uncaughtException", (err) => {
  report(err);
  process.exit();
});

main(hideBin(process.argv)).catch(report);
