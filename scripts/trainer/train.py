"""ColBERT fine-tuning loop (open-retrievals recipe, docs/spec.md §4b) in plain PyTorch ≥ 1.13 + numpy.

Prints one JSON object per line on stdout (events: start, log, checkpoint, interrupted, done) for `bench train`;
everything else goes to stderr. SIGINT/SIGTERM: finish the current optimizer step, checkpoint, exit 130.
Under torchrun (distributed.py) every rank trains on its shard of each global batch; rank 0 alone prints the
events (any rank prints its own error event), writes the log, checkpoints and the exported model.
"""
import errno
import json
import math
import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from args import parse  # noqa: E402
from atomic import write_json_atomic  # noqa: E402
import distributed  # noqa: E402
from checkpoint import checkpoint_path, load_checkpoint, rank_rng_states, restore_rng_states, save_checkpoint  # noqa: E402
from data import TrainData, epoch_order, make_batch  # noqa: E402
from encoder import Attention  # noqa: E402
from export import write_model_dir  # noqa: E402
from manifest import rewrite_log_until, write_manifest  # noqa: E402
from model import load_colbert  # noqa: E402
from schedule import lr_multiplier, warmup_steps_for  # noqa: E402
from step import StepConfig, build_optimizer, make_scaler, optimizer_step  # noqa: E402


def finite(x):
    """JSON has no NaN/Infinity (Node's JSON.parse rejects them): non-finite values become null."""
    return x if isinstance(x, (int, float)) and math.isfinite(x) else None


RANK0 = [True]  # False on torchrun ranks > 0: they print no events except their own error


# errno values of a disk that refuses a write: the environment failed (exit 5, docs/errors.md), not the input
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}


def emit(event, **fields):
    if not RANK0[0] and event != "error":
        return
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


class Stop:
    requested = False

    @staticmethod
    def handler(signum, frame):
        Stop.requested = True


def main(argv=None):
    a = parse(argv)
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    ctx = distributed.init(a.device, a.ddp_timeout)
    code = train(a, ctx)
    ctx.close()  # not after an exception: with a dead peer NCCL's teardown can block; torchrun ends the process
    return code


