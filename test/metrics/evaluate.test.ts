import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { RerankRow } from "../../src/data/types.js";
import { BenchError } from "../../src/errors.js";
import { evaluateReranking } from "../../src/metrics/evaluate.js";
import type { ModelInfo, Reranker, ScoreRequest } from "../../src/models/types.js";

/**
 * A real, deterministic Reranker: score = share of the document's characters that occur in the query.
 * It produces fractional scores (float32 rounding matters), exact ties and zero scores.
 */
class CharOverlapReranker implements Reranker {
  readonly info: ModelInfo = {
    name: "test/char-overlap",
    revision: null,
    modelType: "lexical",
    similarityFn: null,
    framework: [],
    nParameters: null,
    embedDim: null,
    maxTokens: null,
  };
  requests: ScoreRequest[] = [];
  async score(requests: ScoreRequest[]): Promise<number[][]> {
    this.requests = requests;
    return requests.map(({ query, docs }) => {
      const q = new Set(query);
      return docs.map((d) => {
        const chars = [...d]; // code points, as Python's len() and iteration
        return chars.filter((c) => q.has(c)).length / chars.length;
      });
    });
  }
  async close(): Promise<void> {}
}

/** A Reranker that returns whatever it was built with, to exercise the evaluator's checks on model output. */
class FixedReranker implements Reranker {
  readonly info: ModelInfo = {
    name: "fixed",
    revision: null,
    modelType: "precomputed",
    similarityFn: null,
    framework: [],
    nParameters: null,
    embedDim: null,
    maxTokens: null,
  };
  constructor(private readonly out: (req: ScoreRequest[]) => number[][]) {}
  async score(requests: ScoreRequest[]): Promise<number[][]> {
    return this.out(requests);
  }
  async close(): Promise<void> {}
}

// Our own toy rows (not dataset text). Rows 2 and 5 lack negatives/positives and must be dropped; row 4 is a list query.
const ROWS: RerankRow[] = [
  { query: "北京天气", positive: ["北京今天天气晴", "天气预报北京"], negative: ["上海的美食", "北京烤鸭很好吃", "明天会下雨吗"] },
  { query: "苹果手机价格", positive: ["苹果手机的价格是多少"], negative: ["香蕉价格", "苹果是一种水果", "手机壳", "价格"] },
  { query: "no negatives here", positive: ["x"], negative: [] },
  {
    query: "机器学习",
    positive: ["深度学习是机器学习的分支"],
    negative: ["机器", "学习", "机器学习课程", "烹饪", "足球", "篮球", "音乐", "电影", "旅行", "读书", "游泳", "跑步"],
  },
  { query: ["猫", "狗粮"], positive: ["狗粮品牌推荐", "猫砂"], negative: ["猫狗大战", "宠物医院", "粮食安全"] },
  { query: "abc", positive: [], negative: ["abc"] },
  { query: "相同", positive: ["相同", "同相"], negative: ["相同", "不同"] },
  { query: "ab", positive: ["zz"], negative: ["yy", "xx"] },
  { query: "ab", positive: ["zzz"], negative: ["a", "b", "ab", "ba", "aab", "abb", "bba", "a1", "b1", "a2", "b2"] },
];

test("evaluateReranking reproduces a numpy/sklearn transcription of mteb's RerankingEvaluator bit for bit", async () => {
  const model = new CharOverlapReranker();
  const ev = await evaluateReranking(ROWS, model);
  // Expected: numpy 1.24 (float32 scores, amax over sub-queries, sklearn-1.3 AP transcription, stable argsort,
  // np.mean, mteb nAUC), computed at dev time from the same rows and scorer.
  assert.deepEqual(ev.scores, {
    map: 0.5238095238095238,
    mrr: 0.6547619047619048,
    nAUC_map_max: -0.5641693811074919,
    nAUC_map_std: -0.3874592833876223,
    nAUC_map_diff1: 0.23102605863192135,
    nAUC_mrr_max: -0.9125063895041742,
    nAUC_mrr_std: -0.8409439427500426,
    nAUC_mrr_diff1: -0.06389504174476036,
    recall_at_10: 0.8571428571428571,
    nAUC_recall_at_10_max: -1.8411764705882332,
    nAUC_recall_at_10_std: -0.6058823529411753,
    nAUC_recall_at_10_diff1: 0.35490196078431413,
  });
  assert.deepEqual(Object.keys(ev.scores).slice(0, 2), ["map", "mrr"]);
  assert.equal(ev.nEvaluated, 7);
  assert.equal(ev.nDropped, 2);
  assert.equal(ev.tieWarnings, 2); // "相同" (positive ties a negative at 1.0) and the all-zero "ab" row
  assert.deepEqual(
    ev.perQuery.map((p) => [p.row, p.ap, p.rr, p.n_pos, p.n_neg]),
    [
      [0, 1.0, 1.0, 2, 3],
      [1, 0.3333333333333333, 0.3333333333333333, 1, 4],
      [3, 0.25, 0.25, 1, 12],
      [4, 1.0, 1.0, 2, 3],
      [6, 0.6666666666666666, 1.0, 2, 2],
      [7, 0.3333333333333333, 1.0, 1, 2],
      [8, 0.08333333333333333, 0, 1, 11],
    ],
  );
  assert.deepEqual(ev.perQuery[3].query, ["猫", "狗粮"]);
  // Requests: one per sub-query, `row` = index in ROWS, docs = positives then negatives.
  assert.equal(model.requests.length, 8);
  assert.deepEqual(
    model.requests.map((r) => [r.row, r.query]),
    [
      [0, "北京天气"],
      [1, "苹果手机价格"],
      [3, "机器学习"],
      [4, "猫"],
      [4, "狗粮"],
      [6, "相同"],
      [7, "ab"],
      [8, "ab"],
    ],
  );
  assert.deepEqual(model.requests[0].docs, ["北京今天天气晴", "天气预报北京", "上海的美食", "北京烤鸭很好吃", "明天会下雨吗"]);
  assert.ok(ev.evaluationSeconds >= 0);
});

