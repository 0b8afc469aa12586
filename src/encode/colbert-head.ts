/**
 * bge-m3's ColBERT head applied in Node to a graph that outputs only the encoder's last hidden state
 * (docs/spec.md §4a): `colbert_linear(h[:, 1:]) * mask[:, 1:, None]`, then L2-normalised by the extraction step
 * (./extract.ts). The weights come from the repo's `colbert_linear.pt` (read without Python,
 * src/weights/torch-pt.ts). The projection runs as a one-node Gemm graph in onnxruntime (./gemm-onnx.ts) over
 * the real tokens only (CLS and pads are never projected). `bench:encode` measures it against a register-blocked
 * Float32Array kernel (scripts/bench-encode.ts): MLAS is ~25× faster at hidden 768 on this machine, so ORT it is.
 */
import { inputError } from "../errors.js";
import { readTorchStateDict } from "../weights/torch-pt.js";
import { gemmModel } from "./gemm-onnx.js";
import { type FloatGraph, type FloatTensor, openFloatGraph } from "./session.js";

/** A loaded head: Y = X · Wᵀ + b with W [dim, hidden]. */
export interface ColbertHead {
  readonly dim: number;
  readonly hidden: number;
  readonly source: string;
  /**
   * From the hidden state `t` [B, L, hidden] of a batch padded to L, where row b has `ns[b]` tokens: the
   * projected token vectors [B, L-1, dim] (CLS dropped; pad rows zero), not yet normalised.
   */
  project(t: FloatTensor, ns: readonly number[], L: number, name: string): Promise<FloatTensor>;
  release(): Promise<void>;
}

/** The colbert_linear weights of `path`: exactly `weight` [dim, hidden] and `bias` [dim]. */
export function readColbertLinear(path: string): { weight: Float32Array; bias: Float32Array; dim: number; hidden: number } {
  const sd = readTorchStateDict(path);
  const keys = [...sd.keys()].sort();
  if (keys.join(",") !== "bias,weight")
    throw inputError(`model: ${path}: expected an nn.Linear state dict (keys bias, weight), got keys ${keys.join(", ") || "none"}`);
  const w = sd.get("weight") as { shape: number[]; data: Float32Array };
  const b = sd.get("bias") as { shape: number[]; data: Float32Array };
  if (w.shape.length !== 2 || b.shape.length !== 1 || b.shape[0] !== w.shape[0]) {
    throw inputError(`model: ${path}: weight [${w.shape}] and bias [${b.shape}] are not an nn.Linear (expected [dim, hidden] and [dim])`);
  }
  return { weight: w.data, bias: b.data, dim: w.shape[0], hidden: w.shape[1] };
}

/** Loads `path` as a head; the Gemm session opens on the first projection. */
export function loadColbertHead(path: string, threads: number): ColbertHead {
  const { weight, bias, dim, hidden } = readColbertLinear(path);
  let graph: FloatGraph | null = null;
  return {
    dim,
    hidden,
    source: path,
    async project(t, ns, L, name) {
      if (t.dims.length !== 3 || t.dims[1] !== L)
        throw inputError(
          `encode: output ${name} has shape [${t.dims.join(", ")}], expected the last hidden state [batch, ${L}, hidden] for a ColBERT head`,
        );
      const [B, , H] = t.dims;
      if (H !== hidden)
        throw inputError(`model: ${path}: colbert_linear takes vectors of size ${hidden}, but the graph's ${name} has size ${H}`);
      // Gather the real tokens after CLS (rows 1 … n-1 of each text) into one [N, hidden] matrix.
      const N = ns.reduce((a, n) => a + n - 1, 0);
      const x = new Float32Array(N * H);
      let o = 0;
      for (let b = 0; b < B; b++) {
        const from = (b * L + 1) * H;
        x.set(t.data.subarray(from, from + (ns[b] - 1) * H), o);
        o += (ns[b] - 1) * H;
      }
      let y: Float32Array;
      if (N === 0) y = new Float32Array(0);
      else {
        graph ??= await openFloatGraph(gemmModel(weight, bias, dim, hidden), "x", "y", threads);
        y = (await graph.run({ data: x, dims: [N, hidden] })).data;
      }
      // Scatter back to [B, L-1, dim]; pad rows stay zero (× mask[:, 1:]).
      const out = new Float32Array(B * (L - 1) * dim);
      let yo = 0;
      for (let b = 0; b < B; b++) {
        const len = (ns[b] - 1) * dim;
        out.set(y.subarray(yo, yo + len), b * (L - 1) * dim);
        yo += len;
      }
      return { data: out, dims: [B, L - 1, dim] };
    },
    async release() {
      await graph?.release();
      graph = null;
    },
  };
}
