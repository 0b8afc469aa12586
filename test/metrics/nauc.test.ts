import assert from "node:assert/strict";
import { test } from "node:test";
import { ABSTENTION_RATES, abstentionCurve, confidenceScores, nAUC, nAUCScores, pyRoundInt } from "../../src/metrics/nauc.js";

// Expected values: a numpy 1.24 transcription of mteb utils.py nAUC (argsort kind="stable", np.trapz), run at dev time.

test("abstention rates equal np.linspace(0, 1, 11)[:-1] bit for bit", () => {
  assert.deepEqual(ABSTENTION_RATES, [0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9]);
});

test("pyRoundInt is Python's round(): half to even", () => {
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, 1.5000000000000002].map(pyRoundInt), [0, 2, 2, 4, 2, 3, 2]);
});

test("confidence scores: max, np.std (ddof 0), top1 − top2; a single doc has diff1 0", () => {
  assert.deepEqual(confidenceScores([0.1, 0.4, 0.35, 0.8]), { max: 0.8, std: 0.2509357487485592, diff1: 0.4 });
  assert.deepEqual(confidenceScores([3.0]), { max: 3.0, std: 0.0, diff1: 0.0 });
});

test("nAUC: perfect confidence → 1, anti-correlated → −1, flat oracle → NaN, a mixed case bit-exact", () => {
  assert.equal(nAUC([0.9, 0.1, 0.5, 0.7, 0.3], [1.0, 0.0, 0.5, 1.0, 0.25]), 1.0);
  assert.equal(nAUC([0.5, 0.5, 0.5], [1.0, 0.5, 0.0]), -1.0);
  assert.ok(Number.isNaN(nAUC([0.2, 0.3], [1.0, 1.0])));
  const conf = Array.from({ length: 13 }, (_, i) => i);
  const metric = conf.map((i) => ((i * 37) % 11) / 10);
  assert.equal(nAUC(conf, metric), -0.008273684524884545);
});

test("abstention curve keeps at least one query and nAUCScores names keys in mteb's order", () => {
  const curve = abstentionCurve([1, 2], [0, 1]);
  assert.equal(curve.length, 10);
  assert.equal(curve[9], 1); // round(0.9·2) = 2 → capped at n − 1 = 1
  const out = nAUCScores(
    [
      { max: 1, std: 0, diff1: 0 },
      { max: 2, std: 1, diff1: 1 },
    ],
    [0, 1],
    "map",
  );
  assert.deepEqual(Object.keys(out), ["nAUC_map_max", "nAUC_map_std", "nAUC_map_diff1"]);
});
