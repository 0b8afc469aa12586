"""One optimizer step of the recipe (spec §4b), shared by the training loop (train.py) and the throughput
benchmark (throughput.py), so what is timed is exactly what trains."""
import contextlib

import torch

from loss import colbert_loss


def build_optimizer(model, lr, head_lr_multiplier, eps, weight_decay, fused=False):
    """AdamW; the backbone at lr, the colbert head at lr x head_lr_multiplier (open-retrievals: 20)."""
    groups = [{"params": list(model.encoder.parameters()), "lr": lr},
              {"params": list(model.colbert_linear.parameters()), "lr": lr * head_lr_multiplier}]
    kwargs = {"fused": True} if fused else {}
    return torch.optim.AdamW(groups, lr=lr, eps=eps, weight_decay=weight_decay, **kwargs)


def autocast_ctx(precision, device):
    """bf16: autocast on the device (CUDA, or CPU where torch supports it); fp16: CUDA autocast; else none."""
    if precision == "bf16":
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    if precision == "fp16":
        return torch.autocast(device_type="cuda", dtype=torch.float16)
    return contextlib.nullcontext()


def make_scaler(precision):
    """A GradScaler for fp16 (torch ≥ 2.3 spells it torch.amp.GradScaler("cuda")), else None."""
    if precision != "fp16":
        return None
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        return torch.amp.GradScaler("cuda")
    return torch.cuda.amp.GradScaler()


class StepConfig:
    """What a step needs to know besides the model and the batches."""

    def __init__(self, precision, temperature, inbatch, divide_by_query_length, max_grad_norm, device):
        self.precision, self.temperature, self.inbatch = precision, temperature, inbatch
        self.divide, self.max_grad_norm, self.device = divide_by_query_length, max_grad_norm, device


def optimizer_step(model, opt, scaler, micro_batches, c):
    """Forward/backward over the micro-batches (gradient accumulation), clip, step, zero the grads.
    micro_batches: a list of (q_ids, q_mask, d_ids, d_mask), docs = B positives then B*(G-1) negatives.
    Returns (mean loss as a float, grad norm before clipping as a float)."""
    n = len(micro_batches)
    total = 0.0
    for q_ids, q_mask, d_ids, d_mask in micro_batches:
        q_ids, q_mask, d_ids, d_mask = (t.to(c.device, non_blocking=True) for t in (q_ids, q_mask, d_ids, d_mask))
        b = q_ids.shape[0]
        with autocast_ctx(c.precision, c.device):
            q = model.encode(q_ids, q_mask)
            d = model.encode(d_ids, d_mask)
            loss, _ = colbert_loss(q, d[:b], d[b:], c.temperature, c.inbatch, q_mask, c.divide)
        loss = loss / n
        (scaler.scale(loss) if scaler is not None else loss).backward()
        total += loss.item()
    if scaler is not None:
        scaler.unscale_(opt)
    grad_norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), c.max_grad_norm))
    if scaler is not None:
        scaler.step(opt)
        scaler.update()
    else:
        opt.step()
    opt.zero_grad(set_to_none=True)
    return total, grad_norm
