/**
 * A directory with vocab.txt and no tokenizer.json (issue 10 item 6): bench builds the tokenizer BertTokenizerFast
 * would, honouring do_lower_case; its ids equal Hugging Face's Rust tokenizer built by hand from the same vocab.txt
 * (WordPiece + BertNormalizer + BertPreTokenizer + BertProcessing + the special tokens), 0 differences over the
 * embedded sample and ../shared/data/t2ranking-dev100.jsonl, with and without lower-casing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readVocabTxt } from "../../src/tokenize/bert-vocab.js";
import { loadTokenizer } from "../../src/tokenize/tokenizer.js";
import { type Comparison, comparePairs, compareSingles, referenceTexts, type RustTokenizer } from "../helpers/hf-reference.js";

const VOCAB = resolve(import.meta.dirname, "../../scripts/models/tiny-zh/vocab.txt"); // bert-base-chinese's 21128 tokens
const data = referenceTexts();
for (const f of data.missing) console.error(`vocab-txt: SKIPPING ${f}: not present (only the other reference file is compared)`);
const require = createRequire(import.meta.url);
const hf = require("tokenizers") as {
  Tokenizer: new (
    model: unknown,
  ) => RustTokenizer & {
    setNormalizer(n: unknown): void;
    setPreTokenizer(p: unknown): void;
    setPostProcessor(p: unknown): void;
    addSpecialTokens(t: string[]): void;
  };
  WordPiece: {
    fromFile(path: string, o: { unkToken: string; continuingSubwordPrefix: string; maxInputCharsPerWord: number }): Promise<unknown>;
  };
  bertNormalizer(o: { cleanText: boolean; handleChineseChars: boolean; stripAccents: boolean; lowercase: boolean }): unknown;
  bertPreTokenizer(): unknown;
  bertProcessing(sep: [string, number], cls: [string, number]): unknown;
};

/** BertWordPieceTokenizer's pipeline, assembled with the Rust package's own classes. */
async function rustBert(vocabFile: string, lower: boolean): Promise<RustTokenizer> {
  const v = readVocabTxt(vocabFile);
  const tok = new hf.Tokenizer(
    await hf.WordPiece.fromFile(vocabFile, { unkToken: "[UNK]", continuingSubwordPrefix: "##", maxInputCharsPerWord: 100 }),
  );
  tok.setNormalizer(hf.bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: lower, lowercase: lower }));
  tok.setPreTokenizer(hf.bertPreTokenizer());
  tok.setPostProcessor(hf.bertProcessing(["[SEP]", v["[SEP]"]], ["[CLS]", v["[CLS]"]]));
  tok.addSpecialTokens(["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"]);
  return tok;
}

function vocabOnlyDir(t: { after(fn: () => void): void }, config: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-vocab-txt-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(VOCAB, join(dir, "vocab.txt"));
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(config));
  writeFileSync(
    join(dir, "special_tokens_map.json"),
    JSON.stringify({ cls_token: "[CLS]", mask_token: "[MASK]", pad_token: "[PAD]", sep_token: "[SEP]", unk_token: "[UNK]" }),
  );
  return dir;
}

for (const lower of [true, false]) {
  test(`vocab.txt without tokenizer.json, do_lower_case ${lower}: bench = HF Rust BertWordPiece, 0 differences`, async (t) => {
    const dir = vocabOnlyDir(t, { do_lower_case: lower, tokenizer_class: "BertTokenizer" });
    const ours = loadTokenizer(dir);
    assert.equal(ours.source, join(dir, "vocab.txt"));
    assert.deepEqual([ours.padId, ours.clsId, ours.vocabSize], [0, 101, 21128]);
    const ref = await rustBert(join(dir, "vocab.txt"), lower);
    const what = `vocab.txt lower=${lower}`;
    const results: Comparison[] = [
      await compareSingles(ours, ref, data.queries, 64, `${what} queries`),
      await compareSingles(ours, ref, data.passages, 512, `${what} passages`),
      await comparePairs(ours, ref, data.pairs, 256, what),
    ];
    for (const r of results) t.diagnostic(`${r.what}: ${r.n} inputs, ${r.differences} differences`);
    const bad = results.filter((r) => r.differences > 0);
    assert.equal(bad.length, 0, bad.map((r) => `${r.what}: ${r.differences} of ${r.n} differ:\n  ${r.examples.join("\n  ")}`).join("\n"));
  });
}

test("do_lower_case is honoured, and defaults to true as BertTokenizer's", (t) => {
  const ids = (cfg: Record<string, unknown>) => loadTokenizer(vocabOnlyDir(t, cfg)).encode("Hello Café", 32);
  const lower = ids({ do_lower_case: true });
  const cased = ids({ do_lower_case: false });
  assert.notDeepEqual(lower, cased);
  assert.deepEqual(ids({}), lower);
  // strip_accents set explicitly overrides "follow lowercase"
  assert.notDeepEqual(ids({ do_lower_case: true, strip_accents: false }), lower);
});

test("a directory with neither tokenizer.json nor vocab.txt is an error naming both", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bench-no-tok-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(
    () => loadTokenizer(dir),
    /tokenize: .*tokenizer\.json not found \(a model directory needs a Hugging Face tokenizer\.json, or a BERT vocab\.txt\)/,
  );
});
