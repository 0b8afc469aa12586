/**
 * Runs the trainer's Python unit tests (scripts/trainer/tests) with Debian's torch, so CI executes them. Two
 * `python -m unittest` processes at once (test_ddp.py, about half the time, and every other test_*.py module),
 * so a 2-core machine overlaps their trainer start-ups; each has a time budget (test/helpers/budget.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { budgetMs, describeBudget } from "../helpers/budget.js";
import { PYTHON, repoRoot, torchSkipReason } from "./helpers.js";

const DIR = join(repoRoot, "scripts/trainer/tests");
/** Idle seconds of the slower group on a 2-core machine (the budget is 10x, scaled). */
const IDLE_S = 60;

/** `python -m unittest -v MODULES…` in scripts/trainer/tests: exit status and stderr (killed past the budget). */
async function unittest(modules: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(PYTHON, ["-m", "unittest", "-v", ...modules], {
    cwd: DIR,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true, // its own process group: on timeout the trainers and torchrun workers it started go too
  });
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    process.kill(-child.pid!, "SIGKILL");
  }, budgetMs(IDLE_S));
  const [status] = (await once(child, "close")) as [number | null];
  clearTimeout(timer);
  if (killed)
    throw new Error(
      `python -m unittest ${modules.join(" ")} did not finish ${describeBudget(IDLE_S)}; killed. Its stderr ends:\n${stderr.slice(-4000)}`,
    );
  return { status, stderr };
}

test("python -m unittest: every scripts/trainer/tests/test_*.py module", async (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const modules = readdirSync(DIR)
    .filter((f) => /^test_.*\.py$/.test(f))
    .map((f) => f.slice(0, -3))
    .sort();
  assert.ok(modules.includes("test_ddp"), "scripts/trainer/tests/test_ddp.py is missing");
  const groups = [["test_ddp"], modules.filter((m) => m !== "test_ddp")];
  const runs = await Promise.all(groups.map(unittest));
  let ran = 0;
  for (const [i, r] of runs.entries()) {
    const summary = r.stderr.trim().split("\n").slice(-3).join(" | ");
    t.diagnostic(`${groups[i].join(" ")}: ${summary}`);
    for (const line of r.stderr.split("\n").filter((l) => /skipped/.test(l))) t.diagnostic(line.trim());
    assert.equal(r.status, 0, r.stderr.slice(-4000));
    const n = /Ran (\d+) tests?/.exec(r.stderr);
    assert.ok(n, r.stderr.slice(-2000));
    ran += Number(n[1]);
  }
  assert.ok(ran >= 20, `fewer Python tests ran (${ran}) than exist`);
});
