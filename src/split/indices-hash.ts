/** The fingerprint of an index list used by docs/spec.md §1.2 and split.json: sha256 over int64 little-endian bytes. */
import { sha256Hex } from "../util/sha256.js";

/** sha256 (hex) of `np.asarray(indices, dtype="<i8").tobytes()`. */
export function indicesSha256(indices: readonly number[]): string {
  const buf = new ArrayBuffer(indices.length * 8);
  const view = new DataView(buf);
  indices.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return sha256Hex(new Uint8Array(buf));
}
