#!/usr/bin/env bash
# Entry point of `npm run bench:eval-gpu` on a machine with no Node (the GPU machine): unpacks .gpu/ (made by
# scripts/gpu-pack.sh) into .bin/node and node_modules/ when they are missing, then runs
# scripts/bench-eval-gpu.ts with the arguments given (--smoke for the tiny CPU run). On a machine with Node
# and node_modules it just runs the script.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1; then
  [ -f .gpu/node-v20.20.2-linux-x64.xz ] || { echo "bench-eval-gpu: no node and no .gpu/ (run scripts/gpu-pack.sh and carry .gpu)" >&2; exit 3; }
  mkdir -p .bin
  [ -x .bin/node ] || { xz -dc .gpu/node-v20.20.2-linux-x64.xz > .bin/node.tmp && chmod +x .bin/node.tmp && mv .bin/node.tmp .bin/node; }
  export PATH="$PWD/.bin:$PATH"
fi
if [ ! -d node_modules/tsx ]; then
  [ -f .gpu/node_modules.tar.xz ] || { echo "bench-eval-gpu: no node_modules and no .gpu/node_modules.tar.xz" >&2; exit 3; }
  xz -dc .gpu/node_modules.tar.xz | tar -xf -
fi
exec node --import tsx scripts/bench-eval-gpu.ts "$@"
