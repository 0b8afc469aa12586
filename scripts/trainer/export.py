"""Writes the finished model directory that `bench eval --model DIR` loads as is (docs/model-format.md):
HF weights, colbert_linear.pt, tokenizer files, model.onnx with bge-m3's `colbert_vecs` output, bench_model.json."""
import inspect
import os
import shutil
import tempfile
import warnings

import torch
import torch.nn as nn

from atomic import write_json_atomic
from encoder import Attention
from model import save_model_dir

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
                   "sentencepiece.bpe.model", "added_tokens.json")


class ColbertVecs(nn.Module):
    """input_ids, attention_mask (int64 [batch, sequence]) → colbert_vecs [batch, sequence-1, dim], normalised."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model.encode(input_ids, attention_mask)


def export_onnx(model, path, opset=14):
    """torch.onnx.export with dynamic batch/sequence axes, manual attention (plain MatMul/Softmax ops)."""
    was_training = model.training
    model.eval()
    prev = Attention.use_sdpa
    Attention.use_sdpa = False
    try:
        ids = torch.tensor([[2, 5, 6, 7, 3], [2, 8, 3, 0, 0]], dtype=torch.long)
        mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.long)
        kwargs = {}
        if "dynamo" in inspect.signature(torch.onnx.export).parameters:
            kwargs["dynamo"] = False  # torch ≥ 2.5: keep the TorchScript exporter, which supports dynamic_axes
        tmpdir = tempfile.mkdtemp(prefix=".onnx-export-", dir=os.path.dirname(os.path.abspath(path)))
        tmp = os.path.join(tmpdir, "model.onnx")
        # torch 1.13 warns "shape inference of prim::Constant type is missing" for every export: harmless noise
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            torch.onnx.export(
                ColbertVecs(model), (ids, mask), tmp,
                input_names=["input_ids", "attention_mask"], output_names=["colbert_vecs"],
                dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                              "colbert_vecs": {0: "batch", 1: "sequence_minus_1"}},
                opset_version=opset, do_constant_folding=True, **kwargs,
            )
        finalize_export(tmpdir, path)
    finally:
        Attention.use_sdpa = prev
        model.train(was_training)


def finalize_export(tmpdir, path):
    """Moves an export from tmpdir to `path`. Over 2 GB torch writes the weights as external data, one file per
    tensor; those are gathered into one `<name>_data` file (with the onnx package, when importable). The graph
    file is renamed last, so a crash never leaves a model.onnx whose data is missing."""
    tmp = os.path.join(tmpdir, "model.onnx")
    try:
        extra = sorted(f for f in os.listdir(tmpdir) if f != "model.onnx")
        if extra:
            try:
                import onnx
            except ImportError:
                onnx = None
            if onnx is not None:
                m = onnx.load(tmp)  # reads the per-tensor files next to it
                data_name = os.path.basename(path) + "_data"
                packed = os.path.join(tmpdir, "packed")
                os.mkdir(packed)
                onnx.save_model(m, os.path.join(packed, "model.onnx"), save_as_external_data=True,
                                all_tensors_to_one_file=True, location=data_name, size_threshold=1024)
                os.replace(os.path.join(packed, data_name), os.path.join(os.path.dirname(path), data_name))
                tmp = os.path.join(packed, "model.onnx")
            else:
                for f in extra:
                    os.replace(os.path.join(tmpdir, f), os.path.join(os.path.dirname(path), f))
        os.replace(tmp, path)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def copy_tokenizer(src_dir, out_dir):
    """Copies the tokenizer files that exist in src_dir; returns their names (tokenizer.json, or a BERT vocab.txt
    that bench builds the tokenizer from, is required)."""
    if not any(os.path.exists(os.path.join(src_dir, f)) for f in ("tokenizer.json", "vocab.txt")):
        raise ValueError(f"{src_dir}: no tokenizer.json (or vocab.txt) to copy into the trained model directory")
    copied = []
    for name in TOKENIZER_FILES:
        src = os.path.join(src_dir, name)
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(out_dir, name))
            copied.append(name)
    return copied


def bench_model_json(model, name, query_max_length, max_length, base_model=None, step=None):
    """bench_model.json for a ColBERT export (docs/model-format.md); base_model and step say what it was trained
    from and how far (None: not recorded)."""
    doc = {
        "format": "bench-model/1",
        "type": "colbert",
        "onnx_file": "model.onnx",
        "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask", "token_type_ids": None},
        "output": "colbert_vecs",
        "output_layout": "tokens_without_cls",
        "normalized": True,
        "pooling": None,
        "dim": model.colbert_linear.out_features,
        "query_max_length": query_max_length,
        "max_length": max_length,
        "query_prefix": "",
        "document_prefix": "",
        "name": name,
        "revision": None,
    }
    if base_model is not None:
        doc["base_model"] = base_model
    if step is not None:
        doc["step"] = step
    return doc


def write_model_dir(model, out_dir, tokenizer_dir, name, query_max_length, max_length, opset=14, base_model=None, step=None):
    """Everything `bench eval` needs, plus what the trainer reloads (config.json, safetensors, head)."""
    save_model_dir(model, out_dir)
    copy_tokenizer(tokenizer_dir, out_dir)
    export_onnx(model, os.path.join(out_dir, "model.onnx"), opset)
    meta = bench_model_json(model, name, query_max_length, max_length, base_model, step)
    write_json_atomic(os.path.join(out_dir, "bench_model.json"), meta)
