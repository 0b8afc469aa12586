import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileSha256, modelContentHash } from "../../src/cache/content-hash.js";
import { VectorCache } from "../../src/cache/vector-cache.js";
import { sha256Hex } from "../../src/util/sha256.js";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

test("vector cache: round trip, keys separate model hash / settings / text, damaged files are misses, no temp files", () => {
  const root = mkdtempSync(join(tmpdir(), "bench-vc-"));
  const a = new VectorCache(root, "a".repeat(64), "doc 256");
  const v = { nTokens: 4, rows: 3, dim: 2, data: new Float32Array([0.1, -0.2, 0.3, 1e-8, -0, Math.PI]) };
  a.put("北京", v);
  assert.deepEqual(a.get("北京"), v);
  assert.equal(a.get("上海"), null);
  assert.equal(new VectorCache(root, "b".repeat(64), "doc 256").get("北京"), null, "another model never hits");
  assert.equal(new VectorCache(root, "a".repeat(64), "doc 128").get("北京"), null, "other lengths never hit");
  const files = filesUnder(root);
  assert.equal(files.length, 1);
  assert.ok(
    files.every((f) => f.endsWith(".bin")),
    `only final files: ${files.join(", ")}`,
  );
  writeFileSync(files[0], readFileSync(files[0]).subarray(0, 20));
  assert.equal(a.get("北京"), null, "a truncated entry is a miss, not garbage");
});

test("content hash: covers the graph, external data and tokenizer; memo is used only while size/mtime match", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-ch-"));
  writeFileSync(join(dir, "model.onnx"), "graph");
  writeFileSync(join(dir, "model.onnx_data"), "weights");
  writeFileSync(join(dir, "tokenizer.json"), "{}");
  writeFileSync(join(dir, "README.md"), "not part of the model");
  const memo = join(dir, "memo.json");
  const h1 = await modelContentHash(dir, "model.onnx", memo);
  const expected = sha256Hex(
    `model.onnx ${sha256Hex("graph")}\nmodel.onnx_data ${sha256Hex("weights")}\ntokenizer.json ${sha256Hex("{}")}\n`,
  );
  assert.equal(h1, expected);
  writeFileSync(join(dir, "README.md"), "edited");
  assert.equal(await modelContentHash(dir, "model.onnx", memo), h1);
  writeFileSync(join(dir, "model.onnx_data"), "WEIGHTS");
  assert.notEqual(await modelContentHash(dir, "model.onnx", memo), h1, "changed weights, changed hash");
  // The memo answers while (size, mtime, inode) match: plant a fake hash to prove it is read…
  const m = JSON.parse(readFileSync(memo, "utf8"));
  const key = Object.keys(m).find((k) => k.endsWith("model.onnx")) as string;
  m[key].sha256 = "f".repeat(64);
  writeFileSync(memo, JSON.stringify(m));
  assert.equal(await fileSha256(join(dir, "model.onnx"), memo), "f".repeat(64));
  // …and is ignored once the file's mtime moves.
  utimesSync(join(dir, "model.onnx"), new Date(), new Date(Date.now() + 5000));
  assert.equal(await fileSha256(join(dir, "model.onnx"), memo), sha256Hex("graph"));
});
