/**
 * On-disk cache of encoder outputs: one small file per (model content hash, encoding settings, text), so
 * re-evaluating the same model on the same data skips the model. The key hashes all three, so a changed model
 * or setting can never hit a stale entry; files are written atomically (write + rename).
 * File layout: "BVC1" | u32 nTokens | u32 rows | u32 dim | rows × dim float32 (little-endian).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";
import { sha256Hex } from "../util/sha256.js";

/** An encoded text: token count (with specials) and a [rows × dim] float32 block. */
export interface CachedVectors {
  nTokens: number;
  rows: number;
  dim: number;
  data: Float32Array;
}

const MAGIC = 0x31435642; // "BVC1" little-endian

/** Default cache directory: $BENCH_CACHE_DIR, else .bench-cache/ in the working directory. */
export function defaultCacheDir(): string {
  return process.env.BENCH_CACHE_DIR || join(process.cwd(), ".bench-cache");
}

/** A cache bound to one model and one encoding setting (role, lengths, output, layout). */
export class VectorCache {
  private readonly dir: string;
  constructor(
    root: string,
    private readonly modelHash: string,
    private readonly settings: string,
  ) {
    this.dir = join(root, "vectors", modelHash.slice(0, 16));
  }

  private path(text: string): string {
    const key = sha256Hex(`${this.modelHash}\0${this.settings}\0${text}`);
    return join(this.dir, key.slice(0, 2), `${key}.bin`);
  }

  /** The cached entry for `text`, or null (a truncated or foreign file counts as a miss). */
  get(text: string): CachedVectors | null {
    const p = this.path(text);
    if (!existsSync(p)) return null;
    const buf = readFileSync(p);
    if (buf.length < 16) return null;
    const head = new DataView(buf.buffer, buf.byteOffset, 16);
    if (head.getUint32(0, true) !== MAGIC) return null;
    const nTokens = head.getUint32(4, true);
    const rows = head.getUint32(8, true);
    const dim = head.getUint32(12, true);
    if (buf.length !== 16 + rows * dim * 4) return null;
    const data = new Float32Array(rows * dim);
    new Uint8Array(data.buffer).set(buf.subarray(16));
    return { nTokens, rows, dim, data };
  }

  /** Stores an entry atomically. */
  put(text: string, v: CachedVectors): void {
    const buf = new Uint8Array(16 + v.data.byteLength);
    const head = new DataView(buf.buffer, 0, 16);
    head.setUint32(0, MAGIC, true);
    head.setUint32(4, v.nTokens, true);
    head.setUint32(8, v.rows, true);
    head.setUint32(12, v.dim, true);
    buf.set(new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength), 16);
    writeFileAtomic(this.path(text), buf);
  }
}
