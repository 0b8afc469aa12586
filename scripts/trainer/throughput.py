"""Times the trainer's own optimizer step (step.py) on the shapes of ../shared/bench/anchor_train_throughput.py,
so the two figures compare: a bge-m3-sized random-init model (XLM-R large, 1024x1024 head), batch 32,
train_group_size 4, queries padded to 128 (8-19 real tokens), documents to 256 (all real), fp16 + GradScaler,
AdamW, ColbertLoss (temperature 0.02). Prints one JSON line like the anchor's (samples_per_s, model_tflops, MFU).

  python3 throughput.py [--attention sdpa|manual] [--batch 32] [--precision fp16|bf16|fp32] [--config tiny]
  python3 torchrun.py --rdzv_backend c10d --rdzv_endpoint 127.0.0.1:0 --nproc_per_node N throughput.py ...
      # the same step under DDP (per process; rank 0 prints, samples_per_s is the total over the processes);
      # scripts/bench-ddp-gpu.sh compares N=1 to plain
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import distributed  # noqa: E402
from encoder import Attention, Encoder, EncoderConfig  # noqa: E402
from model import ColBERT  # noqa: E402
from step import StepConfig, build_optimizer, make_scaler, optimizer_step  # noqa: E402

BGE_M3 = {"model_type": "xlm-roberta", "vocab_size": 250002, "hidden_size": 1024, "num_hidden_layers": 24,
          "num_attention_heads": 16, "intermediate_size": 4096, "max_position_embeddings": 8194, "type_vocab_size": 1,
          "pad_token_id": 1, "layer_norm_eps": 1e-5}
TINY = dict(BGE_M3, vocab_size=1000, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
            max_position_embeddings=300)


def batch(bs, group, qlen, dlen, vocab, gen):
    """The anchor's batch: queries with 8-19 real tokens padded to qlen (pad id 1), documents all real."""
    q = torch.randint(5, vocab - 2, (bs, qlen), generator=gen)
    n = torch.randint(8, 20, (bs,), generator=gen)
    qm = (torch.arange(qlen)[None, :] < n[:, None]).long()
    q[qm == 0] = 1
    d = torch.randint(5, vocab - 2, (bs * group, dlen), generator=gen)
    return q, qm, d, torch.ones_like(d)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--attention", choices=("sdpa", "manual"), default="sdpa" if Attention.use_sdpa else "manual")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--group", type=int, default=4)
    p.add_argument("--qlen", type=int, default=128)
    p.add_argument("--dlen", type=int, default=256)
    p.add_argument("--precision", choices=("fp16", "bf16", "fp32"), default="fp16")
    p.add_argument("--config", choices=("bge-m3", "tiny"), default="bge-m3")
    p.add_argument("--gradient_checkpointing", action="store_true")
    p.add_argument("--fused_adamw", action="store_true")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = p.parse_args()
    Attention.use_sdpa = a.attention == "sdpa"
    ctx = distributed.init(a.device, 600)  # under torchrun: DDP, one process per GPU (cuda:LOCAL_RANK)
    dev = ctx.device
    cuda = dev.type == "cuda"
    res = {"device": torch.cuda.get_device_name(0) if cuda else "cpu", "torch": torch.__version__}
    if cuda:  # the same-run bf16 matmul peak, as the anchor measures it
        x = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
        y = torch.randn_like(x)
        for _ in range(3):
            x @ y
        torch.cuda.synchronize()
        t = time.time()
        for _ in range(20):
            x @ y
        torch.cuda.synchronize()
        res["peak_bf16_tflops"] = 2 * 8192 ** 3 / ((time.time() - t) / 20) / 1e12
        del x, y
    torch.manual_seed(0)
    cfg = EncoderConfig(BGE_M3 if a.config == "bge-m3" else TINY)
    enc = Encoder(cfg, with_pooler=False)
    enc.init_weights()
    model = ColBERT(enc, cfg.hidden_size).to(dev)
    model.encoder.gradient_checkpointing = a.gradient_checkpointing
    ddp = distributed.wrap(model, ctx) if ctx.active else None
    model.train()
    opt = build_optimizer(model, 5e-6, 20.0, 1e-6, 0.0, fused=a.fused_adamw)
    scaler = make_scaler(a.precision)
    c = StepConfig(a.precision, 0.02, False, False, 1.0, dev, ddp=ddp)
    nonembed = sum(p.numel() for n, p in model.named_parameters() if "embeddings" not in n)
    gen = torch.Generator().manual_seed(ctx.rank)
    res.update(attn=a.attention, batch=a.batch, precision=a.precision, params_nonembed=nonembed,
               gradient_checkpointing=a.gradient_checkpointing, config=a.config, processes=ctx.world, ddp=ctx.active)
    try:
        for _ in range(a.warmup):
            optimizer_step(model, opt, scaler, [batch(a.batch, a.group, a.qlen, a.dlen, cfg.vocab_size, gen)], c)
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        t = time.time()
        for _ in range(a.steps):
            optimizer_step(model, opt, scaler, [batch(a.batch, a.group, a.qlen, a.dlen, cfg.vocab_size, gen)], c)
        if cuda:
            torch.cuda.synchronize()
        dt = (time.time() - t) / a.steps
        tokens = a.batch * a.qlen + a.batch * a.group * a.dlen
        res.update(step_s=dt, samples_per_s=a.batch * ctx.world / dt, padded_tokens_per_step=tokens,
                   model_tflops=6 * nonembed * tokens / dt / 1e12)  # per process
        if cuda:
            res["max_mem_gb"] = torch.cuda.max_memory_allocated() / 1e9
            res["mfu_vs_same_run_peak"] = res["model_tflops"] / res["peak_bf16_tflops"]
    except RuntimeError as e:  # CUDA OOM is a RuntimeError subclass on every torch version
        if "out of memory" not in str(e):
            raise
        res["error"] = "OOM"
    if ctx.rank == 0:
        print(json.dumps(res))
    ctx.close()


if __name__ == "__main__":
    main()
