/**
 * The seed's workflow against a loopback hub that serves BAAI/bge-m3 and hfl/chinese-roberta-wwm-ext laid out
 * exactly as published (tiny random weights written at test time: pytorch_model.bin / .pt files by torch.save,
 * onnx/ with external data and a separately stored Constant, LFS files as 302 redirects to a CDN host, tf/flax
 * weights and images that must never be fetched), driven through the CLI as a user types it:
 *   eval BAAI/bge-m3 (ONNX: the hidden-state export + colbert_linear.pt in Node) = eval --backend torch
 *   = a reference computed here without bench's code (Rust tokenizer + torch), MAP/MRR within 1e-6;
 *   the same eval offline (HF_HUB_OFFLINE=1, warm cache): no request, same numbers;
 *   bench train from both hub ids.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";
import { parsePythonJson } from "../../src/compare/python-json.js";
import { referenceMetrics, type Row } from "../helpers/colbert-reference.js";
import { cliArgv, repoRoot } from "../helpers/cli.js";
import { writeChineseRobertaLayout } from "../helpers/published-layouts.js";
import { BGE_M3_COMMIT, writeBgeM3Repo } from "../helpers/seed-repos.js";
import { type FakeHub, type ServedFile, startFakeHub } from "../hub/server.js";
import { torchSkipReason } from "../train/helpers.js";

const ROBERTA_COMMIT = "e0ec0ed7aef0b6f3fec3c7a6d8d3a5fa4d7b2f6c";
const skip = torchSkipReason();
const work = mkdtempSync(join(tmpdir(), "bench-seed-hub-"));
const sample = readFileSync(join(repoRoot, "tasks/data/zh-sample.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Row);
const data = join(work, "sample.jsonl");
let hub: FakeHub | null = null;
let m3Dir = "";
const hfHome = join(work, "hf-home");

/** Every file under `dir` as the hub serves it; weights, graphs and external data as LFS files. */
function serve(dir: string, repoId: string, commit: string): ServedFile[] {
  const out: ServedFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const filename = relative(dir, p).split("\\").join("/");
        const lfs = /\.(bin|pt|onnx|onnx_data|safetensors|h5|msgpack|jpg)$|Constant_\d+_attr__value$/.test(filename);
        out.push({ repoType: "model", repoId, commit, filename, content: readFileSync(p), lfs });
      }
    }
  };
  walk(dir);
  return out;
}

