import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { npyBytes, writeNpy } from "../../src/train/npy.js";
import { python, scratchDir, torchSkipReason } from "./helpers.js";

test("npyBytes: format 1.0 header, 64-byte aligned, little-endian data", () => {
  const b = npyBytes(new Int32Array([1, -2, 3]));
  assert.deepEqual([...b.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const hlen = b[8] | (b[9] << 8);
  assert.equal((10 + hlen) % 64, 0);
  const header = Buffer.from(b.subarray(10, 10 + hlen)).toString("latin1");
  assert.match(header, /^\{'descr': '<i4', 'fortran_order': False, 'shape': \(3,\), \} +\n$/);
  assert.deepEqual([...new Int32Array(b.slice(10 + hlen).buffer)], [1, -2, 3]);
  const e = npyBytes(new BigInt64Array(0));
  assert.match(Buffer.from(e).toString("latin1"), /'descr': '<i8', 'fortran_order': False, 'shape': \(0,\)/);
});

test("numpy reads what writeNpy writes", (t) => {
  const skip = torchSkipReason();
  if (skip) return t.skip(skip);
  const dir = scratchDir(t, "bench-npy-");
  writeNpy(join(dir, "a.npy"), new Int32Array([7, -8, 2147483647]));
  writeNpy(join(dir, "b.npy"), BigInt64Array.from([0n, -1n, 2n ** 40n]));
  const out = python([
    "-c",
    `import numpy as np; a=np.load('${dir}/a.npy'); b=np.load('${dir}/b.npy'); print(a.dtype, a.tolist(), b.dtype, b.tolist())`,
  ]);
  assert.equal(out.trim(), "int32 [7, -8, 2147483647] int64 [0, -1, 1099511627776]");
});
