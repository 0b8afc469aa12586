import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadNeuralReranker } from "../../src/models/neural-reranker.js";
import { parseHubId } from "../../src/hub/resolve-model-dir.js";
import { parseBenchModel } from "../../src/models/model-config.js";
import { startFakeHub } from "../hub/server.js";
import { TINY_UNIGRAM_PIECES, tinyBgeM3Onnx, unigramTokenizerJson, writeModelDir } from "../../scripts/lib/onnx-builder.js";

const base = { format: "bench-model/1", type: "colbert", output: "colbert_vecs", output_layout: "tokens_without_cls" };

test("bench_model.json: defaults, and bad fields named with what was expected", () => {
  const c = parseBenchModel({ ...base }, "m/bench_model.json", "m");
  assert.equal(c.onnxFile, "model.onnx");
  assert.deepEqual(c.inputs, { inputIds: "input_ids", attentionMask: "attention_mask", tokenTypeIds: null });
  assert.equal(c.maxLength, 512);
  assert.equal(c.queryMaxLength, 512);
  assert.equal(c.name, "m");
  assert.throws(
    () => parseBenchModel({ ...base, format: "bench-model/2" }, "f.json", "m"),
    /^BenchError: model: f\.json: field "format" must be "bench-model\/1", got "bench-model\/2"/,
  );
  assert.throws(() => parseBenchModel({ ...base, colour: 1 }, "f.json", "m"), /model: f\.json: unknown field "colour"/);
  assert.throws(
    () => parseBenchModel({ ...base, output_layout: "logits" }, "f.json", "m"),
    /field "output_layout" must be one of tokens_without_cls \| tokens for type colbert/,
  );
  assert.throws(() => parseBenchModel({ ...base, max_length: 0 }, "f.json", "m"), /field "max_length" must be a positive integer, got 0/);
  assert.throws(
    () => parseBenchModel({ ...base, type: "dense", output_layout: "tokens" }, "f.json", "m"),
    /needs "pooling": "cls" or "mean"/,
  );
});

test("hub ids: ORG/NAME[@revision]", () => {
  assert.deepEqual(parseHubId("BAAI/bge-m3"), { repoId: "BAAI/bge-m3", revision: "main" });
  assert.deepEqual(parseHubId("aapot/bge-m3-onnx@5617a9f61b028005a4858fdac845db406aefb181"), {
    repoId: "aapot/bge-m3-onnx",
    revision: "5617a9f61b028005a4858fdac845db406aefb181",
  });
  assert.equal(parseHubId("./models/x"), null);
});

test("--model ORG/NAME downloads a bge-m3-style export from a (loopback) hub into the HF cache and scores like the local copy", async () => {
  const local = writeModelDir(
    join(mkdtempSync(join(tmpdir(), "bench-hubsrc-")), "tiny-m3"),
    tinyBgeM3Onnx(21),
    unigramTokenizerJson(TINY_UNIGRAM_PIECES),
  );
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const hub = await startFakeHub(
    ["model.onnx", "tokenizer.json"].map((filename) => ({
      repoType: "model" as const,
      repoId: "org/tiny-m3",
      commit,
      filename,
      content: readFileSync(join(local, filename)),
      lfs: filename === "model.onnx",
    })),
  );
  const hubCacheDir = mkdtempSync(join(tmpdir(), "bench-hubcache-"));
  const cacheDir = mkdtempSync(join(tmpdir(), "bench-cache-"));
  try {
    const rr = await loadNeuralReranker("org/tiny-m3", { progress: false, hubEndpoint: hub.endpoint, hubCacheDir, cacheDir });
    assert.equal(rr.info.name, "org/tiny-m3");
    assert.equal(rr.info.revision, commit);
    assert.ok(existsSync(join(hubCacheDir, "models--org--tiny-m3", "snapshots", commit, "model.onnx")));
    // The listing says what the repo has: only listed files are asked for, no 404 probes for optional ones.
    assert.deepEqual(
      hub.hubRequests.map((r) => r.url),
      [
        `/api/models/org/tiny-m3/revision/main?blobs=true`,
        `/org/tiny-m3/resolve/${commit}/model.onnx`,
        `/org/tiny-m3/resolve/${commit}/tokenizer.json`,
      ],
    );
    const reqs = [{ row: 0, query: "快递怎么办", docs: ["北京天安门", "我不知道"] }];
    const viaHub = await rr.score(reqs);
    await rr.close();
    const direct = await loadNeuralReranker(local, { progress: false, cache: false });
    assert.deepEqual(viaHub, await direct.score(reqs));
    assert.equal(direct.info.extra?.content_sha256, rr.info.extra?.content_sha256, "same files, same content hash");
    await direct.close();
  } finally {
    await hub.close();
  }
});
