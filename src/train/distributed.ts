/**
 * `bench train --nproc-per-node N [--nnodes M --node-rank R --master-addr A --master-port P]`: the trainer runs
 * under torchrun (scripts/trainer/torchrun.py = `python -m torch.distributed.run` plus a fix for torch 1.13 on
 * Python 3.11) with DistributedDataParallel, one process per GPU (NCCL) or per CPU share (gloo).
 */
import { join } from "node:path";
import { inputError, usageError } from "../errors.js";
import { scriptsDir } from "./paths.js";
import { runPythonCode } from "../python/find-python.js";

/** The launch flags as the CLI passes them (all optional; none given = a plain single process). */
export interface DistributedFlags {
  nprocPerNode?: number;
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
}

/** A checked torchrun launch. */
export interface DistributedLaunch {
  nprocPerNode: number;
  nnodes: number;
  nodeRank: number;
  masterAddr?: string;
  masterPort?: number;
}

function positiveInt(name: string, v: number | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min) throw usageError(`usage: --${name} expects an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

/** null when no launch flag is given (single process), else the checked launch; bad combinations → usage errors. */
export function parseDistributed(f: DistributedFlags): DistributedLaunch | null {
  const nproc = positiveInt("nproc-per-node", f.nprocPerNode, 1);
  const nnodes = positiveInt("nnodes", f.nnodes, 1) ?? 1;
  const nodeRank = positiveInt("node-rank", f.nodeRank, 0) ?? 0;
  const port = positiveInt("master-port", f.masterPort, 1);
  if (port !== undefined && port > 65535) throw usageError(`usage: --master-port expects a TCP port (1–65535), got ${port}`);
  const any = nproc !== undefined || f.nnodes !== undefined || f.nodeRank !== undefined || f.masterAddr !== undefined || port !== undefined;
  if (!any) return null;
  if (nproc === undefined)
    throw usageError("usage: --nnodes, --node-rank, --master-addr and --master-port need --nproc-per-node (processes on this node)");
  if (nodeRank >= nnodes) throw usageError(`usage: --node-rank ${nodeRank} must be below --nnodes ${nnodes}`);
  if (nnodes > 1 && (f.masterAddr === undefined || port === undefined)) {
    throw usageError("usage: --nnodes > 1 needs --master-addr and --master-port (node 0's address, the same on every node)");
  }
  return { nprocPerNode: nproc, nnodes, nodeRank, masterAddr: f.masterAddr, masterPort: port };
}

/** scripts/trainer/torchrun.py. */
export function torchrunScript(): string {
  return join(scriptsDir(), "trainer", "torchrun.py");
}

/**
 * torchrun's arguments (before the trainer script). One node and no --master-port: a c10d rendezvous on
 * 127.0.0.1 port 0, so the OS picks a free port when torchrun binds it (no window in which another run can take
 * it) and parallel runs on one machine do not collide. Not --standalone: Debian's torch 1.13 hard-codes that to
 * localhost:29400, and a second run fails with "Address already in use". The workers' own store port is then
 * picked free by torchrun (MASTER_PORT). Otherwise (several nodes, or a --master-port given): a static rendezvous
 * at master-addr:master-port, the user's choice.
 * --monitor_interval 1: a failed rank is noticed within a second (torchrun's default polls every 5 s).
 */
export function torchrunArgs(l: DistributedLaunch): string[] {
  const args = [torchrunScript(), "--nproc_per_node", String(l.nprocPerNode), "--monitor_interval", "1"];
  if (l.nnodes === 1 && l.masterPort === undefined) return [...args, ...LOCAL_RENDEZVOUS];
  return [
    ...args,
    "--nnodes",
    String(l.nnodes),
    "--node_rank",
    String(l.nodeRank),
    "--master_addr",
    l.masterAddr ?? "127.0.0.1",
    "--master_port",
    String(l.masterPort),
  ];
}

/** torchrun flags for a one-node rendezvous on a port the OS picks (see torchrunArgs). */
export const LOCAL_RENDEZVOUS: readonly string[] = ["--rdzv_backend", "c10d", "--rdzv_endpoint", "127.0.0.1:0"];

/** Checks that this Python has torch.distributed with torchrun (some torch builds leave distributed out). */
export function checkTorchrun(python: string): void {
  const probe =
    "import torch.distributed as d, torch.distributed.run; assert d.is_available(), 'torch.distributed is not available in this build'";
  const r = runPythonCode(python, probe);
  if ("error" in r) throw inputError(`train: --nproc-per-node needs torch.distributed and torchrun in ${python} (${r.error})`);
}

/** One line for the log: processes, nodes, and what the global batch is. */
export function describeLaunch(l: DistributedLaunch, perDevice: number, accumulation: number): string {
  const world = l.nprocPerNode * l.nnodes;
  const nodes = l.nnodes > 1 ? ` x ${l.nnodes} nodes (this is node ${l.nodeRank}, rendezvous ${l.masterAddr}:${l.masterPort})` : "";
  return `train: torchrun, ${l.nprocPerNode} process${l.nprocPerNode === 1 ? "" : "es"} per node${nodes}; global batch ${perDevice} x ${world} processes x ${accumulation} accumulation = ${perDevice * world * accumulation} queries per step`;
}
