/** The validator every server-supplied name goes through (src/hub/validate.ts) and the per-path file choice. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkRedirect, checkServerCommit, checkServerEtag } from "../../src/hub/validate.js";
import { repoPathProblem } from "../../src/util/repo-path.js";
import { chooseOnnxGraph, onnxPurposeFiles, torchPurposeFiles } from "../../src/hub/model-files.js";
import { benchError } from "../data/fixtures.js";

test("repo paths: relative, forward slashes, no '.', '..', empty segment, drive letter or control byte", () => {
  for (const ok of ["model.onnx", "onnx/model.onnx_data", "1_Pooling/config.json", "data/dev-00000-of-00001.parquet", "a..b/c"])
    assert.equal(repoPathProblem(ok), null, ok);
  for (const [bad, why] of [
    ["", "is empty"],
    ["/etc/passwd", "is absolute"],
    ["a\\b", "contains a backslash"],
    ["C:x", "starts with a drive letter"],
    ["a/../b", "has a '.' or '..' segment"],
    ["./a", "has a '.' or '..' segment"],
    ["a//b", "has an empty path segment"],
    ["a/", "has an empty path segment"],
    ["a\nb", "contains control characters"],
  ]) {
    assert.equal(repoPathProblem(bad), why, JSON.stringify(bad));
  }
});

test("commits are 40 hex, etags 40 or 64 hex, redirects http(s) only", () => {
  assert.equal(checkServerCommit("a".repeat(40), "x"), "a".repeat(40));
  for (const bad of ["A".repeat(40), "a".repeat(39), "../../x", "main"])
    assert.throws(() => checkServerCommit(bad, "hub"), benchError(/which is not a 40-hex-digit sha/));
  assert.equal(checkServerEtag("b".repeat(64), "x"), "b".repeat(64));
  for (const bad of ["abc", "b".repeat(50), "../blobs/x"])
    assert.throws(() => checkServerEtag(bad, "hub"), benchError(/neither a 40- nor a 64-hex-digit hash/));
  assert.equal(checkRedirect("/x", "https://hub.example/a").toString(), "https://hub.example/x");
  assert.equal(checkRedirect("http://cdn.example/b", "https://hub.example/a").host, "cdn.example");
  for (const bad of ["file:///etc/passwd", "javascript:alert(1)", "ftp://x/y"])
    assert.throws(() => checkRedirect(bad, "https://hub.example/a"), benchError(/only http\(s\) is followed/));
});

test("file choice: graph defaults, onnx and torch sets take only listed files and never weights of other frameworks or images", () => {
  assert.equal(chooseOnnxGraph(["model.onnx", "onnx/model.onnx"], undefined, "r"), "model.onnx");
  assert.equal(chooseOnnxGraph(["onnx/model.onnx", "onnx/model_quantized.onnx"], undefined, "r"), "onnx/model.onnx");
  assert.equal(chooseOnnxGraph(["export/encoder.onnx"], undefined, "r"), "export/encoder.onnx");
  assert.equal(chooseOnnxGraph(["pytorch_model.bin"], undefined, "r"), null);
  const st = [
    "model.onnx",
    "tokenizer.json",
    "modules.json",
    "1_Pooling/config.json",
    "2_Normalize/config.json",
    "README.md",
    "tf_model.h5",
    "imgs/a.jpg",
    "rust_model.ot",
  ];
  assert.deepEqual(onnxPurposeFiles(st, "model.onnx"), {
    files: ["model.onnx", "tokenizer.json", "modules.json", "1_Pooling/config.json", "2_Normalize/config.json"],
    missing: [],
  });
  assert.deepEqual(onnxPurposeFiles(["model.onnx"], "model.onnx").missing, ["tokenizer.json"]);
  const rw = ["config.json", "pytorch_model.bin", "model.safetensors", "tf_model.h5", "flax_model.msgpack", "vocab.txt", "tokenizer.json"];
  assert.deepEqual(torchPurposeFiles(rw), { files: ["config.json", "model.safetensors", "tokenizer.json", "vocab.txt"], missing: [] });
  assert.deepEqual(torchPurposeFiles(["config.json", "tf_model.h5", "vocab.txt"]).missing, ["model.safetensors or pytorch_model.bin"]);
});
