/**
 * Padding written once: a list of id sequences → flat int64 tensors [B, L] for onnxruntime, right-padded
 * (pad id, mask 0, type id 0) as HF's `padding=True` / `padding="max_length"` do.
 */
import { inputError } from "../errors.js";

/** Flat row-major tensors for one batch. */
export interface PaddedBatch {
  ids: BigInt64Array;
  mask: BigInt64Array;
  /** Token type ids; zeros where none were given. */
  typeIds: BigInt64Array;
  batch: number;
  length: number;
}

/**
 * Pads `seqs` to the longest of them, or to `padTo` when given (open-retrievals pads to max_length).
 * `typeIds[i]`, when given, must have the length of `seqs[i]`.
 */
export function padBatch(seqs: readonly number[][], padId: number, padTo?: number, typeIds?: readonly number[][]): PaddedBatch {
  const longest = seqs.reduce((m, s) => Math.max(m, s.length), 0);
  const length = padTo ?? longest;
  if (longest > length) throw inputError(`tokenize: a sequence of ${longest} tokens does not fit the padded length ${length}`);
  const batch = seqs.length;
  const ids = new BigInt64Array(batch * length).fill(BigInt(padId));
  const mask = new BigInt64Array(batch * length);
  const types = new BigInt64Array(batch * length);
  for (let b = 0; b < batch; b++) {
    const s = seqs[b];
    const t = typeIds?.[b];
    const off = b * length;
    for (let j = 0; j < s.length; j++) {
      ids[off + j] = BigInt(s[j]);
      mask[off + j] = 1n;
      if (t) types[off + j] = BigInt(t[j]);
    }
  }
  return { ids, mask, typeIds: types, batch, length };
}
