/**
 * The binary frame format between bench and its PyTorch encode worker (docs/torch-backend.md):
 *   "BWF1" | u32 header bytes | u32 payload bytes | UTF-8 JSON header | payload      (little-endian)
 * Token ids and vectors travel as raw int64 / float32 bytes, never as JSON numbers. The reader copies each
 * payload once, straight from the pipe's chunks into its own buffer, so MB-sized replies cost one memcpy.
 */

/** Frame magic "BWF1" as the first four bytes. */
const FRAME_MAGIC = Buffer.from("BWF1", "latin1");
const PREFIX = 12;
/** Headers are small JSON objects; anything larger means the stream is not frames. */
const MAX_HEADER = 1 << 20;

/** One decoded frame. */
export interface Frame {
  header: Record<string, unknown>;
  payload: Buffer;
}

/** The stream is not a sequence of frames (wrong magic, oversized or unparsable header). */
export class FrameError extends Error {}

/** The bytes of one frame: prefix + header, then the payload parts, for writing without concatenation. */
export function encodeFrame(header: Record<string, unknown>, payload: readonly ArrayBufferView[] = []): Buffer[] {
  const h = Buffer.from(JSON.stringify(header), "utf8");
  const plen = payload.reduce((n, p) => n + p.byteLength, 0);
  const pre = Buffer.alloc(PREFIX);
  FRAME_MAGIC.copy(pre, 0);
  pre.writeUInt32LE(h.length, 4);
  pre.writeUInt32LE(plen, 8);
  return [Buffer.concat([pre, h]), ...payload.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))];
}

/** Incremental decoder: push() pipe chunks, get the frames they complete. */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private header: Record<string, unknown> | null = null;
  private payload: Buffer | null = null;
  private filled = 0;

  /** Bytes received but not yet part of a returned frame. */
  get buffered(): number {
    return this.pendingBytes + this.filled;
  }

  /** Feeds one chunk; returns the frames completed by it, in order. Throws FrameError on a malformed stream. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let off = 0;
    while (off < chunk.length) {
      if (this.payload) {
        const n = Math.min(chunk.length - off, this.payload.length - this.filled);
        chunk.copy(this.payload, this.filled, off, off + n);
        this.filled += n;
        off += n;
        if (this.filled === this.payload.length) frames.push(this.finish());
        continue;
      }
      // Prefix and header: small, gathered from the pending chunks.
      this.pending.push(off === 0 ? chunk : chunk.subarray(off));
      this.pendingBytes += chunk.length - off;
      off = chunk.length;
      const rest = this.takeHeader(frames);
      if (rest) {
        // Re-enter the loop with what follows the header (payload bytes or the next frame).
        chunk = rest;
        off = 0;
      }
    }
    return frames;
  }

  private takeHeader(frames: Frame[]): Buffer | null {
    if (this.pendingBytes < PREFIX) return null;
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [buf];
    if (!buf.subarray(0, 4).equals(FRAME_MAGIC)) {
      const shown = JSON.stringify(buf.subarray(0, 40).toString("latin1"));
      throw new FrameError(`expected a frame starting with "BWF1", got ${shown}`);
    }
    const hlen = buf.readUInt32LE(4);
    const plen = buf.readUInt32LE(8);
    if (hlen > MAX_HEADER) throw new FrameError(`frame header of ${hlen} bytes (at most ${MAX_HEADER} expected)`);
    if (buf.length < PREFIX + hlen) return null;
    let header: unknown;
    try {
      header = JSON.parse(buf.subarray(PREFIX, PREFIX + hlen).toString("utf8"));
    } catch (err) {
      throw new FrameError(`frame header is not JSON: ${(err as Error).message}`);
    }
    if (header === null || typeof header !== "object" || Array.isArray(header)) throw new FrameError("frame header is not a JSON object");
    this.pending = [];
    this.pendingBytes = 0;
    this.header = header as Record<string, unknown>;
    // allocUnsafeSlow: a fresh ArrayBuffer at offset 0, so Float32Array views of it are aligned.
    this.payload = Buffer.allocUnsafeSlow(plen);
    this.filled = 0;
    if (plen === 0) frames.push(this.finish());
    const rest = buf.subarray(PREFIX + hlen);
    return rest.length > 0 ? rest : null;
  }

  private finish(): Frame {
    const f = { header: this.header as Record<string, unknown>, payload: this.payload as Buffer };
    this.header = null;
    this.payload = null;
    this.filled = 0;
    return f;
  }
}
