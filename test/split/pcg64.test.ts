import { test } from "node:test";
import assert from "node:assert/strict";
import { PCG64 } from "../../src/split/pcg64.js";

// Golden vectors: docs/spec.md §1.2 (numpy 2.4.6).
test("PCG64(42).state matches numpy", () => {
  const st = new PCG64(42).getState();
  assert.equal(st.state, 274674114334540486603088602300644985544n);
  assert.equal(st.state, 0xcea44f6798798f2aacbc7c9d68860ac8n);
  assert.equal(st.inc, 332724090758049132448979897138935081983n);
  assert.equal(st.inc, 0xfa505436c9a8416e66caf2e28d25abffn);
  assert.equal(st.hasUint32, false);
  assert.equal(st.uinteger, 0);
});

const RAW42 = [
  14276969152011380360n,
  8095878257575067585n,
  15838336090824644132n,
  12864169557245331597n,
  1737265434024182251n,
  17997055833233904524n,
  14040549286955598961n,
  14500327064922265408n,
];

test("random_raw() ×8 matches numpy", () => {
  const g = new PCG64(42);
  assert.deepEqual(
    Array.from({ length: 8 }, () => g.next64()),
    RAW42,
  );
  const hex = [
    0xc621fbcd16d92688n,
    0x705a5661a791ffc1n,
    0xdbcd12c26eda1624n,
    0xb286b60e1600888dn,
    0x181c01b5339381ebn,
    0xf9c262ed86c7538cn,
    0xc2da0d2fbc5a4471n,
    0xc93b82a3b7ac9740n,
  ];
  assert.deepEqual(RAW42, hex);
});

test("next32 returns the low half first, then the buffered high half", () => {
  const g = new PCG64(42);
  const words = Array.from({ length: 16 }, () => g.next32());
  const expected = RAW42.flatMap((v) => [Number(v & 0xffffffffn), Number(v >> 32n)]);
  assert.deepEqual(words, expected);
  // A next64 between next32 calls does not consume the buffered half (numpy keeps has_uint32 separate).
  const h = new PCG64(42);
  assert.equal(h.next32(), 0x16d92688);
  assert.equal(h.next64(), RAW42[1]);
  assert.equal(h.next32(), 0xc621fbcd);
  assert.equal(h.getState().hasUint32, false);
});

// Extra vectors produced with numpy 2.4.6: g = np.random.PCG64(seed); g.state; g.random_raw(3).
const EXTRA: Array<[bigint, bigint, bigint, bigint[]]> = [
  [
    0n,
    0x1aa1b5345996452d09585eb7a69561e3n,
    0x418ddadb3af71a82588133bc447873a9n,
    [0xa30febcfd9c2825fn, 0x4510bdf882d9d721n, 0x0a7d3da94ecde8b8n],
  ],
  [
    2n ** 32n,
    0x24d060cf1520dbdd21bbf7fbff1ac5d4n,
    0x77ff3ed86c5c56337b62eea7340ca9c7n,
    [0xe3c5ebe285ac1625n, 0x8ea09968fe31dbccn, 0xcd084ff84d8de9ben],
  ],
  [
    2n ** 64n + 7n,
    0x0b84b3abfdecf35fabf03743fcc4e3b7n,
    0xba45ffcd4b1d894fa72533e23d36a97bn,
    [0xd54af20fba8a1b7dn, 0x7bfd7b45cc2acdcdn, 0xb9c4e028c0865e46n],
  ],
  [
    2n ** 160n + 12345678901234567890n,
    0xd4822345e06a2ddbb6a8ed122693cc89n,
    0xc45239dfb796c2135a6daca8edf57f05n,
    [0x8088b41aedd13be1n, 0x0c181922a5fac8ban, 0x5093918e32a6db31n],
  ],
];

for (const [seed, state, inc, raw] of EXTRA) {
  test(`PCG64(${seed}) state and first draws match numpy`, () => {
    const g = new PCG64(seed);
    const st = g.getState();
    assert.equal(st.state, state);
    assert.equal(st.inc, inc);
    assert.deepEqual([g.next64(), g.next64(), g.next64()], raw);
  });
}

test("setState round-trips and continues the same stream", () => {
  const a = new PCG64(7);
  a.next32();
  const b = new PCG64(0);
  b.setState(a.getState());
  assert.deepEqual(
    Array.from({ length: 9 }, () => b.next32()),
    Array.from({ length: 9 }, () => a.next32()),
  );
});
