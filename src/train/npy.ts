/**
 * Writes 1-D NumPy .npy files (format 1.0: magic, version, little-endian u16 header length, a Python dict
 * literal padded with spaces to a 64-byte boundary, then raw little-endian data), the files the trainer reads
 * with np.load (scripts/trainer/data.py).
 */
import { writeFileAtomic } from "../util/atomic-write.js";

/** The .npy bytes of a 1-D int32 or int64 array. */
export function npyBytes(data: Int32Array | BigInt64Array): Uint8Array {
  const descr = data instanceof Int32Array ? "<i4" : "<i8";
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${data.length},), }`;
  // numpy pads magic(6) + version(2) + length(2) + header + "\n" to a multiple of 64
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, ...Buffer.from("NUMPY", "latin1"), 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, "latin1"), 10);
  // typed arrays are little-endian on every platform Node runs on (x64, arm64)
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}

/** Writes a 1-D int32/int64 .npy file atomically. */
export function writeNpy(path: string, data: Int32Array | BigInt64Array): void {
  writeFileAtomic(path, npyBytes(data));
}
