"""Learning-rate multipliers as transformers' get_{linear,cosine,constant}_schedule_with_warmup compute them."""
import math


def warmup_steps_for(total_steps, warmup_ratio, warmup_steps=0):
    """HF TrainingArguments.get_warmup_steps: explicit steps win, else ceil(total * ratio)."""
    return warmup_steps if warmup_steps > 0 else math.ceil(total_steps * warmup_ratio)


def lr_multiplier(step, warmup, total, kind):
    """The factor applied to the base learning rate before optimizer step number `step` (0-based)."""
    if step < warmup:
        return step / max(1, warmup)
    if kind == "constant":
        return 1.0
    if kind == "linear":
        return max(0.0, (total - step) / max(1, total - warmup))
    if kind == "cosine":
        progress = (step - warmup) / max(1, total - warmup)
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress)))
    raise ValueError(f"unknown lr_scheduler_type {kind!r} (expected linear, cosine or constant)")
