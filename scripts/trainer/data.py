"""Training data: the token-id files `bench train` (Node) writes, and open-retrievals' group sampling (docs/spec.md §4b).

Files in the data directory (all .npy, little-endian):
  queries.ids.npy int32 (all query tokens, concatenated)  queries.offsets.npy int64 [n_queries + 1]
  docs.ids.npy    int32                                   docs.offsets.npy    int64 [n_docs + 1]
  rows.npy int64: per row [query, n_pos, pos..., n_neg, neg...]   rows.offsets.npy int64 [n_rows + 1]
  meta.json: {"format": "bench-train-data/1", "pad_token_id", "query_max_length", "max_length", ...}
Token sequences are already truncated by the tokenizer (special tokens included); here they are only padded.
"""
import hashlib
import io
import json
import math
import os

import numpy as np
import torch

DATA_FORMAT = "bench-train-data/1"
FILES = ("queries.ids.npy", "queries.offsets.npy", "docs.ids.npy", "docs.offsets.npy", "rows.npy", "rows.offsets.npy")


class TokenTable:
    """A ragged table of token sequences: ids[offsets[i]:offsets[i+1]]."""

    def __init__(self, ids, offsets, name):
        if offsets.ndim != 1 or len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != len(ids):
            raise ValueError(f"{name}: offsets must start at 0 and end at {len(ids)} (the number of ids)")
        if np.any(np.diff(offsets) <= 0):
            raise ValueError(f"{name}: every sequence needs at least one token")
        self.ids, self.offsets = ids, offsets

    def __len__(self):
        return len(self.offsets) - 1

    def get(self, i):
        return self.ids[self.offsets[i] : self.offsets[i + 1]]


class TrainData:
    """Rows (query, positives, negatives) over token tables; rows without a positive or a negative are dropped,
    as open-retrievals' RetrievalTrainDataset does."""

    def __init__(self, data_dir):
        meta_path = os.path.join(data_dir, "meta.json")
        with open(meta_path, encoding="utf-8") as f:
            self.meta = json.load(f)
        if self.meta.get("format") != DATA_FORMAT:
            raise ValueError(f"{meta_path}: format {self.meta.get('format')!r}, expected {DATA_FORMAT!r}")
        arr = {}
        h = hashlib.sha256()  # the fingerprint over the token files: a resumed run proves it reads the same data
        for name in FILES:
            path = os.path.join(data_dir, name)
            if not os.path.exists(path):
                raise ValueError(f"{path}: missing (the data directory is written by `bench train`)")
            with open(path, "rb") as f:
                raw = f.read()  # read once: hashed and parsed from the same bytes
            h.update(name.encode() + b"\0" + raw)
            arr[name] = np.load(io.BytesIO(raw), allow_pickle=False)
        self.queries = TokenTable(arr["queries.ids.npy"], arr["queries.offsets.npy"], "queries")
        self.docs = TokenTable(arr["docs.ids.npy"], arr["docs.offsets.npy"], "docs")
        flat, offs = arr["rows.npy"], arr["rows.offsets.npy"]
        self.rows = []
        self.dropped = 0
        for r in range(len(offs) - 1):
            rec = flat[offs[r] : offs[r + 1]].tolist()
            q, npos = rec[0], rec[1]
            pos = rec[2 : 2 + npos]
            nneg = rec[2 + npos]
            neg = rec[3 + npos : 3 + npos + nneg]
            if len(rec) != 3 + npos + nneg:
                raise ValueError(f"rows.npy: row {r} is malformed")
            if not pos or not neg:
                self.dropped += 1
                continue
            self.rows.append((q, pos, neg))
        self.fingerprint = h.hexdigest()
        self.pad_id = int(self.meta["pad_token_id"])


def sample_group(rng, pos, neg, group_size):
    """open-retrievals/FlagEmbedding: one positive by random.choice, group_size-1 negatives by random.sample,
    from the negatives repeated ceil((G-1)/len) times when there are too few. Returns (pos, [negs])."""
    p = rng.choice(pos)
    k = group_size - 1
    if len(neg) < k:
        negs = rng.sample(neg * math.ceil(k / len(neg)), k)
    else:
        negs = rng.sample(neg, k)
    return p, negs


def epoch_order(n, seed, epoch):
    """The row order of one epoch: a permutation that depends only on (seed, epoch), so resuming needs no state."""
    g = torch.Generator().manual_seed(seed * 1000003 + epoch)
    return torch.randperm(n, generator=g).tolist()


def pad_batch(seqs, max_len, pad_id, padding, longest=None):
    """Pads to max_len ('max_length', the recipe) or to the longest sequence ('longest'; `longest` overrides it,
    so every rank's shard pads to the whole global batch's longest). Returns (ids, mask)."""
    longest = max(len(s) for s in seqs) if longest is None else longest
    if longest > max_len:
        raise ValueError(f"a sequence has {longest} tokens, more than the maximum {max_len}")
    width = max_len if padding == "max_length" else longest
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.from_numpy(np.asarray(s, dtype=np.int64))
        mask[i, : len(s)] = 1
    return ids, mask


def make_batch(data, row_indices, rng, group_size, query_max_length, max_length, padding, shard=(0, 1)):
    """One batch: queries [B, Q], positives [B, L], negatives [B*(G-1), L] in open-retrievals' flattened order.
    shard=(rank, world): the groups of all rows are sampled (the sampler advances as in one process with the
    global batch) and rank's contiguous 1/world of them is kept, padded like the whole global batch."""
    groups = []
    for r in row_indices:
        q, pos, neg = data.rows[r]
        p, negs = sample_group(rng, pos, neg, group_size)
        groups.append((data.queries.get(q), data.docs.get(p), [data.docs.get(n) for n in negs]))
    q_longest = max(len(g[0]) for g in groups)
    d_longest = max(max([len(g[1])] + [len(n) for n in g[2]]) for g in groups)
    rank, world = shard
    b = len(groups) // world
    groups = groups[rank * b : (rank + 1) * b]
    qs = [g[0] for g in groups]
    ps = [g[1] for g in groups]
    ns = [n for g in groups for n in g[2]]
    q_ids, q_mask = pad_batch(qs, query_max_length, data.pad_id, padding, q_longest)
    d_ids, d_mask = pad_batch(ps + ns, max_length, data.pad_id, padding, d_longest)
    return q_ids, q_mask, d_ids, d_mask
