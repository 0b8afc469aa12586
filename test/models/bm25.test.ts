import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDatasetFile } from "../../src/data/load.js";
import { BenchError } from "../../src/errors.js";
import { evaluateReranking } from "../../src/metrics/evaluate.js";
import { createBm25 } from "../../src/models/bm25.js";
import type { ScoreRequest } from "../../src/models/types.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dev100 = resolve(repoRoot, "../shared/data/t2ranking-dev100.jsonl");

// The toy collection, worked by hand with k1 = 1.2, b = 0.75 (N = 3, avgdl = (3 + 2 + 4) / 3 = 3):
//   d0 = apple×2 banana (|d| 3), d1 = banana cherry (|d| 2), d2 = cherry×3 durian (|d| 4)
//   df: apple 1, banana 2, cherry 2, durian 1
//   idf(apple)  = ln(1 + (3 − 1 + 0.5)/(1 + 0.5)) = ln(8/3);  idf(cherry) = ln(1 + (3 − 2 + 0.5)/(2 + 0.5)) = ln(1.6)
//   K(d) = k1·(1 − b + b·|d|/avgdl): K(d0) = 1.2, K(d1) = 0.9, K(d2) = 1.5
//   query "apple cherry":
//     d0 = ln(8/3) · 2·2.2/(2 + 1.2) = 1.3486402228911234
//     d1 = ln(1.6) · 1·2.2/(1 + 0.9) = 0.5442147286003255
//     d2 = ln(1.6) · 3·2.2/(3 + 1.5) = 0.689338656227079
// (decimals from CPython's math.log, i.e. computed outside this code base)
const D0 = "apple banana apple";
const D1 = "banana cherry";
const D2 = "cherry cherry cherry durian";
const near = (got: number, want: number, what: string): void =>
  assert.ok(Math.abs(got - want) <= 1e-12, `${what}: got ${got}, want ${want}`);

test("bm25 scores a 3-document toy list exactly as worked by hand", async () => {
  const [s] = await createBm25().score([{ row: 0, query: "apple cherry", docs: [D0, D1, D2] }]);
  near(s[0], 1.3486402228911234, "d0");
  near(s[1], 0.5442147286003255, "d1");
  near(s[2], 0.689338656227079, "d2");
});

test("a query term repeated in the query counts twice (qtf weighting); unknown terms add nothing", async () => {
  const [s] = await createBm25().score([{ row: 0, query: "Cherry, CHERRY! zebra", docs: [D0, D1, D2] }]);
  near(s[0], 0, "d0");
  near(s[1], 2 * 0.5442147286003255, "d1"); // 1.088429457200651
  near(s[2], 2 * 0.689338656227079, "d2");
});

test('stats "list" uses each candidate list, counting a repeated passage once; "all" uses every distinct passage of the call', async () => {
  const reqs: ScoreRequest[] = [
    { row: 0, query: "apple", docs: [D0, D1, D0] },
    { row: 1, query: "cherry", docs: [D2, D1] },
  ];
  // list, request 0: collection {d0, d1}: N = 2, avgdl = 2.5, idf(apple) = ln 2, K(d0) = 1.2·(0.25 + 0.75·3/2.5) = 1.38
  //   d0 = ln 2 · 4.4/3.38 = 0.902321773509988
  const list = await createBm25({ stats: "list" }).score(reqs);
  near(list[0][0], 0.902321773509988, "list d0");
  assert.equal(list[0][2], list[0][0]);
  assert.equal(list[0][1], 0);
  // all: the collection is {d0, d1, d2} for both requests: the hand-worked figures of the first test.
  const all = await createBm25({ stats: "all" }).score(reqs);
  near(all[0][0], 1.3486402228911234, "all d0");
  near(all[1][0], 0.689338656227079, "all d2");
  near(all[1][1], 0.5442147286003255, "all d1");
});

