/**
 * The CI gate on the committed results: re-run the embedded default evaluation (`bench eval`: bm25 on the embedded
 * sample task) into a temp dir and `bench check` it against results/. A deliberate change to the sample data, the
 * metrics or bm25 must come with `npm run results:update` (docs/results.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tempDir } from "./fixtures.js";

const repo = resolve(import.meta.dirname, "../..");
const cli = join(repo, "src", "cli.ts");
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const committed = join(repo, "results");
const HINT = "if the change is intended, run `npm run results:update` and commit results/ (docs/results.md)";

function bench(args: string[], cwd: string) {
  return spawnSync(process.execPath, ["--import", tsx, cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

test("the embedded default evaluation still reproduces the committed results/ (bench eval → bench check)", () => {
  assert.ok(
    existsSync(committed) && readdirSync(committed, { recursive: true }).some((f) => String(f).endsWith(".json")),
    `results/ holds no committed result files; generate them with \`npm run results:update\` and commit them`,
  );
  const dir = tempDir();
  const out = join(dir, "candidate");
  const ev = bench(["eval", "--output", out], dir);
  assert.equal(ev.status, 0, `bench eval failed (exit ${ev.status}):\n${ev.stderr}`);
  const ck = bench(["check", "--baseline", committed, "--candidate", out], dir);
  assert.equal(ck.status, 0, `bench check against results/ failed (exit ${ck.status}); ${HINT}\n${ck.stdout}${ck.stderr}`);
  assert.match(ck.stdout, /^check: OK: \d+ metrics in \d+ tasks? compared/);
});
