/**
 * numpy's float64 summation, bit for bit (docs/spec.md §2.3). `np.sum`/`np.mean` over a contiguous float64 array do not add
 * left to right: they call DOUBLE_pairwise_sum (numpy/_core/src/umath/loops_utils.h.src, PW_BLOCKSIZE = 128), which
 * unrolls into 8 accumulators and recurses on halves. MTEB's map/mrr are np.mean of per-query values, so matching
 * the last bit of a published result needs this exact association order.
 */

/** numpy's PW_BLOCKSIZE: blocks up to this length are summed with the 8-way unrolled loop. */
const PW_BLOCKSIZE = 128;

/**
 * DOUBLE_pairwise_sum(a[start..start+n)): n < 8 sums left to right from -0.0; n ≤ 128 uses 8 partial sums combined
 * as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) plus a left-to-right tail; longer runs split at floor(n/2) rounded down
 * to a multiple of 8 and add the two halves.
 */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    // numpy starts from -0.0 so that an all-(-0.0) input sums to -0.0.
    let res = -0.0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let r0 = a[start];
    let r1 = a[start + 1];
    let r2 = a[start + 2];
    let r3 = a[start + 3];
    let r4 = a[start + 4];
    let r5 = a[start + 5];
    let r6 = a[start + 6];
    let r7 = a[start + 7];
    let i = 8;
    const end = n - (n % 8);
    for (; i < end; i += 8) {
      const p = start + i;
      r0 += a[p];
      r1 += a[p + 1];
      r2 += a[p + 2];
      r3 += a[p + 3];
      r4 += a[p + 4];
      r5 += a[p + 5];
      r6 += a[p + 6];
      r7 += a[p + 7];
    }
    // biome-ignore format: keeps numpy's ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)) grouping visible
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/**
 * np.mean of a 1-D float64 list: the add-reduction starts from the identity 0.0, then divides by n
 * (docs/spec.md §2.3: `np.mean(list) == (0.0 + pw(x, n)) / n`, checked against numpy for many n). NaN for an empty list,
 * as numpy returns (with a warning).
 */
export function npMean(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return NaN;
  return (0.0 + pairwiseSum(x, 0, n)) / n;
}
