#!/usr/bin/env bash
# `npm run bench:train-gpu` (issue 4 item 7), for a GPU machine: the trainer's own optimizer step
# (scripts/trainer/throughput.py: bge-m3-sized random-weight model, batch 32, group 4, query 128 / document 256,
# fp16 + GradScaler, AdamW, ColbertLoss) against ../shared/bench/anchor_train_throughput.py (the open-retrievals
# recipe step with transformers, `sdpa 32`) in the same call, then the trainer again (A-B-A, so drift shows).
# Prints each run's JSON line (samples/s, model TFLOP/s, MFU vs the same run's bf16 peak, max_mem_gb) and a summary
# {"anchor_samples_per_s", "bench_samples_per_s", "speedup", "goal": 1.5, "ok"}.
#
#   bash scripts/gpu-pack.sh    # here, once: copies the anchor (and Node) into .gpu/, an ignored folder to carry
#   bash scripts/bench-train-gpu.sh [throughput.py options, e.g. --precision bf16]     # on the GPU machine
#   bash scripts/bench-train-gpu.sh --smoke   # tiny model on CPU, no anchor: checks the script, not the figure
# Env: PYTHON (default python3), ANCHOR (default .gpu/anchor_train_throughput.py), STEPS (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
ANCHOR="${ANCHOR:-.gpu/anchor_train_throughput.py}"
ARGS=(--steps "${STEPS:-20}" --warmup 3 --batch 32)
if [ "${1:-}" = "--smoke" ]; then
  shift
  ARGS=(--config tiny --precision fp32 --batch 4 --qlen 16 --dlen 32 --steps 3 --warmup 1 --device cpu "$@")
  "$PY" scripts/trainer/throughput.py "${ARGS[@]}" | tail -1
  echo '{"smoke": true, "note": "CPU smoke run of the trainer side only; the anchor needs CUDA and transformers"}'
  exit 0
fi
ARGS+=("$@")
[ -f "$ANCHOR" ] || { echo "bench-train-gpu: $ANCHOR not found: run scripts/gpu-pack.sh here and carry .gpu" >&2; exit 3; }
B1=$("$PY" scripts/trainer/throughput.py "${ARGS[@]}" | tail -1); echo "$B1"
A=$("$PY" "$ANCHOR" sdpa 32 | tail -1); echo "$A"
B2=$("$PY" scripts/trainer/throughput.py "${ARGS[@]}" | tail -1); echo "$B2"
"$PY" - "$A" "$B1" "$B2" <<'PY'
import json, sys
a, b1, b2 = (json.loads(x) for x in sys.argv[1:4])
for r in (b1, b2):
    if "error" in r:
        print(json.dumps({"ok": False, "error": r["error"]}))
        sys.exit(1)
bench = (b1["samples_per_s"] + b2["samples_per_s"]) / 2
speedup = bench / a["samples_per_s"]
print(json.dumps({"gpu": a.get("gpu"), "anchor_samples_per_s": a["samples_per_s"], "bench_samples_per_s": [b1["samples_per_s"], b2["samples_per_s"]],
                  "speedup": speedup, "bench_max_mem_gb": max(b1.get("max_mem_gb", 0), b2.get("max_mem_gb", 0)),
                  "bench_mfu": b1.get("mfu_vs_same_run_peak"), "goal": 1.5, "ok": speedup >= 1.5}))
sys.exit(0 if speedup >= 1.5 else 1)
PY
