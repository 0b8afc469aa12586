"""Test helpers: a synthetic token-id data directory in the format `bench train` writes (data.py)."""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

TINY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "tiny-zh")


def write_table(d, name, seqs):
    ids = np.concatenate([np.asarray(s, dtype=np.int32) for s in seqs])
    offs = np.zeros(len(seqs) + 1, dtype=np.int64)
    offs[1:] = np.cumsum([len(s) for s in seqs])
    np.save(os.path.join(d, f"{name}.ids.npy"), ids)
    np.save(os.path.join(d, f"{name}.offsets.npy"), offs)


def write_data(d, queries, docs, rows, pad_token_id=0, qlen=16, dlen=24):
    """rows: [(query_index, [pos...], [neg...])]."""
    os.makedirs(d, exist_ok=True)
    write_table(d, "queries", queries)
    write_table(d, "docs", docs)
    flat, offs = [], [0]
    for q, pos, neg in rows:
        flat += [q, len(pos), *pos, len(neg), *neg]
        offs.append(len(flat))
    np.save(os.path.join(d, "rows.npy"), np.asarray(flat, dtype=np.int64))
    np.save(os.path.join(d, "rows.offsets.npy"), np.asarray(offs, dtype=np.int64))
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump({"format": "bench-train-data/1", "pad_token_id": pad_token_id, "query_max_length": qlen,
                   "max_length": dlen, "tokenizer": "synthetic"}, f)


def synthetic(d, n_rows=24, seed=0, cls=101, sep=102):
    """Queries share a 'topic' token with their positives; negatives carry another topic's token."""
    rng = np.random.default_rng(seed)
    queries, docs, rows = [], [], []
    for r in range(n_rows):
        topic = 1000 + r
        queries.append([cls, topic, *rng.integers(2000, 3000, 3).tolist(), sep])
        pos = len(docs)
        docs.append([cls, *rng.integers(2000, 3000, 4).tolist(), topic, *rng.integers(2000, 3000, 4).tolist(), sep])
        negs = []
        for k in range(3):
            negs.append(len(docs))
            other = 1000 + (r + k + 1) % n_rows
            docs.append([cls, *rng.integers(2000, 3000, 5).tolist(), other, *rng.integers(2000, 3000, 3).tolist(), sep])
        rows.append((r, [pos], negs))
    write_data(d, queries, docs, rows)
