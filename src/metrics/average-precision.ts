/**
 * Binary average precision exactly as scikit-learn's `average_precision_score` (docs/spec.md §2.3; sklearn
 * `sklearn/metrics/_ranking.py` @ 000ab8a4 and 1.3's `_binary_clf_curve` / `precision_recall_curve`, full curve
 * since PR #23214). Tied scores form one threshold, so AP does not depend on tie order (MRR does, see rank.ts).
 */
import { pairwiseSum } from "./pairwise-sum.js";

/**
 * AP of `scores` against `isRelevant`, both float64 (pass float32-rounded scores for MTEB parity).
 * 1. sort descending; 2. one threshold at the last index of each run of equal scores; tp_k = positives at or above
 * it, fp_k = idx_k + 1 − tp_k; 3. precision = tp/(tp+fp), recall = tp/tp_K; 4. reverse and append the sentinels
 * precision 1, recall 0; 5. AP = −Σ (rec[i+1] − rec[i])·prec[i], summed with numpy's pairwise sum.
 * Current sklearn returns max(0, −sum) and 1.3 returned −sum; they differ only for −0.0, which needs zero positives.
 * With no positive sklearn warns and defines recall as 1, giving AP 0; MTEB drops such rows before this point.
 */
export function averagePrecision(isRelevant: readonly boolean[], scores: ArrayLike<number>): number {
  const n = scores.length;
  if (isRelevant.length !== n) throw new Error(`averagePrecision: ${isRelevant.length} labels for ${n} scores`);
  if (n === 0) return 0;
  // Tie order inside a run is irrelevant (runs are grouped), so any sort will do; keep it deterministic anyway.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const tps: number[] = [];
  const idxs: number[] = [];
  let tp = 0;
  for (let i = 0; i < n; i++) {
    if (isRelevant[order[i]]) tp++;
    // np.diff(score) != 0 marks the end of a run; the last index always closes one.
    if (i === n - 1 || scores[order[i]] !== scores[order[i + 1]]) {
      tps.push(tp);
      idxs.push(i);
    }
  }
  const tpK = tps[tps.length - 1];
  if (tpK === 0) return 0;
  const K = tps.length;
  // Reversed curves with sentinels: prec = [P_K..P_1, 1], rec = [R_K..R_1, 0].
  const prec = new Float64Array(K + 1);
  const rec = new Float64Array(K + 1);
  for (let j = 0; j < K; j++) {
    const k = K - 1 - j;
    prec[j] = tps[k] / (idxs[k] + 1); // tp + fp = idx + 1
    rec[j] = tps[k] / tpK;
  }
  prec[K] = 1;
  rec[K] = 0;
  const terms = new Float64Array(K);
  for (let i = 0; i < K; i++) terms[i] = (rec[i + 1] - rec[i]) * prec[i];
  return Math.max(0, -pairwiseSum(terms));
}
