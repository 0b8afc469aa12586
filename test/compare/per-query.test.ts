import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BenchError, ExitCode } from "../../src/errors.js";
import { readPerQuery } from "../../src/compare/per-query.js";
import { put, tempDir } from "./fixtures.js";

test("readPerQuery: a sidecar that cannot be read is an input error naming the file, not an internal one", () => {
  const path = join(tempDir(), "T2Reranking.per_query.jsonl");
  mkdirSync(path);
  assert.throws(
    () => readPerQuery(path, "compare"),
    (e: unknown) =>
      e instanceof BenchError && e.exitCode === ExitCode.Input && e.message.startsWith(`compare: cannot read per-query file ${path}: `),
  );
});

test("readPerQuery: malformed lines name the file and the line", () => {
  const path = put(
    join(tempDir(), "T.per_query.jsonl"),
    '{"row": 0, "query": "q", "ap": 1, "rr": 1}\n{"row": 0, "query": "q", "ap": 0.5, "rr": 1}\n',
  );
  assert.throws(
    () => readPerQuery(path, "check"),
    (e: unknown) => e instanceof BenchError && e.message === `check: ${path} line 2: row 0 appears twice`,
  );
});

test("readPerQuery: a perfect AP's float noise (1.0000000000000002, sklearn's formula) is accepted; 1.0001 is not", () => {
  const ok = put(join(tempDir(), "T.per_query.jsonl"), '{"row": 0, "query": "q", "ap": 1.0000000000000002, "rr": 1.0}\n');
  assert.equal(readPerQuery(ok, "compare")[0]!.ap, 1.0000000000000002);
  const bad = put(join(tempDir(), "T.per_query.jsonl"), '{"row": 0, "query": "q", "ap": 1.0001, "rr": 1.0}\n');
  assert.throws(() => readPerQuery(bad, "compare"), /line 1: field "ap": expected a number in \[0, 1\], got 1\.0001/);
});
