/**
 * Every path a model directory names stays inside the model root and is a regular file (issue 11 §3), one class
 * per test: bench_model.json onnx_file / colbert_head (traversal, absolute, /dev/zero, a FIFO, a symlink to a
 * device), --onnx-file, external-data locations inside the graph (traversal, absolute, a FIFO); and what is
 * fine: a hub snapshot whose files are symlinks to ../../blobs/…, external data in a subfolder. Also the graph
 * choice (model.onnx, else onnx/model.onnx, else an error listing several) and tokenizerDir.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import onnxProto from "onnx-proto";
import { BenchError } from "../../src/errors.js";
import { resolveModelDir } from "../../src/hub/resolve-model-dir.js";
import { loadNeuralReranker, type NeuralRerankerOptions } from "../../src/models/neural-reranker.js";
import { TINY_UNIGRAM_PIECES, tinyBgeM3Onnx, unigramTokenizerJson, writeModelDir } from "../../scripts/lib/onnx-builder.js";

const { onnx } = onnxProto;
const work = mkdtempSync(join(tmpdir(), "bench-model-paths-"));
test.after(() => rmSync(work, { recursive: true, force: true }));
const quiet: NeuralRerankerOptions = { progress: false, cache: false, threads: 1 };
const graph = tinyBgeM3Onnx(3);
const tj = unigramTokenizerJson(TINY_UNIGRAM_PIECES);
const M3 = { format: "bench-model/1", type: "colbert", output: "colbert_vecs", output_layout: "tokens_without_cls", normalized: true };
let n = 0;
const fresh = (bench?: Record<string, unknown>): string => writeModelDir(join(work, `m${n++}`), graph, tj, bench);
const mkfifo = (path: string): void => {
  const r = spawnSync("mkfifo", [path]);
  assert.equal(r.status, 0, `mkfifo: ${r.stderr}`);
};

/** Rejects with an input error (exit 3) whose one-line message matches every pattern. */
async function refuses(p: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof BenchError, String(err));
    assert.equal(err.exitCode, 3);
    assert.ok(!err.message.includes("\n"), "one line");
    for (const re of patterns) assert.match(err.message, re);
    return true;
  });
}

/** `model.onnx` of `dir` rewritten so its first float initializer lives at external-data `location`; returns the bytes it needs there. */
function externalizeFirst(dir: string, location: string): Uint8Array {
  const m = onnx.ModelProto.decode(readFileSync(join(dir, "model.onnx")));
  const t = (m.graph as InstanceType<typeof onnx.GraphProto>).initializer.find((x) => (x.rawData?.length ?? 0) > 0) as InstanceType<
    typeof onnx.TensorProto
  >;
  const data = t.rawData;
  t.rawData = new Uint8Array(0);
  t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  t.externalData = [
    onnx.StringStringEntryProto.create({ key: "location", value: location }),
    onnx.StringStringEntryProto.create({ key: "length", value: String(data.length) }),
  ];
  writeFileSync(join(dir, "model.onnx"), onnx.ModelProto.encode(m).finish());
  return data;
}

test("bench_model.json onnx_file: traversal, absolute paths, /dev/zero, a FIFO and a symlink to a device are refused naming the file and field", async () => {
  await refuses(
    loadNeuralReranker(fresh({ ...M3, onnx_file: "../../../../etc/passwd" }), quiet),
    /bench_model\.json: field "onnx_file" must be a path inside the model directory/,
  );
  await refuses(loadNeuralReranker(fresh({ ...M3, onnx_file: "/dev/zero" }), quiet), /bench_model\.json: field "onnx_file"/);
  await refuses(loadNeuralReranker(fresh({ ...M3, onnx_file: "sub/../../x.onnx" }), quiet), /field "onnx_file"/);
  const fifo = fresh({ ...M3, onnx_file: "pipe.onnx" });
  mkfifo(join(fifo, "pipe.onnx"));
  await refuses(loadNeuralReranker(fifo, quiet), /bench_model\.json: onnx_file "pipe\.onnx": .* is not a regular file/);
  const dev = fresh({ ...M3, onnx_file: "zero.onnx" });
  symlinkSync("/dev/zero", join(dev, "zero.onnx"));
  await refuses(loadNeuralReranker(dev, quiet), /onnx_file "zero\.onnx": .* is not a regular file/);
  await refuses(loadNeuralReranker(fresh({ ...M3, onnx_file: "missing.onnx" }), quiet), /onnx_file "missing\.onnx": .* does not exist/);
  // bench_model.json itself, and files modules.json names, must be regular files too (a FIFO would block the read).
  const fifoCfg = fresh();
  mkfifo(join(fifoCfg, "bench_model.json"));
  await refuses(loadNeuralReranker(fifoCfg, quiet), /bench_model\.json is not a regular file/);
});

