/**
 * Runs the built CLI exactly as a user does (`node bin/bench.js`, dist/ from `npx tsc -p .`), for the tests of
 * what reaches the terminal: exit codes, one stderr line, a closed stdout. Refuses to run a stale build.
 */
import { type SpawnSyncOptions, spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "../helpers/cli.js";

export const benchBin = join(repoRoot, "bin/bench.js");

/** Throws unless every src/**.ts has a dist/**.js at least as new (tests must see the code under test). */
export function assertFreshBuild(): void {
  const src = join(repoRoot, "src");
  const stale: string[] = [];
  for (const e of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith(".ts")) continue;
    const file = join(e.parentPath, e.name);
    const out = join(repoRoot, "dist", relative(src, file).replace(/\.ts$/, ".js"));
    let built = 0;
    try {
      built = statSync(out).mtimeMs;
    } catch {}
    if (built < statSync(file).mtimeMs) stale.push(relative(repoRoot, file));
  }
  if (stale.length > 0)
    throw new Error(`dist/ is older than ${stale.slice(0, 3).join(", ")}${stale.length > 3 ? ", …" : ""}: run \`npx tsc -p .\` first`);
}

/** Exit code and both streams of one run. */
export interface BuiltRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `node bin/bench.js ...args` in `cwd` with extra environment. */
export function bench(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, opts: SpawnSyncOptions = {}): BuiltRun {
  const r = spawnSync(process.execPath, [benchBin, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    encoding: "utf8",
    ...opts,
  });
  return { code: r.status, signal: r.signal, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? "") };
}

/** The non-empty lines of a stream. */
export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

/** `bench` without blocking this process's event loop (for tests that serve something, e.g. the fake hub). */
export function benchAsync(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<BuiltRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [benchBin, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
