import { test } from "node:test";
import assert from "node:assert/strict";
import { maxSim } from "../../src/score/maxsim.js";
import { cosine } from "../../src/score/cosine.js";

const f = (rows: number[][]): Float32Array => new Float32Array(rows.flat());

test("maxSim: the worked example and the open-retrievals zero floor", () => {
  // q = [[1,0],[0,1]], d = [[0.6,0.8],[-1,0]]: maxes 0.6 and 0.8 → 0.7 (values are float32-rounded, hence ≈).
  assert.ok(
    Math.abs(
      maxSim(
        f([
          [1, 0],
          [0, 1],
        ]),
        2,
        f([
          [0.6, 0.8],
          [-1, 0],
        ]),
        2,
        2,
      ) - 0.7,
    ) < 1e-7,
  );
  // A query token whose best dot is -0.5: -0.5 without floor, 0 with it (a zero pad row would win).
  const q = f([
    [1, 0, 0, 0, 0],
    [0, 1, 0, 0, 0],
  ]);
  const d = f([[-0.5, 1, 0, 0, 0]]);
  assert.equal(maxSim(q, 2, d, 1, 5), (-0.5 + 1) / 2);
  assert.equal(maxSim(q, 2, d, 1, 5, true), (0 + 1) / 2);
});

test("maxSim equals a naive triple loop on random data (dims not a multiple of 4)", () => {
  let s = 1;
  const r = (): number => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (const dim of [1, 3, 8, 13]) {
    const nq = 5;
    const nd = 7;
    const q = Float32Array.from({ length: nq * dim }, r);
    const d = Float32Array.from({ length: nd * dim }, r);
    let want = 0;
    for (let i = 0; i < nq; i++) {
      let best = -Infinity;
      for (let j = 0; j < nd; j++) {
        let dot = 0;
        for (let k = 0; k < dim; k++) dot += q[i * dim + k] * d[j * dim + k];
        best = Math.max(best, dot);
      }
      want += best;
    }
    assert.ok(Math.abs(maxSim(q, nq, d, nd, dim) - want / nq) < 1e-12);
  }
});

test("cosine: 1/√2 example and zero vectors", () => {
  assert.ok(Math.abs(cosine(f([[1, 0]]), f([[1, 1]])) - Math.SQRT1_2) < 1e-15);
  assert.equal(cosine(f([[0, 0]]), f([[1, 1]])), 0);
});
