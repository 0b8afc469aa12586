/**
 * Reads a `torch.save`d state dict of float tensors (`colbert_linear.pt`) without Python: the zip archive
 * (./zip-stored.ts) holds `<name>/data.pkl` (./state-dict-pickle.ts, a strict unpickler), one raw little-endian
 * storage per `<name>/data/<key>`, and optionally `<name>/byteorder`. Tensors come back as contiguous float32
 * (fp16/bf16 storages are widened). Any surprise is an input error naming the file.
 */
import { readFileSync, statSync } from "node:fs";
import { inputError } from "../errors.js";
import { type StorageDtype, type TensorRef, unpickleStateDict } from "./state-dict-pickle.js";
import { readStoredZip } from "./zip-stored.js";

/** One tensor of a state dict: row-major float32 with its shape. */
export interface Float32Tensor {
  shape: number[];
  data: Float32Array;
}

const ITEM: Record<StorageDtype, number> = { float32: 4, float16: 2, bfloat16: 2 };
const MAX_BYTES = 2 ** 31 - 1; // a ColBERT head is MBs; this only keeps a wrong file from being read whole

/** IEEE half → float. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** A storage's bytes as float32 values. */
function decodeStorage(bytes: Uint8Array, dtype: StorageDtype): Float32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / ITEM[dtype];
  const out = new Float32Array(n);
  if (dtype === "float32") for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
  else if (dtype === "float16") for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true));
  else {
    const u = new Uint32Array(1);
    const f = new Float32Array(u.buffer);
    for (let i = 0; i < n; i++) {
      u[0] = dv.getUint16(2 * i, true) << 16;
      out[i] = f[0];
    }
  }
  return out;
}

/** Reads `path` as a state dict: parameter name → float32 tensor. */
export function readTorchStateDict(path: string): Map<string, Float32Tensor> {
  const fail = (msg: string): Error => inputError(`model: ${path}: ${msg}`);
  const st = statSync(path);
  if (!st.isFile()) throw fail("not a regular file");
  if (st.size > MAX_BYTES) throw fail(`${st.size} bytes is too large for a state dict this reader accepts`);
  const entries = readStoredZip(readFileSync(path), fail);
  const pkls = [...entries.keys()].filter((k) => /^[^/]+\/data\.pkl$/.test(k));
  if (pkls.length !== 1) throw fail(`expected one <name>/data.pkl entry (torch.save's zip format), found ${pkls.length}`);
  const prefix = pkls[0].slice(0, -"data.pkl".length);
  const order = entries.get(`${prefix}byteorder`);
  // older torch (1.13 here) writes no byteorder record: those files are little-endian (the writer's byte order on x86/ARM).
  if (order && new TextDecoder().decode(order) !== "little")
    throw fail(`byteorder is "${new TextDecoder().decode(order)}"; only little-endian storages are supported`);
  const refs = unpickleStateDict(entries.get(pkls[0]) as Uint8Array, fail);
  const storages = new Map<string, Float32Array>();
  const out = new Map<string, Float32Tensor>();
  for (const [name, t] of refs) out.set(name, materialize(name, t, entries, prefix, storages, fail));
  return out;
}

function materialize(
  name: string,
  t: TensorRef,
  entries: Map<string, Uint8Array>,
  prefix: string,
  storages: Map<string, Float32Array>,
  fail: (m: string) => Error,
): Float32Tensor {
  const s = t.storage;
  let values = storages.get(s.key);
  if (!values) {
    const bytes = entries.get(`${prefix}data/${s.key}`);
    if (!bytes) throw fail(`tensor "${name}": storage entry ${prefix}data/${s.key} is missing`);
    if (bytes.length !== s.numel * ITEM[s.dtype])
      throw fail(`tensor "${name}": storage ${s.key} has ${bytes.length} bytes, expected ${s.numel} × ${ITEM[s.dtype]}`);
    values = decodeStorage(bytes, s.dtype);
    storages.set(s.key, values);
  }
  if (t.size.length !== t.stride.length) throw fail(`tensor "${name}": size and stride have different ranks`);
  const numel = t.size.reduce((a, b) => a * b, 1);
  // Only contiguous row-major tensors (what state_dict() of Linear/Embedding layers holds); dims of size 1 may have any stride.
  let expect = 1;
  for (let i = t.size.length - 1; i >= 0; i--) {
    if (t.size[i] !== 1 && t.stride[i] !== expect)
      throw fail(`tensor "${name}" is not contiguous (size [${t.size}], stride [${t.stride}])`);
    expect *= t.size[i];
  }
  if (t.offset + numel > s.numel) throw fail(`tensor "${name}": offset ${t.offset} + ${numel} elements exceed its storage of ${s.numel}`);
  return { shape: t.size, data: values.slice(t.offset, t.offset + numel) };
}