def train(a, ctx):
    device = ctx.device
    RANK0[0] = ctx.rank == 0
    W = ctx.world
    if a.fp16 and device.type != "cuda":
        raise SystemExit("trainer: --fp16 needs a CUDA device (use --bf16 or fp32 on CPU)")
    if a.attention != "auto":
        if a.attention == "sdpa" and not hasattr(torch.nn.functional, "scaled_dot_product_attention"):
            raise SystemExit(f"trainer: --attention sdpa needs torch ≥ 2.0 (this is {torch.__version__})")
        Attention.use_sdpa = a.attention == "sdpa"
    hp = vars(a)
    if a.export_only:
        return export_initial(a, ctx)
    data = TrainData(a.data_dir)
    n = len(data.rows)
    if a.dataloader_drop_last:
        micro_per_epoch = n // (a.per_device_train_batch_size * W)  # drop_last, as the recipe (global micro-batches)
        updates_per_epoch = micro_per_epoch // a.gradient_accumulation_steps
        micro_limit = updates_per_epoch * a.gradient_accumulation_steps  # micro-batches used per epoch
    else:
        if W > 1:
            raise SystemExit("trainer: --dataloader_drop_last false needs a single process")
        # HF's DataLoader without drop_last: the last, smaller batch trains too, and the epoch's last optimizer step
        # takes the micro-batches that are left (fewer than gradient_accumulation_steps when they do not divide)
        micro_per_epoch = math.ceil(n / a.per_device_train_batch_size)
        updates_per_epoch = math.ceil(micro_per_epoch / a.gradient_accumulation_steps)
        micro_limit = micro_per_epoch
    if updates_per_epoch < 1:
        procs = f" x {W} processes" if W > 1 else ""
        raise SystemExit(f"trainer: {n} usable rows give no full step of batch {a.per_device_train_batch_size}{procs}"
                         f" x accumulation {a.gradient_accumulation_steps}")
    total = a.max_steps if a.max_steps > 0 else math.ceil(a.num_train_epochs * updates_per_epoch)
    warmup = warmup_steps_for(total, a.warmup_ratio, a.warmup_steps)

    torch.manual_seed(a.seed)
    random.seed(a.seed)
    np.random.seed(a.seed)
    sampler_rng = random.Random(a.seed)
    model, info = load_colbert(a.model_dir, a.colbert_dim, a.seed)
    if ctx.rank > 0:  # dropout masks differ per rank; rank 0 keeps the single-process stream (DDP copies its weights)
        torch.manual_seed(a.seed + ctx.rank)
    model.to(device)
    model.encoder.gradient_checkpointing = a.gradient_checkpointing
    ddp = distributed.wrap(model, ctx) if ctx.active else None
    dist_info = {"world_size": W, "gather_inbatch_negatives": a.gather_inbatch_negatives} if ctx.active else None
    opt = build_optimizer(model, a.learning_rate, a.head_lr_multiplier, a.adam_epsilon, a.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: lr_multiplier(s, warmup, total, a.lr_scheduler_type))
    precision = "bf16" if a.bf16 else "fp16" if a.fp16 else "fp32"
    scaler = make_scaler(precision)
    pos = {"step": 0, "epoch": 0, "micro": 0}
    log_path = os.path.join(a.output_dir, "train_log.jsonl")
    os.makedirs(a.output_dir, exist_ok=True)
    have = ctx.all_objects(os.path.exists(checkpoint_path(a.output_dir)))
    if a.resume and any(have) and not all(have):  # every rank sees the same list, so all of them stop here
        missing = [r for r, h in enumerate(have) if not h]
        raise ValueError(f"{checkpoint_path(a.output_dir)}: --resume: missing on ranks {missing}; a multi-node --resume needs "
                         "--out on a shared filesystem (or the checkpoint directory copied to the same path on every node)")
    if a.resume and not any(have):
        # killed before its first checkpoint: nothing to continue, so start over (and say so)
        if RANK0[0]:
            print(f"trainer: --resume: no checkpoint in {a.output_dir} yet; starting from step 0", file=sys.stderr)
        a.resume = False
    if a.resume:
        ck = load_checkpoint(a.output_dir, hp, data.fingerprint, dist_info)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        sched.load_state_dict(ck["scheduler"])
        if scaler is not None and ck["scaler"] is not None:
            scaler.load_state_dict(ck["scaler"])
        pos = dict(ck["position"])
        restore_rng_states(ck["rng"], sampler_rng, ctx.rank, device)
        if RANK0[0]:
            rewrite_log_until(log_path, pos["step"])  # steps after the checkpoint are redone, log them once
    elif RANK0[0] and os.path.exists(log_path):
        os.remove(log_path)
    emit("start", processes=W, total_steps=total, start_step=pos["step"], rows=n, rows_dropped=data.dropped, warmup_steps=warmup,
         device=str(device), threads=torch.get_num_threads(), torch=torch.__version__, sdpa=bool(Attention.use_sdpa),
         random_init=info["encoder_weights"].startswith("random"), model=info)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, Stop.handler)
        # Restart interrupted system calls (SA_RESTART): the handler only sets a flag, and a signal landing inside a
        # gloo collective's socket read otherwise surfaces as EINTR there and can desynchronise the ranks' streams.
        signal.siginterrupt(sig, False)

    def checkpoint():
        rank_rngs = ctx.all_objects(rank_rng_states(device)) if ctx.active else None  # a collective: every rank
        if not RANK0[0]:
            return
        p = save_checkpoint(a.output_dir, model=model, optimizer=opt, scheduler=sched, scaler=scaler,
                            sampler_rng=sampler_rng, position=pos, hparams=hp, fingerprint=data.fingerprint,
                            distributed=dist_info, rank_rngs=rank_rngs, keep=a.save_total_limit)
        emit("checkpoint", step=pos["step"], path=p)

    B, G = a.per_device_train_batch_size, a.train_group_size
    gather = distributed.gather_with_grad if ctx.active and W > 1 and a.gather_inbatch_negatives else None
    step_cfg = StepConfig(precision, a.temperature, a.use_inbatch_negative, a.divide_by_query_length, a.max_grad_norm, device,
                          ddp=ddp, gather=gather, rank=ctx.rank)
    model.train()
    window = {"loss": 0.0, "steps": 0, "t": time.time()}
    order = epoch_order(n, a.seed, pos["epoch"])
    log = open(log_path, "a", encoding="utf-8") if RANK0[0] else None
    try:
        while pos["step"] < total:
            if pos["micro"] >= micro_limit:
                pos["epoch"] += 1
                pos["micro"] = 0
                order = epoch_order(n, a.seed, pos["epoch"])
            lr = opt.param_groups[0]["lr"]
            batches = []
            for _ in range(a.gradient_accumulation_steps):  # groups are sampled in row order, as the recipe's loader
                if pos["micro"] >= micro_limit:
                    break  # the epoch's last step without drop_last: fewer micro-batches
                rows = order[pos["micro"] * B * W : (pos["micro"] + 1) * B * W]  # the global batch (make_batch keeps this rank's shard)
                pos["micro"] += 1
                batches.append(make_batch(data, rows, sampler_rng, G, a.query_max_length, a.max_length, a.padding, (ctx.rank, W)))
            if ctx.active:
                distributed.maybe_fail(ctx, pos["step"] + 1)
            step_loss, grad_norm = optimizer_step(model, opt, scaler, batches, step_cfg)
            sched.step()
            pos["step"] += 1
            # stop only as the ranks agree: a signal landing after the collective below (it does, when the step's own
            # log line prompts a Ctrl-C) waits for the next step on every rank. Deciding on Stop.requested itself let
            # one rank checkpoint while the other began the next step ("op.preamble.length <= op.nbytes" in gloo).
            stop = Stop.requested
            if ctx.active:  # the mean of the ranks' losses (equal shards: the global batch's), and stop if any rank was asked
                loss_sum, stops = ctx.all_sum([step_loss, 1.0 if stop else 0.0])
                step_loss, stop = loss_sum / W, stops > 0
            if not math.isfinite(step_loss):
                # diverged: stop before a checkpoint or an export can hold NaN weights (exit 3, docs/training.md)
                raise ValueError(f"the loss is {step_loss} at step {pos['step']}: training diverged, nothing was exported "
                                 "(lower --learning_rate, raise --temperature, or train in fp32)")
            window["loss"] += step_loss
            window["steps"] += 1
            if pos["step"] % a.logging_steps == 0 or pos["step"] == total:
                dt = max(time.time() - window["t"], 1e-9)
                rec = {"step": pos["step"], "epoch": pos["epoch"], "loss": finite(window["loss"] / window["steps"]),
                       "learning_rate": lr, "grad_norm": finite(grad_norm),  # inf when fp16 overflowed (step skipped)
                       "samples_per_second": window["steps"] * B * W * a.gradient_accumulation_steps / dt}
                if log is not None:
                    log.write(json.dumps(rec) + "\n")
                    log.flush()
                emit("log", total_steps=total, **rec)
                window = {"loss": 0.0, "steps": 0, "t": time.time()}
            if stop:
                checkpoint()
                emit("interrupted", step=pos["step"])
                return 130
            if a.save_steps > 0 and pos["step"] % a.save_steps == 0 and pos["step"] < total:
                checkpoint()
    finally:
        if log is not None:
            log.close()
    if not RANK0[0]:
        return 0
    model.eval()
    model.to("cpu")
    base = base_model_of(a)
    write_model_dir(model, a.output_dir, a.tokenizer_dir or a.model_dir, default_name(a, base, pos["step"]), a.query_max_length,
                    a.max_length, a.onnx_opset, base_model=base, step=pos["step"])
    write_manifest(a.output_dir, hp, info, data, total)
    emit("done", step=pos["step"], output_dir=a.output_dir)
    return 0


