import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { findCached, hfHome, hubCacheDir, hubToken, isOffline, noExistPath, repoFolder, snapshotPath } from "../../src/hub/cache.js";
import { tempDir } from "../data/fixtures.js";

test("cache location follows huggingface_hub: HF_HUB_CACHE > HF_HOME/hub > XDG_CACHE_HOME/huggingface/hub > ~/.cache/huggingface/hub", () => {
  assert.equal(hubCacheDir({}), join(homedir(), ".cache", "huggingface", "hub"));
  assert.equal(hubCacheDir({ XDG_CACHE_HOME: "/x" }), "/x/huggingface/hub");
  assert.equal(hubCacheDir({ XDG_CACHE_HOME: "/x", HF_HOME: "/h" }), "/h/hub");
  assert.equal(hubCacheDir({ HF_HOME: "/h", HF_HUB_CACHE: "/c" }), "/c");
  assert.equal(hfHome({ HF_HOME: "/h" }), "/h");
});

test("repo folders and snapshot paths", () => {
  assert.equal(repoFolder("/c", "dataset", "C-MTEB/T2Reranking"), "/c/datasets--C-MTEB--T2Reranking");
  assert.equal(repoFolder("/c", "model", "BAAI/bge-m3"), "/c/models--BAAI--bge-m3");
  assert.equal(snapshotPath("/c/m", "a".repeat(40), "onnx/model.onnx"), `/c/m/snapshots/${"a".repeat(40)}/onnx/model.onnx`);
  assert.equal(noExistPath("/c/m", "b".repeat(40), "x/y.json"), `/c/m/.no_exist/${"b".repeat(40)}/x/y.json`);
});

test("HF_HUB_OFFLINE accepts huggingface_hub's true values only", () => {
  for (const v of ["1", "true", "TRUE", "yes", "on"]) assert.equal(isOffline({ HF_HUB_OFFLINE: v }), true, v);
  for (const v of ["", "0", "false", "no"]) assert.equal(isOffline({ HF_HUB_OFFLINE: v }), false, v);
  assert.equal(isOffline({}), false);
});

test("token: HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then $HF_HOME/token (huggingface-cli login)", () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.equal(hubToken({ HF_HOME: dir }), undefined);
    writeFileSync(join(dir, "token"), "hf_file\n");
    assert.equal(hubToken({ HF_HOME: dir }), "hf_file");
    assert.equal(hubToken({ HF_HOME: dir, HUGGING_FACE_HUB_TOKEN: "hf_legacy" }), "hf_legacy");
    assert.equal(hubToken({ HF_HOME: dir, HUGGING_FACE_HUB_TOKEN: "hf_legacy", HF_TOKEN: "hf_env" }), "hf_env");
  } finally {
    cleanup();
  }
});

test("findCached resolves branch refs and ignores a ref to a missing snapshot", () => {
  const { dir, cleanup } = tempDir();
  try {
    const c = "c".repeat(40);
    mkdirSync(join(dir, "refs"), { recursive: true });
    mkdirSync(join(dir, "snapshots", c), { recursive: true });
    writeFileSync(join(dir, "snapshots", c, "f.json"), "{}");
    assert.equal(findCached(dir, "main", "f.json"), null);
    writeFileSync(join(dir, "refs", "main"), c);
    assert.equal(findCached(dir, "main", "f.json"), join(dir, "snapshots", c, "f.json"));
    assert.equal(findCached(dir, c, "f.json"), join(dir, "snapshots", c, "f.json"));
    assert.equal(findCached(dir, "main", "g.json"), null);
  } finally {
    cleanup();
  }
});
