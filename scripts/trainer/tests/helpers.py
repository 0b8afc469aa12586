"""Test helpers: a synthetic token-id data directory in the format `bench train` writes (data.py), and
subprocess runs with a time budget for a busy machine."""
import json
import os
import signal
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

TINY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "tiny-zh")
# one local rendezvous on a port the OS picks (not --standalone: torch 1.13 pins that to port 29400, so two
# torchruns on one machine collide); the same flags `bench train` passes (src/train/distributed.ts)
LOCAL_RENDEZVOUS = ["--rdzv_backend", "c10d", "--rdzv_endpoint", "127.0.0.1:0"]
SCALE_ENV = "BENCH_TEST_TIMEOUT_SCALE"


def timeout_scale():
    """BENCH_TEST_TIMEOUT_SCALE (default 1): multiplies every test time budget (raise it on a slow machine)."""
    raw = os.environ.get(SCALE_ENV) or "1"
    try:
        v = float(raw)
    except ValueError:
        v = -1.0
    if not v > 0:
        raise ValueError(f"{SCALE_ENV}={raw!r}: expected a positive number (a factor for every test time budget)")
    return v


def budget_s(idle_s):
    """A time limit for something that takes `idle_s` seconds on an idle 2-core machine: 10x that (a loaded
    machine is slower, not broken), times BENCH_TEST_TIMEOUT_SCALE. Past it the thing is taken to hang."""
    return 10 * idle_s * timeout_scale()


def run(args, idle_s, env=None):
    """subprocess.run(args, capture_output=True, text=True) with PYTHONDONTWRITEBYTECODE=1 and a time budget
    (budget_s(idle_s)). Runs in its own process group, so on timeout torchrun's workers are killed with it; then
    fails with a message naming the command, the budget and the last stderr lines (not a bare TimeoutExpired)."""
    limit = budget_s(idle_s)
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}) as p:
        try:
            out, err = p.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            name = " ".join(os.path.basename(a) if i < 3 else a for i, a in enumerate(args))
            raise AssertionError(f"did not finish within {limit:.0f} s (10 x its {idle_s} s on an idle machine x "
                                 f"{SCALE_ENV}={timeout_scale():g}; killed): {name}\n{err[-3000:]}") from None
    return subprocess.CompletedProcess(args, p.returncode, out, err)


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
