"""Command-line options of the trainer, named like open-retrievals / HF TrainingArguments (docs/spec.md §4b defaults
from rerank_colbert.sh). `bench train` passes them through; the trainer also runs on its own."""
import argparse


def _bool(v):
    s = str(v).lower()
    if s in ("1", "true", "yes"):
        return True
    if s in ("0", "false", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {v!r}")


def parser():
    p = argparse.ArgumentParser(prog="trainer", description="ColBERT fine-tuning (open-retrievals recipe) in plain PyTorch")
    a = p.add_argument
    a("--model_dir", required=True, help="HF-style directory: config.json (+ model.safetensors | pytorch_model.bin, colbert_linear.pt)")
    a("--tokenizer_dir", help="tokenizer files to copy into the output (default: --model_dir)")
    a("--data_dir", help="token-id files written by `bench train` (see data.py); required unless --export_only")
    a("--export_only", action="store_true", help="write --model_dir untrained as a model directory (the \"before\"), no data, no training")
    a("--output_dir", required=True)
    a("--resume", action="store_true", help="continue from output_dir/checkpoint/checkpoint.pt")
    a("--learning_rate", type=float, default=5e-6)
    a("--num_train_epochs", type=float, default=3.0)
    a("--max_steps", type=int, default=-1, help="> 0 overrides num_train_epochs")
    a("--per_device_train_batch_size", type=int, default=32)
    a("--gradient_accumulation_steps", type=int, default=1)
    a("--train_group_size", type=int, default=4)
    a("--query_max_length", type=int, default=128)
    a("--max_length", type=int, default=256)
    a("--use_inbatch_negative", type=_bool, nargs="?", const=True, default=False)
    a("--bf16", type=_bool, nargs="?", const=True, default=False)
    a("--fp16", type=_bool, nargs="?", const=True, default=False)
    a("--warmup_ratio", type=float, default=0.05)
    a("--warmup_steps", type=int, default=0)
    a("--lr_scheduler_type", choices=("linear", "cosine", "constant"), default="linear")
    a("--logging_steps", type=int, default=10)
    a("--save_steps", type=int, default=500)
    a("--seed", type=int, default=42)
    a("--max_grad_norm", type=float, default=1.0)
    a("--weight_decay", type=float, default=0.0)
    a("--adam_epsilon", type=float, default=1e-6)
    a("--head_lr_multiplier", type=float, default=20.0, help="open-retrievals: the colbert_linear head trains at lr x 20")
    a("--temperature", type=float, default=0.02)
    a("--divide_by_query_length", type=_bool, nargs="?", const=True, default=False)
    a("--colbert_dim", type=int, default=-1, help="-1: hidden size (ignored when colbert_linear.pt exists)")
    a("--padding", choices=("max_length", "longest"), default="max_length")
    a("--gradient_checkpointing", type=_bool, nargs="?", const=True, default=False)
    a("--attention", choices=("auto", "sdpa", "manual"), default="auto")
    a("--gather_inbatch_negatives", type=_bool, nargs="?", const=True, default=True,
      help="under torchrun with --use_inbatch_negative: score against every process's documents (all-gather)")
    a("--ddp_timeout", type=int, default=1800, help="seconds before a stuck rendezvous or collective fails the run (torchrun)")
    a("--device", default="auto", help="auto | cpu | cuda | cuda:N (torchrun: cuda:LOCAL_RANK)")
    a("--threads", type=int, default=0, help="torch.set_num_threads (0: leave torch's default)")
    a("--onnx_opset", type=int, default=14)
    a("--dataloader_drop_last", type=_bool, nargs="?", const=True, default=True,
      help="drop each epoch's last incomplete batch (the recipe); false needs one process")
    a("--save_total_limit", type=int, default=1, help="newest checkpoints kept (checkpoint.pt + checkpoint-STEP.pt)")
    a("--name", default=None, help="model name written into bench_model.json (default: <output_dir basename>@<base model>-step<N>)")
    a("--meta", default=None, help="JSON with data_sha256, base_model, git_commit for manifest.json (written by bench)")
    return p


def parse(argv=None):
    args = parser().parse_args(argv)
    if not args.export_only and not args.data_dir:
        raise SystemExit("trainer: --data_dir is required (unless --export_only)")
    if args.save_total_limit < 1:
        raise SystemExit("trainer: --save_total_limit must be ≥ 1")
    if args.bf16 and args.fp16:
        raise SystemExit("trainer: --bf16 and --fp16 exclude each other")
    if args.train_group_size < 1 or args.per_device_train_batch_size < 1 or args.gradient_accumulation_steps < 1:
        raise SystemExit("trainer: train_group_size, per_device_train_batch_size and gradient_accumulation_steps must be ≥ 1")
    if args.ddp_timeout < 1:
        raise SystemExit("trainer: --ddp_timeout must be ≥ 1 (seconds)")
    if not (14 <= args.onnx_opset <= 17):
        raise SystemExit("trainer: --onnx_opset must be 14..17")
    return args
