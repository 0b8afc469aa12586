/**
 * bench's token ids = Hugging Face's Rust tokenizer's (npm `tokenizers`, dev-only reference), 0 differences
 * (issue 10 item 6): the real bge-small-zh-v1.5 WordPiece tokenizer and an XLM-R-layout Unigram tokenizer, over
 * every query and passage of the embedded sample and ../shared/data/t2ranking-dev100.jsonl, truncated at the
 * lengths eval and train use (queries 32/128/256, passages 256: bge-m3's and the seed's), and (query, passage)
 * pairs as a cross-encoder encodes them (LongestFirst at 512, and at 64 where both sides are cut).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadTokenizer, type TextTokenizer } from "../../src/tokenize/tokenizer.js";
import {
  type Comparison,
  comparePairs,
  compareSingles,
  referenceTexts,
  rustTokenizer,
  xlmrUnigramTokenizerJson,
} from "../helpers/hf-reference.js";

const BGE = resolve(import.meta.dirname, "../../../shared/tokenizers/bge-small-zh-v1.5");
const data = referenceTexts();
for (const f of data.missing) console.error(`hf-reference: SKIPPING ${f}: not present (only the other reference file is compared)`);

/** Runs every comparison for one tokenizer; asserts 0 differences, reporting each comparison's size. */
async function compareAll(t: { diagnostic(s: string): void }, ours: TextTokenizer, tokenizerJson: string, name: string): Promise<void> {
  const ref = rustTokenizer(tokenizerJson);
  const results: Comparison[] = [];
  for (const L of [32, 128, 256]) results.push(await compareSingles(ours, ref, data.queries, L, `${name} queries`));
  results.push(await compareSingles(ours, ref, data.passages, 256, `${name} passages`));
  results.push(await comparePairs(ours, ref, data.pairs, 512, name));
  results.push(await comparePairs(ours, ref, data.pairs.slice(0, 400), 64, name)); // both sides cut
  for (const r of results) t.diagnostic(`${r.what}: ${r.n} inputs, ${r.differences} differences`);
  const bad = results.filter((r) => r.differences > 0);
  assert.equal(bad.length, 0, bad.map((r) => `${r.what}: ${r.differences} of ${r.n} differ:\n  ${r.examples.join("\n  ")}`).join("\n"));
}

test("reference texts are there (the embedded sample at least)", () => {
  assert.ok(data.queries.length >= 40 && data.passages.length >= 200, `${data.queries.length} queries, ${data.passages.length} passages`);
});

// Every tokenizer under ../shared/tokenizers (today bge-small-zh-v1.5's WordPiece; drop bge-m3's tokenizer.json
// there to compare a real XLM-R Unigram with its Precompiled charsmap, which the JS library approximates by NFKC).
const SHARED_TOKENIZERS = resolve(import.meta.dirname, "../../../shared/tokenizers");
const shared = existsSync(SHARED_TOKENIZERS)
  ? readdirSync(SHARED_TOKENIZERS)
      .filter((d) => existsSync(join(SHARED_TOKENIZERS, d, "tokenizer.json")))
      .sort()
  : [];

test("bge-small-zh-v1.5 is among the shared tokenizers", (t) => {
  if (!existsSync(BGE)) return t.skip(`SKIPPED: ${BGE} is missing (../shared not present); the WordPiece reference comparison did not run`);
  assert.ok(shared.includes("bge-small-zh-v1.5"), shared.join(", "));
});

for (const name of shared) {
  test(`${name} (../shared/tokenizers): bench = HF Rust tokenizers, 0 differences`, async (t) => {
    const dir = join(SHARED_TOKENIZERS, name);
    await compareAll(t, loadTokenizer(dir), join(dir, "tokenizer.json"), name);
  });
}

test("the test's precompiled charsmap is applied by the Rust tokenizer (full-width forms, ①, U+3000)", async () => {
  const tj = xlmrUnigramTokenizerJson([...data.queries, ...data.passages]);
  const ref = rustTokenizer(JSON.stringify(tj));
  const ids = async (s: string) => (await ref.encode(s)).getIds().join(",");
  assert.equal(await ids("ＡＢＣ１２３"), await ids("ABC123"));
  assert.equal(await ids("①②"), await ids("12"));
  assert.equal(await ids("x\u3000y"), await ids("x y"));
});

test("XLM-R-layout Unigram (Precompiled charsmap, Metaspace, <s> A </s>): bench = HF Rust tokenizers, 0 differences", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bench-xlmr-unigram-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tj = xlmrUnigramTokenizerJson([...data.queries, ...data.passages]);
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(tj));
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ pad_token: "<pad>", tokenizer_class: "XLMRobertaTokenizer" }));
  const ours = loadTokenizer(dir);
  t.diagnostic(`Unigram vocabulary: ${(tj.model as { vocab: unknown[] }).vocab.length} pieces`);
  await compareAll(t, ours, join(dir, "tokenizer.json"), "XLM-R Unigram");
});
