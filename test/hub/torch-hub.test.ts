/**
 * `bench eval --backend torch` takes a hub id (issue 10 item 3): the torch files are resolved from the listing
 * and the PyTorch worker scores exactly like the same model loaded from its local directory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadNeuralReranker } from "../../src/models/neural-reranker.js";
import { makeTorchModel, TORCH_PYTHON } from "../helpers/torch-model.js";
import { torchSkipReason } from "../train/helpers.js";
import { type ServedFile, useFakeHub } from "./server.js";

const skip = torchSkipReason();
const C = "9".repeat(40);
const work = mkdtempSync(join(tmpdir(), "bench-torch-hub-"));
let files: ServedFile[] = [];
let dir = "";
if (!skip) {
  dir = makeTorchModel(join(work, "m3"), { kind: "xlm-roberta", colbertDim: 8, onnx: true });
  files = readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((filename) => ({
      repoType: "model",
      repoId: "org/m3-torch",
      commit: C,
      filename,
      content: readFileSync(join(dir, filename)),
      lfs: /\.(safetensors|pt|onnx|bin)$/.test(filename),
    }));
  files.push({
    repoType: "model",
    repoId: "org/m3-torch",
    commit: C,
    filename: "flax_model.msgpack",
    content: Buffer.from("flax"),
    lfs: true,
  });
}
const fake = useFakeHub(files);

test("--backend torch with a hub id: resolved for the torch purpose, scores equal the local ONNX export's (1e-4)", async (t) => {
  if (skip) return t.skip(skip);
  const reqs = [{ row: 0, query: "快递怎么办", docs: ["北京天安门", "我不知道"] }];
  const opts = {
    progress: false,
    cache: false,
    threads: 1,
    backend: "torch" as const,
    device: "cpu" as const,
    dtype: "fp32" as const,
    python: TORCH_PYTHON,
  };
  const viaHub = await loadNeuralReranker("org/m3-torch", opts);
  const a = await viaHub.score(reqs);
  assert.equal(viaHub.info.revision, C);
  await viaHub.close();
  // One worker start only (they are slow on a busy machine): the reference is the same model's ONNX export.
  const local = await loadNeuralReranker(dir, { progress: false, cache: false, threads: 1 });
  const b = (await local.score(reqs)).flat();
  await local.close();
  const d = Math.max(...a.flat().map((x, i) => Math.abs(x - b[i])));
  assert.ok(d <= 1e-4, `max |torch via hub - onnx local| = ${d}`);
  const asked = fake.hub.hubRequests.map((r) => r.url);
  assert.ok(!asked.some((u) => /\.onnx$|flax_model/.test(u)), `no graph and no flax weights for torch: ${asked.join(", ")}`);
});
