import { test } from "node:test";
import assert from "node:assert/strict";
import { formatDuration, progressLine } from "../../src/train/progress.js";

test("formatDuration", () => {
  assert.equal(formatDuration(12.4), "12s");
  assert.equal(formatDuration(200), "3m20s");
  assert.equal(formatDuration(3725), "1h02m");
  assert.equal(formatDuration(NaN), "?");
});

test("progressLine shows step, loss, samples/s and ETA", () => {
  const line = progressLine(
    { step: 30, total_steps: 120, loss: 0.53217, learning_rate: 4.2e-6, grad_norm: 1, samples_per_second: 12.34 },
    200,
  );
  assert.equal(line, "train [#####---------------] 30/120 (25%) loss 0.5322 lr 4.20e-6 12.3 samples/s ETA 3m20s");
});

test("progressLine survives a non-finite loss (null in the trainer's JSON)", () => {
  assert.match(
    progressLine({ step: 1, total_steps: 2, loss: null, learning_rate: 1e-5, grad_norm: null, samples_per_second: 3 }, NaN),
    /loss non-finite .* ETA \?$/,
  );
});
