/**
 * Finds a Python that can run the trainer (imports torch and numpy): --python, then $BENCH_PYTHON, then
 * `python3` on PATH, then /usr/bin/python3 (Debian's python3-torch lives there, not in pyenv's python3).
 */
import { spawnSync } from "node:child_process";
import { inputError } from "../errors.js";

/** The install hint shown when no Python with torch is found. */
export const TORCH_HINT =
  "apt-get install python3-torch python3-numpy libopenblas0-pthread (then run with /usr/bin/python3), or pip install torch numpy";

/** A Python that imports torch, with its version strings. */
export interface TorchPython {
  python: string;
  torch: string;
  cuda: boolean;
}

const PROBE = "import json, numpy, torch; print(json.dumps({'torch': torch.__version__, 'cuda': torch.cuda.is_available()}))";

/** Runs `python -c code`: its stdout, or `{ error }`: why it did not start, else its last stderr line, else its exit status. */
export function runPythonCode(python: string, code: string): { stdout: string } | { error: string } {
  const r = spawnSync(python, ["-c", code], { encoding: "utf8", timeout: 120_000 });
  if (r.error) return { error: r.error.message };
  if (r.status !== 0) return { error: (r.stderr || "").trim().split("\n").pop() || `exit ${r.status}` };
  return { stdout: r.stdout };
}

/** Runs the probe: the Python with its torch version, or `{ error }` with the reason it cannot import torch and numpy. */
export function probePython(python: string): TorchPython | { error: string } {
  const r = runPythonCode(python, PROBE);
  if ("error" in r) return { error: `${python}: ${r.error}` };
  try {
    const o = JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as { torch: string; cuda: boolean };
    return { python, torch: o.torch, cuda: o.cuda };
  } catch {
    return { error: `${python}: unexpected output ${JSON.stringify(r.stdout.slice(0, 200))}` };
  }
}

/** The first candidate that imports torch; an explicit choice (--python / $BENCH_PYTHON) must work itself. */
export function findTorchPython(explicit?: string, env: NodeJS.ProcessEnv = process.env): TorchPython {
  const chosen = explicit ?? env.BENCH_PYTHON;
  if (chosen) {
    const p = probePython(chosen);
    if ("error" in p) {
      throw inputError(
        `train: ${explicit ? "--python" : "$BENCH_PYTHON"} ${chosen} cannot import torch and numpy (${p.error}). Install them: ${TORCH_HINT}`,
      );
    }
    return p;
  }
  const errors: string[] = [];
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const p = probePython(candidate);
    if (!("error" in p)) return p;
    errors.push(p.error);
  }
  throw inputError(
    `train: no Python with torch and numpy found (tried ${errors.join("; ")}). Install them: ${TORCH_HINT}, or pass --python / set $BENCH_PYTHON`,
  );
}
