#!/usr/bin/env bash
# Checks formatting and lint without writing anything (docs/development.md): biome (biome.json) for the
# TypeScript/JavaScript in src/, test/, scripts/, bin/, and flake8 (pyflakes + pycodestyle) for the Python in
# scripts/. Exit 0 when clean, 1 on any violation or when a checker is missing. `npm run format` fixes layout.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

echo "lint: biome ci (format + lint, TypeScript/JavaScript)" >&2
npx --no-install biome ci --error-on-warnings . || status=1

# Debian's flake8 lives in the system Python; a pyenv/venv python3 first on PATH does not see it.
PY="${BENCH_PYTHON:-/usr/bin/python3}"
[ -x "$PY" ] || PY=python3
echo "lint: flake8 (Python: scripts/trainer, scripts/*.py, test/helpers/*.py)" >&2
if "$PY" -m flake8 --version >/dev/null 2>&1; then
  # E203 (whitespace before ':') contradicts the `a[i : j]` slice style the trainer uses.
  "$PY" -m flake8 --max-line-length=140 --extend-ignore=E203 scripts/trainer scripts/*.py test/helpers/*.py || status=1
else
  echo "lint: flake8 is not installed for $PY (Debian: apt-get install flake8; scripts/install.sh does)" >&2
  status=1
fi

if [ "$status" = 0 ]; then echo "lint: clean" >&2; else echo "lint: FAILED (see above)" >&2; fi
exit "$status"
