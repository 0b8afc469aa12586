"""The baseline of bench:eval-gpu: open-retrievals' ColBERT.compute_score loop (docs/spec.md §4b; the same loop as
../shared/bench/anchor_eval_throughput.py) on the SAME model directory and the SAME token ids bench evaluates:
batches of 16 (query, document) pairs, query and document each padded to max_length 256 and encoded for every
pair (no de-duplication), in fp16 on CUDA, MaxSim divided by the query length. The model is the trainer's
(model.load_colbert), so both sides run identical weights and attention code.

Input: PAIRS.json {"n", "max_length"} + PAIRS.bin = int32 qlen[n], dlen[n], query ids (concatenated), doc ids.
Prints one JSON line: wall_s (timed after a 64-pair warm-up, like the anchor), pairs_per_s, padded/real tokens.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "trainer"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from model import load_colbert  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model_dir", required=True)
    ap.add_argument("--pairs", required=True, help="path without extension: PAIRS.json + PAIRS.bin")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--dtype", default="fp16", choices=["fp32", "bf16", "fp16"])
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    with open(a.pairs + ".json") as f:
        meta = json.load(f)
    n, L = meta["n"], meta["max_length"]
    raw = np.fromfile(a.pairs + ".bin", dtype="<i4")
    qlen, dlen = raw[:n], raw[n : 2 * n]
    qoff = np.concatenate([[0], np.cumsum(qlen)]) + 2 * n
    doff = np.concatenate([[0], np.cumsum(dlen)]) + qoff[-1]
    dev = torch.device(a.device)
    model, _ = load_colbert(a.model_dir)
    pad = model.encoder.config.pad_token_id  # config.json's (default: 1 for XLM-R/RoBERTa, 0 for BERT)
    model.eval().to(device=dev, dtype={"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[a.dtype])

    def padded(i, offs, lens):
        # tokenizer(padding="max_length", max_length=256): every row padded to L, whatever the batch holds
        ids = np.full((len(i), L), pad, dtype=np.int64)
        mask = np.zeros((len(i), L), dtype=np.int64)
        for r, k in enumerate(i):
            ids[r, : lens[k]] = raw[offs[k] : offs[k] + lens[k]]
            mask[r, : lens[k]] = 1
        return torch.from_numpy(ids).to(dev), torch.from_numpy(mask).to(dev)

    @torch.no_grad()
    def run(count):
        scores = []
        for s in range(0, count, a.batch):
            i = list(range(s, min(s + a.batch, count)))
            qi, qm = padded(i, qoff, qlen)
            di, dm = padded(i, doff, dlen)
            q, d = model.encode(qi, qm), model.encode(di, dm)
            sc = torch.einsum("bsh,bth->bst", q, d).max(2).values.sum(1) / qm[:, 1:].sum(-1)
            scores.extend(sc.float().cpu().tolist())
        return scores

    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    run(min(64, n))
    sync()
    t = time.time()
    scores = run(n)
    sync()
    dt = time.time() - t
    print(json.dumps({
        "loop": f"open-retrievals compute_score style: batch {a.batch} pairs, q+d padded to {L}, {a.dtype}, {a.device}",
        "device_name": torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu", "torch": torch.__version__,
        "pairs": n, "wall_s": dt, "pairs_per_s": n / dt, "padded_tokens": int(2 * n * L),
        "real_tokens": int(qlen.sum() + dlen.sum()), "mean_score": float(np.mean(scores)),
    }))


if __name__ == "__main__":
    main()
