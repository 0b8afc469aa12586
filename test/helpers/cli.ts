/**
 * Spawns the real CLI in a given directory, for end-to-end command tests: bin/bench.js (the compiled dist/, what
 * users run) when dist/ is at least as new as every src/ file — `npm test` builds it first (pretest) — else
 * src/cli.ts through tsx, so a test run right after an edit never runs stale code. The compiled CLI starts in
 * about a third of the time (tsx compiles every module on each start), which adds up over a hundred spawns.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { budgetMs, describeBudget } from "./budget.js";

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const cli = join(repoRoot, "src/cli.ts");
const bin = join(repoRoot, "bin/bench.js");
// The cwd may be a temp dir, so `--import tsx` must be an absolute URL to resolve.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Exit code and both streams of one CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Every src/**\/*.ts has its dist/**\/*.js, written no earlier than the source was last changed. */
function distIsFresh(): boolean {
  const src = join(repoRoot, "src");
  const walk = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).every((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return walk(p);
      if (!e.name.endsWith(".ts")) return true;
      const js = join(repoRoot, "dist", relative(src, p).replace(/\.ts$/, ".js"));
      return existsSync(js) && statSync(js).mtimeMs >= statSync(p).mtimeMs;
    });
  return existsSync(bin) && walk(src);
}

let compiled: boolean | undefined;

/** The node arguments that run `bench ...args` (for spawn when a test needs the live process). */
export function cliArgv(args: readonly string[]): string[] {
  compiled ??= distIsFresh();
  return compiled ? [bin, ...args] : ["--import", tsxLoader, cli, ...args];
}

/**
 * Runs `bench ...args` with cwd `cwd` (and optional extra environment). `idleSeconds`: how long the run takes on an
 * idle machine; past budgetMs(idleSeconds) it is killed and the call throws, naming the command and the budget.
 */
export function runCli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, idleSeconds = 60): CliRun {
  const r = spawnSync(process.execPath, cliArgv(args), {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    encoding: "utf8",
    timeout: budgetMs(idleSeconds),
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT") {
    throw new Error(
      `bench ${args.join(" ")} did not finish ${describeBudget(idleSeconds)}; killed. Its stderr ends:\n${(r.stderr ?? "").slice(-3000)}`,
    );
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temp directory (callers remove it in t.after). */
export function tempDir(prefix = "bench-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