def base_model_of(a):
    """The base model as bench recorded it (--meta: a path, or ORG/NAME@commit), else --model_dir."""
    if a.meta:
        with open(a.meta, encoding="utf-8") as f:
            return json.load(f).get("base_model") or a.model_dir
    return a.model_dir


def default_name(a, base, step):
    """--name, else `<output_dir basename>@<base model basename>-step<N>` (a checkpoint says what it was trained from)."""
    if a.name:
        return a.name
    short = base.split("@")[0].rstrip("/\\").replace("\\", "/").split("/")[-1] or "model"
    return f"{os.path.basename(os.path.abspath(a.output_dir))}@{short}-step{step}"


def export_initial(a, ctx):
    """--export_only: the base as a model directory, untrained (the head seeded as a training run's would be)."""
    if ctx.world > 1:
        raise SystemExit("trainer: --export_only runs in one process")
    torch.manual_seed(a.seed)
    model, info = load_colbert(a.model_dir, a.colbert_dim, a.seed)
    emit("start", export_only=True, processes=1, total_steps=0, start_step=0, rows=0, rows_dropped=0, warmup_steps=0, device="cpu",
         threads=torch.get_num_threads(), torch=torch.__version__, sdpa=False,
         random_init=info["encoder_weights"].startswith("random"), model=info)
    model.eval()
    base = base_model_of(a)
    write_model_dir(model, a.output_dir, a.tokenizer_dir or a.model_dir, default_name(a, base, 0), a.query_max_length,
                    a.max_length, a.onnx_opset, base_model=base, step=0)
    write_json_atomic(os.path.join(a.output_dir, "manifest.json"), {
        "format": "bench-train-manifest/1", "export_only": True, "base_model": base,
        "base_model_weights": info["encoder_weights"], "colbert_linear": info["colbert_linear"], "total_steps": 0,
        "torch": torch.__version__, "hyperparameters": {k: v for k, v in sorted(vars(a).items()) if k != "meta"},
    })
    emit("done", step=0, output_dir=a.output_dir)
    return 0


