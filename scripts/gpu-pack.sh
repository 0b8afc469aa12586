#!/usr/bin/env bash
# Packs what a GPU machine without Node needs to run bench (see ../shared/tools/README.md) into .gpu/, an
# ignored folder to carry along with the working tree (keep it under 64 MiB):
#   .gpu/node-v20.20.2-linux-x64.xz   the project's Node 20 binary, xz-compressed (from ../shared/tools)
#   .gpu/node_modules.tar.xz          runtime node_modules: tsx + esbuild (to run .ts), onnxruntime-node for
#                                     linux/x64 only, onnx-proto (the benchmark's tokenizer helper imports
#                                     scripts/lib/onnx-builder.ts); no typescript / parquet-wasm / @types
# Usage: bash scripts/gpu-pack.sh      (then: run … carry [".gpu"] … bash scripts/bench-eval-gpu.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_XZ=../shared/tools/node-v20.20.2-linux-x64.xz
[ -f "$NODE_XZ" ] || { echo "gpu-pack: $NODE_XZ not found (the shared tools folder)" >&2; exit 3; }
mkdir -p .gpu
cp "$NODE_XZ" .gpu/
# The GPU anchors (the project's reference scripts, kept in ../shared) for bench-train-gpu.sh and the eval baseline.
cp ../shared/bench/anchor_train_throughput.py ../shared/bench/anchor_eval_throughput.py .gpu/ 2>/dev/null || echo "gpu-pack: ../shared/bench anchors not found" >&2
tmp=".gpu/node_modules.tar.xz.$$"
tar -cf - \
  --exclude='node_modules/onnxruntime-node/bin/napi-v6/darwin' \
  --exclude='node_modules/onnxruntime-node/bin/napi-v6/win32' \
  --exclude='node_modules/onnxruntime-node/bin/napi-v6/linux/arm64' \
  --exclude='node_modules/typescript' --exclude='node_modules/parquet-wasm' --exclude='node_modules/@types' \
  --exclude='*.map' --exclude='*.d.ts' \
  node_modules | xz -T0 -6 > "$tmp"
mv "$tmp" .gpu/node_modules.tar.xz
du -ch .gpu/* | sed 's/^/gpu-pack: /' >&2
