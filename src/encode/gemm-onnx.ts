/**
 * A one-node ONNX graph built in memory: Y[N, D] = Gemm(X[N, H], W[D, H]ᵀ, b[D]) — bge-m3's colbert_linear as
 * onnxruntime runs it (MLAS sgemm, all intra-op threads). Written straight in protobuf wire format (onnx.proto
 * field numbers below), so no protobuf library is needed at run time.
 */

class Writer {
  private parts: Uint8Array[] = [];
  private varint(v: number): void {
    const out: number[] = [];
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.parts.push(Uint8Array.from(out));
  }
  int(field: number, v: number): this {
    this.varint(field * 8);
    this.varint(v);
    return this;
  }
  bytes(field: number, b: Uint8Array): this {
    this.varint(field * 8 + 2);
    this.varint(b.length);
    this.parts.push(b);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }
  finish(): Uint8Array {
    const n = this.parts.reduce((a, p) => a + p.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

const FLOAT = 1;
const ATTR_INT = 2;

/** TensorProto: dims (1), data_type (2), name (8), raw_data (9, little-endian float32). */
function initializer(name: string, dims: number[], data: Float32Array): Writer {
  const w = new Writer();
  for (const d of dims) w.int(1, d);
  w.int(2, FLOAT).str(8, name);
  const raw = new Uint8Array(data.length * 4);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) dv.setFloat32(4 * i, data[i], true);
  return w.bytes(9, raw);
}

/** ValueInfoProto: name (1), type (2) = TypeProto.tensor_type (1) {elem_type (1), shape (2) {dim (1) {dim_value (1) | dim_param (2)}}}. */
function valueInfo(name: string, dims: (number | string)[]): Writer {
  const shape = new Writer();
  for (const d of dims) shape.msg(1, typeof d === "number" ? new Writer().int(1, d) : new Writer().str(2, d));
  return new Writer().str(1, name).msg(2, new Writer().msg(1, new Writer().int(1, FLOAT).msg(2, shape)));
}

/** The model bytes of Y = X · Wᵀ + b, with X named "x" [N, hidden] and Y named "y" [N, dim]. */
export function gemmModel(weight: Float32Array, bias: Float32Array, dim: number, hidden: number): Uint8Array {
  const node = new Writer()
    .str(1, "x")
    .str(1, "W")
    .str(1, "b")
    .str(2, "y")
    .str(4, "Gemm")
    .msg(5, new Writer().str(1, "transB").int(20, ATTR_INT).int(3, 1));
  const graph = new Writer()
    .msg(1, node)
    .str(2, "colbert_linear")
    .msg(5, initializer("W", [dim, hidden], weight))
    .msg(5, initializer("b", [dim], bias))
    .msg(11, valueInfo("x", ["n", hidden]))
    .msg(12, valueInfo("y", ["n", dim]));
  // ModelProto: ir_version (1) = 8, producer_name (2), graph (7), opset_import (8) = {domain "" , version 13}
  return new Writer().int(1, 8).str(2, "bench").msg(7, graph).msg(8, new Writer().str(1, "").int(2, 13)).finish();
}
