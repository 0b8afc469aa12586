/**
 * Fault injection for the PyTorch worker tests: test/helpers/faulty_python.py, given as the worker's Python,
 * runs scripts/trainer/encode_worker.py with the misbehaviour BENCH_TEST_WORKER_FAULT names (exit, hang,
 * garbage, short, error; "KIND:N" = on encode request N). The worker script itself has no test hooks.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { budgetMs, describeBudget } from "./budget.js";

/** The executable wrapper to pass as `python` / --python / $BENCH_PYTHON. */
export const FAULTY_PYTHON = join(dirname(fileURLToPath(import.meta.url)), "faulty_python.py");

/**
 * The worker environment that makes FAULTY_PYTHON's worker misbehave: `fault` is "KIND" or "KIND:N". With
 * `note`, an exit, hang or garbage fault writes that file once its stderr line is out (see faultStarted).
 */
export function workerFault(fault: string, note?: string): NodeJS.ProcessEnv {
  return { BENCH_TEST_WORKER_FAULT: fault, ...(note ? { BENCH_TEST_WORKER_FAULT_NOTE: note } : {}) };
}

/** Resolves once the worker has begun the fault given `note` (the file exists); throws past the budget for `idleSeconds`. */
export async function faultStarted(note: string, idleSeconds: number): Promise<void> {
  const until = Date.now() + budgetMs(idleSeconds);
  while (!existsSync(note)) {
    if (Date.now() > until) throw new Error(`the torch worker did not begin its fault ${describeBudget(idleSeconds)} (${note})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
