"""manifest.json (what produced this model: data hash, base model, every hyperparameter, git commit) and
the training log's upkeep on resume."""
import json
import os

import torch

from atomic import atomic_write, write_json_atomic


def write_manifest(output_dir, hparams, model_info, data, total_steps):
    meta = {}
    if hparams.get("meta"):
        with open(hparams["meta"], encoding="utf-8") as f:
            meta = json.load(f)
    manifest = {
        "format": "bench-train-manifest/1",
        "data_sha256": meta.get("data_sha256"),
        "data_path": meta.get("data_path"),
        "data_fingerprint_token_files": data.fingerprint,
        "rows": len(data.rows),
        "rows_dropped": data.dropped,
        "tokenizer": data.meta.get("tokenizer"),
        "base_model": meta.get("base_model", hparams["model_dir"]),
        "base_model_weights": model_info["encoder_weights"],
        "colbert_linear": model_info["colbert_linear"],
        "git_commit": meta.get("git_commit"),
        "torch": torch.__version__,
        "total_steps": total_steps,
        "hyperparameters": {k: v for k, v in sorted(hparams.items()) if k not in ("meta",)},
    }
    write_json_atomic(os.path.join(output_dir, "manifest.json"), manifest)


def rewrite_log_until(log_path, step):
    """Keeps only log records with step ≤ `step` (those after the checkpoint are trained again)."""
    if not os.path.exists(log_path):
        return
    with open(log_path, encoding="utf-8") as f:
        lines = [ln for ln in f.read().splitlines() if ln.strip()]
    keep = []
    for ln in lines:
        try:
            rec = json.loads(ln)
        except json.JSONDecodeError:
            break  # a torn last line from a killed run
        if rec.get("step", 0) <= step:
            keep.append(ln)
    atomic_write(log_path, lambda f: f.write("".join(ln + "\n" for ln in keep)), mode="w")
