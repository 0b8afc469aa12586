import assert from "node:assert/strict";
import { test } from "node:test";
import { MRR_AT_K, reciprocalRankAtK } from "../../src/metrics/mrr.js";
import { rankDescending, topKDecidedByTie } from "../../src/metrics/rank.js";
import { recallAtK } from "../../src/metrics/recall.js";

const b = (xs: number[]) => xs.map((x) => x === 1);

test("rankDescending is a stable descending sort: ties keep index order (positives first)", () => {
  assert.deepEqual(rankDescending([0.2, 0.9, 0.9, 0.1, 0.9]), [1, 2, 4, 0, 3]);
  assert.deepEqual(rankDescending([1, 1, 1, 1]), [0, 1, 2, 3]);
  assert.deepEqual(rankDescending([0, -0, 0]), [0, 1, 2]);
  assert.deepEqual(rankDescending([]), []);
});

test("constant scorer: under the 1.1.1 rules (positives first, stable ties) it gets RR 1.0 — documented, not a bug", () => {
  const rel = b([1, 0, 0, 0, 0]);
  const scores = [0.5, 0.5, 0.5, 0.5, 0.5];
  const ranking = rankDescending(scores);
  assert.equal(reciprocalRankAtK(rel, ranking), 1.0);
  assert.equal(topKDecidedByTie(rel, scores, ranking, MRR_AT_K), true, "and it must be flagged as tie-decided");
});

test("MRR@10 hand table: rank of the first positive, 0 beyond k, k larger than the list", () => {
  // mteb's own test: is_relevant [1,1,1,0,…], ranking [5,2,6,…] → first relevant at rank 2 → 0.5.
  assert.equal(reciprocalRankAtK(b([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]), [5, 2, 6, 1, 3, 4, 7, 8, 9, 0], 10), 0.5);
  const rel = b([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const ranking = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0]; // positive at rank 12
  assert.equal(reciprocalRankAtK(rel, ranking, 10), 0);
  assert.equal(reciprocalRankAtK(rel, ranking, 12), 1 / 12);
  assert.equal(reciprocalRankAtK(rel, ranking, 100), 1 / 12); // k > list length
  assert.equal(reciprocalRankAtK(b([0, 1]), [0, 1], 10), 0.5);
});

test("recall@k: share of positives in the top k", () => {
  const rel = b([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const ranking = [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 11]; // second positive at rank 11
  assert.equal(recallAtK(rel, ranking, 10), 0.5);
  assert.equal(recallAtK(rel, ranking, 11), 1);
  assert.equal(recallAtK(rel, ranking, 50), 1);
  assert.equal(recallAtK(b([0, 0]), [0, 1], 10), 0);
});

test("topKDecidedByTie: only exact positive/negative ties that touch the top k count", () => {
  const rel = b([1, 0, 0]);
  assert.equal(topKDecidedByTie(rel, [0.9, 0.5, 0.5], [0, 1, 2], 10), false); // negatives tie among themselves
  assert.equal(topKDecidedByTie(rel, [0.5, 0.5, 0.1], [0, 1, 2], 10), true);
  assert.equal(topKDecidedByTie(b([1, 1, 0]), [0.5, 0.5, 0.1], [0, 1, 2], 10), false); // positives tie among themselves
  // k = 1: the positive at rank 1 ties with a negative at rank 2, just outside the top → still decided by the tie.
  assert.equal(topKDecidedByTie(rel, [0.5, 0.5, 0.1], [0, 1, 2], 1), true);
  // a tie far below the top k is irrelevant.
  const r12 = b([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const s12 = [1, 0.01, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.01];
  assert.equal(topKDecidedByTie(r12, s12, rankDescending(s12), 10), false);
});
