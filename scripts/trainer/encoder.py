"""BERT and XLM-RoBERTa encoders in plain PyTorch, with Hugging Face parameter names, so HF checkpoints load
by name and what we save loads back into `transformers.AutoModel` (no `transformers` needed here).

Mirrors transformers' BertModel / XLMRobertaModel (absolute positions, exact-erf GELU, post-LayerNorm,
additive attention mask (1 - mask) * finfo.min, dropout after embeddings, on attention probabilities and
after each sub-layer).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

_HAS_SDPA = hasattr(F, "scaled_dot_product_attention")


class EncoderConfig:
    """The fields of an HF config.json this encoder uses; unsupported variants are rejected, not ignored."""

    def __init__(self, cfg, source="config.json"):
        mt = cfg.get("model_type")
        if mt not in ("bert", "xlm-roberta", "roberta"):
            raise ValueError(f"{source}: model_type {mt!r} is not supported (expected bert, xlm-roberta or roberta)")
        act = cfg.get("hidden_act", "gelu")
        if act != "gelu":
            raise ValueError(f"{source}: hidden_act {act!r} is not supported (expected gelu)")
        pe = cfg.get("position_embedding_type", "absolute")
        if pe != "absolute":
            raise ValueError(f"{source}: position_embedding_type {pe!r} is not supported (expected absolute)")
        self.raw = dict(cfg)
        self.model_type = mt
        self.roberta = mt != "bert"
        self.vocab_size = int(cfg["vocab_size"])
        self.hidden_size = int(cfg["hidden_size"])
        self.num_layers = int(cfg["num_hidden_layers"])
        self.num_heads = int(cfg["num_attention_heads"])
        if self.hidden_size % self.num_heads:
            raise ValueError(f"{source}: hidden_size {self.hidden_size} is not a multiple of num_attention_heads {self.num_heads}")
        self.intermediate_size = int(cfg["intermediate_size"])
        self.max_positions = int(cfg["max_position_embeddings"])
        self.type_vocab_size = int(cfg.get("type_vocab_size", 2))
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.pad_token_id = int(cfg.get("pad_token_id", 1 if self.roberta else 0))
        self.hidden_dropout = float(cfg.get("hidden_dropout_prob", 0.1))
        self.attn_dropout = float(cfg.get("attention_probs_dropout_prob", 0.1))
        self.init_range = float(cfg.get("initializer_range", 0.02))


def roberta_position_ids(input_ids, padding_idx):
    """HF create_position_ids_from_input_ids: pads keep padding_idx, real tokens count up from padding_idx+1."""
    mask = input_ids.ne(padding_idx).int()
    incremental = torch.cumsum(mask, dim=1).type_as(mask) * mask
    return incremental.long() + padding_idx


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id)
        self.position_embeddings = nn.Embedding(
            c.max_positions, c.hidden_size, padding_idx=c.pad_token_id if c.roberta else None
        )
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.eps)
        self.dropout = nn.Dropout(c.hidden_dropout)

    def forward(self, input_ids):
        if self.c.roberta:
            pos = roberta_position_ids(input_ids, self.c.pad_token_id)
        else:
            pos = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0).expand_as(input_ids)
        x = self.word_embeddings(input_ids) + self.position_embeddings(pos)
        x = x + self.token_type_embeddings(torch.zeros_like(input_ids))  # token_type_ids are all 0
        return self.dropout(self.LayerNorm(x))


class _SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c.hidden_size
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
        self.heads, self.dh, self.p = c.num_heads, h // c.num_heads, c.attn_dropout


class _Output(nn.Module):
    """HF BertSelfOutput / BertOutput (the same module twice): dense, dropout, residual add, post-LayerNorm."""

    def __init__(self, c, in_size):
        super().__init__()
        self.dense = nn.Linear(in_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.eps)
        self.dropout = nn.Dropout(c.hidden_dropout)

    def add_norm(self, h, residual):
        # a plain method, not forward: called through __call__ the module would get its own scope in the ONNX
        # trace, renaming the exported graph's nodes (and changing model.onnx's bytes)
        return self.LayerNorm(self.dropout(self.dense(h)) + residual)


class Attention(nn.Module):
    use_sdpa = _HAS_SDPA  # class switch: export and the equivalence test turn it off

    def __init__(self, c):
        super().__init__()
        self.self = _SelfAttention(c)
        self.output = _Output(c, c.hidden_size)

    def forward(self, x, add_mask):
        s = self.self
        b, t, _ = x.shape

        def split(y):
            return y.view(b, t, s.heads, s.dh).transpose(1, 2)

        q, k, v = split(s.query(x)), split(s.key(x)), split(s.value(x))
        p = s.p if self.training else 0.0
        if Attention.use_sdpa:
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=add_mask, dropout_p=p)
        else:
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(s.dh) + add_mask
            probs = F.dropout(torch.softmax(scores, dim=-1), p=p, training=self.training)
            ctx = torch.matmul(probs, v)
        return self.output.add_norm(ctx.transpose(1, 2).reshape(b, t, s.heads * s.dh), x)


class _Dense(nn.Module):
    """A module holding one Linear named `dense`: HF's BertIntermediate and BertPooler (for the parameter names)."""

    def __init__(self, in_size, out_size):
        super().__init__()
        self.dense = nn.Linear(in_size, out_size)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = _Dense(c.hidden_size, c.intermediate_size)
        self.output = _Output(c, c.intermediate_size)

    def forward(self, x, add_mask):
        a = self.attention(x, add_mask)
        h = F.gelu(self.intermediate.dense(a))  # exact erf GELU, HF "gelu"
        return self.output.add_norm(h, a)


class _Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c) for _ in range(c.num_layers)])


class Encoder(nn.Module):
    """HF BertModel/XLMRobertaModel body; forward returns last_hidden_state. The pooler is kept only so HF
    checkpoints round-trip (ColBERT never uses it)."""

    def __init__(self, c, with_pooler=True):
        super().__init__()
        self.config = c
        self.embeddings = Embeddings(c)
        self.encoder = _Encoder(c)
        self.pooler = _Dense(c.hidden_size, c.hidden_size) if with_pooler else None
        self.gradient_checkpointing = False

    def init_weights(self, generator=None):
        """HF _init_weights: Linear/Embedding ~ N(0, initializer_range), biases 0, padding rows 0, LayerNorm 1/0."""
        std = self.config.init_range
        for m in self.modules():
            if isinstance(m, nn.Linear):
                with torch.no_grad():
                    m.weight.normal_(0.0, std, generator=generator)
                    m.bias.zero_()
            elif isinstance(m, nn.Embedding):
                with torch.no_grad():
                    m.weight.normal_(0.0, std, generator=generator)
                    if m.padding_idx is not None:
                        m.weight[m.padding_idx].zero_()
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, input_ids, attention_mask):
        x = self.embeddings(input_ids)
        if Attention.use_sdpa:
            # a boolean mask (True = attend) is the same math and keeps its meaning under fp16/bf16 autocast;
            # no mask at all when nothing is padded (as transformers' sdpa path), which lets torch pick flash attention
            add_mask = None if bool(attention_mask.all()) else attention_mask[:, None, None, :].bool()
        else:
            # HF get_extended_attention_mask: 0 where attended, the dtype's most negative value where masked
            add_mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.encoder.layer:
            if self.gradient_checkpointing and self.training:
                x = checkpoint(layer, x, add_mask, use_reentrant=False)
            else:
                x = layer(x, add_mask)
        return x
