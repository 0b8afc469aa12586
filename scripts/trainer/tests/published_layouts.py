"""Tiny random-weight checkpoints in the layouts the hub publishes (issue 10, "The layouts, as published"), file
names and formats exact, written with torch.save and the trainer's safetensors writer:

- bge-m3: config.json (XLMRobertaModel, xlm-roberta), pytorch_model.bin (keys without prefix, pooler included,
  no model.safetensors), colbert_linear.pt (nn.Linear(hidden, dim) state dict), sparse_linear.pt;
- chinese-roberta (hfl/chinese-roberta-wwm-ext): config.json (BertForMaskedLM, bert), pytorch_model.bin AND
  model.safetensors with the bert. prefix, pooler, MLM head cls.predictions.*, NSP head cls.seq_relationship.*.

The tokenizer files are the caller's (test/helpers/published-layouts.ts writes them). As a script:
  published_layouts.py {bge-m3|chinese-roberta} DIR [--seed N] [--colbert_dim D] [--drop KEY]
reads DIR/config.json when it exists (else writes the tiny default) and writes the weights into DIR.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import torch  # noqa: E402

from encoder import Encoder, EncoderConfig  # noqa: E402
from safetensors_io import save_safetensors  # noqa: E402

BERT = {"architectures": ["BertForMaskedLM"], "model_type": "bert", "vocab_size": 50, "hidden_size": 16,
        "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 32, "max_position_embeddings": 40,
        "type_vocab_size": 2, "pad_token_id": 0, "hidden_act": "gelu", "layer_norm_eps": 1e-12}
XLMR = dict(BERT, architectures=["XLMRobertaModel"], model_type="xlm-roberta", type_vocab_size=1, pad_token_id=1,
            bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-5, max_position_embeddings=42)


def _config(d, default):
    path = os.path.join(d, "config.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    os.makedirs(d, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(default, f, indent=2)
    return default


def _encoder_state(cfg, seed):
    """A random encoder (with pooler) whose LayerNorms are not 1/0, so a weight that is not loaded shows."""
    gen = torch.Generator().manual_seed(seed)
    enc = Encoder(EncoderConfig(cfg), with_pooler=True)
    enc.init_weights(gen)
    state = {}
    for k, v in enc.state_dict().items():
        v = v.clone()
        if "LayerNorm" in k:
            v += 0.1 * torch.randn(v.shape, generator=gen)
        state[k] = v
    return state, gen


def write_bge_m3(d, seed=0, colbert_dim=12, drop=None, config=None):
    """Writes the bge-m3 weights into `d`; returns (encoder state as written, colbert_linear state)."""
    cfg = config or _config(d, XLMR)
    state, gen = _encoder_state(cfg, seed)
    if drop:
        del state[drop]
    torch.save(state, os.path.join(d, "pytorch_model.bin"))
    h = cfg["hidden_size"]
    lin = {"weight": torch.randn(colbert_dim, h, generator=gen) * h ** -0.5, "bias": torch.randn(colbert_dim, generator=gen) * 0.01}
    torch.save(lin, os.path.join(d, "colbert_linear.pt"))
    torch.save({"weight": torch.randn(1, h, generator=gen), "bias": torch.zeros(1)}, os.path.join(d, "sparse_linear.pt"))
    return state, lin


def write_chinese_roberta(d, seed=0, drop=None, config=None):
    """Writes the hfl/chinese-roberta-wwm-ext weights (both formats, same tensors) into `d`; returns them."""
    cfg = config or _config(d, BERT)
    enc, gen = _encoder_state(cfg, seed)
    if drop:
        del enc[drop]
    h, v = cfg["hidden_size"], cfg["vocab_size"]
    state = {"bert." + k: t for k, t in enc.items()}
    state.update({
        "cls.predictions.bias": torch.zeros(v),
        "cls.predictions.transform.dense.weight": torch.randn(h, h, generator=gen),
        "cls.predictions.transform.dense.bias": torch.zeros(h),
        "cls.predictions.transform.LayerNorm.weight": torch.ones(h),
        "cls.predictions.transform.LayerNorm.bias": torch.zeros(h),
        "cls.predictions.decoder.weight": enc["embeddings.word_embeddings.weight"].clone(),
        "cls.seq_relationship.weight": torch.randn(2, h, generator=gen),
        "cls.seq_relationship.bias": torch.zeros(2),
    })
    torch.save(state, os.path.join(d, "pytorch_model.bin"))
    save_safetensors(state, os.path.join(d, "model.safetensors"))
    return state


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("layout", choices=["bge-m3", "chinese-roberta"])
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--colbert_dim", type=int, default=12)
    ap.add_argument("--drop", default=None, help="leave this encoder key out (to test the missing-key error)")
    a = ap.parse_args()
    if a.layout == "bge-m3":
        write_bge_m3(a.dir, a.seed, a.colbert_dim, a.drop)
    else:
        write_chinese_roberta(a.dir, a.seed, a.drop)


if __name__ == "__main__":
    main()
