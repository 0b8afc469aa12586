#!/usr/bin/env bash
# Installs what bench needs on Debian/Ubuntu with Node 20: npm packages (offline-safe: onnxruntime-node's
# CUDA download is skipped) and, for training and the trainer's tests, Debian's CPU PyTorch; flake8 for scripts/lint.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi
APT_PACKAGES="python3-torch python3-onnx python3-numpy libopenblas0-pthread librsvg2-bin flake8"
missing=""
for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ] && command -v apt-get >/dev/null; then
  echo "install: apt packages:$missing" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci --no-audit --no-fund
