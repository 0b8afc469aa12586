/** Locates the repo's scripts/ directory (trainer, shipped models) from the package root (src/ under tsx, or dist/). */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { inputError } from "../errors.js";
import { packageRoot } from "../util/build-info.js";

/** Absolute path of the repo's scripts/ directory; an error when it holds no trainer (scripts/trainer). */
export function scriptsDir(): string {
  const dir = join(packageRoot, "scripts");
  if (!existsSync(join(dir, "trainer")))
    throw inputError(`train: ${join(dir, "trainer")} not found (bench's PyTorch trainer ships in the package's scripts/)`);
  return dir;
}

/** scripts/trainer/train.py. */
export function trainerScript(): string {
  return join(scriptsDir(), "trainer", "train.py");
}
