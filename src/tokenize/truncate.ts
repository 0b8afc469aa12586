/**
 * HF tokenizers' truncation rules (tokenizers `utils/truncation.rs`, strategy LongestFirst, direction Right),
 * applied to content tokens before the special tokens are added: the budget is max_length minus the number of
 * special tokens the template adds, as `TokenizerImpl::post_process` computes it.
 */

/** Lengths [n1, n2] that LongestFirst keeps of a pair whose content lengths are len1, len2 under `budget`. */
export function longestFirstLengths(len1: number, len2: number, budget: number): [number, number] {
  if (budget <= 0) return [0, 0];
  if (len1 + len2 <= budget) return [len1, len2];
  // With n1 the shorter: keep it whole if the longer can take the rest, else split the budget in half
  // (the odd token goes to the longer one).
  let n1 = len1;
  let n2 = len2;
  const swap = n1 > n2;
  if (swap) [n1, n2] = [n2, n1];
  n2 = n1 > budget ? n1 : Math.max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = Math.floor(budget / 2);
    n2 = n1 + (budget % 2);
  }
  return swap ? [n2, n1] : [n1, n2];
}

/** Keeps the first `budget` content tokens (right truncation of a single sequence). */
export function truncateSingle(content: number[], budget: number): number[] {
  return content.length <= budget ? content : content.slice(0, Math.max(0, budget));
}