def _rank_prefix():
    return f"rank {os.environ['RANK']}: " if int(os.environ.get("WORLD_SIZE", "1")) > 1 else ""


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (ValueError, OSError) as e:  # bad input: one JSON line Node turns into a BenchError
        # a disk that refuses (full, over quota, read-only, I/O error) is the environment: exit 5, not 3
        disk = isinstance(e, OSError) and e.errno in DISK_ERRNOS
        emit("error", message=_rank_prefix() + str(e), **({"filesystem": True} if disk else {}))
        sys.exit(5 if disk else 3)
    except RuntimeError as e:
        # torch's C++ writers (torch.save's storages) report a full or read-only disk as a RuntimeError: still bad
        # input (where --out is), not a trainer bug — one line, exit 3, as for an OSError
        if not any(m in str(e) for m in ("No space left on device", "Disk quota exceeded", "Read-only file system", "Permission denied")):
            if "WORLD_SIZE" in os.environ:
                emit("error", message=f"{_rank_prefix() or 'rank 0: '}{type(e).__name__}: {e}", internal=True)
            raise
        disk = "Permission denied" not in str(e)  # as for an OSError: a permission error stays bad input (3)
        emit(
            "error",
            message=_rank_prefix() + f"cannot write the output (--out on a full or read-only disk?): {e}",
            **({"filesystem": True} if disk else {}),
        )
        sys.exit(5 if disk else 3)
    except SystemExit as e:
        if not isinstance(e.code, str):
            raise
        emit("error", message=_rank_prefix() + (e.code[len("trainer: "):] if e.code.startswith("trainer: ") else e.code))
        sys.exit(3)
    except Exception as e:
        if "WORLD_SIZE" not in os.environ:
            raise
        # under torchrun, name the failing rank and its error in an event too (torchrun's summary omits the
        # message); the traceback still goes to stderr, and torchrun stops the other ranks
        emit("error", message=f"{_rank_prefix() or 'rank 0: '}{type(e).__name__}: {e}", internal=True)
        raise
