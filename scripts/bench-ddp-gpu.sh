#!/usr/bin/env bash
# DDP's own cost on one GPU: the trainer's optimizer step (scripts/trainer/throughput.py, the GPU anchor's shapes:
# bge-m3 size, batch 32, group 4, 128/256 tokens, fp16) timed plain, then under torchrun with one process
# (DistributedDataParallel over NCCL, gradients all-reduced in buckets), then plain again (A-B-A, so clock or
# thermal drift shows). Passes when the torchrun run's samples/s is within 5% of the plain runs' mean.
#
#   scripts/bench-ddp-gpu.sh [throughput.py options, e.g. --batch 16 --precision bf16]
#   scripts/bench-ddp-gpu.sh --smoke        # tiny model on CPU (gloo): checks the script, not the figure
# Env: PYTHON (default python3), STEPS (timed steps per run, default 20), TOLERANCE (default 0.05).
# Prints each run's JSON line, then one summary line {"plain_samples_per_s", "ddp_samples_per_s", "ratio", "ok"}.
set -euo pipefail
cd "$(dirname "$0")/trainer"
PY="${PYTHON:-python3}"
STEPS="${STEPS:-20}"
TOL="${TOLERANCE:-0.05}"
# torchrun sets OMP_NUM_THREADS=1 when it is unset: give both runs the same value
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-4}"
ARGS=(--steps "$STEPS" --warmup 3)
SMOKE=0
if [ "${1:-}" = "--smoke" ]; then
  shift
  SMOKE=1
  ARGS=(--config tiny --precision fp32 --batch 4 --qlen 16 --dlen 32 --steps 3 --warmup 1 --device cpu)
fi
ARGS+=("$@")
plain() { "$PY" throughput.py "${ARGS[@]}"; }
# a local rendezvous on a port the OS picks (torch 1.13's --standalone pins port 29400: parallel runs collide)
ddp() { "$PY" torchrun.py --rdzv_backend c10d --rdzv_endpoint 127.0.0.1:0 --monitor_interval 1 --nproc_per_node 1 throughput.py "${ARGS[@]}"; }
A1=$(plain | tail -1); echo "$A1"
B=$(ddp | tail -1); echo "$B"
A2=$(plain | tail -1); echo "$A2"
"$PY" - "$A1" "$B" "$A2" "$TOL" "$SMOKE" <<'PY'
import json, sys
a1, b, a2 = (json.loads(x) for x in sys.argv[1:4])
tol, smoke = float(sys.argv[4]), sys.argv[5] == "1"
for r in (a1, b, a2):
    if "error" in r:
        print(json.dumps({"ok": False, "error": r["error"]}))
        sys.exit(1)
assert b["ddp"] and not a1["ddp"] and not a2["ddp"], "the middle run must be the torchrun (DDP) one"
plain = (a1["samples_per_s"] + a2["samples_per_s"]) / 2
ratio = b["samples_per_s"] / plain
ok = ratio >= 1 - tol
print(json.dumps({"device": b["device"], "plain_samples_per_s": [a1["samples_per_s"], a2["samples_per_s"]],
                  "ddp_samples_per_s": b["samples_per_s"], "ratio": ratio, "tolerance": tol, "ok": ok, "smoke": smoke}))
sys.exit(0 if ok or smoke else 1)  # the smoke run's CPU figure means nothing
PY
