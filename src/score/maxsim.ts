/**
 * MaxSim on flat Float32Array token matrices (spec §4a/§4b): s(q, d) = Σ_i max_j <q_i, d_j> / nq.
 * Loop order: each document row is loaded once and dotted with every query row (the query block, ~nq × dim
 * floats, stays in cache), the dot unrolled 4-wide; accumulation in doubles.
 *
 * Worked example: q = [[1,0],[0,1]], d = [[0.6,0.8],[-1,0]] → maxes 0.6 and 0.8 → (0.6 + 0.8) / 2 = 0.7.
 */

/**
 * Σ over the nq query rows of the max over the nd doc rows of the dot product, divided by nq.
 * `floorAtZero` reproduces open-retrievals' padding to max_length: zero doc pad rows make every max ≥ 0.
 */
export function maxSim(q: Float32Array, nq: number, d: Float32Array, nd: number, dim: number, floorAtZero = false): number {
  const best = new Float64Array(nq).fill(floorAtZero ? 0 : -Infinity);
  const dim4 = dim - (dim % 4);
  for (let j = 0; j < nd; j++) {
    const dj = j * dim;
    for (let i = 0; i < nq; i++) {
      const qi = i * dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k < dim4; k += 4) {
        s0 += q[qi + k] * d[dj + k];
        s1 += q[qi + k + 1] * d[dj + k + 1];
        s2 += q[qi + k + 2] * d[dj + k + 2];
        s3 += q[qi + k + 3] * d[dj + k + 3];
      }
      for (; k < dim; k++) s0 += q[qi + k] * d[dj + k];
      const s = s0 + s1 + (s2 + s3);
      if (s > best[i]) best[i] = s;
    }
  }
  let total = 0;
  for (let i = 0; i < nq; i++) total += nd === 0 && !floorAtZero ? 0 : best[i];
  return total / nq;
}