test("Chinese text is scored over character bigrams by default", async () => {
  // Bigrams: q = {北京, 京大, 大学}; d0 = {北京, 京大, 大学} (|d| 3), d1 = {上海, 海大, 大学} (|d| 3), d2 = {天气} (|d| 1).
  // N = 3, avgdl = 7/3; idf(北京) = idf(京大) = ln(1 + 2.5/1.5) = ln(8/3), idf(大学) = ln(1 + 1.5/2.5) = ln(1.6)
  // K(d0) = K(d1) = 1.2·(0.25 + 0.75·3/(7/3)) = 1.2·(0.25 + 27/28); tf = 1 everywhere, so each term adds idf·2.2/(1 + K)
  const K = 1.2 * (0.25 + 0.75 * (3 / (7 / 3)));
  const [s] = await createBm25().score([{ row: 0, query: "北京大学", docs: ["北京大学", "上海大学", "天气"] }]);
  near(s[0], ((2 * Math.log(8 / 3) + Math.log(1.6)) * 2.2) / (1 + K), "d0");
  near(s[1], (Math.log(1.6) * 2.2) / (1 + K), "d1");
  assert.equal(s[2], 0);
  near(s[0], 2.1771858652991565, "d0 (CPython)");
  near(s[1], 0.42081720292932145, "d1 (CPython)");
});

test("empty queries, term-less documents and all-empty lists give finite zeros", async () => {
  const out = await createBm25().score([
    { row: 0, query: "", docs: [D0, D1] },
    { row: 1, query: "apple", docs: ["", "，。！"] },
    { row: 2, query: "？？", docs: ["…", ""] },
  ]);
  assert.deepEqual(out, [
    [0, 0],
    [0, 0],
    [0, 0],
  ]);
});

test("scores are deterministic and, with list statistics, independent of the other requests", async () => {
  const reqs: ScoreRequest[] = [
    { row: 0, query: "感冒了可以吃抗生素吗", docs: ["感冒大多由病毒引起，抗生素无效。", "抗生素的种类很多。", "感冒了可以吃水果。"] },
    { row: 1, query: "Python list tuple 区别", docs: ["list 可变，tuple 不可变。", "Java ArrayList"] },
  ];
  const m = createBm25();
  const a = await m.score(reqs);
  const b = await createBm25().score(reqs);
  assert.deepEqual(a, b);
  assert.deepEqual(await m.score([reqs[1]]), [a[1]]);
  for (const list of a) for (const v of list) assert.ok(Number.isFinite(v));
  const progress: Array<[number, number]> = [];
  await m.score(reqs, (done, total) => progress.push([done, total]));
  assert.deepEqual(progress, [
    [3, 5],
    [5, 5],
  ]);
});

test("ModelInfo describes the variant", () => {
  const { info } = createBm25();
  assert.equal(info.name, "bm25");
  assert.equal(info.revision, null);
  assert.equal(info.modelType, "lexical");
  assert.equal(info.similarityFn, null);
  assert.deepEqual(info.framework, ["bench"]);
  assert.deepEqual({ k1: info.extra?.k1, b: info.extra?.b, chinese: info.extra?.chinese_terms }, { k1: 1.2, b: 0.75, chinese: "bigram" });
  assert.equal(createBm25({ chinese: "icu-word", stats: "all" }).info.extra?.chinese_terms, "icu-word");
});

test("bad options are usage errors that name the option", () => {
  assert.throws(
    () => createBm25({ k1: -1 }),
    (e: unknown) => e instanceof BenchError && e.exitCode === 2 && /^eval: bm25 option k1/.test(e.message),
  );
  assert.throws(() => createBm25({ b: 1.5 }), /eval: bm25 option b must be in \[0, 1\], got 1.5/);
  assert.throws(() => createBm25({ k1: Number.NaN }), /option k1/);
  assert.throws(
    () => createBm25({ chinese: "trigram" as never }),
    /option chinese must be one of unigram, bigram, unigram\+bigram, icu-word, got 'trigram'/,
  );
  assert.throws(() => createBm25({ stats: "corpus" as never }), /option stats must be one of list, all/);
});

test("t2ranking-dev100: the default bm25 scores the MAP/MRR@10 recorded in docs/bm25.md", async (t) => {
  if (!existsSync(dev100)) {
    t.skip(
      `SKIPPED: ${dev100} is missing (real T2Ranking text lives outside the repo in ../shared); cannot check the docs/bm25.md figures`,
    );
    return;
  }
  const { rows } = await loadDatasetFile(dev100);
  const { scores, nEvaluated } = await evaluateReranking(rows, createBm25(), { recall: false });
  assert.equal(nEvaluated, 95);
  assert.equal(scores.map.toFixed(4), "0.6036");
  assert.equal(scores.mrr.toFixed(4), "0.7299");
  // The SOURCES.md reference (character-bigram BM25 inside each candidate list): MAP 0.605, MRR@10 0.732.
  assert.ok(Math.abs(scores.map - 0.605) < 0.005 && Math.abs(scores.mrr - 0.732) < 0.005);
});
