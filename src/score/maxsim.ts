/**
 * MaxSim on flat Float32Array token matrices (docs/spec.md §4a/§4b): s(q, d) = Σ_i max_j <q_i, d_j> / nq.
 * Register blocking: four query rows at a time share one pass over each document row, so every document
 * value is loaded once per four dot products; each dot is summed in k order, in doubles. Measured on the
 * bench:encode shapes (12 × 255 × 768): ~1.5–2× faster than a 4-way-unrolled single-row loop, and several
 * times faster than nested JS arrays (docs/benchmarks.md).
 *
 * Worked example: q = [[1,0],[0,1]], d = [[0.6,0.8],[-1,0]] → maxes 0.6 and 0.8 → (0.6 + 0.8) / 2 = 0.7.
 */

/**
 * Σ over the nq query rows of the max over the nd doc rows of the dot product, divided by nq.
 * `floorAtZero` reproduces open-retrievals' padding to max_length: zero doc pad rows make every max ≥ 0.
 */
export function maxSim(q: Float32Array, nq: number, d: Float32Array, nd: number, dim: number, floorAtZero = false): number {
  const start = floorAtZero ? 0 : -Infinity;
  let total = 0;
  let i = 0;
  for (; i + 4 <= nq; i += 4) {
    const a = i * dim;
    const b = a + dim;
    const c = b + dim;
    const e = c + dim;
    let m0 = start;
    let m1 = start;
    let m2 = start;
    let m3 = start;
    for (let j = 0; j < nd; j++) {
      const o = j * dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < dim; k++) {
        const x = d[o + k];
        s0 += q[a + k] * x;
        s1 += q[b + k] * x;
        s2 += q[c + k] * x;
        s3 += q[e + k] * x;
      }
      if (s0 > m0) m0 = s0;
      if (s1 > m1) m1 = s1;
      if (s2 > m2) m2 = s2;
      if (s3 > m3) m3 = s3;
    }
    total += m0 + m1 + m2 + m3;
  }
  for (; i < nq; i++) {
    const a = i * dim;
    let m = start;
    for (let j = 0; j < nd; j++) {
      const o = j * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) s += q[a + k] * d[o + k];
      if (s > m) m = s;
    }
    total += m;
  }
  return total / nq;
}
