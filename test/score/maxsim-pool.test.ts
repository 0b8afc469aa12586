import { test } from "node:test";
import assert from "node:assert/strict";
import { maxSim } from "../../src/score/maxsim.js";
import { MaxSimPool } from "../../src/score/maxsim-pool.js";

function vectors(rows: number, dim: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: rows * dim }, () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5);
}

test("pool scores are bit-identical to maxSim on the main thread; documents marked last are moved, not copied", async (t) => {
  const pool = new MaxSimPool(2);
  t.after(() => pool.close());
  const dim = 24;
  const q = vectors(5, dim, 1);
  const docs = [3, 7, 1, 12].map((rows, i) => ({ data: vectors(rows, dim, 10 + i), rows, floor: i === 2, last: i % 2 === 1 }));
  const want = docs.map((d) => maxSim(q, 5, d.data, d.rows, dim, d.floor));
  const got = await pool.score(q, 5, dim, docs);
  assert.deepEqual(got, want);
  assert.equal(docs[1].data.length, 0, "a last-use document is transferred (detached here)");
  assert.equal(docs[0].data.length, 3 * dim, "a document still needed is copied");
  assert.equal(q.length, 5 * dim, "the query is copied");
  // Many tasks at once, spread over both threads, come back in their own order.
  const many = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      pool.score(vectors(3, dim, 100 + i), 3, dim, [{ data: vectors(4, dim, 200 + i), rows: 4, floor: false, last: true }]),
    ),
  );
  many.forEach((s, i) => assert.equal(s[0], maxSim(vectors(3, dim, 100 + i), 3, vectors(4, dim, 200 + i), 4, dim)));
});
