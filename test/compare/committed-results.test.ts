/**
 * The CI gate on the committed results: re-run the embedded default evaluation (`bench eval`: bm25 on the embedded
 * sample task) into a temp dir and `bench check` it against results/. A deliberate change to the sample data, the
 * metrics or bm25 must come with `npm run results:update` (docs/results.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCli } from "../helpers/cli.js";
import { tempDir } from "./fixtures.js";

const committed = join(repoRoot, "results/embedded");
const HINT = "if the change is intended, run `npm run results:update` and commit results/ (docs/results.md)";

test("the embedded default evaluation still reproduces the committed results/ (bench eval → bench check)", () => {
  assert.ok(
    existsSync(committed) && readdirSync(committed, { recursive: true }).some((f) => String(f).endsWith(".json")),
    `results/ holds no committed result files; generate them with \`npm run results:update\` and commit them`,
  );
  const dir = tempDir();
  const out = join(dir, "candidate");
  const ev = runCli(dir, ["eval", "--output", out]);
  assert.equal(ev.code, 0, `bench eval failed (exit ${ev.code}):\n${ev.stderr}`);
  const ck = runCli(dir, ["check", "--baseline", committed, "--candidate", out]);
  assert.equal(ck.code, 0, `bench check against results/ failed (exit ${ck.code}); ${HINT}\n${ck.stdout}${ck.stderr}`);
  assert.match(ck.stdout, /^check: OK: \d+ metrics in \d+ tasks? compared/);
});

test("docs/results.md's recipes on the whole committed results/ (many models, CustomReranking six times) work model by model", () => {
  const dir = tempDir();
  const root = join(repoRoot, "results");
  const ck = runCli(dir, ["check", "--baseline", root, "--candidate", root]);
  assert.equal(ck.code, 0, ck.stderr);
  assert.match(ck.stdout, /^check: OK: 14 metrics in 7 tasks compared/);
  const cmp = runCli(dir, ["compare", root, root, "--format", "json"]);
  assert.equal(cmp.code, 0, cmp.stderr);
  const tasks = new Set((JSON.parse(cmp.stdout) as { rows: { task: string }[] }).rows.map((r) => r.task));
  assert.ok(tasks.has("demo/test/tiny-colbert-finetuned/no_revision_available: CustomReranking"), [...tasks].join("\n"));
  assert.equal(tasks.size, 7);
});
