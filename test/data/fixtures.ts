/**
 * Test-only fixtures: temp directories, a small Chinese sample and BenchError assertions. The Arrow/Parquet
 * builders live in scripts/lib/columnar-fixtures.ts (the benchmarks use them too).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { BenchError, ExitCode } from "../../src/errors.js";
import type { RerankRow } from "../../src/data/types.js";

/** A temp directory removed by the returned cleanup function. */
export function tempDir(prefix = "bench-h3-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small Chinese sample with an empty list, a long text and a "/" that pandas escapes as "\/". */
export const SAMPLE: RerankRow[] = [
  { query: "蜂巢取快递验证码", positive: ["丰巢快递柜取件码/验证码", "第二个正例"], negative: ["无关段落"] },
  { query: "北京天气", positive: [], negative: ["上海天气晴", "广州多云"] },
  { query: "长文本", positive: ["长".repeat(5000)], negative: [] },
];

/** An assert.throws/rejects validator: a BenchError (exit code `code`, default Input) whose message matches `re`. */
export function benchError(re: RegExp, code: number = ExitCode.Input): (e: unknown) => true {
  return (e) => {
    assert.ok(e instanceof BenchError, `expected a BenchError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.equal(e.exitCode, code);
    return true;
  };
}
