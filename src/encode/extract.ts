/**
 * Turning one batch's raw model output into per-text vectors, per output layout (docs/model-format.md):
 * ColBERT keeps the token rows after CLS (docs/spec.md §4a: CLS dropped, EOS kept, pads excluded) and L2-normalises
 * them unless the graph already did; dense pools CLS or the masked mean. A graph that outputs only the last
 * hidden state gets bge-m3's ColBERT head here first (./colbert-head.ts), so caching, batching and MaxSim stay
 * the same code for every layout.
 */
import { inputError } from "../errors.js";
import type { ColbertHead } from "./colbert-head.js";
import type { FloatTensor } from "./session.js";

/** How to read an output. */
export interface ExtractSpec {
  kind: "colbert" | "dense" | "cross-encoder";
  layout: "tokens_without_cls" | "tokens" | "pooled" | "logits";
  normalized: boolean;
  pooling: "cls" | "mean" | null;
  /**
   * ColBERT on a hidden-state output (layout "tokens"): the head applied in Node, named by its file and sha256
   * (so it is part of every cache key); null = none.
   */
  head: string | null;
}

/** L2-normalises each row in place, as F.normalize(eps=1e-12): rows with norm < eps are divided by eps. */
function normalizeRows(v: Float32Array, rows: number, dim: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let s = 0;
    for (let k = 0; k < dim; k++) s += v[o + k] * v[o + k];
    const n = Math.max(Math.sqrt(s), 1e-12);
    for (let k = 0; k < dim; k++) v[o + k] = v[o + k] / n;
  }
}

function expectDims(t: FloatTensor, rank: number, what: string, name: string): void {
  if (t.dims.length !== rank) throw inputError(`encode: output ${name} has shape [${t.dims.join(", ")}], expected ${what}`);
}

/**
 * Vectors of batch row `b` whose text has `n` tokens (with specials), from output `t` of a batch padded to
 * `L`: ColBERT → [(n-1) × D] rows, dense → [1 × D], cross-encoder → [1 × 1]. Returns a fresh array (the output buffer is reused).
 */
export function extractRow(
  t: FloatTensor,
  name: string,
  spec: ExtractSpec,
  b: number,
  n: number,
  L: number,
): { rows: number; dim: number; data: Float32Array } {
  if (spec.layout === "logits") {
    // A cross-encoder's relevance logit: [batch, 1] or [batch].
    if (!(t.dims.length === 1 || (t.dims.length === 2 && t.dims[1] === 1))) {
      throw inputError(`encode: output ${name} has shape [${t.dims.join(", ")}], expected [batch, 1] or [batch] for output_layout logits`);
    }
    return { rows: 1, dim: 1, data: t.data.slice(b, b + 1) };
  }
  if (spec.layout === "pooled") {
    expectDims(t, 2, "[batch, dim] for output_layout pooled", name);
    const D = t.dims[1];
    const v = t.data.slice(b * D, (b + 1) * D);
    return { rows: 1, dim: D, data: v };
  }
  expectDims(t, 3, `[batch, sequence, dim] for output_layout ${spec.layout}`, name);
  const [, S, D] = t.dims;
  const expectS = spec.layout === "tokens_without_cls" ? L - 1 : L;
  if (S !== expectS)
    throw inputError(`encode: output ${name} has ${S} positions for input length ${L}; output_layout ${spec.layout} expects ${expectS}`);
  const base = b * S * D;
  if (spec.kind === "colbert") {
    const first = spec.layout === "tokens_without_cls" ? 0 : 1; // drop CLS
    const v = t.data.slice(base + first * D, base + (first + n - 1) * D);
    if (!spec.normalized) normalizeRows(v, n - 1, D);
    return { rows: n - 1, dim: D, data: v };
  }
  const v = new Float32Array(D);
  if (spec.pooling === "cls") v.set(t.data.subarray(base, base + D));
  else {
    // Mean over the n unmasked positions (sentence-transformers' mean pooling; CLS and SEP included).
    const acc = new Float64Array(D);
    for (let j = 0; j < n; j++) for (let k = 0; k < D; k++) acc[k] += t.data[base + j * D + k];
    for (let k = 0; k < D; k++) v[k] = acc[k] / n;
  }
  return { rows: 1, dim: D, data: v };
}

/** Vectors per text of one batch (row b has `ns[b]` tokens, padded to `L`); `head` runs first when the spec names one. */
export async function extractBatch(
  t: FloatTensor,
  name: string,
  spec: ExtractSpec,
  ns: readonly number[],
  L: number,
  head: ColbertHead | null,
  stats: { headMs: number },
): Promise<{ rows: number; dim: number; data: Float32Array }[]> {
  let out = t;
  let rowSpec = spec;
  if (spec.head !== null) {
    if (!head) throw new Error(`extract: spec names head ${spec.head} but none was loaded`);
    const t0 = performance.now();
    out = await head.project(t, ns, L, name);
    // Now bge-m3's colbert_vecs before normalisation: [B, L-1, dim], CLS dropped, pads zero.
    rowSpec = { ...spec, layout: "tokens_without_cls", normalized: false };
    const rows = ns.map((n, b) => extractRow(out, name, rowSpec, b, n, L));
    stats.headMs += performance.now() - t0;
    return rows;
  }
  return ns.map((n, b) => extractRow(out, name, rowSpec, b, n, L));
}
