"""The ColBERT model: an HF encoder plus bge-m3's colbert_linear head (docs/spec.md §4a/§4b), loaded from and saved
to a Hugging Face-style directory (config.json, model.safetensors | pytorch_model.bin, colbert_linear.pt)."""
import inspect
import json
import os
import pickle
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from atomic import atomic_torch_save, write_json_atomic
from encoder import Encoder, EncoderConfig
from safetensors_io import load_safetensors, save_safetensors

_PREFIXES = ("bert.", "roberta.")
# persistent buffers some transformers versions saved; they hold no learned values (dropped silently)
_IGNORED = ("embeddings.position_ids",)
# heads of published checkpoints that a ColBERT does not use (after the bert./roberta. prefix is stripped): the
# pooler (bge-m3, BertModel), BERT's MLM and NSP heads (hfl/chinese-roberta-wwm-ext), RoBERTa's MLM head.
# Dropped and listed in the log (issue 10 item 3); any other key the encoder lacks stays an error.
UNUSED_HEADS = ("pooler.", "cls.predictions.", "cls.seq_relationship.", "lm_head.")


class ColBERT(nn.Module):
    """encode(ids, mask) = normalize(colbert_linear(h[:, 1:]) * mask[:, 1:, None]): CLS dropped, pads zero."""

    def __init__(self, encoder, colbert_dim):
        super().__init__()
        self.encoder = encoder
        self.colbert_linear = nn.Linear(encoder.config.hidden_size, colbert_dim)

    def encode(self, input_ids, attention_mask):
        h = self.encoder(input_ids, attention_mask)
        e = self.colbert_linear(h[:, 1:]) * attention_mask[:, 1:, None].to(h.dtype)
        return F.normalize(e, p=2, dim=-1)


