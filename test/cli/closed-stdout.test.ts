/**
 * A closed stdout (`bench eval | true`, `bench compare … | head -1`) used to crash with an EPIPE trace and exit 1,
 * the regression code (issue 11 item 11). The read end is closed by this process before the child writes
 * anything (no timing involved): the command must finish, write its files and exit with its normal code.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/cli.js";
import { assertFreshBuild, bench, benchBin } from "./built-cli.js";

assertFreshBuild();

/** Runs bench with its stdout pipe closed at once by the reader; resolves with the exit code and stderr. */
function withClosedStdout(cwd: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [benchBin, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy(); // the reader is gone before the first write
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** Runs bench with stdout and stderr on one pipe (`2>&1 | true`) that the reader closes at once; resolves with the exit code. */
function withClosedOutput(cwd: string, args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", `exec "${process.execPath}" "${benchBin}" "$@" 2>&1`, "sh", ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout.destroy();
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
}

test("eval and compare with a closed stdout: exit 0, no EPIPE trace, result files written", async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ev = await withClosedStdout(dir, ["eval", "--output", "r"]);
  assert.equal(ev.code, 0, ev.stderr);
  assert.doesNotMatch(ev.stderr, /EPIPE|internal error|    at /);
  const result = join(dir, "r/bm25/no_revision_available/ZhSampleReranking.json");
  assert.ok(existsSync(result), "eval still wrote its results");
  const cmp = await withClosedStdout(dir, ["compare", result, result]);
  assert.equal(cmp.code, 0, cmp.stderr);
  assert.doesNotMatch(cmp.stderr, /EPIPE|internal error|    at /);
  // stderr on the closed pipe too (`bench eval 2>&1 | head -1`): the normal code, 0 here and 3 for bad input.
  assert.equal(await withClosedOutput(dir, ["eval", "--output", "r2"]), 0);
  assert.ok(existsSync(join(dir, "r2/bm25/no_revision_available/ZhSampleReranking.json")));
  assert.equal(await withClosedOutput(dir, ["eval", "--data", "/dev/zero"]), 3);
  // Sanity: with an open stdout the same compare prints its table.
  assert.match(bench(dir, ["compare", result, result]).stdout, /map/);
});
