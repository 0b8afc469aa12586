/** Shared by the train tests: the repo paths, a CLI runner, and whether Debian's torch can run the trainer. */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { TORCH_HINT, probePython } from "../../src/train/python.js";
import { type CliRun, cliArgv, repoRoot, runCli } from "../helpers/cli.js";

export { repoRoot };
export const cli = join(repoRoot, "src/cli.ts");
export const tinyZh = join(repoRoot, "scripts/models/tiny-zh");
export const PYTHON = "/usr/bin/python3";

/** null when /usr/bin/python3 imports torch + numpy, else the loud skip reason. */
export function torchSkipReason(): string | null {
  const p = probePython(PYTHON);
  return "error" in p ? `SKIPPED: ${PYTHON} cannot import torch/numpy (${p.error}); install with: ${TORCH_HINT}` : null;
}

/** Runs `bench ARGS…` to completion in `cwd`, with the trainer's Python. */
export function bench(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  return runCli(cwd, args, { BENCH_PYTHON: PYTHON, ...env });
}

/** Starts `bench ARGS…` in its own process group (so the test can SIGKILL bench and the trainer together). */
export function benchDetached(cwd: string, args: string[]) {
  return spawn(process.execPath, cliArgv(args), {
    cwd,
    env: { ...process.env, BENCH_PYTHON: PYTHON },
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
}

/** Runs /usr/bin/python3 with args; throws with stderr on failure. */
export function python(args: string[], cwd = repoRoot): string {
  const r = spawnSync(PYTHON, args, { cwd, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  if (r.status !== 0) throw new Error(`${PYTHON} ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** Like bench(), but without blocking this process's event loop (needed when the test itself serves HTTP). */
export function benchAsync(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, cliArgv(args), { cwd, env: { ...process.env, BENCH_PYTHON: PYTHON, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  return new Promise((ok) => child.on("close", (code) => ok({ code, stdout, stderr })));
}