test("--onnx-file and colbert_head stay inside the root too", async () => {
  const dir = fresh(M3);
  await refuses(
    loadNeuralReranker(dir, { ...quiet, onnxFile: "../m0/model.onnx" }),
    /--onnx-file "\.\.\/m0\/model\.onnx" has a "\.\." segment/,
  );
  await refuses(loadNeuralReranker(dir, { ...quiet, onnxFile: join(dir, "model.onnx") }), /--onnx-file .* is an absolute path/);
  const head = {
    format: "bench-model/1",
    type: "colbert",
    output: "colbert_vecs",
    output_layout: "tokens",
    colbert_head: "../colbert_linear.pt",
  };
  await refuses(loadNeuralReranker(fresh(head), quiet), /field "colbert_head" must be null or a path inside the model directory/);
  // A sound --onnx-file is used even when bench_model.json names another graph.
  const two = fresh({ ...M3, onnx_file: "nothing-here.onnx" });
  mkdirSync(join(two, "onnx"));
  renameSync(join(two, "model.onnx"), join(two, "onnx", "alt.onnx"));
  const rr = await loadNeuralReranker(two, { ...quiet, onnxFile: "onnx/alt.onnx" });
  assert.equal(rr.config.onnxFile, "onnx/alt.onnx");
  assert.equal((await rr.score([{ row: 0, query: "快递", docs: ["北京"] }]))[0].length, 1);
  await rr.close();
});

test("external-data locations named inside the graph: traversal, absolute and non-regular files are refused before onnxruntime opens them", async () => {
  const up = fresh(M3);
  writeFileSync(join(work, "outside.bin"), externalizeFirst(up, "../outside.bin"));
  await refuses(loadNeuralReranker(up, quiet), /model\.onnx: external_data location "\.\.\/outside\.bin" has a "\.\." segment/);
  const abs = fresh(M3);
  writeFileSync(join(work, "abs.bin"), externalizeFirst(abs, join(work, "abs.bin")));
  await refuses(loadNeuralReranker(abs, quiet), /external_data location ".*abs\.bin" is an absolute path/);
  const fifo = fresh(M3);
  externalizeFirst(fifo, "weights.bin");
  mkfifo(join(fifo, "weights.bin"));
  await refuses(loadNeuralReranker(fifo, quiet), /external_data location "weights\.bin": .* is not a regular file/);
  // The same graph with a real file there loads and scores.
  const ok = fresh(M3);
  writeFileSync(join(ok, "weights.bin"), externalizeFirst(ok, "weights.bin"));
  const rr = await loadNeuralReranker(ok, quiet);
  assert.equal((await rr.score([{ row: 0, query: "快递", docs: ["北京", "学生"] }]))[0].length, 2);
  await rr.close();
});

