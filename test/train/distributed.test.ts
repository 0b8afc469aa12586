/** torchrun launch flags: validation and the exact torchrun argv `bench train` builds. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BenchError } from "../../src/errors.js";
import { describeLaunch, parseDistributed, torchrunArgs, torchrunScript } from "../../src/train/distributed.js";

test("no launch flag: one plain process", () => {
  assert.equal(parseDistributed({}), null);
});

test("one node: a c10d rendezvous on 127.0.0.1 port 0 (the OS picks a free port, so parallel runs never collide)", () => {
  const l = parseDistributed({ nprocPerNode: 4 });
  assert.deepEqual(l, { nprocPerNode: 4, nnodes: 1, nodeRank: 0, masterAddr: undefined, masterPort: undefined });
  const local = ["--rdzv_backend", "c10d", "--rdzv_endpoint", "127.0.0.1:0"];
  assert.deepEqual(torchrunArgs(l!), [torchrunScript(), "--nproc_per_node", "4", "--monitor_interval", "1", ...local]);
  // not --standalone: Debian's torch 1.13 pins that to localhost:29400, so a second run on the machine fails
  assert.ok(!torchrunArgs(l!).includes("--standalone"));
  // an address alone does not pin a port on one node
  assert.deepEqual(torchrunArgs(parseDistributed({ nprocPerNode: 2, masterAddr: "127.0.0.1" })!).slice(-4), local);
  assert.match(torchrunScript(), /scripts\/trainer\/torchrun\.py$/);
  assert.equal(
    describeLaunch(l!, 32, 2),
    "train: torchrun, 4 processes per node; global batch 32 x 4 processes x 2 accumulation = 256 queries per step",
  );
});

test("several nodes, or one node with --master-port: static rendezvous at the user's address and port", () => {
  const l = parseDistributed({ nprocPerNode: 8, nnodes: 2, nodeRank: 1, masterAddr: "10.0.0.5", masterPort: 29400 });
  assert.deepEqual(torchrunArgs(l!), [
    torchrunScript(),
    "--nproc_per_node",
    "8",
    "--monitor_interval",
    "1",
    "--nnodes",
    "2",
    "--node_rank",
    "1",
    "--master_addr",
    "10.0.0.5",
    "--master_port",
    "29400",
  ]);
  assert.match(
    describeLaunch(l!, 4, 1),
    /8 processes per node x 2 nodes \(this is node 1, rendezvous 10\.0\.0\.5:29400\); global batch 4 x 16 processes x 1 accumulation = 64/,
  );
  const one = parseDistributed({ nprocPerNode: 2, masterPort: 29555 });
  assert.deepEqual(torchrunArgs(one!).slice(-8), [
    "--nnodes",
    "1",
    "--node_rank",
    "0",
    "--master_addr",
    "127.0.0.1",
    "--master_port",
    "29555",
  ]);
});

test("bad combinations are usage errors (exit 2) naming the flag", () => {
  const cases: [Parameters<typeof parseDistributed>[0], RegExp][] = [
    [{ nprocPerNode: 0 }, /--nproc-per-node expects an integer ≥ 1, got 0/],
    [{ nprocPerNode: 1.5 }, /--nproc-per-node expects an integer/],
    [{ nnodes: 2 }, /need --nproc-per-node/],
    [{ nprocPerNode: 2, nnodes: 2 }, /--nnodes > 1 needs --master-addr and --master-port/],
    [{ nprocPerNode: 2, nnodes: 2, nodeRank: 2, masterAddr: "a", masterPort: 1 }, /--node-rank 2 must be below --nnodes 2/],
    [{ nprocPerNode: 2, nodeRank: -1 }, /--node-rank expects an integer ≥ 0/],
    [{ nprocPerNode: 2, masterPort: 70000 }, /--master-port expects a TCP port/],
  ];
  for (const [flags, msg] of cases) {
    assert.throws(
      () => parseDistributed(flags),
      (e: unknown) => e instanceof BenchError && e.exitCode === 2 && msg.test(e.message),
      JSON.stringify(flags),
    );
  }
});
