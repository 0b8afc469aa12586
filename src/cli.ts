/**
 * The command-line entry point: argv → one command function. Each command's options and handler are declared
 * in src/cli/<command>.ts; the commands themselves (src/commands/) are plain async functions, imported lazily so
 * `bench --help` does not load onnxruntime or parquet readers. This is the only place that exits, and the only
 * place that turns an error into an exit code and a stderr line (docs/errors.md).
 */
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { defineCheckCommand } from "./cli/check.js";
import { defineCompareCommand } from "./cli/compare.js";
import { defineDemoCommand } from "./cli/demo.js";
import { defineEvalCommand } from "./cli/eval.js";
import { defineSplitCommand } from "./cli/split.js";
import { defineTrainCommand } from "./cli/train.js";
import { BenchError, ExitCode, fileSystemError, printable, usageError } from "./errors.js";

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

/** Each command's options and handler (src/cli/<command>.ts), in the order `bench --help` lists them. */
const COMMANDS = [defineSplitCommand, defineEvalCommand, defineCompareCommand, defineCheckCommand, defineTrainCommand, defineDemoCommand];

/** The parser of every command, with the settings and the error handling they share. */
function buildParser(argv: string[]): Argv {
  const parser = yargs(argv)
    .scriptName("bench")
    .usage("$0 <command> [options]\n\nMTEB-exact evaluation, splitting, training and comparison of passage rerankers.");
  for (const define of COMMANDS) define(parser);
  return parser
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
}

async function main(argv: string[]): Promise<void> {
  const parser = buildParser(argv);
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
