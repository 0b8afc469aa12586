import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePythonJson } from "../../src/compare/python-json.js";

test("bare NaN / Infinity / -Infinity parse as numbers, like Python's json.load", () => {
  const v = parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity, 1.5], "c": null}') as { a: number; b: number[]; c: null };
  assert.ok(Number.isNaN(v.a));
  assert.deepEqual(v.b, [Infinity, -Infinity, 1.5]);
  assert.equal(v.c, null);
});

test("the words inside strings are left alone, escapes included", () => {
  const v = parsePythonJson('{"NaN": "NaN \\" Infinity", "x": NaN}') as Record<string, unknown>;
  assert.equal(v.NaN, 'NaN " Infinity');
  assert.ok(Number.isNaN(v.x as number));
});

test("invalid JSON still fails", () => {
  assert.throws(() => parsePythonJson('{"a": nan}'));
  assert.throws(() => parsePythonJson("{"));
});
