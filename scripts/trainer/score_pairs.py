"""Scores (query, document) token-id pairs with the PyTorch model, as `bench eval` scores them through ONNX
(docs/spec.md §4a): each text encoded alone (no padding), s = Σ_i max_j <q_i, d_j> / n_q over the CLS-less vectors.
Used by the export parity test. Input JSON: {"pairs": [[query_ids, doc_ids], ...]}; output: {"scores": [...]}."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from model import load_colbert  # noqa: E402


def score(model, q_ids, d_ids):
    with torch.no_grad():
        q = torch.tensor([q_ids], dtype=torch.long)
        d = torch.tensor([d_ids], dtype=torch.long)
        qv = model.encode(q, torch.ones_like(q))[0]
        dv = model.encode(d, torch.ones_like(d))[0]
        return float((qv @ dv.T).max(-1).values.sum() / qv.shape[0])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model_dir", required=True)
    p.add_argument("--pairs", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    torch.set_num_threads(1)
    model, _ = load_colbert(a.model_dir)
    model.eval()
    with open(a.pairs, encoding="utf-8") as f:
        pairs = json.load(f)["pairs"]
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump({"scores": [score(model, q, d) for q, d in pairs]}, f)


if __name__ == "__main__":
    main()
