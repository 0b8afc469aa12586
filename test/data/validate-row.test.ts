import { test } from "node:test";
import assert from "node:assert/strict";
import { BenchError, ExitCode } from "../../src/errors.js";
import { hasPositiveAndNegative, validateRow } from "../../src/data/validate-row.js";

const where = "/x/d.jsonl line 7";

function rejects(rec: unknown, pattern: RegExp): void {
  assert.throws(
    () => validateRow(rec, where),
    (e: unknown) =>
      e instanceof BenchError && e.exitCode === ExitCode.Input && e.message.startsWith(`data: ${where}: `) && pattern.test(e.message),
  );
}

test("accepts string and list queries and drops extra fields", () => {
  assert.deepEqual(validateRow({ query: "q", positive: ["a"], negative: [], id: 3 }, where), { query: "q", positive: ["a"], negative: [] });
  assert.deepEqual(validateRow({ query: ["q1", "q2"], positive: [], negative: ["b"] }, where), {
    query: ["q1", "q2"],
    positive: [],
    negative: ["b"],
  });
});

test("names the field and what was expected", () => {
  rejects({ positive: [], negative: [] }, /field "query" must be a string or a non-empty array of strings, got nothing \(field missing\)/);
  rejects({ query: [], positive: [], negative: [] }, /field "query" must be .*non-empty.*got an array of 0/);
  rejects({ query: ["a", 1], positive: [], negative: [] }, /field "query\[1\]" must be a string, got number 1/);
  rejects({ query: "q", positive: "a", negative: [] }, /field "positive" must be an array of strings, got a string "a"/);
  rejects({ query: "q", positive: [], negative: [null] }, /field "negative\[0\]" must be a string, got null/);
  rejects({ query: "q", positive: [] }, /field "negative" must be an array of strings, got nothing/);
  rejects([1, 2], /expected an object with "query", "positive", "negative", got an array of 2/);
  rejects(null, /got null/);
});

test("hasPositiveAndNegative (the train filter, the rows mteb evaluates) keeps rows with ≥1 positive and ≥1 negative", () => {
  assert.equal(hasPositiveAndNegative({ query: "q", positive: ["a"], negative: ["b"] }), true);
  assert.equal(hasPositiveAndNegative({ query: "q", positive: [], negative: ["b"] }), false);
  assert.equal(hasPositiveAndNegative({ query: "q", positive: ["a"], negative: [] }), false);
});
