import { test } from "node:test";
import assert from "node:assert/strict";
import { BenchError } from "../../src/errors.js";
import { findTorchPython } from "../../src/python/find-python.js";
import { PYTHON, torchSkipReason } from "../train/helpers.js";

test("an explicit Python without torch is a clear error naming the apt packages", () => {
  assert.throws(
    () => findTorchPython("/nonexistent/python3"),
    (e: unknown) =>
      e instanceof BenchError &&
      e.exitCode === 3 &&
      /--python \/nonexistent\/python3 cannot import torch/.test(e.message) &&
      /apt-get install python3-torch python3-numpy libopenblas0-pthread/.test(e.message),
  );
  assert.throws(() => findTorchPython(undefined, { BENCH_PYTHON: "/bin/false" }), /\$BENCH_PYTHON \/bin\/false cannot import torch/);
});

test("BENCH_PYTHON with torch is used", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const p = findTorchPython(undefined, { BENCH_PYTHON: PYTHON });
  assert.equal(p.python, PYTHON);
  assert.match(p.torch, /^\d+\.\d+/);
});
