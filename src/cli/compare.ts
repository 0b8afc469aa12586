/** `bench compare`: its options and the call of src/commands/compare.ts. */
import type { Argv } from "yargs";

/** Adds the command to the parser. */
export function defineCompareCommand<T>(y: Argv<T>): Argv<T> {
  return y.command(
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
      const { compareCommand } = await import("../commands/compare.js");
      await compareCommand({ paths: (a.results ?? []).map(String), format: a.format, plot: a.plot, metrics: a.metric });
    },
  );
}
