import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeFrame, FrameError, FrameReader } from "../../src/encode/worker-protocol.js";

const bytes = (parts: Buffer[]): Buffer => Buffer.concat(parts);

test("frames round-trip through the reader at every chunk boundary", () => {
  const vec = new Float32Array([1.5, -2, 0.25, 3e-8, 7]);
  const ids = new BigInt64Array([0n, 5n, 250001n, 2n]);
  const stream = bytes([
    ...encodeFrame({ op: "vectors", id: 0, dims: [1, 1, 5] }, [vec]),
    ...encodeFrame({ op: "ready", note: "héllo ✓" }),
    ...encodeFrame({ op: "encode", id: 1, batch: 1, length: 4 }, [ids, ids]),
  ]);
  for (let cut = 1; cut < stream.length; cut++) {
    const r = new FrameReader();
    const frames = [...r.push(stream.subarray(0, cut)), ...r.push(stream.subarray(cut))];
    assert.equal(frames.length, 3, `cut at ${cut}`);
    assert.deepEqual(frames[0].header, { op: "vectors", id: 0, dims: [1, 1, 5] });
    assert.deepEqual(new Float32Array(frames[0].payload.buffer, frames[0].payload.byteOffset, 5), vec);
    assert.equal(frames[1].header.note, "héllo ✓");
    assert.equal(frames[1].payload.length, 0);
    const back = new BigInt64Array(frames[2].payload.buffer, frames[2].payload.byteOffset, 8);
    assert.deepEqual([...back], [...ids, ...ids]);
    assert.equal(r.buffered, 0);
  }
  // One byte at a time as well.
  const r = new FrameReader();
  const frames = [...stream].flatMap((b) => r.push(Buffer.from([b])));
  assert.equal(frames.length, 3);
});

test("payload buffers are fresh and 4-byte aligned (Float32Array views need it)", () => {
  const r = new FrameReader();
  const [f] = r.push(bytes(encodeFrame({ op: "x" }, [new Uint8Array(3), new Float32Array(3)])));
  assert.equal(f.payload.length, 15);
  assert.equal(f.payload.byteOffset % 4, 0);
});

test("garbage is a FrameError naming what was seen", () => {
  assert.throws(
    () => new FrameReader().push(Buffer.from("Traceback (most recent call last):\n")),
    (e: Error) => e instanceof FrameError && /expected a frame starting with "BWF1", got "Traceback/.test(e.message),
  );
  const bad = Buffer.alloc(12);
  bad.write("BWF1", 0, "latin1");
  bad.writeUInt32LE(5, 4);
  assert.throws(() => new FrameReader().push(Buffer.concat([bad, Buffer.from("{oops")])), /frame header is not JSON/);
  bad.writeUInt32LE(2 ** 31, 4);
  assert.throws(() => new FrameReader().push(bad), /frame header of 2147483648 bytes/);
  bad.writeUInt32LE(2, 4);
  assert.throws(() => new FrameReader().push(Buffer.concat([bad, Buffer.from("[]")])), /not a JSON object/);
});

test("a partial frame stays buffered until it completes", () => {
  const r = new FrameReader();
  const [head, payload] = encodeFrame({ op: "vectors" }, [new Float32Array(1000)]);
  assert.deepEqual(r.push(head), []);
  assert.deepEqual(r.push(payload.subarray(0, 3999)), []);
  assert.equal(r.buffered, 3999);
  assert.equal(r.push(payload.subarray(3999)).length, 1);
});
