/**
 * Cache integrity (issue 11 item 6): a damaged or swapped vector-cache entry is a miss that is re-encoded — the
 * scores equal a run without the cache — with one warning blaming the cache, not the model; and the model
 * content-hash memo notices an in-place rewrite whose mtime was set back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileSha256 } from "../../src/cache/content-hash.js";
import { VectorCache } from "../../src/cache/vector-cache.js";
import { loadNeuralReranker } from "../../src/models/neural-reranker.js";
import type { ScoreRequest } from "../../src/models/types.js";
import { sha256Hex } from "../../src/util/sha256.js";
import { buildEncoderOnnx, TINY_UNIGRAM_PIECES, unigramTokenizerJson, writeModelDir } from "../../scripts/lib/onnx-builder.js";

function tempDir(t: { after: (fn: () => void) => void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function entries(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".bin"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Runs `fn` and returns what it wrote to stderr. */
async function captureStderr(fn: () => Promise<void>): Promise<string> {
  const write = process.stderr.write.bind(process.stderr);
  let text = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
  }
  return text;
}

const REQS: ScoreRequest[] = [
  { row: 0, query: "北京", docs: ["的是了我", "北京天安门", "快递怎么办"] },
  { row: 1, query: "快递", docs: ["快递怎么办", "我不人在他有"] },
];

test("vector cache: a flipped bit, then two swapped entries, are re-encoded (scores equal a no-cache run), one warning", async (t) => {
  const tj = unigramTokenizerJson(TINY_UNIGRAM_PIECES);
  const model = buildEncoderOnnx({
    vocab: TINY_UNIGRAM_PIECES.length + 5,
    hidden: 16,
    layers: 1,
    heads: 2,
    ffn: 32,
    maxPositions: 64,
    tokenTypes: false,
    head: "bge-m3",
    colbertDim: 8,
    seed: 9,
  });
  const dir = writeModelDir(join(tempDir(t, "bench-ci-model-"), "m3"), model, tj);
  const cacheDir = tempDir(t, "bench-ci-cache-");
  const run = async (cache: boolean): Promise<{ scores: number[][]; batches: number; hits: number }> => {
    const rr = await loadNeuralReranker(dir, { progress: false, cacheDir, cache });
    const scores = await rr.score(REQS);
    await rr.close();
    return { scores, batches: rr.stats.batches, hits: rr.stats.cacheHits };
  };
  const want = (await run(false)).scores;
  assert.deepEqual((await run(true)).scores, want, "cold cache");
  const files = entries(cacheDir);
  assert.ok(files.length >= 6, `entries: ${files.length}`);

  // Flip one bit of the last float of one entry: the header stays valid, only the data changed.
  const victim = files[0]!;
  const bytes = readFileSync(victim);
  bytes[bytes.length - 2]! ^= 0x01;
  writeFileSync(victim, bytes);
  let warm!: { scores: number[][]; batches: number; hits: number };
  const err = await captureStderr(async () => {
    warm = await run(true);
  });
  assert.deepEqual(warm.scores, want, "a corrupt entry never reaches a score");
  assert.ok(warm.batches > 0, "the corrupt entry was re-encoded");
  assert.equal(warm.hits, files.length - 1);
  const lines = err.split("\n").filter((l) => l !== "");
  assert.equal(lines.length, 1, err);
  assert.match(
    lines[0]!,
    /^warning: vector cache entry .* is corrupt \(checksum mismatch\); re-encoding it\. The cache file was damaged, not the model/,
  );
  assert.notDeepEqual(readFileSync(victim), bytes, "the entry was rewritten with the re-encoded vectors");

  // Swap two valid entries of the same size (each now holds another text's vectors under its own name).
  const bySize = new Map<number, string[]>();
  for (const f of files) bySize.set(statSync(f).size, [...(bySize.get(statSync(f).size) ?? []), f]);
  const pair = [...bySize.values()].find((g) => g.length >= 2) ?? [files[1]!, files[2]!];
  renameSync(pair[0]!, `${pair[0]}.x`);
  renameSync(pair[1]!, pair[0]!);
  renameSync(`${pair[0]}.x`, pair[1]!);
  const swapped = await captureStderr(async () => {
    warm = await run(true);
  });
  assert.deepEqual(warm.scores, want, "a swapped entry never reaches a score");
  assert.equal(warm.hits, files.length - 2, "both swapped entries were misses");
  assert.equal(swapped, "", "the warning is printed once per process");
  assert.deepEqual((await run(true)).hits, files.length, "the re-encoded entries were written back");
});

test("vector cache: an entry copied under another key of the same cache is a miss", (t) => {
  const root = tempDir(t, "bench-ci-swap-");
  const c = new VectorCache(root, "c".repeat(64), "doc 256");
  const v = { nTokens: 2, rows: 1, dim: 2, data: new Float32Array([1, 2]) };
  c.put("甲", v);
  c.put("乙", { ...v, data: new Float32Array([3, 4]) });
  const [a, b] = entries(root);
  writeFileSync(b!, readFileSync(a!));
  const got = [c.get("甲"), c.get("乙")];
  assert.equal(got.filter((g) => g === null).length, 1, "exactly the overwritten entry is refused");
});

test("vector cache: an entry of the older BVC1 format is a plain miss (no warning); garbage is a miss too", (t) => {
  const root = tempDir(t, "bench-ci-old-");
  const c = new VectorCache(root, "d".repeat(64), "doc 256");
  c.put("甲", { nTokens: 2, rows: 1, dim: 2, data: new Float32Array([1, 2]) });
  const [f] = entries(root);
  const old = Buffer.alloc(24);
  old.write("BVC1", 0, "latin1");
  old.writeUInt32LE(2, 4);
  old.writeUInt32LE(1, 8);
  old.writeUInt32LE(2, 12);
  writeFileSync(f!, old);
  assert.equal(c.get("甲"), null);
  writeFileSync(f!, "not a cache entry at all, but long enough to have a header and a checksum");
  assert.equal(c.get("甲"), null);
});

test("content hash memo: an in-place rewrite (same size, mtime restored with utimes) is hashed again", async (t) => {
  const dir = tempDir(t, "bench-ci-hash-");
  const file = join(dir, "model.onnx");
  const memo = join(dir, "memo.json");
  writeFileSync(file, "weights v1");
  utimesSync(file, 1_700_000_000, 1_700_000_000); // whole seconds, so utimes can restore mtime exactly
  const before = statSync(file, { bigint: true });
  assert.equal(await fileSha256(file, memo), sha256Hex("weights v1"));
  writeFileSync(file, "weights v2"); // same length, same inode
  utimesSync(file, 1_700_000_000, 1_700_000_000);
  const after = statSync(file, { bigint: true });
  assert.equal(after.mtimeNs, before.mtimeNs, "mtime restored to the nanosecond");
  assert.equal(after.ino, before.ino, "same inode");
  assert.equal(after.size, before.size, "same size");
  assert.equal(await fileSha256(file, memo), sha256Hex("weights v2"));
});
