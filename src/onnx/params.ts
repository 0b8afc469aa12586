/**
 * Parameter count of an ONNX model from its initializers' dims, read straight from the protobuf wire format
 * with positioned reads: tensor payloads (raw_data, often GBs) are skipped, never read, so this stays cheap
 * even for a 2 GB bge-m3 export. ModelProto.graph = field 7, GraphProto.initializer = field 5,
 * TensorProto.dims = field 1 (onnx.proto).
 */
import { open, type FileHandle } from "node:fs/promises";

const WINDOW = 1 << 16;

/** Positioned reads over a file, one 64 kB window at a time (also used by ./external-data.ts). */
export class Reader {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  constructor(private readonly fh: FileHandle) {}

  async byte(pos: number): Promise<number> {
    if (pos < this.bufStart || pos >= this.bufStart + this.buf.length) {
      const b = Buffer.alloc(WINDOW);
      const { bytesRead } = await this.fh.read(b, 0, WINDOW, pos);
      if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${pos}`);
      this.buf = b.subarray(0, bytesRead);
      this.bufStart = pos;
    }
    return this.buf[pos - this.bufStart];
  }

  /** A varint at `pos`: [value, next position]. Values up to 2^53 are exact. */
  async varint(pos: number): Promise<[number, number]> {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = await this.byte(pos++);
      v += (b & 0x7f) * mul;
      if (b < 0x80) return [v, pos];
      mul *= 128;
    }
  }
}

/** Calls `visit(field, wireType, start, end)` for each field of the message in [start, end); returns after the last. */
export async function fields(
  r: Reader,
  start: number,
  end: number,
  visit: (field: number, wire: number, s: number, e: number) => Promise<void>,
): Promise<void> {
  let pos = start;
  while (pos < end) {
    const [key, p] = await r.varint(pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let s = p;
    let e: number;
    if (wire === 0) e = (await r.varint(p))[1];
    else if (wire === 1) e = p + 8;
    else if (wire === 5) e = p + 4;
    else if (wire === 2) {
      const [len, q] = await r.varint(p);
      s = q;
      e = q + len;
    } else throw new Error(`unsupported wire type ${wire} at byte ${pos}`);
    await visit(field, wire, s, e);
    pos = e;
  }
}

/** Σ over initializers of Π dims, or null when the file cannot be parsed. */
export async function countOnnxParameters(path: string): Promise<number | null> {
  const fh = await open(path, "r");
  try {
    const r = new Reader(fh);
    const size = (await fh.stat()).size;
    let total = 0;
    await fields(r, 0, size, async (f, w, s, e) => {
      if (f !== 7 || w !== 2) return;
      await fields(r, s, e, async (gf, gw, gs, ge) => {
        if (gf !== 5 || gw !== 2) return;
        let n = 1;
        await fields(r, gs, ge, async (tf, tw, ts, te) => {
          if (tf !== 1) return;
          if (tw === 0) n *= (await r.varint(ts))[0];
          else
            for (let p = ts; p < te; ) {
              const [d, q] = await r.varint(p);
              n *= d;
              p = q;
            }
        });
        total += n;
      });
    });
    return total;
  } catch {
    return null; // a count is a nicety for model_meta.json; a graph ORT can load is never rejected for it
  } finally {
    await fh.close();
  }
}
