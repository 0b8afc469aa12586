import assert from "node:assert/strict";
import { test } from "node:test";
import { BenchError } from "../../src/errors.js";
import { PyFloat, type PyJson, pyFloatRepr, pyJsonDumps, pyRound, toPyJson } from "../../src/results/py-json.js";

// Expected strings were produced with real CPython 3.11 (json.dumps / round) at dev time and pasted here.
const REPR_TABLE: [number, string][] = [
  [0.0, "0.0"],
  [-0.0, "-0.0"],
  [1.0, "1.0"],
  [-1.0, "-1.0"],
  [0.1, "0.1"],
  [0.30000000000000004, "0.30000000000000004"],
  [0.3333333333333333, "0.3333333333333333"],
  [0.6666666666666666, "0.6666666666666666"],
  [0.8333333333333333, "0.8333333333333333"],
  [1e16, "1e+16"],
  [1000000000000000.0, "1000000000000000.0"],
  [9999999999999998.0, "9999999999999998.0"],
  [1.5e16, "1.5e+16"],
  [1.2345678901234568e17, "1.2345678901234568e+17"],
  [0.0001, "0.0001"],
  [1e-5, "1e-05"],
  [0.00012345, "0.00012345"],
  [1.2345e-5, "1.2345e-05"],
  [5e-324, "5e-324"],
  [2.2250738585072014e-308, "2.2250738585072014e-308"],
  [1.7976931348623157e308, "1.7976931348623157e+308"],
  [100.0, "100.0"],
  [1e22, "1e+22"],
  [1e21, "1e+21"],
  [123.456, "123.456"],
  [0.6951234567890123, "0.6951234567890123"],
  [0.8190000000000001, "0.8190000000000001"],
  [221.45, "221.45"],
  [465.85, "465.85"],
  [-2.5e-7, "-2.5e-07"],
  [3.14159, "3.14159"],
  [1234567.0, "1234567.0"],
  [0.5, "0.5"],
  [4.35, "4.35"],
  [9007199254740992.0, "9007199254740992.0"],
  [9.5367431640625e-7, "9.5367431640625e-07"],
  [0.30000000000000004, "0.30000000000000004"],
  [1e100, "1e+100"],
  [-1e-100, "-1e-100"],
];
const ROUND_TABLE: [number, number, string][] = [
  [0.125, 2, "0.12"],
  [0.375, 2, "0.38"],
  [2.675, 2, "2.67"],
  [0.0078125, 6, "0.007812"],
  [1.0000005, 6, "1.000001"],
  [0.5, 0, "0.0"],
  [1.5, 0, "2.0"],
  [2.5, 0, "2.0"],
  [-0.125, 2, "-0.12"],
  [-2.675, 2, "-2.67"],
  [221.445, 2, "221.44"],
  [221.455, 2, "221.46"],
  [0.1234565, 6, "0.123456"],
  [5e-7, 6, "0.0"],
  [1.5e-6, 6, "2e-06"],
  [2.5e-6, 6, "3e-06"],
  [0.6951234567890123, 6, "0.695123"],
  [-0.0001, 2, "-0.0"],
  [0.835, 2, "0.83"],
  [0.845, 2, "0.84"],
  [1.005, 2, "1.0"],
  [0.3125, 3, "0.312"],
  [0.6875, 3, "0.688"],
  [3.0000000000000004, 6, "3.0"],
  [465.8450000000001, 2, "465.85"],
  [0.9999995, 6, "1.0"],
  [123.4567895, 6, "123.456789"],
];

test("pyFloatRepr matches Python's json float repr on a table of 39 floats", () => {
  for (const [x, want] of REPR_TABLE) assert.equal(pyFloatRepr(x), want, `repr(${x})`);
  assert.equal(pyFloatRepr(NaN), "NaN");
  assert.equal(pyFloatRepr(Infinity), "Infinity");
  assert.equal(pyFloatRepr(-Infinity), "-Infinity");
});

test("pyRound is Python's round(x, n): half-even on the exact binary value (0.125→0.12, 0.375→0.38, 2.675→2.67)", () => {
  for (const [x, n, want] of ROUND_TABLE) assert.equal(pyFloatRepr(pyRound(x, n)), want, `round(${x}, ${n})`);
  assert.ok(Number.isNaN(pyRound(NaN, 6)));
  assert.throws(() => pyRound(1, -1));
});

test("pyJsonDumps = json.dumps: indent/sort_keys layout, separators, ensure_ascii with surrogate pairs, NaN", () => {
  const obj: PyJson = {
    b: [1, new PyFloat(2.5), { z: null, a: true }],
    a: '北京\u00e9\u{1F600}"\\\n\t\u0001\u007f',
    c: [],
    d: {},
    e: new PyFloat(NaN),
    f: new PyFloat(-Infinity),
  };
  assert.equal(
    pyJsonDumps(obj, { indent: 2, sortKeys: true }),
    '{\n  "a": "\\u5317\\u4eac\\u00e9\\ud83d\\ude00\\"\\\\\\n\\t\\u0001\\u007f",\n  "b": [\n    1,\n    2.5,\n    {\n      "a": true,\n      "z": null\n    }\n  ],\n  "c": [],\n  "d": {},\n  "e": NaN,\n  "f": -Infinity\n}',
  );
  assert.equal(
    pyJsonDumps(obj),
    '{"b": [1, 2.5, {"z": null, "a": true}], "a": "\\u5317\\u4eac\\u00e9\\ud83d\\ude00\\"\\\\\\n\\t\\u0001\\u007f", "c": [], "d": {}, "e": NaN, "f": -Infinity}',
  );
  assert.equal(
    pyJsonDumps(obj, { ensureAscii: false }),
    '{"b": [1, 2.5, {"z": null, "a": true}], "a": "北京é😀\\"\\\\\\n\\t\\u0001\x7f", "c": [], "d": {}, "e": NaN, "f": -Infinity}',
  );
});

test("ints and floats stay distinct; a bare fractional number is rejected", () => {
  assert.equal(pyJsonDumps([1, new PyFloat(1), new PyFloat(0.1)]), "[1, 1.0, 0.1]");
  assert.throws(
    () => pyJsonDumps([0.5]),
    (e: unknown) => e instanceof BenchError && /^results: 0.5 is not an integer/.test(e.message),
  );
  assert.equal(
    pyJsonDumps(toPyJson({ a: 1, b: 0.5, c: [null, "x"], d: undefined }, "extra")),
    '{"a": 1, "b": 0.5, "c": [null, "x"], "d": null}',
  );
  assert.throws(() => toPyJson({ f: () => 1 }, "extra"), /results: extra.f is a function/);
});
