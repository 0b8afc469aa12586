import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countOnnxParameters } from "../../src/onnx/params.js";
import { buildEncoderOnnx } from "../../scripts/lib/onnx-builder.js";

test("countOnnxParameters sums initializer sizes (counted by hand for a 1-layer generated encoder)", async () => {
  const bytes = buildEncoderOnnx({
    vocab: 50,
    hidden: 8,
    layers: 1,
    heads: 2,
    ffn: 16,
    maxPositions: 20,
    tokenTypes: false,
    head: "bge-m3",
    colbertDim: 4,
    seed: 1,
  });
  const path = join(mkdtempSync(join(tmpdir(), "bench-params-")), "m.onnx");
  writeFileSync(path, bytes);
  // H=8, F=16, V=50, P=20, D=4. Embeddings 50·8 + 20·8 = 560, embedding LayerNorm 2·8 = 16, mask constants
  // (1, -10000, unsqueeze axes [1,2]) = 4, sequence-length/range scalars 3.
  // Layer: q/k/v (8·8+8 each, + a 4-int reshape each) = 228, 1/√dh 1, merge reshape 3, output 8·8+8 = 72,
  // LN 16, up 8·16+16 = 144, GELU constants 3, down 16·8+8 = 136, LN 16 → 619.
  // bge-m3 heads: CLS index 1, two slices of 3 ints, unsqueeze 1, colbert 8·4+4 = 36, two eps 2,
  // sparse 8·1+1 = 9, squeeze 1 → 56.  Total 560 + 16 + 4 + 3 + 619 + 56 = 1258.
  assert.equal(await countOnnxParameters(path), 1258);
  writeFileSync(path, Buffer.from([0x3a, 0xff])); // field 7 with a length varint cut off by the end of file
  assert.equal(await countOnnxParameters(path), null);
});