test("constant scorer: AP depends on the positive share, MRR is 1.0 under 1.1.1 rules, every query is tie-flagged", async () => {
  const ev = await evaluateReranking(ROWS, new FixedReranker((req) => req.map((r) => r.docs.map(() => 0.5))));
  assert.equal(ev.scores.mrr, 1.0);
  assert.equal(ev.tieWarnings, ev.nEvaluated);
  assert.equal(ev.perQuery[0].ap, 0.4); // 2 positives of 5, one tied group
  assert.ok(Number.isNaN(ev.scores.nAUC_mrr_max as number), "flat oracle → NaN, as mteb");
  assert.equal(ev.scores.recall_at_10, 1.0); // positives come first inside the tie, so every one is in the top 10
});

test("recall: false leaves recall_at_10 and its nAUCs out (the 1.12-era metric set)", async () => {
  const ev = await evaluateReranking(ROWS, new CharOverlapReranker(), { recall: false });
  assert.deepEqual(Object.keys(ev.scores), [
    "map",
    "mrr",
    "nAUC_map_max",
    "nAUC_map_std",
    "nAUC_map_diff1",
    "nAUC_mrr_max",
    "nAUC_mrr_std",
    "nAUC_mrr_diff1",
  ]);
  assert.equal(ev.scores.map, 0.5238095238095238);
});

test("scores are rounded to float32 before ranking: values equal in float32 tie", async () => {
  const a = 0.1;
  const b = 0.1 + 1e-12; // distinct doubles, identical float32
  const rows: RerankRow[] = [{ query: "q", positive: ["p"], negative: ["n"] }];
  const ev = await evaluateReranking(rows, new FixedReranker(() => [[a, b]]));
  assert.equal(ev.perQuery[0].ap, 0.5);
  assert.equal(ev.tieWarnings, 1);
  const ev2 = await evaluateReranking(rows, new FixedReranker(() => [[0.1, 0.2]]));
  assert.equal(ev2.perQuery[0].ap, 0.5);
  assert.equal(ev2.perQuery[0].rr, 0.5);
  assert.equal(ev2.tieWarnings, 0);
});

test("bad model output → BenchError naming the model and the row", async () => {
  const rows: RerankRow[] = [
    { query: "q", positive: ["p"], negative: ["n"] },
    { query: "r", positive: ["p"], negative: ["n", "m"] },
  ];
  const cases: [number[][], RegExp][] = [
    [
      [
        [1, 2],
        [1, NaN, 3],
      ],
      /^eval: model fixed returned NaN for row 1 \(document 1\)/,
    ],
    [
      [
        [Infinity, 2],
        [1, 2, 3],
      ],
      /^eval: model fixed returned Infinity for row 0/,
    ],
    [
      [
        [1, 2],
        [1, 2],
      ],
      /^eval: model fixed returned 2 scores for row 1 \(expected 3/,
    ],
    [[[1, 2]], /^eval: model fixed returned 1 score lists for 2 requests/],
    [
      [
        [1, 2],
        [1, 2, 1e300],
      ],
      /overflows float32/,
    ],
  ];
  for (const [out, re] of cases) {
    await assert.rejects(
      evaluateReranking(rows, new FixedReranker(() => out)),
      (e: unknown) => e instanceof BenchError && re.test(e.message),
    );
  }
});

test("no evaluable row and empty query lists are input errors", async () => {
  const m = new CharOverlapReranker();
  const is = (re: RegExp) => (e: unknown) => e instanceof BenchError && e.exitCode === 3 && re.test(e.message);
  await assert.rejects(
    evaluateReranking([{ query: "q", positive: [], negative: ["n"] }], m),
    is(/^eval: no row has both a positive and a negative/),
  );
  await assert.rejects(evaluateReranking([{ query: [], positive: ["p"], negative: ["n"] }], m), is(/^eval: row 0 has an empty query list/));
});

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), "../..", "../shared");
const DEV100 = join(SHARED, "data", "t2ranking-dev100.jsonl");

test("100 real T2Reranking dev rows: bit-identical to the numpy/sklearn transcription", async (t) => {
  if (!existsSync(DEV100)) {
    t.skip(`SKIPPED: ${DEV100} is missing (the read-only ../shared reference checkout is not present); cannot check real data`);
    return;
  }
  const rows = readFileSync(DEV100, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as RerankRow);
  const ev = await evaluateReranking(rows, new CharOverlapReranker());
  assert.equal(ev.nEvaluated, 95);
  assert.equal(ev.nDropped, 5);
  assert.equal(ev.tieWarnings, 0);
  assert.deepEqual(ev.scores, {
    map: 0.5691135688952186,
    mrr: 0.6359899749373433,
    nAUC_map_max: -0.08335248944438899,
    nAUC_map_std: -0.14478135297922728,
    nAUC_map_diff1: -0.2930059697667534,
    nAUC_mrr_max: -0.06191629599250639,
    nAUC_mrr_std: -0.1104868462205587,
    nAUC_mrr_diff1: -0.210566321041547,
    recall_at_10: 0.7584494837500838,
    nAUC_recall_at_10_max: 0.18426542514738362,
    nAUC_recall_at_10_std: 0.3599925626144909,
    nAUC_recall_at_10_diff1: 0.21471879376561312,
  });
});