test("a hub-snapshot layout (every file a symlink to ../../blobs/…) loads: the names are checked, the targets are regular files", async () => {
  const repo = join(work, "models--org--m");
  const snap = join(repo, "snapshots", "0".repeat(40));
  mkdirSync(join(repo, "blobs"), { recursive: true });
  mkdirSync(join(snap, "onnx"), { recursive: true });
  const src = fresh();
  writeFileSync(join(src, "w.bin"), externalizeFirst(src, "w.bin"));
  for (const [name, at] of [
    ["model.onnx", "onnx/model.onnx"],
    ["w.bin", "onnx/w.bin"],
    ["tokenizer.json", "tokenizer.json"],
  ]) {
    cpSync(join(src, name), join(repo, "blobs", name));
    symlinkSync(join(at.includes("/") ? "../../.." : "../..", "blobs", name), join(snap, at));
  }
  const r = await resolveModelDir(snap, {});
  assert.deepEqual([r.onnxFile, r.tokenizerDir], ["onnx/model.onnx", snap]);
  // No bench_model.json: recognised as a bge-m3 export from its outputs, graph and data behind symlinks.
  const rr = await loadNeuralReranker(snap, quiet);
  assert.equal(rr.config.onnxFile, "onnx/model.onnx");
  assert.equal(rr.info.extra?.config_origin, "detected bge-m3 export");
  await rr.score([{ row: 0, query: "快递", docs: ["北京"] }]);
  await rr.close();
});

test("graph choice: model.onnx, else onnx/model.onnx, else the only *.onnx; several → an error listing them; tokenizer from the graph's folder when the root has none", async () => {
  const root = fresh();
  assert.equal((await resolveModelDir(root, {})).onnxFile, "model.onnx");
  const sub = fresh();
  mkdirSync(join(sub, "onnx"));
  renameSync(join(sub, "model.onnx"), join(sub, "onnx", "model.onnx"));
  renameSync(join(sub, "tokenizer.json"), join(sub, "onnx", "tokenizer.json"));
  const r = await resolveModelDir(sub, {});
  assert.deepEqual([r.onnxFile, r.tokenizerDir], ["onnx/model.onnx", join(sub, "onnx")]);
  renameSync(join(sub, "onnx", "model.onnx"), join(sub, "onnx", "model_fp16.onnx"));
  assert.equal((await resolveModelDir(sub, {})).onnxFile, "onnx/model_fp16.onnx");
  cpSync(join(sub, "onnx", "model_fp16.onnx"), join(sub, "onnx", "model_quantized.onnx"));
  await refuses(
    resolveModelDir(sub, {}),
    /no model\.onnx or onnx\/model\.onnx but several graphs \(onnx\/model_fp16\.onnx, onnx\/model_quantized\.onnx\); pick one with --onnx-file/,
  );
  assert.equal((await resolveModelDir(sub, { onnxFile: "onnx/model_quantized.onnx" })).onnxFile, "onnx/model_quantized.onnx");
  assert.equal((await resolveModelDir(sub, { purpose: "torch" })).onnxFile, null);
});

test("modules.json: a Pooling path outside the root or a pooling config that is not a regular file is refused", async () => {
  const hidden = tinyBgeM3Onnx(3, "hidden-state");
  const st = (pooling: string): string => {
    const dir = writeModelDir(join(work, `st${n++}`), hidden, tj);
    writeFileSync(
      join(dir, "modules.json"),
      JSON.stringify([
        { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
        { idx: 1, name: "1", path: pooling, type: "sentence_transformers.models.Pooling" },
      ]),
    );
    return dir;
  };
  await refuses(
    loadNeuralReranker(st("../1_Pooling"), quiet),
    /modules\.json: module 1: "path" must be a folder inside the model directory/,
  );
  const fifo = st("1_Pooling");
  mkdirSync(join(fifo, "1_Pooling"));
  mkfifo(join(fifo, "1_Pooling", "config.json"));
  await refuses(loadNeuralReranker(fifo, quiet), /1_Pooling\/config\.json is not a regular file/);
  // A sound one: mean pooling, no Normalize.
  const ok = st("1_Pooling");
  mkdirSync(join(ok, "1_Pooling"));
  writeFileSync(join(ok, "1_Pooling", "config.json"), JSON.stringify({ pooling_mode_cls_token: false, pooling_mode_mean_tokens: true }));
  const rr = await loadNeuralReranker(ok, quiet);
  assert.deepEqual([rr.config.type, rr.config.pooling, rr.config.normalized], ["dense", "mean", false]);
  assert.equal((await rr.score([{ row: 0, query: "快递", docs: ["北京", "学生"] }]))[0].length, 2);
  await rr.close();
});
