/** `bench demo`: its options and the call of src/commands/demo.ts. */
import type { Argv } from "yargs";

/** Adds the command to the parser. */
export function defineDemoCommand<T>(y: Argv<T>): Argv<T> {
  return y.command(
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
      const { demoCommand } = await import("../commands/demo.js");
      await demoCommand({ out: a.out, steps: a.steps, python: a.python, results: a.results });
    },
  );
}
