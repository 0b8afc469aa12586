"""Tiny random-weight BAAI/bge-m3-layout repository for tests (test/helpers/seed-repos.ts writes the rest).

  seed_repos.py build --config CONFIG.json --out DIR --colbert_dim N --seed S
      DIR/pytorch_model.bin (torch.save of the encoder's state dict: keys without prefix, pooler included),
      DIR/colbert_linear.pt (nn.Linear(hidden, N) state dict), DIR/sparse_linear.pt (nn.Linear(hidden, 1)),
      DIR/onnx/model.onnx (weights embedded; inputs input_ids, attention_mask; one output last_hidden_state)
  seed_repos.py reference --model DIR --ids IDS.json
      prints, for IDS.json {"queries": [[id…]…], "docs": [[id…]…], "pairs": [[q, d]…]}, the bge-m3 ColBERT score of
      each pair computed here with torch from DIR's pytorch_model.bin + colbert_linear.pt (each text alone, no
      padding): normalize(linear(h[:, 1:])) then sum_i max_j <q_i, d_j> / n_q (spec section 4a); with
      "mode": "dense-cls" in IDS.json, the cosine of the CLS hidden states instead (sentence-transformers).

The encoder is the trainer's (scripts/trainer/encoder.py, HF XLMRobertaModel names and math), used read-only.
"""
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../scripts/trainer"))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from encoder import Attention, Encoder, EncoderConfig  # noqa: E402


class Hidden(nn.Module):
    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, input_ids, attention_mask):
        return self.enc(input_ids, attention_mask)


def build(cfg_path, out, colbert_dim, seed):
    with open(cfg_path, encoding="utf-8") as f:
        c = EncoderConfig(json.load(f), cfg_path)
    gen = torch.Generator().manual_seed(seed)
    enc = Encoder(c, with_pooler=True)
    enc.init_weights(gen)
    # LayerNorm weights/biases off their 1/0 init, so every parameter matters to the test.
    with torch.no_grad():
        for m in enc.modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.add_(torch.randn(m.weight.shape, generator=gen) * 0.1)
                m.bias.add_(torch.randn(m.bias.shape, generator=gen) * 0.1)
    enc.eval()
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    torch.save(enc.state_dict(), os.path.join(out, "pytorch_model.bin"))
    torch.manual_seed(seed + 1)
    lin = nn.Linear(c.hidden_size, colbert_dim)
    torch.save(lin.state_dict(), os.path.join(out, "colbert_linear.pt"))
    torch.save(nn.Linear(c.hidden_size, 1).state_dict(), os.path.join(out, "sparse_linear.pt"))
    Attention.use_sdpa = False
    ids = torch.tensor([[0, 5, 6, 7, 2], [0, 8, 2, 1, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.long)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Hidden(enc), (ids, mask), os.path.join(out, "onnx", "model.onnx"),
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"},
                          "last_hidden_state": {0: "batch_size", 1: "sequence_length"}},
            opset_version=14, do_constant_folding=True,
        )


def reference(model, ids_path):
    with open(os.path.join(model, "config.json"), encoding="utf-8") as f:
        c = EncoderConfig(json.load(f))
    enc = Encoder(c, with_pooler=True)
    enc.load_state_dict(torch.load(os.path.join(model, "pytorch_model.bin")), strict=True)
    enc.eval()
    lin_sd = torch.load(os.path.join(model, "colbert_linear.pt"))
    lin = nn.Linear(lin_sd["weight"].shape[1], lin_sd["weight"].shape[0])
    lin.load_state_dict(lin_sd)
    with open(ids_path, encoding="utf-8") as f:
        spec = json.load(f)

    def vecs(ids):
        x = torch.tensor([ids], dtype=torch.long)
        with torch.no_grad():
            h = enc(x, torch.ones_like(x))
            return F.normalize(lin(h[:, 1:]), p=2, dim=-1, eps=1e-12)[0]

    if spec.get("mode") == "dense-cls":
        # sentence-transformers Pooling (CLS) + Normalize, then cosine
        def cls(ids):
            x = torch.tensor([ids], dtype=torch.long)
            with torch.no_grad():
                return F.normalize(enc(x, torch.ones_like(x))[0, 0], p=2, dim=-1)
        qs = [cls(i) for i in spec["queries"]]
        ds = [cls(i) for i in spec["docs"]]
        print(json.dumps([float(qs[qi] @ ds[di]) for qi, di in spec["pairs"]]))
        return
    q = [vecs(i) for i in spec["queries"]]
    d = [vecs(i) for i in spec["docs"]]
    scores = []
    for qi, di in spec["pairs"]:
        sim = q[qi] @ d[di].T
        scores.append(float(sim.max(dim=1).values.sum() / q[qi].shape[0]))
    print(json.dumps(scores))


if __name__ == "__main__":
    a = sys.argv[1:]
    opt = {a[i]: a[i + 1] for i in range(1, len(a) - 1, 2)}
    if a[0] == "build":
        build(opt["--config"], opt["--out"], int(opt["--colbert_dim"]), int(opt["--seed"]))
    elif a[0] == "reference":
        reference(opt["--model"], opt["--ids"])
    else:
        sys.exit(f"unknown command {a[0]}")
