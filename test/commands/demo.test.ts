/**
 * `bench demo` end to end (offline, CPU, Debian's torch): the before/after table, what fine-tuning learned, and
 * the regression gate on the committed demo results (results/demo, regenerated on purpose by `npm run results:update`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCli } from "../helpers/cli.js";
import { bench, scratchDir, torchSkipReason } from "../train/helpers.js";

const HINT = "if the change is intended, run `npm run results:update` and commit results/ (docs/results.md)";

test("bench demo prints bm25 / tiny ColBERT before and after fine-tuning, and reproduces results/demo", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-demo-test-");
  const r = bench(dir, ["demo", "--out", "work"]);
  assert.equal(r.code, 0, r.stderr);
  const row = (label: string): number[] => {
    const line = r.stdout.split("\n").find((l) => l.includes(label));
    assert.ok(line, `no table row for ${label}:\n${r.stdout}`);
    return [...line.matchAll(/\d\.\d{4}/g)].map((m) => Number(m[0]));
  };
  const bm25 = row("bm25");
  const init = row("tiny-colbert, random init");
  const tuned = row("tiny-colbert, fine-tuned");
  assert.equal(bm25.length, 4);
  t.diagnostic(`train-query MAP: random init ${init[2]} → fine-tuned ${tuned[2]} (bm25 ${bm25[2]})`);
  assert.ok(tuned[2] > init[2] + 0.1, `fine-tuning did not raise training-query MAP: ${init[2]} → ${tuned[2]}`);
  for (const f of ["split/train.jsonl", "split/test.jsonl", "tiny-colbert-trained/model.onnx", "tiny-colbert-init/model.onnx"]) {
    assert.ok(existsSync(join(dir, "work", f)), f);
  }
  // One task per side for `check`, so gate each split × model directory on its own.
  for (const part of ["test", "train"]) {
    for (const model of ["bm25", "tiny-colbert-init", "tiny-colbert-finetuned"]) {
      const sub = join(part, model);
      const ck = runCli(dir, ["check", "--baseline", join(repoRoot, "results/demo", sub), "--candidate", join(dir, "work/results", sub)]);
      assert.equal(
        ck.code,
        0,
        `bench check of demo ${sub} against results/demo failed (exit ${ck.code}); ${HINT}\n${ck.stdout}${ck.stderr}`,
      );
    }
  }
});
