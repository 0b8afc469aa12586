/** `bench split`: its options and the call of src/commands/split.ts. */
import type { Argv } from "yargs";
import { usageError } from "../errors.js";

/** Adds the command to the parser. */
export function defineSplitCommand<T>(y: Argv<T>): Argv<T> {
  return y.command(
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
      const { splitCommand } = await import("../commands/split.js");
      await splitCommand({ task: a.task, input: a.input, testSize: a["test-size"], seed: a.seed, out: a.out });
    },
  );
}
