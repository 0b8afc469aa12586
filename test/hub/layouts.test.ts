/**
 * The seed's two models as the hub publishes them (issue 10, "The layouts, as published"; file names exact),
 * served by the loopback fake hub: BAAI/bge-m3 (root + onnx/ with external data and a separately stored
 * Constant) and hfl/chinese-roberta-wwm-ext (tf/flax weights that must never be requested). Files that get
 * loaded (graph, external data, tokenizer) are real; the others are placeholder bytes.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { fileHashLines } from "../../src/cache/content-hash.js";
import { resolveModelDir } from "../../src/hub/resolve-model-dir.js";
import { loadNeuralReranker } from "../../src/models/neural-reranker.js";
import { resolveBaseModel } from "../../src/train/base-model.js";
import { benchError } from "../data/fixtures.js";
import { TINY_UNIGRAM_PIECES, tinyBgeM3Onnx, unigramTokenizerJson } from "../../scripts/lib/onnx-builder.js";
import { type ServedFile, useFakeHub } from "./server.js";

const M3 = "5617a9f61b028005a4858fdac845db406aefb181";
const RWWM = "e0f0e2a3bd9a8b0b4c9a4e0b8c4b0d27c1a2f3e4";
const MULTI = "2222222222222222222222222222222222222222";
const PY = "/usr/bin/python3";
const work = mkdtempSync(join(tmpdir(), "bench-layouts-"));
const graphDir = join(work, "onnx-export");
const tokenizer = Buffer.from(JSON.stringify(unigramTokenizerJson(TINY_UNIGRAM_PIECES)));
const plain = tinyBgeM3Onnx(21);
writeFileSync(join(work, "in.onnx"), plain);
// bge-m3's onnx/ layout: the graph, model.onnx_data, and one Constant stored in its own file.
const py = spawnSync(PY, [fileURLToPath(new URL("./fixtures/externalize_onnx.py", import.meta.url)), join(work, "in.onnx"), graphDir], {
  encoding: "utf8",
});
if (py.status !== 0) throw new Error(`externalize_onnx.py failed: ${py.stderr}`);
const ext = (f: string): Buffer => readFileSync(join(graphDir, f));
const bytes = (s: string): Buffer => Buffer.from(s);

const m3 = (filename: string, content: Uint8Array, lfs = false): ServedFile => ({
  repoType: "model",
  repoId: "BAAI/bge-m3",
  commit: M3,
  filename,
  content,
  lfs,
});
const rw = (filename: string, content: Uint8Array, lfs = false): ServedFile => ({
  repoType: "model",
  repoId: "hfl/chinese-roberta-wwm-ext",
  commit: RWWM,
  filename,
  content,
  lfs,
});
const files: ServedFile[] = [
  m3(".gitattributes", bytes("*.bin filter=lfs\n")),
  m3("config.json", bytes('{"architectures":["XLMRobertaModel"],"model_type":"xlm-roberta"}')),
  m3("pytorch_model.bin", bytes("torch.save placeholder"), true),
  m3("colbert_linear.pt", bytes("colbert placeholder"), true),
  m3("sparse_linear.pt", bytes("sparse placeholder"), true),
  m3("tokenizer.json", tokenizer),
  m3("tokenizer_config.json", bytes('{"model_max_length":8192}')),
  m3("special_tokens_map.json", bytes("{}")),
  m3("sentencepiece.bpe.model", bytes("spm placeholder"), true),
  m3("modules.json", bytes("[]")),
  m3("config_sentence_transformers.json", bytes("{}")),
  m3("sentence_bert_config.json", bytes('{"max_seq_length":8192}')),
  m3("1_Pooling/config.json", bytes('{"pooling_mode_cls_token":true}')),
  m3("README.md", bytes("# BGE-M3\n")),
  m3("long.jpg", bytes("jpg"), true),
  m3("imgs/bm25.jpg", bytes("jpg"), true),
  m3("imgs/miracl.jpg", bytes("jpg"), true),
  m3("onnx/model.onnx", ext("model.onnx"), true),
  m3("onnx/model.onnx_data", ext("model.onnx_data"), true),
  m3("onnx/Constant_7_attr__value", ext("Constant_7_attr__value"), true),
  m3("onnx/config.json", bytes('{"model_type":"xlm-roberta"}')),
  m3("onnx/tokenizer.json", tokenizer),
  m3("onnx/tokenizer_config.json", bytes("{}")),
  m3("onnx/special_tokens_map.json", bytes("{}")),
  m3("onnx/sentencepiece.bpe.model", bytes("spm placeholder"), true),
  rw("config.json", bytes('{"architectures":["BertForMaskedLM"],"model_type":"bert"}')),
  rw("pytorch_model.bin", bytes("bin placeholder"), true),
  rw("model.safetensors", bytes("safetensors placeholder"), true),
  rw("tf_model.h5", bytes("h5"), true),
  rw("flax_model.msgpack", bytes("flax"), true),
  rw("vocab.txt", bytes("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n")),
  rw("tokenizer.json", tokenizer),
  rw("tokenizer_config.json", bytes("{}")),
  rw("special_tokens_map.json", bytes("{}")),
  rw("added_tokens.json", bytes("{}")),
  rw("README.md", bytes("# roberta\n")),
  // A repo with several graphs and neither default: --onnx-file picks one; the tokenizer sits beside them.
  ...["onnx/model_fp16.onnx", "onnx/model_quantized.onnx"].map((filename) => ({
    repoType: "model" as const,
    repoId: "org/multi",
    commit: MULTI,
    filename,
    content: plain,
    lfs: true,
  })),
  { repoType: "model", repoId: "org/multi", commit: MULTI, filename: "onnx/tokenizer.json", content: tokenizer },
];
const fake = useFakeHub(files);
const reqs = [{ row: 0, query: "快递怎么办", docs: ["北京天安门", "我不知道", "快递"] }];
let reference: number[][] = [];
const fetched = (from: number): string[] => fake.hub.hubRequests.slice(from).map((r) => decodeURIComponent(r.url));

before(async () => {
  // The reference: the same export loaded straight from its folder (ORT resolves the external data itself).
  writeFileSync(join(graphDir, "tokenizer.json"), tokenizer);
  const direct = await loadNeuralReranker(graphDir, { progress: false, cache: false });
  reference = (await direct.score(reqs)) as number[][];
  await direct.close();
});

const cacheOf = (): string => join(fake.home, "hub");

test("bge-m3 (ONNX): the listing, then onnx/model.onnx, every external-data file it names and the tokenizer; no weights, images or README", async () => {
  const n = fake.hub.hubRequests.length;
  const rr = await loadNeuralReranker("BAAI/bge-m3", { progress: false, cache: false });
  assert.equal(rr.info.revision, M3, "results record the commit");
  assert.deepEqual(await rr.score(reqs), reference, "the downloaded copy scores exactly like the export itself");
  // The vector-cache key covers the external data beside onnx/model.onnx (read from the graph, not guessed).
  const snap = join(cacheOf(), "models--BAAI--bge-m3", "snapshots", M3);
  const lines = await fileHashLines(
    snap,
    [
      "onnx/model.onnx",
      "onnx/Constant_7_attr__value",
      "onnx/model.onnx_data",
      "tokenizer.json",
      "tokenizer_config.json",
      "special_tokens_map.json",
    ],
    null,
  );
  assert.equal(rr.info.extra?.content_sha256, createHash("sha256").update(lines).digest("hex"));
  await rr.close();
  const got = fetched(n);
  assert.equal(got[0], "/api/models/BAAI/bge-m3/revision/main?blobs=true");
  const names = got.slice(1).map((u) => u.replace(`/BAAI/bge-m3/resolve/${M3}/`, ""));
  for (const f of [
    "onnx/model.onnx",
    "onnx/model.onnx_data",
    "onnx/Constant_7_attr__value",
    "tokenizer.json",
    "config.json",
    "colbert_linear.pt",
    "1_Pooling/config.json",
    "modules.json",
  ])
    assert.ok(names.includes(f), `${f} fetched`);
  for (const f of ["pytorch_model.bin", "sparse_linear.pt", "long.jpg", "imgs/bm25.jpg", "imgs/miracl.jpg", "README.md", ".gitattributes"])
    assert.ok(!names.includes(f), `${f} never fetched`);
  assert.equal(new Set(names).size, names.length, "each file fetched once");
  assert.ok(!fake.hub.hubRequests.some((r) => / 404/.test(r.url)));
});

test("bge-m3 offline with a warm cache: zero requests, same scores; a cold cache names every missing file in one message", async () => {
  await resolveModelDir("BAAI/bge-m3", {}); // warm (already warm when run after the test above)
  process.env.HF_HUB_OFFLINE = "1";
  try {
    const n = fake.hub.hubRequests.length + fake.hub.cdnRequests.length;
    const rr = await loadNeuralReranker("BAAI/bge-m3", { progress: false, cache: false });
    assert.deepEqual(await rr.score(reqs), reference);
    assert.equal(rr.info.revision, M3);
    await rr.close();
    const t = await resolveModelDir("BAAI/bge-m3", { purpose: "onnx" });
    assert.equal(t.onnxFile, "onnx/model.onnx");
    assert.equal(fake.hub.hubRequests.length + fake.hub.cdnRequests.length, n, "offline makes no request");
    // Two files gone from the snapshot: both named in ONE message, with where to put them.
    const snap = join(cacheOf(), "models--BAAI--bge-m3", "snapshots", M3);
    const saved = ["onnx/model.onnx_data", "tokenizer.json"].map((f) => [f, readFileSync(join(snap, f))] as const);
    for (const [f] of saved) rmSync(join(snap, f));
    try {
      await assert.rejects(
        resolveModelDir("BAAI/bge-m3", {}),
        benchError(
          /^hub: HF_HUB_OFFLINE is set and model BAAI\/bge-m3@main \(cached snapshot 5617a9f6\w+\) lacks 2 file\(s\): tokenizer\.json, onnx\/model\.onnx_data; place them under \S+\/snapshots\/5617a9f6\w+\/ \(same relative paths\), or pass a local model directory instead of the hub id$/,
        ),
      );
    } finally {
      for (const [f, b] of saved) writeFileSync(join(snap, f), b);
    }
    // Nothing cached at all.
    await assert.rejects(
      resolveModelDir("BAAI/bge-m3", { cacheDir: mkdtempSync(join(tmpdir(), "bench-cold-")) }),
      benchError(
        /^hub: HF_HUB_OFFLINE is set and model BAAI\/bge-m3@main is not cached .*it needs model\.onnx or onnx\/model\.onnx \(and its external data\), tokenizer\.json: place them under .*<any-folder-name>\/.*or pass a local model directory/,
      ),
    );
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
});

test("the hub unreachable (not offline): the cached snapshot of the branch is used, with a warning", async () => {
  await resolveModelDir("BAAI/bge-m3", {});
  const dead = await new Promise<number>((ok) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => ok(p));
    });
  });
  const r = await resolveModelDir("BAAI/bge-m3", { endpoint: `http://127.0.0.1:${dead}` });
  assert.equal(r.revision, M3);
  assert.equal(r.onnxFile, "onnx/model.onnx");
});

test("offline: a snapshot folder with any name works when refs/<branch> names it", async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), "bench-hand-"));
  const folder = join(cacheDir, "models--org--hand");
  const snap = join(folder, "snapshots", "my-copy");
  for (const [f, b] of [
    ["model.onnx", plain],
    ["tokenizer.json", tokenizer],
  ] as const) {
    const p = join(snap, f);
    parentDir(p);
    writeFileSync(p, b);
  }
  parentDir(join(folder, "refs", "main"));
  writeFileSync(join(folder, "refs", "main"), "my-copy\n");
  process.env.HF_HUB_OFFLINE = "1";
  try {
    const r = await resolveModelDir("org/hand", { cacheDir });
    assert.equal(r.dir, snap);
    assert.equal(r.onnxFile, "model.onnx");
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
});

function parentDir(file: string): void {
  mkdirSync(join(file, ".."), { recursive: true });
}

test("hub errors name the repo and revision: RevisionNotFound (404), RepositoryNotFound (401 without a token)", async () => {
  await assert.rejects(
    resolveModelDir("BAAI/bge-m3@v9", {}),
    benchError(/^hub: 404 not found \(RevisionNotFound\): model BAAI\/bge-m3 revision v9 \(file listing\)/),
  );
  await assert.rejects(
    resolveModelDir("BAAI/nope", {}),
    benchError(/^hub: 401 Unauthorized \(RepositoryNotFound\) for model BAAI\/nope revision main \(file listing\) .*set HF_TOKEN/),
  );
});

test("bge-m3 (torch): config, pytorch_model.bin (no safetensors in the repo), colbert_linear.pt, tokenizer; no graph", async () => {
  const n = fake.hub.hubRequests.length;
  const r = await resolveModelDir("BAAI/bge-m3", { purpose: "torch", cacheDir: mkdtempSync(join(tmpdir(), "bench-torch-")) });
  assert.equal(r.onnxFile, null);
  assert.equal(r.revision, M3);
  const names = fetched(n)
    .slice(1)
    .map((u) => u.replace(`/BAAI/bge-m3/resolve/${M3}/`, ""))
    .sort();
  assert.deepEqual(names, [
    "colbert_linear.pt",
    "config.json",
    "pytorch_model.bin",
    "sentencepiece.bpe.model",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
  ]);
});

test("hfl/chinese-roberta-wwm-ext: model.safetensors over pytorch_model.bin, vocab.txt, never tf/flax; bench train's base model records the commit", async () => {
  const n = fake.hub.hubRequests.length;
  const base = await resolveBaseModel("hfl/chinese-roberta-wwm-ext");
  assert.equal(base.id, `hfl/chinese-roberta-wwm-ext@${RWWM}`);
  assert.ok(base.hasWeights);
  const names = fetched(n)
    .slice(1)
    .map((u) => u.replace(`/hfl/chinese-roberta-wwm-ext/resolve/${RWWM}/`, ""))
    .sort();
  assert.deepEqual(names, [
    "added_tokens.json",
    "config.json",
    "model.safetensors",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.txt",
  ]);
  const all = fake.hub.hubRequests.map((r) => r.url).join("\n") + fake.hub.cdnRequests.map((r) => r.url).join("\n");
  assert.doesNotMatch(all, /tf_model\.h5|flax_model\.msgpack/);
  // The ONNX path on a repo without a graph says so (and what to do).
  await assert.rejects(
    resolveModelDir("hfl/chinese-roberta-wwm-ext", {}),
    benchError(/^model: hfl\/chinese-roberta-wwm-ext@e0f0\w+ has no ONNX graph .*use --backend torch/),
  );
});

test("several graphs and no default: an error listing them and suggesting --onnx-file; --onnx-file picks one (tokenizer beside it)", async () => {
  await assert.rejects(
    resolveModelDir("org/multi", {}),
    benchError(
      /^model: org\/multi@2{40} has several ONNX graphs .*: onnx\/model_fp16\.onnx, onnx\/model_quantized\.onnx; pick one with --onnx-file PATH$/,
    ),
  );
  const rr = await loadNeuralReranker("org/multi", { progress: false, cache: false, onnxFile: "onnx/model_quantized.onnx" });
  assert.equal(rr.config.onnxFile, "onnx/model_quantized.onnx");
  assert.deepEqual(await rr.score(reqs), reference);
  await rr.close();
  assert.ok(!fake.hub.hubRequests.some((r) => r.url.includes("model_fp16")), "the other graph is not fetched");
  await assert.rejects(
    resolveModelDir("org/multi", { onnxFile: "../model.onnx" }),
    benchError(/^model: --onnx-file "\.\.\/model\.onnx" has a '\.' or '\.\.' segment/),
  );
  await assert.rejects(
    resolveModelDir("org/multi", { onnxFile: "onnx/nope.onnx" }),
    benchError(
      /^model: --onnx-file onnx\/nope\.onnx is not in org\/multi@2{40} \(its ONNX graphs: onnx\/model_fp16\.onnx, onnx\/model_quantized\.onnx\)$/,
    ),
  );
  // Local directories choose the same way.
  const local = join(work, "local-multi");
  parentDir(join(local, "onnx", "x"));
  for (const f of ["onnx/model_fp16.onnx", "onnx/model_quantized.onnx"]) writeFileSync(join(local, f), plain);
  writeFileSync(join(local, "onnx", "tokenizer.json"), tokenizer);
  await assert.rejects(
    resolveModelDir(local, {}),
    benchError(/but several graphs \(onnx\/model_fp16\.onnx, onnx\/model_quantized\.onnx\); pick one with --onnx-file/),
  );
  const r = await resolveModelDir(local, { onnxFile: "onnx/model_fp16.onnx" });
  assert.equal(r.tokenizerDir, join(local, "onnx"));
});

test("a graph whose external data leaves its folder is refused before anything is fetched for it", async () => {
  const evil = join(work, "evil");
  const p = spawnSync(
    PY,
    [fileURLToPath(new URL("./fixtures/externalize_onnx.py", import.meta.url)), join(work, "in.onnx"), join(evil, "onnx"), "../escape.bin"],
    { encoding: "utf8" },
  );
  assert.equal(p.status, 0, p.stderr);
  const { externalDataFiles } = await import("../../src/onnx/external-data-files.js");
  await assert.rejects(
    externalDataFiles(join(evil, "onnx", "model.onnx"), "evil/onnx/model.onnx"),
    benchError(
      /^model: evil\/onnx\/model\.onnx names external data "\.\.\/escape\.bin", which has a '\.' or '\.\.' segment; external data must stay inside the graph's folder$/,
    ),
  );
  assert.ok(existsSync(join(evil, "escape.bin")), "(the fixture really points outside)");
});
