"""Training checkpoints: everything needed to continue a run exactly (weights, optimizer, scheduler, grad
scaler, every RNG state, data position), written atomically so a SIGKILL never leaves a torn file."""
import inspect
import os
import random
import re
import shutil

import numpy as np
import torch

from atomic import atomic_torch_save, atomic_write

CHECKPOINT_VERSION = 1

# hyperparameters that must not change between a run and its resumption
TRAINING_KEYS = (
    "learning_rate", "num_train_epochs", "max_steps", "per_device_train_batch_size", "gradient_accumulation_steps",
    "train_group_size", "query_max_length", "max_length", "use_inbatch_negative", "bf16", "fp16", "warmup_ratio",
    "warmup_steps", "lr_scheduler_type", "seed", "max_grad_norm", "weight_decay", "adam_epsilon",
    "head_lr_multiplier", "temperature", "divide_by_query_length", "colbert_dim", "padding", "dataloader_drop_last",
)
# keys added after version 1 was first written, with the value older checkpoints were trained with
LATER_KEYS = {"dataloader_drop_last": True}


def checkpoint_path(output_dir):
    """Where the latest checkpoint of a run lives (the one --resume reads)."""
    return os.path.join(output_dir, "checkpoint", "checkpoint.pt")


def _keep_previous(path, keep):
    """--save_total_limit: before the latest checkpoint is replaced, the previous one stays as checkpoint-STEP.pt
    (a hard link: no copy) while fewer than `keep` checkpoints exist; the oldest numbered ones go."""
    d = os.path.dirname(path)
    if keep > 1 and os.path.exists(path):
        step = _step_of(path)
        if step is not None:
            older = os.path.join(d, f"checkpoint-{step}.pt")
            if not os.path.exists(older):
                try:
                    os.link(path, older)
                except OSError:
                    shutil.copyfile(path, older)
    numbered = sorted((int(m.group(1)), n) for n in os.listdir(d) for m in [re.fullmatch(r"checkpoint-(\d+)\.pt", n)] if m)
    for _, n in numbered[: max(0, len(numbered) - (keep - 1))]:
        os.remove(os.path.join(d, n))


def _step_of(path):
    """The step of a saved checkpoint, from its side file (written with it); None when unknown."""
    try:
        with open(path + ".step", encoding="utf-8") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def rng_states(sampler_rng):
    """All random states that influence training: torch CPU/CUDA, the group sampler, global random, numpy."""
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
        "sampler": sampler_rng.getstate(),
        "python": random.getstate(),
        "numpy": np.random.get_state(),
    }


def rank_rng_states(device):
    """One torchrun worker's own random states (its device's CUDA generator only: get_rng_state_all would open
    a context on every GPU of the node). The group sampler is not here: it is the same on every rank."""
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state(device) if device.type == "cuda" else None,
        "python": random.getstate(),
        "numpy": np.random.get_state(),
    }


def restore_rng_states(states, sampler_rng, rank=0, device=None):
    """Restores what rng_states saved; a distributed checkpoint ({"sampler", "ranks": [per rank]}) gives each
    rank its own torch/CUDA/python/numpy states back (same world size: load_checkpoint checks it)."""
    per_rank = "ranks" in states
    mine = states["ranks"][rank] if per_rank else states
    torch.set_rng_state(mine["torch"])
    if mine["cuda"] is not None:
        if not per_rank and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(mine["cuda"])
        elif per_rank and device is not None and device.type == "cuda":
            torch.cuda.set_rng_state(mine["cuda"], device)
    sampler_rng.setstate(states["sampler"])
    random.setstate(mine["python"])
    np.random.set_state(mine["numpy"])


def save_checkpoint(output_dir, *, model, optimizer, scheduler, scaler, sampler_rng, position, hparams, fingerprint,
                    distributed=None, rank_rngs=None, keep=1):
    """position = {"step", "epoch", "micro"}: optimizer steps done and the next micro-batch of that epoch (global:
    micro-batches of the global batch). Distributed runs (written by rank 0 only) add `distributed` (world size,
    gather flag) and every rank's RNG states (rank_rngs, in rank order)."""
    path = checkpoint_path(output_dir)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ck = {
        "version": CHECKPOINT_VERSION,
        "position": dict(position),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "scaler": scaler.state_dict() if scaler is not None else None,
        "rng": rng_states(sampler_rng) if rank_rngs is None else {"sampler": sampler_rng.getstate(), "ranks": rank_rngs},
        "hparams": {k: hparams[k] for k in TRAINING_KEYS},
        "data_fingerprint": fingerprint,
    }
    if distributed is not None:
        ck["distributed"] = dict(distributed)
    _keep_previous(path, keep)
    atomic_torch_save(ck, path, legacy=True)
    atomic_write(path + ".step", lambda f: f.write(str(position["step"])), mode="w")
    return path


def load_checkpoint(output_dir, hparams, fingerprint, distributed=None):
    """Reads the checkpoint and checks it belongs to this run (same data, same training hyperparameters, same
    number of processes: it sets the global batch and the per-rank RNG states)."""
    path = checkpoint_path(output_dir)
    if not os.path.exists(path):
        raise ValueError(f"{path}: no checkpoint to resume from")
    # our own file, holding RNG states (numpy arrays, tuples): torch ≥ 2.6 defaults to weights_only=True
    kwargs = {"weights_only": False} if "weights_only" in inspect.signature(torch.load).parameters else {}
    ck = torch.load(path, map_location="cpu", **kwargs)
    if ck.get("version") != CHECKPOINT_VERSION:
        raise ValueError(f"{path}: checkpoint version {ck.get('version')}, expected {CHECKPOINT_VERSION}")
    if ck["data_fingerprint"] != fingerprint:
        raise ValueError(f"{path}: the training data differs from the data this checkpoint was trained on")
    diff = [f"{k}: checkpoint {ck['hparams'].get(k)!r} vs now {hparams[k]!r}"
            for k in TRAINING_KEYS if ck["hparams"].get(k, LATER_KEYS.get(k)) != hparams[k]]
    was = ck.get("distributed") or {"world_size": 1}
    now = distributed or {"world_size": 1}
    if was["world_size"] != now["world_size"]:
        diff.append(f"processes (torchrun world size): checkpoint {was['world_size']} vs now {now['world_size']} "
                    "(give bench train the run's --nproc-per-node and --nnodes again)")
    elif now["world_size"] > 1 and was.get("gather_inbatch_negatives") != now.get("gather_inbatch_negatives"):
        before, after = was.get('gather_inbatch_negatives'), now.get('gather_inbatch_negatives')
        diff.append(f"gather_inbatch_negatives: checkpoint {before!r} vs now {after!r}")
    if diff:
        raise ValueError(f"{path}: hyperparameters differ from the checkpointed run: " + "; ".join(diff))
    return ck
