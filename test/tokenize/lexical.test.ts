import { test } from "node:test";
import assert from "node:assert/strict";
import { BenchError } from "../../src/errors.js";
import { lexicalTerms } from "../../src/tokenize/lexical.js";

test("Chinese: unigrams, bigrams (a lone character kept), both, and ICU words", () => {
  assert.deepEqual(lexicalTerms("北京大学", "unigram"), ["北", "京", "大", "学"]);
  assert.deepEqual(lexicalTerms("北京大学", "bigram"), ["北京", "京大", "大学"]);
  assert.deepEqual(lexicalTerms("北京大学", "unigram+bigram"), ["北", "京", "大", "学", "北京", "京大", "大学"]);
  assert.deepEqual(lexicalTerms("吗"), ["吗"]);
  // Bigrams never span punctuation: 「好，吗」 is two runs of one character.
  assert.deepEqual(lexicalTerms("好，吗"), ["好", "吗"]);
  assert.deepEqual(lexicalTerms("我们去北京", "icu-word"), ["我们", "去", "北京"]);
  // A CJK Extension B character is one code point but two UTF-16 units; it must stay one character.
  assert.deepEqual(lexicalTerms("𠀀中", "unigram"), ["𠀀", "中"]);
  assert.deepEqual(lexicalTerms("𠀀中"), ["𠀀中"]);
});

test("English/latin: lower-cased alphanumeric runs, split on everything else", () => {
  assert.deepEqual(lexicalTerms("Hello, World! It's e-mail."), ["hello", "world", "it", "s", "e", "mail"]);
  assert.deepEqual(lexicalTerms("  \t\n "), []);
  assert.deepEqual(lexicalTerms("Ünïcode café"), ["ünïcode", "café"]);
});

test("digits are kept as terms, split from Han and at decimal points", () => {
  assert.deepEqual(lexicalTerms("2024年"), ["2024", "年"]);
  assert.deepEqual(lexicalTerms("42.195公里"), ["42", "195", "公里"]);
  assert.deepEqual(lexicalTerms("WiFi 6 的速率 9.6Gbps", "bigram"), ["wifi", "6", "的速", "速率", "9", "6gbps"]);
});

test("mixed Chinese and latin: runs alternate without crossing", () => {
  assert.deepEqual(lexicalTerms("Python列表和tuple有什么区别", "bigram"), [
    "python",
    "列表",
    "表和",
    "tuple",
    "有什",
    "什么",
    "么区",
    "区别",
  ]);
  assert.deepEqual(lexicalTerms("abc中文", "unigram"), ["abc", "中", "文"]);
});

test("punctuation of every width is a separator and never a term", () => {
  assert.deepEqual(lexicalTerms("，。！？；：「」『』（）【】、…—·"), []);
  assert.deepEqual(lexicalTerms("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), []);
  assert.deepEqual(lexicalTerms("甲醛（HCHO）超标"), ["甲醛", "hcho", "超标"]);
});

test("full-width letters and digits fold to ASCII (NFKC) before lower-casing", () => {
  assert.deepEqual(lexicalTerms("ＡＩ大会２０２６"), ["ai", "大会", "2026"]);
  assert.deepEqual(lexicalTerms("ＷｉＦｉ，ｐｙｔｈｏｎ"), ["wifi", "python"]);
  assert.deepEqual(lexicalTerms("ＡＩ"), lexicalTerms("ai"));
});

test("an unknown Chinese mode is a usage error", () => {
  assert.throws(
    () => lexicalTerms("中文", "trigram" as never),
    (e: unknown) => e instanceof BenchError && e.exitCode === 2 && /unknown Chinese term mode 'trigram'/.test(e.message),
  );
});
