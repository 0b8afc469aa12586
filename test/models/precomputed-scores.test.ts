/** Scores files (issue 11 items 10, 15): 1e400 named for what it is, a BOM accepted, non-regular files refused. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RerankRow } from "../../src/data/types.js";
import { loadPrecomputedScores } from "../../src/models/precomputed-scores.js";
import { benchError, tempDir } from "../data/fixtures.js";

const rows: RerankRow[] = [
  { query: "q1", positive: ["a"], negative: ["b", "c"] },
  { query: "q2", positive: ["d"], negative: ["e"] },
];

test("scores files: BOM accepted; 1e400 is 'not a finite number'; /dev/zero refused", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const f = join(dir, "s.jsonl");
    writeFileSync(f, `\ufeff{"scores": [0.9, 0.1, 0.2]}\r\n{"scores": [1, 0]}\n`);
    const rr = await loadPrecomputedScores(f, rows);
    assert.deepEqual(
      await rr.score([
        { row: 0, query: "q1", docs: ["a", "b", "c"] },
        { row: 1, query: "q2", docs: ["d", "e"] },
      ]),
      [
        [0.9, 0.1, 0.2],
        [1, 0],
      ],
    );
    writeFileSync(f, `{"scores": [1e400, 0.1, 0.2]}\n{"scores": [1, 0]}\n`);
    await assert.rejects(
      loadPrecomputedScores(f, rows),
      benchError(/^eval: .*s\.jsonl:1: score 0 is not a finite number \(beyond float64's range, e\.g\. 1e400\); expected a finite number$/),
    );
    writeFileSync(f, `{"scores": [1, 0.1, 0.2]}\n{"scores": [1, "x"]}\n`);
    await assert.rejects(loadPrecomputedScores(f, rows), benchError(/^eval: .*s\.jsonl:2: score 1 is "x"; expected a finite number$/));
    await assert.rejects(
      loadPrecomputedScores("/dev/zero", rows),
      benchError(/^eval: scores file: \/dev\/zero is a character device, not a regular file/),
    );
  } finally {
    cleanup();
  }
});
