"""Multi-process training under torchrun (`python -m torch.distributed.run`) with DistributedDataParallel:
NCCL on CUDA (one GPU per process, cuda:LOCAL_RANK), gloo on CPU. Without torchrun's environment (WORLD_SIZE)
the trainer runs as a single process exactly as before; under torchrun it wraps the model in DDP even with one
process, so a 1-process torchrun run measures DDP's own cost (scripts/bench-ddp-gpu.sh).

Why the distributed run equals one process with the global batch (docs/training.md "Several GPUs or nodes"):
every rank samples the groups of the whole global batch with the same seeded sampler and keeps its shard, each
rank's loss is the mean over its B queries, and DDP averages gradients, so with equal shards the gradient is
that of the mean over all W*B queries. In-batch negatives gather every rank's documents (gather_with_grad).
"""
import datetime
import os
import signal
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

# test-only: "RANK:STEP" makes that rank raise at that optimizer step, "RANK:STEP:hang" makes it stop answering
# (tests that a failing or stuck rank ends the whole run with an error instead of a hang)
FAIL_ENV = "BENCH_TRAINER_TEST_FAIL"


class Single:
    """The single-process context (no torchrun): every collective is the identity."""

    world, rank, local_rank, active = 1, 0, 0, False

    def __init__(self, device):
        self.device = device

    def all_sum(self, values):
        return list(values)

    def all_objects(self, obj):
        return [obj]

    def close(self):
        pass


class Distributed(Single):
    """One torchrun worker: rank, world size, its device, and the few collectives the loop needs."""

    active = True

    def __init__(self, device_arg, timeout_s):
        self.world, self.rank = int(os.environ["WORLD_SIZE"]), int(os.environ["RANK"])
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if device_arg == "auto":
            device_arg = "cuda" if torch.cuda.is_available() else "cpu"
        if device_arg.startswith("cuda:"):
            raise SystemExit("trainer: under torchrun each process uses cuda:LOCAL_RANK; pass --device cuda or auto, not " + device_arg)
        device = torch.device(f"cuda:{self.local_rank}") if device_arg == "cuda" else torch.device(device_arg)
        super().__init__(device)
        if device.type == "cuda":
            torch.cuda.set_device(device)
            # without it NCCL ignores the timeout below and a dead peer hangs the others forever (torch < 2.2)
            os.environ.setdefault("NCCL_ASYNC_ERROR_HANDLING", "1")
        self.backend = "nccl" if device.type == "cuda" else "gloo"
        # the timeout bounds rendezvous and every collective: a rank that stops answering ends the run with an error
        dist.init_process_group(self.backend, timeout=datetime.timedelta(seconds=timeout_s))

    def all_sum(self, values):
        """Sums a few floats over the ranks (float64, one collective)."""
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return t.tolist()

    def all_objects(self, obj):
        """Every rank's picklable `obj`, in rank order."""
        out = [None] * self.world
        dist.all_gather_object(out, obj)
        return out

    def close(self):
        dist.destroy_process_group()


def init(device_arg, timeout_s):
    """Single(device) outside torchrun, else a Distributed worker with its process group."""
    if "WORLD_SIZE" not in os.environ:
        if device_arg == "auto":
            return Single(torch.device("cuda" if torch.cuda.is_available() else "cpu"))
        return Single(torch.device(device_arg))
    return Distributed(device_arg, timeout_s)


class EncodePair(torch.nn.Module):
    """DDP hooks forward() only, so one forward encodes the queries then the documents (the order the
    single-process step uses, so the numbers are the same)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, q_ids, q_mask, d_ids, d_mask):
        return self.model.encode(q_ids, q_mask), self.model.encode(d_ids, d_mask)


def wrap(model, ctx):
    """DDP around the model. The pooler (kept only for HF round-trips) never gets a gradient: it is frozen so DDP
    needs no find_unused_parameters pass; AdamW and clipping skip grad-less parameters, so nothing else changes."""
    if model.encoder.pooler is not None:
        model.encoder.pooler.requires_grad_(False)
    ids = [ctx.device.index] if ctx.device.type == "cuda" else None
    return DistributedDataParallel(EncodePair(model), device_ids=ids, broadcast_buffers=False)


class _GatherWithGrad(torch.autograd.Function):
    """all_gather forward; backward sums every rank's gradient for the gathered tensor and keeps this rank's
    slice (a reduce-scatter), so each rank's documents receive the gradient of every rank's loss through them.
    Not torch.distributed.nn.functional.all_gather: in torch 1.13 on gloo, inside this DDP step, it gave wrong
    gradients (test_ddp's in-batch test: step-3 loss 5.35 vs 1.28 for one process; steps 1-2 equal)."""

    @staticmethod
    def forward(ctx, x):
        ctx.rank, ctx.world = dist.get_rank(), dist.get_world_size()
        parts = [torch.empty_like(x) for _ in range(ctx.world)]
        dist.all_gather(parts, x.contiguous())
        return torch.cat(parts, 0)

    @staticmethod
    def backward(ctx, g):
        g = g.contiguous()
        chunks = list(g.chunk(ctx.world, 0))
        if dist.get_backend() == dist.Backend.NCCL:
            out = torch.empty_like(chunks[ctx.rank])
            dist.reduce_scatter(out, chunks)
            return out
        g = g.clone()
        dist.all_reduce(g)  # gloo has no reduce_scatter: all-reduce and slice (W x the traffic, CPU only)
        return g.chunk(ctx.world, 0)[ctx.rank]


def gather_with_grad(x):
    """Concatenation of every rank's x along dim 0 (rank order); gradients flow back to each rank's own x."""
    return _GatherWithGrad.apply(x)


def maybe_fail(ctx, step):
    """Test hook (FAIL_ENV): this rank raises at that step as a crashing worker would, or hangs as a stuck one."""
    spec = os.environ.get(FAIL_ENV, "")
    if spec == f"{ctx.rank}:{step}":
        raise RuntimeError(f"test failure injected on rank {ctx.rank} at step {step} ({FAIL_ENV})")
    if spec == f"{ctx.rank}:{step}:hang":
        # a stuck rank: the others' next collective times out after --ddp_timeout, they fail, and torchrun's
        # SIGTERM ends this one (default action: a rank stuck inside a collective does not run Python handlers)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        while True:
            time.sleep(1)
