/**
 * A minimal reader of the zip archives `torch.save` writes (PyTorchStreamWriter): every entry is stored
 * (method 0, no compression), so an entry is a byte range of the file. The central directory is the index; each
 * entry's CRC-32 is checked, so a damaged or truncated archive is a clear error, never wrong numbers. Zip64
 * archives (over 4 GiB) are refused: a ColBERT head is a few MB.
 */
import { crc32 } from "node:zlib";

/** The entries of an archive, by name, as views of the file's bytes. */
export type ZipEntries = Map<string, Uint8Array>;

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

/** Reads every entry of `bytes`; `fail(msg)` builds the error (it names the file). */
export function readStoredZip(bytes: Uint8Array, fail: (msg: string) => Error): ZipEntries {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  // The end-of-central-directory record is the last 22 bytes plus an optional comment of up to 65535 bytes.
  let eocd = -1;
  for (let p = n - 22; p >= Math.max(0, n - 22 - 65535); p--) {
    if (dv.getUint32(p, true) === EOCD_SIG && p + 22 + dv.getUint16(p + 20, true) === n) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw fail("not a zip archive (no end-of-central-directory record; truncated, or not written by torch.save ≥ 1.6)");
  const count = dv.getUint16(eocd + 10, true);
  const cenSize = dv.getUint32(eocd + 12, true);
  const cenOff = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cenOff === 0xffffffff) throw fail("zip64 archives are not supported (a ColBERT head is far below 4 GiB)");
  if (cenOff + cenSize > eocd)
    throw fail(`central directory at ${cenOff} + ${cenSize} runs past the end record at ${eocd} (truncated archive)`);
  const out: ZipEntries = new Map();
  let p = cenOff;
  const dec = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || dv.getUint32(p, true) !== CEN_SIG) throw fail(`central directory entry ${i} is damaged`);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    const csize = dv.getUint32(p + 20, true);
    const usize = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    const loc = dv.getUint32(p + 42, true);
    const name = dec.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (csize === 0xffffffff || usize === 0xffffffff || loc === 0xffffffff) throw fail(`entry ${name}: zip64 sizes are not supported`);
    if (method !== 0) throw fail(`entry ${name} is compressed (method ${method}); torch.save stores entries uncompressed`);
    if (csize !== usize) throw fail(`entry ${name}: stored size ${csize} ≠ size ${usize}`);
    if (loc + 30 > n || dv.getUint32(loc, true) !== LOC_SIG)
      throw fail(`entry ${name}: no local header at offset ${loc} (damaged archive)`);
    const start = loc + 30 + dv.getUint16(loc + 26, true) + dv.getUint16(loc + 28, true);
    if (start + usize > cenOff) throw fail(`entry ${name}: ${usize} bytes at ${start} run past the central directory (truncated archive)`);
    const data = bytes.subarray(start, start + usize);
    if (crc32(data) >>> 0 !== crc) throw fail(`entry ${name}: CRC-32 mismatch (damaged archive)`);
    if (out.has(name)) throw fail(`entry ${name} appears twice`);
    out.set(name, data);
  }
  return out;
}
