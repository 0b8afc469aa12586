/** `bench check`: its options and the call of src/commands/check.ts. */
import type { Argv } from "yargs";

/** Adds the command to the parser. */
export function defineCheckCommand<T>(y: Argv<T>): Argv<T> {
  return y.command(
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
      const { checkCommand } = await import("../commands/check.js");
      await checkCommand({ baseline: a.baseline, candidate: a.candidate, tolerance: a.tolerance, metrics: a.metric });
    },
  );
}
