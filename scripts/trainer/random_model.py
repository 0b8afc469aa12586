"""Writes a random-weight ColBERT model directory with the trainer's own init (model.load_colbert on a config
without weights, HF _init_weights + Xavier head) and layout (model.save_model_dir + export.bench_model_json),
optionally with the ONNX export. Used by the torch-backend tests and the GPU eval benchmark.

  random_model.py --config CONFIG.json --tokenizer_dir DIR --out DIR [--colbert_dim N] [--seed S]
                  [--max_length 256] [--query_max_length 256] [--onnx] [--name NAME]
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from atomic import write_json_atomic  # noqa: E402
from export import bench_model_json, copy_tokenizer, export_onnx  # noqa: E402
from model import load_colbert, save_model_dir  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--tokenizer_dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--colbert_dim", type=int, default=-1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max_length", type=int, default=256)
    ap.add_argument("--query_max_length", type=int, default=256)
    ap.add_argument("--onnx", action="store_true")
    ap.add_argument("--name", default=None)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    with tempfile.TemporaryDirectory() as base:
        shutil.copyfile(a.config, os.path.join(base, "config.json"))
        model, _ = load_colbert(base, a.colbert_dim, a.seed)
    model.eval()
    save_model_dir(model, a.out)
    copy_tokenizer(a.tokenizer_dir, a.out)
    if a.onnx:
        export_onnx(model, os.path.join(a.out, "model.onnx"))
    name = a.name or os.path.basename(os.path.abspath(a.out))
    write_json_atomic(os.path.join(a.out, "bench_model.json"), bench_model_json(model, name, a.query_max_length, a.max_length))
    n = sum(p.numel() for p in model.parameters())
    print(f"random_model: {n} parameters -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