class _RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that builds only what a state dict of tensors needs (torch.load's weights_only allow-list
    idea): OrderedDict, the tensor rebuild functions and storage types. Anything else (os.system, eval,
    any class a hostile pickle names) is refused before it is imported, so loading cannot run code."""

    _ALLOWED = {
        ("collections", "OrderedDict"),
        ("torch._utils", "_rebuild_tensor_v2"),
        ("torch._utils", "_rebuild_parameter"),
        ("torch", "Size"),
    }

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        if module == "torch" and name.endswith("Storage") and isinstance(getattr(torch, name, None), type):
            return getattr(torch, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: only tensors and dicts of tensors are accepted")


class _RestrictedPickle:
    """A `pickle_module` for torch.load: its Unpickler (and load) refuse anything but tensors and dicts."""

    Unpickler = _RestrictedUnpickler
    UnpicklingError = pickle.UnpicklingError

    @staticmethod
    def load(f, **kw):
        return _RestrictedUnpickler(f, **kw).load()


def load_tensors(path):
    """torch.load of a weights file (pytorch_model.bin, colbert_linear.pt) from possibly untrusted sources
    (hub downloads), on the CPU. A .bin/.pt is a pickle, and a plain pickle load runs whatever code it names, so:
    weights_only=True where torch.load has it (torch ≥ 1.13, all of 2.x; Debian's 1.13 too); on older torch,
    which has no weights_only but honours pickle_module, the _RestrictedPickle allow-list above. (Not both:
    1.13's torch.load silently ignores pickle_module unless weights_only.) Either way a hostile file is refused,
    not executed. Returns {name: tensor}."""
    try:
        if "weights_only" in inspect.signature(torch.load).parameters:
            state = torch.load(path, map_location="cpu", weights_only=True)
        else:
            state = torch.load(path, map_location="cpu", pickle_module=_RestrictedPickle)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError) as e:
        raise ValueError(f"{path}: not a loadable state dict of tensors ({type(e).__name__}: {e})") from e
    if not isinstance(state, dict) or not all(isinstance(k, str) and torch.is_tensor(v) for k, v in state.items()):
        raise ValueError(f"{path}: expected a state dict ({{name: tensor}}), found {type(state).__name__}")
    return state


def _strip_prefix(state, source):
    out = {}
    for k, v in state.items():
        for p in _PREFIXES:
            if k.startswith(p):
                k = k[len(p) :]
                break
        if k in out:
            raise ValueError(f"{source}: weight {k} appears twice (with and without a prefix)")
        out[k] = v
    return out


def weights_file(model_dir):
    """The encoder weights file read_weights would load: model.safetensors, else pytorch_model.bin, else None."""
    for name in ("model.safetensors", "pytorch_model.bin"):
        path = os.path.join(model_dir, name)
        if os.path.exists(path):
            return path
    return None


def read_weights(model_dir):
    """Returns ({hf_name: tensor}, file) from model.safetensors or pytorch_model.bin, or (None, None)."""
    path = weights_file(model_dir)
    if path is None:
        return None, None
    state = load_safetensors(path) if path.endswith(".safetensors") else load_tensors(path)
    return _strip_prefix(state, path), path


def split_unused_heads(state):
    """(encoder state, sorted keys of UNUSED_HEADS) — the second part is what the log lists as ignored."""
    kept = {k: v for k, v in state.items() if not k.startswith(UNUSED_HEADS) and k not in _IGNORED}
    return kept, sorted(k for k in state if k.startswith(UNUSED_HEADS))


def load_encoder_state(encoder, state, source):
    """Copies `state` into `encoder` by HF name; any missing or unexpected key is an error listing them.
    `state` must already be without the UNUSED_HEADS keys (split_unused_heads)."""
    own = encoder.state_dict()
    state = {k: v for k, v in state.items() if k not in _IGNORED}
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    if missing or unexpected:
        raise ValueError(
            f"{source}: weights do not match the {encoder.config.model_type} config: "
            f"missing {missing or 'none'}; unexpected {unexpected or 'none'}"
        )
    for k, v in state.items():
        if tuple(v.shape) != tuple(own[k].shape):
            raise ValueError(f"{source}: weight {k} has shape {list(v.shape)}, the config needs {list(own[k].shape)}")
    encoder.load_state_dict({k: v.to(torch.float32) for k, v in state.items()}, strict=True)


def ignored_line(keys, source):
    """The one log line naming the ignored head weights (counted), or None when there are none."""
    if not keys:
        return None
    return f"model: {source}: ignored {len(keys)} weights of heads ColBERT does not use: {', '.join(keys)}"


def load_colbert(model_dir, colbert_dim=-1, seed=0):
    """Builds the model from `model_dir`. Returns (model, info) where info says which parts were random."""
    cfg_path = os.path.join(model_dir, "config.json")
    with open(cfg_path, encoding="utf-8") as f:
        c = EncoderConfig(json.load(f), cfg_path)
    state, wfile = read_weights(model_dir)
    ignored = []
    if state is not None:
        state, ignored = split_unused_heads(state)
    # a random-init encoder keeps its pooler (saved for HF round-trips); a loaded one drops it with the other heads
    encoder = Encoder(c, with_pooler=state is None)
    gen = torch.Generator().manual_seed(seed)
    if state is None:
        encoder.init_weights(gen)
    else:
        load_encoder_state(encoder, state, wfile)
        line = ignored_line(ignored, wfile)
        if line and os.environ.get("RANK", "0") == "0":  # torchrun: one line per run, not one per process
            print(line, file=sys.stderr, flush=True)
    lin_path = os.path.join(model_dir, "colbert_linear.pt")
    lin_state = load_tensors(lin_path) if os.path.exists(lin_path) else None
    if lin_state is not None:
        if sorted(lin_state) != ["bias", "weight"]:
            raise ValueError(f"{lin_path}: expected keys bias, weight; found {sorted(lin_state)}")
        dim = lin_state["weight"].shape[0]
        if colbert_dim > 0 and colbert_dim != dim:
            raise ValueError(f"{lin_path}: the head has {dim} outputs but colbert_dim {colbert_dim} was asked for")
    else:
        dim = c.hidden_size if colbert_dim <= 0 else colbert_dim
    model = ColBERT(encoder, dim)
    if lin_state is not None:
        model.colbert_linear.load_state_dict({k: v.to(torch.float32) for k, v in lin_state.items()})
    else:
        # open-retrievals: Xavier-uniform weight when no colbert_linear.pt ships with the model (docs/spec.md §4b)
        with torch.no_grad():
            w = torch.empty_like(model.colbert_linear.weight)
            bound = (6.0 / (w.shape[0] + w.shape[1])) ** 0.5
            model.colbert_linear.weight.copy_(w.uniform_(-bound, bound, generator=gen))
            b = model.colbert_linear.bias
            b.copy_(torch.empty_like(b).uniform_(-(1 / w.shape[1]) ** 0.5, (1 / w.shape[1]) ** 0.5, generator=gen))
    info = {
        "encoder_weights": wfile if wfile else "random init (config.json only)",
        "colbert_linear": lin_path if lin_state is not None else "xavier-uniform init",
        "colbert_dim": dim,
        "model_type": c.model_type,
        "ignored_weights": ignored,
    }
    return model, info


def save_model_dir(model, out_dir):
    """Writes config.json, model.safetensors (HF names, fp32) and colbert_linear.pt into out_dir."""
    os.makedirs(out_dir, exist_ok=True)
    cfg = dict(model.encoder.config.raw)
    write_json_atomic(os.path.join(out_dir, "config.json"), cfg)
    state = {k: v.float() for k, v in model.encoder.state_dict().items()}
    save_safetensors(state, os.path.join(out_dir, "model.safetensors"))
    lin = {k: v.detach().float().clone() for k, v in model.colbert_linear.state_dict().items()}
    atomic_torch_save(lin, os.path.join(out_dir, "colbert_linear.pt"))
