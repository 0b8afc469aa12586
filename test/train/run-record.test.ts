/**
 * DIR/train-data/run.json, read for `bench train --resume` (src/train/run-record.ts): a written record reads back
 * as it was; a missing one, one that is not JSON, one without a field or with a field of the wrong type are input
 * errors (exit 3) naming the file, the field and what it should hold.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BenchError } from "../../src/errors.js";
import { type RunRecord, readRunRecord, runRecordPath, writeRunRecord } from "../../src/train/run-record.js";
import { bench, scratchDir } from "./helpers.js";

const RECORD: RunRecord = {
  model: "BAAI/bge-m3",
  data: "/data/train.jsonl",
  name: null,
  tokenizer: null,
  hyperparameters: { learning_rate: 1e-5, seed: 3, bf16: true, padding: "longest" },
};

/** An out directory whose run.json holds `text`. */
function outWith(dir: string, text: string): string {
  const out = join(dir, "out");
  mkdirSync(join(out, "train-data"), { recursive: true });
  writeFileSync(runRecordPath(out), text);
  return out;
}

/** Matches an input error (exit 3) whose message matches `re`. */
function inputError(re: RegExp): (e: unknown) => boolean {
  return (e: unknown) => e instanceof BenchError && e.exitCode === 3 && re.test(e.message);
}

test("a written run.json reads back as it was; one from before --tokenizer_name existed reads without it", (t) => {
  const dir = scratchDir(t, "bench-run-record-");
  writeRunRecord(dir, RECORD);
  assert.deepEqual(readRunRecord(dir), RECORD);
  const { tokenizer: _, ...older } = RECORD;
  assert.deepEqual(readRunRecord(outWith(dir, JSON.stringify(older))), older);
});

test("a missing run.json and one that is not JSON are input errors naming the file", (t) => {
  const dir = scratchDir(t, "bench-run-record-");
  const file = runRecordPath(join(dir, "out"));
  assert.throws(
    () => readRunRecord(join(dir, "out")),
    inputError(/^train: --resume: .*run\.json not found \(was .* written by bench train\?\)$/),
  );
  const out = outWith(dir, '{"model": "m",');
  assert.throws(() => readRunRecord(out), inputError(new RegExp(`^train: --resume: ${regexpLiteral(file)} is not valid JSON: `)));
  assert.throws(() => readRunRecord(outWith(dir, "[1, 2]")), inputError(/run\.json: expected a JSON object, got an array$/));
});

test("a run.json without a field, or with a field of the wrong type, names the field and what it should hold", (t) => {
  const dir = scratchDir(t, "bench-run-record-");
  const file = runRecordPath(join(dir, "out"));
  const { data: _, ...noData } = RECORD;
  assert.throws(
    () => readRunRecord(outWith(dir, JSON.stringify(noData))),
    inputError(new RegExp(`^train: --resume: ${regexpLiteral(file)}: field "data" is missing \\(expected a string\\)$`)),
  );
  assert.throws(
    () => readRunRecord(outWith(dir, JSON.stringify({ ...RECORD, model: 42 }))),
    inputError(/: field "model" must be a string, got a number \(42\)$/),
  );
  assert.throws(
    () => readRunRecord(outWith(dir, JSON.stringify({ ...RECORD, name: ["x"] }))),
    inputError(/: field "name" must be a string or null, got an array$/),
  );
  assert.throws(
    () => readRunRecord(outWith(dir, JSON.stringify({ ...RECORD, hyperparameters: "lr=1e-5" }))),
    inputError(/: field "hyperparameters" must be an object of hyperparameter values, got a string \("lr=1e-5"\)$/),
  );
});

test("bench train --resume with a malformed run.json exits 3 with the one-line error, before any other work", (t) => {
  const dir = scratchDir(t, "bench-run-record-");
  outWith(dir, JSON.stringify({ ...RECORD, hyperparameters: null }));
  const r = bench(dir, ["train", "--out", "out", "--resume"]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(
    r.stderr,
    /^bench: train: --resume: .*run\.json: field "hyperparameters" must be an object of hyperparameter values, got null\n$/,
  );
});

/** `s` as a literal inside a RegExp. */
function regexpLiteral(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
