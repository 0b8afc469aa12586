import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePythonJson } from "../../src/compare/python-json.js";
import { runCli } from "../helpers/cli.js";
import { TINY_UNIGRAM_PIECES, tinyBgeM3Onnx, unigramTokenizerJson, writeModelDir } from "../../scripts/lib/onnx-builder.js";

test("bench eval --model DIR (generated bge-m3-style export): ONNX model meta, identical results from a cached re-run and --no-cache --batch-size 1", () => {
  const work = mkdtempSync(join(tmpdir(), "bench-onnx-cli-"));
  writeModelDir(join(work, "tiny-m3"), tinyBgeM3Onnx(31), unigramTokenizerJson(TINY_UNIGRAM_PIECES));
  // Synthetic rows (not third-party text): a query, positives sharing its words, negatives that do not.
  const rows = [
    { query: "快递怎么办", positive: ["快递怎么办理", "北京快递"], negative: ["我不知道", "天安门在北京", "学生"] },
    { query: "北京天安门", positive: ["天安门在北京"], negative: ["快递怎么办", "我不知道", "好看的"] },
    { query: "学生", positive: ["学生会"], negative: ["北京", "天安门", "快递"] },
  ];
  writeFileSync(join(work, "data.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const env = { BENCH_CACHE_DIR: join(work, "cache") };
  const run = (out: string, extra: string[] = []) => {
    const r = runCli(work, ["eval", "--model", "tiny-m3", "--data", "data.jsonl", "--output", out, ...extra], env);
    assert.equal(r.code, 0, r.stderr);
    const dir = join(work, out, "tiny-m3", "no_revision_available");
    // Result files use Python's float repr (NaN for undefined statistics), which JSON.parse rejects.
    const result = parsePythonJson(readFileSync(join(dir, "CustomReranking.json"), "utf8")) as { scores: unknown };
    return { result, meta: JSON.parse(readFileSync(join(dir, "model_meta.json"), "utf8")) };
  };
  const cold = run("out1");
  assert.deepEqual(cold.meta.framework, [], "ONNX is not in mteb 1.39.7's ModelMeta framework list (docs/results.md)");
  assert.equal(cold.meta.name, "bench/tiny-m3");
  assert.equal(cold.meta.similarity_fn_name, "MaxSim");
  assert.equal(cold.meta.embed_dim, 8);
  assert.ok(cold.meta.n_parameters > 0);
  assert.equal(readdirSync(join(work, "cache", "vectors")).length, 1, "$BENCH_CACHE_DIR holds the vectors of one model");
  const warm = run("out2");
  const plain = run("out3", ["--no-cache", "--batch-size", "1"]);
  assert.deepEqual(warm.result.scores, cold.result.scores);
  assert.deepEqual(plain.result.scores, cold.result.scores);
});