before(async () => {
  if (skip) return;
  writeFileSync(data, `${sample.map((r) => JSON.stringify(r)).join("\n")}\n`);
  m3Dir = writeBgeM3Repo(join(work, "bge-m3"), { texts: sample.flatMap((r) => [r.query, ...r.positive, ...r.negative].flat()) });
  const roberta = writeChineseRobertaLayout(join(work, "roberta"));
  const placeholders = (repoId: string, commit: string, names: string[]): ServedFile[] =>
    names.map((filename) => ({
      repoType: "model",
      repoId,
      commit,
      filename,
      content: new TextEncoder().encode(`never fetched: ${filename}\n`),
      lfs: true,
    }));
  hub = await startFakeHub([
    ...serve(m3Dir, "BAAI/bge-m3", BGE_M3_COMMIT),
    ...placeholders("BAAI/bge-m3", BGE_M3_COMMIT, ["long.jpg", "imgs/bm25.jpg", "imgs/mkqa.jpg"]),
    ...serve(roberta, "hfl/chinese-roberta-wwm-ext", ROBERTA_COMMIT),
    ...placeholders("hfl/chinese-roberta-wwm-ext", ROBERTA_COMMIT, ["tf_model.h5", "flax_model.msgpack"]),
  ]);
});
after(async () => {
  await hub?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Runs the CLI without blocking this process's event loop (the loopback hub answers from it). */
function bench(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, cliArgv(args), {
    cwd: work,
    env: {
      ...process.env,
      NO_COLOR: "1",
      HF_HOME: hfHome,
      HF_ENDPOINT: hub?.endpoint,
      HF_HUB_OFFLINE: "",
      HF_TOKEN: "",
      HF_HUB_CACHE: "",
      BENCH_CACHE_DIR: join(work, "vectors"),
      ...env,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((ok) => child.on("close", (code) => ok({ code, stdout, stderr })));
}

/** MAP and MRR of an mteb-1.1.1 result file (full precision). */
function metrics(out: string, model: string): { map: number; mrr: number } {
  const r = parsePythonJson(readFileSync(join(out, model, "CustomReranking.json"), "utf8")) as { test: { map: number; mrr: number } };
  return { map: r.test.map, mrr: r.test.mrr };
}

const requested = (): string[] => [...(hub?.hubRequests ?? []), ...(hub?.cdnRequests ?? [])].map((r) => decodeURIComponent(r.url));

test("BAAI/bge-m3 from the hub: ONNX backend = torch backend = a reference without bench's code (MAP/MRR ≤ 1e-6); offline re-run makes no request", async (t) => {
  if (skip) return t.skip(skip);
  const ref = await referenceMetrics(m3Dir, sample, 256, work);
  const onnx = await bench(["eval", "--model", "BAAI/bge-m3", "--data", data, "--output", join(work, "r-onnx"), "--format", "mteb-1.1.1"]);
  assert.equal(onnx.code, 0, onnx.stderr);
  const torch = await bench([
    "eval",
    "--model",
    "BAAI/bge-m3",
    "--backend",
    "torch",
    "--device",
    "cpu",
    "--data",
    data,
    "--output",
    join(work, "r-torch"),
    "--format",
    "mteb-1.1.1",
  ]);
  assert.equal(torch.code, 0, torch.stderr);
  const a = metrics(join(work, "r-onnx"), "bge-m3");
  const b = metrics(join(work, "r-torch"), "bge-m3");
  for (const k of ["map", "mrr"] as const) {
    assert.ok(Math.abs(a[k] - ref[k]) <= 1e-6, `ONNX ${k} ${a[k]} vs reference ${ref[k]}`);
    assert.ok(Math.abs(b[k] - ref[k]) <= 1e-6, `torch ${k} ${b[k]} vs reference ${ref[k]}`);
  }
  const urls = requested();
  assert.ok(
    urls.some((u) => u.includes("onnx/model.onnx_data")) && urls.some((u) => u.includes("onnx/Constant_7_attr__value")),
    "the graph's external data is fetched",
  );
  assert.ok(
    urls.some((u) => u.endsWith("/pytorch_model.bin")),
    "the torch backend fetches the published weights",
  );
  for (const never of ["long.jpg", "imgs/", "sparse_linear.pt", "README.md"])
    assert.ok(!urls.some((u) => u.includes(never)), `${never} is never fetched`);
  // Offline with the warm cache: the same numbers, not one request.
  const n = requested().length;
  const offline = await bench(
    ["eval", "--model", "BAAI/bge-m3", "--data", data, "--output", join(work, "r-offline"), "--format", "mteb-1.1.1", "--no-cache"],
    { HF_HUB_OFFLINE: "1" },
  );
  assert.equal(offline.code, 0, offline.stderr);
  assert.deepEqual(metrics(join(work, "r-offline"), "bge-m3"), a);
  const offlineTorch = await bench(
    [
      "eval",
      "--model",
      "BAAI/bge-m3",
      "--backend",
      "torch",
      "--device",
      "cpu",
      "--data",
      data,
      "--output",
      join(work, "r-offline-torch"),
      "--format",
      "mteb-1.1.1",
      "--no-cache",
    ],
    { HF_HUB_OFFLINE: "1" },
  );
  assert.equal(offlineTorch.code, 0, offlineTorch.stderr);
  assert.equal(requested().length, n, "offline runs make no request");
});

test("bench train from both hub ids (bge-m3 fine-tune; a ColBERT on chinese-roberta-wwm-ext), then offline again", async (t) => {
  if (skip) return t.skip(skip);
  const steps = [
    "--data",
    data,
    "--max_steps",
    "1",
    "--per_device_train_batch_size",
    "2",
    "--train_group_size",
    "2",
    "--query_max_length",
    "16",
    "--max_length",
    "32",
  ];
  const m3 = await bench(["train", "--model", "BAAI/bge-m3", "--out", join(work, "ft-m3"), ...steps]);
  assert.equal(m3.code, 0, m3.stderr);
  const rob = await bench(["train", "--model", "hfl/chinese-roberta-wwm-ext", "--out", join(work, "ft-roberta"), ...steps]);
  assert.equal(rob.code, 0, rob.stderr);
  assert.match(rob.stderr, /ignored \d+ weights of heads ColBERT does not use: .*cls\.predictions/);
  const urls = requested();
  for (const never of ["tf_model.h5", "flax_model.msgpack"]) assert.ok(!urls.some((u) => u.includes(never)), `${never} is never fetched`);
  assert.ok(
    urls.some((u) => u.includes("hfl/chinese-roberta-wwm-ext") && u.endsWith("/model.safetensors")),
    "safetensors is preferred over pytorch_model.bin",
  );
  assert.ok(!urls.some((u) => u.includes("hfl/chinese-roberta-wwm-ext") && u.endsWith("/pytorch_model.bin")));
  // The fine-tuned checkpoint evaluates; a re-run of the training offline resolves both bases from the cache.
  const ev = await bench([
    "eval",
    "--model",
    join(work, "ft-m3"),
    "--data",
    data,
    "--output",
    join(work, "r-ft"),
    "--format",
    "mteb-1.1.1",
  ]);
  assert.equal(ev.code, 0, ev.stderr);
  const n = requested().length;
  const again = await bench(["train", "--model", "hfl/chinese-roberta-wwm-ext", "--out", join(work, "ft-roberta-offline"), ...steps], {
    HF_HUB_OFFLINE: "1",
  });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(requested().length, n, "offline training makes no request");
});
