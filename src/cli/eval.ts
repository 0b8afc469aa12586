/** `bench eval`: its options and the call of src/commands/eval.ts. */
import type { Argv } from "yargs";

/** Adds the command to the parser. */
export function defineEvalCommand<T>(y: Argv<T>): Argv<T> {
  return y.command(
    "eval",
    "Rerank a dataset with a model and compute MTEB's MAP/MRR; writes MTEB-compatible result JSON. With no arguments: bm25 on the embedded sample task",
    evalOptions,
    async (a) => {
      const { evalCommand } = await import("../commands/eval.js");
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
  );
}

/** What to evaluate and where the results go, the neural models' settings, and the examples. */
function evalOptions<T>(y: Argv<T>) {
  return neuralModelOptions(evalInputOptions(y))
    .conflicts("task", "data")
    .example("$0 eval", "bm25 on the embedded sample task, results in results/")
    .example("$0 eval --task T2Reranking --model BAAI/bge-m3", "the real task from the hub (pinned revision)")
    .example("$0 eval --data split/test.jsonl --model ckpt/ --format mteb-1.1.1", "as open-retrievals' eval script writes it")
    .example(
      "$0 eval --task C-MTEB-reranking --model ckpt/ --model-name me/ckpt-step600",
      "the four C-MTEB reranking tasks and their average",
    );
}

/** The model, the task or data file, and where and how the results are written. */
function evalInputOptions<T>(y: Argv<T>) {
  return y
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
      describe: "Evaluate this file (e.g. test.jsonl from `bench split`) as task CustomReranking, split test (see --task-name, --split)",
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
    });
}

/** Batching, caching, truncation and the backend of model directories (ignored by bm25 and precomputed scores). */
function neuralModelOptions<T>(y: Argv<T>) {
  return y
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
    });
}
