/**
 * Encodes a list of distinct token sequences into per-text vectors: cache lookups first, then the misses in
 * length-grouped batches through the session, each result stored back in the cache. The caller deduplicates
 * texts, so every text is encoded at most once per run.
 */
import type { CachedVectors, VectorCache } from "../cache/vector-cache.js";
import { padBatch } from "../tokenize/batch.js";
import { type ExtractSpec, extractRow } from "./extract.js";
import { type InputNames, makeFeeds } from "./feeds.js";
import { lengthBatches } from "./length-batches.js";
import type { EncoderSession } from "./session.js";

/** Everything needed to turn token ids into vectors. */
export interface TextEncodeSpec {
  inputs: InputNames;
  output: string;
  extract: ExtractSpec;
  padId: number;
  batchSize: number;
  /** Pad every batch to this length (open-retrievals' padding="max_length"); null = to the batch's longest. */
  padTo: number | null;
}

/** Time and token counts spent in the session (for bench:encode's overhead figure). */
export interface EncodeStats {
  /** Time to open the ORT session (lazily, on the first cache miss). */
  openMs: number;
  sessionMs: number;
  batches: number;
  realTokens: number;
  paddedTokens: number;
  cacheHits: number;
}

/** A fresh zeroed stats record. */
export function newStats(): EncodeStats {
  return { openMs: 0, sessionMs: 0, batches: 0, realTokens: 0, paddedTokens: 0, cacheHits: 0 };
}

/**
 * Vectors for `seqs[i]` (keyed in the cache by `keys[i]`, the text; `typeIds[i]` for pairs). `getSession` is called only when
 * something misses the cache; `tick` is called once per finished text.
 */
export async function encodeSequences(
  seqs: readonly number[][],
  keys: readonly string[],
  spec: TextEncodeSpec,
  getSession: () => Promise<EncoderSession>,
  cache: VectorCache | null,
  stats: EncodeStats,
  tick: (n: number) => void,
  typeIds?: readonly number[][],
): Promise<CachedVectors[]> {
  const out: (CachedVectors | null)[] = seqs.map((_, i) => cache?.get(keys[i]) ?? null);
  const misses: number[] = [];
  out.forEach((v, i) => (v ? stats.cacheHits++ : misses.push(i)));
  if (misses.length < seqs.length) tick(seqs.length - misses.length);
  if (misses.length === 0) return out as CachedVectors[];
  const session = await getSession();
  const lengths = misses.map((i) => seqs[i].length);
  for (const batch of lengthBatches(lengths, spec.batchSize)) {
    const rows = batch.map((k) => seqs[misses[k]]);
    const padded = padBatch(rows, spec.padId, spec.padTo ?? undefined, typeIds && batch.map((k) => typeIds[misses[k]]));
    const t0 = performance.now();
    const result = await session.run(makeFeeds(spec.inputs, padded), [spec.output]);
    stats.sessionMs += performance.now() - t0;
    stats.batches++;
    stats.paddedTokens += padded.batch * padded.length;
    const t = result[spec.output];
    batch.forEach((k, b) => {
      const i = misses[k];
      const n = seqs[i].length;
      stats.realTokens += n;
      const v = { nTokens: n, ...extractRow(t, spec.output, spec.extract, b, n, padded.length) };
      cache?.put(keys[i], v);
      out[i] = v;
    });
    tick(batch.length);
  }
  return out as CachedVectors[];
}
