/** Cosine similarity of two float32 vectors, computed in doubles. Zero vectors score 0. */

/** cos(a, b) = <a, b> / (|a| |b|); e.g. cosine([1,0], [1,1]) = 1/√2. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < a.length; k++) {
    ab += a[k] * b[k];
    aa += a[k] * a[k];
    bb += b[k] * b[k];
  }
  const n = Math.sqrt(aa) * Math.sqrt(bb);
  return n === 0 ? 0 : ab / n;
}
