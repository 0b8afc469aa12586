import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { loadTokenizer, makeTokenizer } from "../../src/tokenize/tokenizer.js";
import { TINY_UNIGRAM_PIECES, unigramTokenizerJson, wordPieceTokenizerJson } from "../../scripts/lib/onnx-builder.js";

const SHARED = resolve(import.meta.dirname, "../..", "../shared");
const BGE = join(SHARED, "tokenizers/bge-small-zh-v1.5");

// Expected ids are read off vocab.txt by hand: id = line number - 1 (bert-base-chinese vocabulary, each Chinese
// character is its own WordPiece token): 我 line 2770 → 2769, 爱 4264 → 4263, 北 1267 → 1266, 京 777 → 776,
// 天 1922 → 1921, 安 2129 → 2128, 门 7306 → 7305, 快 2572 → 2571, 递 6854 → 6853, 怎 2583 → 2582,
// 么 721 → 720, 办 1216 → 1215; [PAD] line 1 → 0, [CLS] → 101, [SEP] → 102.
const WO_AI_BEIJING_TIANANMEN = [2769, 4263, 1266, 776, 1921, 2128, 7305];
const KUAIDI_ZENMEBAN = [2571, 6853, 2582, 720, 1215];

test("bge-small-zh-v1.5 WordPiece: single sequences, truncation keeps [SEP]", (t) => {
  if (!existsSync(BGE)) return t.skip(`SKIPPED: ${BGE} is missing (../shared not present); real-vocabulary id checks not run`);
  const tok = loadTokenizer(BGE);
  assert.equal(tok.padId, 0);
  assert.equal(tok.clsId, 101);
  assert.equal(tok.vocabSize, 21128);
  assert.deepEqual(tok.encode("我爱北京天安门", 512), [101, ...WO_AI_BEIJING_TIANANMEN, 102]);
  // HF truncation of a single sequence: content cut to max_length - 2, then [CLS] … [SEP] added back.
  assert.deepEqual(tok.encode("我爱北京天安门", 5), [101, 2769, 4263, 1266, 102]);
  assert.deepEqual(tok.encode("我爱北京天安门", 9), [101, ...WO_AI_BEIJING_TIANANMEN, 102]);
  assert.deepEqual(tok.encode("", 8), [101, 102]);
  assert.throws(() => tok.encode("我", 1), /tokenize: max length must be an integer ≥ 2/);
});

test("bge-small-zh-v1.5 WordPiece: pairs with token types and LongestFirst truncation", (t) => {
  if (!existsSync(BGE)) return t.skip(`SKIPPED: ${BGE} is missing (../shared not present); real-vocabulary id checks not run`);
  const tok = loadTokenizer(BGE);
  const full = tok.encodePair("快递怎么办", "我爱北京", 512);
  assert.deepEqual(full.ids, [101, ...KUAIDI_ZENMEBAN, 102, 2769, 4263, 1266, 776, 102]);
  assert.deepEqual(full.typeIds, [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  // max 8 → budget 5 for content 5 + 4: both cut, the longer (A) gets the odd token: A 3, B 2.
  const cut = tok.encodePair("快递怎么办", "我爱北京", 8);
  assert.deepEqual(cut.ids, [101, 2571, 6853, 2582, 102, 2769, 4263, 102]);
  assert.deepEqual(cut.typeIds, [0, 0, 0, 0, 0, 1, 1, 1]);
  // max 10 → budget 7: 4 + 4 > 7, so the budget is split 3/4 with the odd token to the longer: A keeps 4, B 3.
  assert.deepEqual(tok.encodePair("快递怎么办", "我爱北京", 10).ids, [101, 2571, 6853, 2582, 720, 102, 2769, 4263, 1266, 102]);
});

test("template assembly equals the library's own post-processor when nothing is truncated", (t) => {
  if (!existsSync(BGE)) return t.skip(`SKIPPED: ${BGE} is missing (../shared not present)`);
  const json = JSON.parse(readFileSync(join(BGE, "tokenizer.json"), "utf8"));
  const lib = new Tokenizer(json, {});
  const tok = loadTokenizer(BGE);
  for (const [a, b] of [
    ["蜂巢取快递验证码摁错怎么办", "重新获取取件码,点击屏幕上的取快递"],
    ["Hello 世界 123", "ｆｕｌｌ width"],
  ]) {
    assert.deepEqual(tok.encode(a, 512), lib.encode(a).ids);
    const p = lib.encode(a, { text_pair: b, return_token_type_ids: true });
    assert.deepEqual(tok.encodePair(a, b, 512), { ids: p.ids, typeIds: p.token_type_ids });
  }
});

const pieceId = (piece: string): number => 4 + TINY_UNIGRAM_PIECES.findIndex(([p]) => p === piece);

test("XLM-R layout Unigram: <s>=0 <pad>=1 </s>=2, pair template <s> A </s></s> B </s>, truncation keeps </s>", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-tok-"));
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(unigramTokenizerJson(TINY_UNIGRAM_PIECES)));
  const tok = loadTokenizer(dir);
  assert.equal(tok.padId, 1);
  assert.equal(tok.clsId, 0);
  assert.equal(tok.vocabSize, TINY_UNIGRAM_PIECES.length + 5);
  // "▁快递" (log-prob -2) + "怎么办" (-2.5) beats every split into single characters (≤ -5 each).
  assert.deepEqual(tok.encode("快递怎么办", 64), [0, pieceId("▁快递"), pieceId("怎么办"), 2]);
  assert.deepEqual(tok.encode("快递怎么办", 3), [0, pieceId("▁快递"), 2]);
  const pair = tok.encodePair("北京", "快递", 64);
  assert.deepEqual(pair.ids, [0, pieceId("▁北京"), 2, 2, pieceId("▁快递"), 2]);
  assert.deepEqual(pair.typeIds, [0, 0, 0, 0, 0, 0]);
});

test("tiny WordPiece tokenizer (no ../shared): lowercase, ## pieces, [UNK]", () => {
  const vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "un", "##believ", "##able", "中", "国"];
  const tok = makeTokenizer(wordPieceTokenizerJson(vocab), {}, "inline");
  assert.deepEqual(tok.encode("Hello unbelievable 中国 xyz", 64), [2, 5, 7, 8, 9, 10, 11, 1, 3]);
  assert.equal(tok.padId, 0);
  assert.equal(tok.clsId, 2);
  assert.deepEqual(tok.encodePair("hello", "world", 64), { ids: [2, 5, 3, 6, 3], typeIds: [0, 0, 0, 1, 1] });
});

test("loadTokenizer: missing file and bad post_processor are stage-prefixed input errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-tok-"));
  assert.throws(() => loadTokenizer(dir), /^BenchError: tokenize: .*tokenizer\.json not found/);
  const bad = { ...wordPieceTokenizerJson(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]), post_processor: { type: "ByteLevel" } };
  assert.throws(
    () => makeTokenizer(bad, {}, "x/tokenizer.json"),
    /tokenize: x\/tokenizer\.json: post_processor type "ByteLevel" is not supported/,
  );
});
