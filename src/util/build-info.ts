/** Facts about this bench build, recorded in every result's provenance and every training manifest. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root (works from src/ under tsx and from dist/). */
export const packageRoot = fileURLToPath(new URL("../..", import.meta.url));

/** package.json's version. */
export function benchVersion(): string {
  return (JSON.parse(readFileSync(`${packageRoot}/package.json`, "utf8")) as { version: string }).version;
}

/** The git commit bench runs from, or null outside a git checkout. */
export function gitCommit(): string | null {
  const r = spawnSync("git", ["rev-parse", "HEAD"], { cwd: packageRoot, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}
