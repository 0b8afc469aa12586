/**
 * On-disk cache of encoder outputs: one small file per (model content hash, encoding settings, text), so
 * re-evaluating the same model on the same data skips the model. The key hashes all three, so a changed model
 * or setting can never hit a stale entry; files are written atomically (write + rename).
 * File layout: "BVC2" | u32 nTokens | u32 rows | u32 dim | 32-byte checksum | rows × dim float32 (little-endian).
 * The checksum is sha256(entry key ‖ the 16 header bytes ‖ the floats): a flipped bit anywhere, or a valid entry
 * copied under another key, fails it, and the entry is a miss (re-encoded and rewritten) with one warning.
 * (BVC1 files of older versions are plain misses.)
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { warn } from "../log.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { sha256Hex } from "../util/sha256.js";

/** An encoded text: token count (with specials) and a [rows × dim] float32 block. */
export interface CachedVectors {
  nTokens: number;
  rows: number;
  dim: number;
  data: Float32Array;
}

const MAGIC = 0x32435642; // "BVC2" little-endian
const HEAD = 16;
const SUM = 32;

/** sha256 over the entry's key, header and float bytes. */
function checksum(key: string, head: Uint8Array, data: Uint8Array): Buffer {
  return createHash("sha256").update(key).update(head).update(data).digest();
}

let warned = false;

/** Warns once per process about a corrupt entry: the cache file was damaged, not the model. */
function corrupt(path: string, why: string): null {
  if (!warned) {
    warned = true;
    warn(
      `vector cache entry ${path} is corrupt (${why}); re-encoding it. The cache file was damaged, not the model; any further corrupt entries are re-encoded without another warning`,
    );
  }
  return null;
}

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

  private key(text: string): string {
    return sha256Hex(`${this.modelHash}\0${this.settings}\0${text}`);
  }

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.bin`);
  }

  /** The cached entry for `text`, or null: absent, an older format, or corrupt (checksum, size; warned once). */
  get(text: string): CachedVectors | null {
    const key = this.key(text);
    const p = this.pathOf(key);
    if (!existsSync(p)) return null;
    const buf = readFileSync(p);
    if (buf.length < 4) return corrupt(p, "truncated");
    const magic = buf.readUInt32LE(0);
    if (magic !== MAGIC) return magic === 0x31435642 ? null : corrupt(p, "not a bench vector-cache file");
    if (buf.length < HEAD + SUM) return corrupt(p, "truncated");
    const nTokens = buf.readUInt32LE(4);
    const rows = buf.readUInt32LE(8);
    const dim = buf.readUInt32LE(12);
    if (buf.length !== HEAD + SUM + rows * dim * 4) return corrupt(p, `size ${buf.length} does not match its header`);
    const floats = buf.subarray(HEAD + SUM);
    if (!checksum(key, buf.subarray(0, HEAD), floats).equals(buf.subarray(HEAD, HEAD + SUM))) return corrupt(p, "checksum mismatch");
    const data = new Float32Array(rows * dim);
    new Uint8Array(data.buffer).set(floats);
    return { nTokens, rows, dim, data };
  }

  /** Stores an entry atomically. */
  put(text: string, v: CachedVectors): void {
    const key = this.key(text);
    const buf = Buffer.alloc(HEAD + SUM + v.data.byteLength);
    buf.writeUInt32LE(MAGIC, 0);
    buf.writeUInt32LE(v.nTokens, 4);
    buf.writeUInt32LE(v.rows, 8);
    buf.writeUInt32LE(v.dim, 12);
    const floats = new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength);
    buf.set(floats, HEAD + SUM);
    checksum(key, buf.subarray(0, HEAD), floats).copy(buf, HEAD);
    writeFileAtomic(this.pathOf(key), buf);
  }
}
