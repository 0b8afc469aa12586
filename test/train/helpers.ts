/** Shared by the train tests: the repo paths, CLI runners, temp dirs, and whether Debian's torch can run the trainer. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { TORCH_HINT, probePython } from "../../src/python/find-python.js";
import { budgetMs, describeBudget } from "../helpers/budget.js";
import { type CliRun, cliArgv, repoRoot, runCli, tempDir } from "../helpers/cli.js";

/** The repository root (re-exported from test/helpers/cli.ts). */
export { repoRoot };
/** The shipped tiny random-init BERT base model (config.json + tokenizer, no weights). */
export const tinyZh = join(repoRoot, "scripts/models/tiny-zh");
/** Debian's Python with torch 1.13 (pyenv's python3 on PATH has none). */
export const PYTHON = "/usr/bin/python3";

/** null when /usr/bin/python3 imports torch + numpy, else the loud skip reason. */
export function torchSkipReason(): string | null {
  const p = probePython(PYTHON);
  return "error" in p ? `SKIPPED: ${PYTHON} cannot import torch/numpy (${p.error}); install with: ${TORCH_HINT}` : null;
}

/** Runs `bench ARGS…` to completion in `cwd`, with the trainer's Python (time budget: runCli's, `idleSeconds`). */
export function bench(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, idleSeconds = 60): CliRun {
  return runCli(cwd, args, { BENCH_PYTHON: PYTHON, ...env }, idleSeconds);
}

/**
 * Kills `child` (its whole process group when `group`, else bench then, if need be, by SIGKILL) once
 * budgetMs(idleSeconds) has passed; `check()` after it closed throws naming the command and the budget if so.
 */
function watchdog(
  child: ChildProcess,
  args: readonly string[],
  idleSeconds: number,
  group: boolean,
): { clear: () => void; check: (stderr: string) => void } {
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    try {
      if (group && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      else {
        // SIGTERM first: bench passes it on to its trainer, which a SIGKILL of bench alone would orphan
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      }
    } catch {
      // already gone
    }
  }, budgetMs(idleSeconds));
  return {
    clear: () => clearTimeout(timer),
    check: (stderr) => {
      if (fired)
        throw new Error(
          `bench ${args.join(" ")} did not finish ${describeBudget(idleSeconds)}; killed. Its stderr ends:\n${stderr.slice(-3000)}`,
        );
    },
  };
}

/** A fresh temp directory, removed when test `t` ends. */
export function scratchDir(t: TestContext, prefix: string): string {
  const dir = tempDir(prefix);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Runs `bench ARGS…` in its own process group (so `act` can SIGKILL bench and the trainer together), calls
 * `act(child)` once, when its stderr first matches `when` (e.g. to interrupt it), and waits for it to end.
 */
export async function benchUntil(
  cwd: string,
  args: string[],
  when: RegExp,
  act: (child: ChildProcess) => void,
  idleSeconds = 60,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, cliArgv(args), {
    cwd,
    env: { ...process.env, BENCH_PYTHON: PYTHON },
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const dog = watchdog(child, args, idleSeconds, true);
  let stderr = "";
  let acted = false;
  child.stderr.on("data", (b: Buffer) => {
    stderr += b.toString();
    if (!acted && when.test(stderr)) {
      acted = true;
      act(child);
    }
  });
  // "close", not "exit": the last stderr lines (bench's final message) may still be in the pipe at "exit"
  const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
  dog.clear();
  dog.check(stderr);
  return { code, signal, stderr };
}

/** Asserts that each of `files` has the same bytes in directories `a` and `b` (`what` ends the failure message). */
export function assertSameBytes(a: string, b: string, files: readonly string[], what: string): void {
  for (const f of files) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} ${what}`);
}

/** Runs /usr/bin/python3 with args; throws with stderr on failure. */
export function python(args: string[], cwd = repoRoot): string {
  const r = spawnSync(PYTHON, args, { cwd, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  if (r.status !== 0) throw new Error(`${PYTHON} ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/**
 * Like bench(), but without blocking this process's event loop (needed when the test itself serves HTTP, or runs
 * several at once). Past budgetMs(idleSeconds) the run is killed and the promise rejects naming the budget.
 */
export function benchAsync(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  idleSeconds = 60,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, cliArgv(args), { cwd, env: { ...process.env, BENCH_PYTHON: PYTHON, ...env } });
  const dog = watchdog(child, args, idleSeconds, false);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  return new Promise((ok, fail) =>
    child.on("close", (code) => {
      dog.clear();
      try {
        dog.check(stderr);
        ok({ code, stdout, stderr });
      } catch (e) {
        fail(e);
      }
    }),
  );
}
