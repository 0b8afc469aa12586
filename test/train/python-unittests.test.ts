/** Runs the trainer's Python unit tests (scripts/trainer/tests) with Debian's torch, so CI executes them. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { PYTHON, repoRoot, torchSkipReason } from "./helpers.js";

test("python -m unittest discover -s scripts/trainer/tests", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const r = spawnSync(PYTHON, ["-m", "unittest", "discover", "-s", "scripts/trainer/tests", "-v"], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  const summary = r.stderr.trim().split("\n").slice(-3).join(" | ");
  t.diagnostic(summary);
  for (const line of r.stderr.split("\n").filter((l) => /skipped/.test(l))) t.diagnostic(line.trim());
  assert.equal(r.status, 0, r.stderr.slice(-4000));
  assert.match(r.stderr, /Ran (\d+) tests/);
  assert.ok(Number(/Ran (\d+) tests/.exec(r.stderr)?.[1]) >= 20, "fewer Python tests ran than exist");
});
