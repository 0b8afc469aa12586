/** Locates the repo's scripts/ directory (trainer, shipped models) from this module, under src/ (tsx) or dist/. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inputError } from "../errors.js";

/** Absolute path of the repo's scripts/ directory (the nearest ancestor holding package.json + scripts/trainer). */
export function scriptsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "scripts", "trainer"))) return join(dir, "scripts");
    const up = dirname(dir);
    if (up === dir) throw inputError(`train: cannot find scripts/trainer above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** scripts/trainer/train.py. */
export function trainerScript(): string {
  return join(scriptsDir(), "trainer", "train.py");
}
