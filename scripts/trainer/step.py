"""One optimizer step of the recipe (docs/spec.md §4b), shared by the training loop (train.py) and the throughput
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

    def __init__(self, precision, temperature, inbatch, divide_by_query_length, max_grad_norm, device, ddp=None, gather=None, rank=0):
        self.precision, self.temperature, self.inbatch = precision, temperature, inbatch
        self.divide, self.max_grad_norm, self.device = divide_by_query_length, max_grad_norm, device
        # distributed (distributed.py): the DDP-wrapped EncodePair, and for in-batch negatives across ranks the
        # gather function (gather_with_grad) and this rank's index
        self.ddp, self.gather, self.rank = ddp, gather, rank


def _encode(model, c, q_ids, q_mask, d_ids, d_mask):
    if c.ddp is not None:
        return c.ddp(q_ids, q_mask, d_ids, d_mask)
    return model.encode(q_ids, q_mask), model.encode(d_ids, d_mask)


def _loss(q, d, q_mask, c):
    b = q.shape[0]
    pos, neg = d[:b], d[b:]
    if c.gather is not None and c.inbatch:  # every rank's documents, in rank order: W*B positives, W*B*(G-1) negatives
        pos = c.gather(pos)
        neg = c.gather(neg) if neg.size(0) > 0 else neg
        return colbert_loss(q, pos, neg, c.temperature, True, q_mask, c.divide, label_offset=c.rank * b)
    return colbert_loss(q, pos, neg, c.temperature, c.inbatch, q_mask, c.divide)


def optimizer_step(model, opt, scaler, micro_batches, c):
    """Forward/backward over the micro-batches (gradient accumulation), clip, step, zero the grads.
    micro_batches: a list of (q_ids, q_mask, d_ids, d_mask), docs = B positives then B*(G-1) negatives.
    Returns (mean loss as a float, grad norm before clipping as a float); distributed, the loss is this rank's
    (the mean over its B queries) and the gradients are already averaged over the ranks by DDP."""
    n = len(micro_batches)
    total = 0.0
    for i, (q_ids, q_mask, d_ids, d_mask) in enumerate(micro_batches):
        q_ids, q_mask, d_ids, d_mask = (t.to(c.device, non_blocking=True) for t in (q_ids, q_mask, d_ids, d_mask))
        # DDP all-reduces the gradients in the last micro-batch's backward only (accumulated locally before)
        sync = c.ddp.no_sync() if c.ddp is not None and i < n - 1 else contextlib.nullcontext()
        with sync:
            with autocast_ctx(c.precision, c.device):
                q, d = _encode(model, c, q_ids, q_mask, d_ids, d_mask)
                loss, _ = _loss(q, d, q_mask, c)
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
