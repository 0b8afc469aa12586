/**
 * Time budgets for tests on a busy machine: a limit is 10x what the thing takes on an idle 2-core box (a loaded
 * machine is slower, not broken), times BENCH_TEST_TIMEOUT_SCALE (default 1). Past it, the thing is taken to hang
 * and the test fails with a message naming the budget — never waits forever, never fails merely for being slow.
 * The Python tests use the same rule (scripts/trainer/tests/helpers.py budget_s).
 */

/** The environment variable that multiplies every budget. */
export const SCALE_ENV = "BENCH_TEST_TIMEOUT_SCALE";

/** BENCH_TEST_TIMEOUT_SCALE as a number (default 1); a bad value throws naming the variable. */
export function timeoutScale(): number {
  const raw = process.env[SCALE_ENV] || "1";
  const v = Number(raw);
  if (!(Number.isFinite(v) && v > 0))
    throw new Error(`${SCALE_ENV}=${JSON.stringify(raw)}: expected a positive number (a factor for every test time budget)`);
  return v;
}

/** The budget in milliseconds for something that takes `idleSeconds` on an idle machine. */
export function budgetMs(idleSeconds: number): number {
  return Math.round(10 * idleSeconds * timeoutScale() * 1000);
}

/** "within N s (10 x M s idle x BENCH_TEST_TIMEOUT_SCALE=k)": for failure messages. */
export function describeBudget(idleSeconds: number): string {
  return `within ${(budgetMs(idleSeconds) / 1000).toFixed(0)} s (10 x its ${idleSeconds} s on an idle machine x ${SCALE_ENV}=${timeoutScale()})`;
}
