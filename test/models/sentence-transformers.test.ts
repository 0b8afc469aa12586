/**
 * Dense sentence-transformers repos (modules.json + 1_Pooling/config.json + Normalize) on the bge-m3 layout:
 * without colbert_linear.pt the repo is a dense CLS model whose cosine scores equal torch's; with it ColBERT
 * wins; bench_model.json chooses dense explicitly; unsupported pooling is an error naming the file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tokenizer } from "tokenizers";
import { BenchError } from "../../src/errors.js";
import { loadNeuralReranker } from "../../src/models/neural-reranker.js";
import { referenceScores, writeBgeM3Repo } from "../helpers/seed-repos.js";
import { torchSkipReason } from "../train/helpers.js";

const skip = torchSkipReason();
const work = mkdtempSync(join(tmpdir(), "bench-st-"));
test.after(() => rmSync(work, { recursive: true, force: true }));
const REQ = [
  { row: 0, query: "快递怎么办", docs: ["北京快递", "我不知道", "天安门在北京"] },
  { row: 1, query: "学生会", docs: ["好看的学生", "北京天安门"] },
];
const quiet = { progress: false, cache: false, threads: 1 } as const;

test("bge-m3 layout: ColBERT with colbert_linear.pt; dense CLS + Normalize (modules.json) without it, scores equal torch's; bench_model.json picks dense explicitly", async (t) => {
  if (skip) return t.skip(skip);
  const repo = writeBgeM3Repo(join(work, "bge-m3"), { texts: REQ.flatMap((r) => [r.query, ...r.docs]) });
  const colbert = await loadNeuralReranker(repo, quiet);
  assert.equal(colbert.config.type, "colbert");
  await colbert.close();

  const dense = join(work, "dense");
  cpSync(repo, dense, { recursive: true });
  rmSync(join(dense, "colbert_linear.pt"));
  const rr = await loadNeuralReranker(dense, quiet);
  assert.deepEqual([rr.config.type, rr.config.pooling, rr.config.normalized, rr.info.similarityFn], ["dense", "cls", true, "cosine"]);
  assert.equal(rr.info.extra?.config_origin, "detected sentence-transformers export (modules.json: cls pooling + Normalize)");
  const got = (await rr.score(REQ)).flat();
  await rr.close();
  const tok = Tokenizer.fromFile(join(repo, "tokenizer.json"));
  const ids = async (s: string): Promise<number[]> => (await tok.encode(s)).getIds();
  const queries = await Promise.all(REQ.map((r) => ids(r.query)));
  const docs = await Promise.all(REQ.flatMap((r) => r.docs).map(ids));
  let k = 0;
  const pairs = REQ.flatMap((r, qi) => r.docs.map((): [number, number] => [qi, k++]));
  const want = referenceScores(repo, { queries, docs, pairs, mode: "dense-cls" }, work);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-6, `pair ${i}: ${v} vs torch ${want[i]}`));

  // bge-m3's repo has both; bench_model.json chooses the dense side explicitly.
  writeFileSync(
    join(repo, "bench_model.json"),
    JSON.stringify({
      format: "bench-model/1",
      type: "dense",
      onnx_file: "onnx/model.onnx",
      output: "last_hidden_state",
      output_layout: "tokens",
      pooling: "cls",
      normalized: false,
    }),
  );
  const explicit = await loadNeuralReranker(repo, quiet);
  const e = (await explicit.score(REQ)).flat();
  await explicit.close();
  e.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-6, `explicit dense pair ${i}: ${v} vs ${want[i]}`));

  // Pooling bench cannot reproduce is an error naming the file, not a silent fallback.
  writeFileSync(
    join(dense, "1_Pooling", "config.json"),
    JSON.stringify({ pooling_mode_cls_token: false, pooling_mode_mean_tokens: false, pooling_mode_max_tokens: true }),
  );
  await assert.rejects(
    loadNeuralReranker(dense, quiet),
    (err: unknown) =>
      err instanceof BenchError &&
      err.exitCode === 3 &&
      /1_Pooling\/config\.json: bench supports exactly one of pooling_mode_cls_token, pooling_mode_mean_tokens; this sets pooling_mode_max_tokens/.test(
        err.message,
      ),
  );
});
