/**
 * Encodes a list of distinct token sequences into per-text vectors: cache lookups first, then the misses in
 * length-grouped batches through the session, each result stored back in the cache. The caller deduplicates
 * texts, so every text is encoded at most once per run.
 */
import type { CachedVectors, VectorCache } from "../cache/vector-cache.js";
import { padBatch } from "../tokenize/batch.js";
import type { ColbertHead } from "./colbert-head.js";
import { type ExtractSpec, extractBatch } from "./extract.js";
import { type InputNames, makeFeeds } from "./feeds.js";
import { lengthBatches } from "./length-batches.js";
import type { EncoderSession, FloatTensor } from "./session.js";

/** Everything needed to turn token ids into vectors. */
export interface TextEncodeSpec {
  inputs: InputNames;
  output: string;
  extract: ExtractSpec;
  /** The ColBERT head `extract.head` names (a hidden-state graph); null otherwise. */
  head?: ColbertHead | null;
  padId: number;
  batchSize: number;
  /** Pad every batch to this length (open-retrievals' padding="max_length"); null = to the batch's longest. */
  padTo: number | null;
}

/** Time and token counts spent in the session (for bench:encode's overhead figure). */
export interface EncodeStats {
  /** Time to open the ORT session (lazily, on the first cache miss); 0 with the torch worker, which starts at load. */
  openMs: number;
  sessionMs: number;
  batches: number;
  realTokens: number;
  paddedTokens: number;
  cacheHits: number;
  /** Time in the ColBERT head applied in Node (hidden-state graphs), incl. normalisation; 0 otherwise. */
  headMs: number;
}

/** A fresh zeroed stats record. */
export function newStats(): EncodeStats {
  return { openMs: 0, sessionMs: 0, batches: 0, realTokens: 0, paddedTokens: 0, cacheHits: 0, headMs: 0 };
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
  const batches = lengthBatches(lengths, spec.batchSize);
  // Up to session.maxInFlight batches are sent before the first reply is awaited, so a worker process computes
  // the next batch while this one is unpacked and cached (ORT sessions keep the default of one).
  const depth = Math.max(1, session.maxInFlight ?? 1);
  const inFlight: { batch: number[]; length: number; sent: number; result: Promise<Record<string, FloatTensor>> }[] = [];
  let next = 0;
  let lastReply = 0;
  const launch = (): void => {
    const batch = batches[next++];
    const rows = batch.map((k) => seqs[misses[k]]);
    const padded = padBatch(rows, spec.padId, spec.padTo ?? undefined, typeIds && batch.map((k) => typeIds[misses[k]]));
    stats.paddedTokens += padded.batch * padded.length;
    const sent = performance.now();
    const result = session.run(makeFeeds(spec.inputs, padded), [spec.output]);
    result.catch(() => {}); // awaited below in order; this only stops an early rejection counting as unhandled
    inFlight.push({ batch, length: padded.length, sent, result });
  };
  while (next < batches.length && inFlight.length < depth) launch();
  while (inFlight.length > 0) {
    const { batch, length, sent, result: pending } = inFlight.shift() as (typeof inFlight)[number];
    const result = await pending;
    // Session time = from when this batch could start (sent, or the previous reply) to its reply.
    const now = performance.now();
    stats.sessionMs += now - Math.max(sent, lastReply);
    lastReply = now;
    stats.batches++;
    const ns = batch.map((k) => seqs[misses[k]].length);
    const rows = await extractBatch(result[spec.output], spec.output, spec.extract, ns, length, spec.head ?? null, stats);
    batch.forEach((k, b) => {
      const i = misses[k];
      const n = ns[b];
      stats.realTokens += n;
      const v = { nTokens: n, ...rows[b] };
      cache?.put(keys[i], v);
      out[i] = v;
    });
    tick(batch.length);
    if (next < batches.length) launch();
  }
  return out as CachedVectors[];
}
