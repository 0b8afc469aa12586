/** Spawns the real CLI (src/cli.ts through tsx) in a given directory, for end-to-end command tests. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const cli = join(repoRoot, "src/cli.ts");
// The cwd may be a temp dir, so `--import tsx` must be an absolute URL to resolve.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Exit code and both streams of one CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The node arguments that run `bench ...args` from source (for spawn when a test needs the live process). */
export function cliArgv(args: readonly string[]): string[] {
  return ["--import", tsxLoader, cli, ...args];
}

/** Runs `bench ...args` with cwd `cwd` (and optional extra environment). */
export function runCli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, cliArgv(args), {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temp directory (callers remove it in t.after). */
export function tempDir(prefix = "bench-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
