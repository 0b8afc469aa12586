#!/usr/bin/env bash
# One-off, idempotent: points every citation of documents outside the repository at the repository's own docs
# (issue 14 item 1). `spec §X` (the old ../shared spec; its section numbers are kept in docs/spec.md) becomes
# `docs/spec.md §X` in comments, test names and user-facing messages; the "toolchain notes", "the brief's contract"
# and similar outside notes point at docs/development.md, docs/spec.md or docs/results.md. Running it a second time
# changes nothing. Prints how many replacements it made; exits 1 if an outside citation is left afterwards.
# Usage: bash scripts/repoint-spec-citations.sh        (from anywhere inside the repository)
set -euo pipefail
cd "$(dirname "$0")/.."

# Tracked text files that may cite; docs/spec.md and docs/development.md are already written against the new
# names, scripts/models/ is third-party data, and this script names the old patterns on purpose.
mapfile -t FILES < <(git ls-files -- '*.ts' '*.js' '*.py' '*.sh' '*.md' |
  grep -v -e '^scripts/models/' -e '^docs/spec\.md$' -e '^docs/development\.md$' -e '^scripts/repoint-spec-citations\.sh$' -e '^node_modules/')

# Each rule: an extended regex (also used to count and to check) and its sed replacement.
# `spec §` / `Spec §` only as a word: not `docs/spec.md §`, not `FooSpec §`.
RULES=(
  's#(^|[^A-Za-z0-9_./-])[Ss]pec §#\1docs/spec.md §#g'
  's#toolchain notes §4#docs/development.md, "onnxruntime-node"#g'
  's#toolchain notes §5#docs/spec.md §5#g'
  's#see the toolchain notes\)#see docs/development.md, "Debian PyTorch")#g'
  "s#The brief's contract: #docs/results.md, bench check's exit codes: #g"
  's#the same code as 1\.39\.7 per the spec\)#the same code as 1.39.7 per docs/spec.md §2.4)#g'
  "s#the shapes follow the spec's examples#the shapes follow the examples of docs/spec.md §2.5#g"
  's#`\.\./shared/spec/reranking-harness-spec\.md`; code comments cite its sections\.#`docs/spec.md`; code comments cite its sections as `docs/spec.md §X`.#g'
  's#\.\./shared/spec/reranking-harness-spec\.md#docs/spec.md#g'
  's#^Further docs: `docs/split\.md`, #Further docs: `docs/development.md` (build, tests, format, lint),\n`docs/split.md`, #'
)

# The left-hand side of a rule as a grep -E pattern.
pattern_of() {
  local rule=$1 body
  body=${rule#s#}
  printf '%s' "${body%%#*}"
}

count() {
  local total=0 n rule
  for rule in "${RULES[@]}"; do
    n=$(cat -- "${FILES[@]}" | grep -oE -- "$(pattern_of "$rule")" | wc -l || true)
    total=$((total + n))
  done
  echo "$total"
}

before=$(count)
changed=0
for f in "${FILES[@]}"; do
  tmp=$(mktemp "$f.repoint.XXXXXX")
  cp -p -- "$f" "$tmp"
  for rule in "${RULES[@]}"; do sed -E -i -- "$rule" "$tmp"; done
  if cmp -s -- "$f" "$tmp"; then rm -f -- "$tmp"; else mv -- "$tmp" "$f"; changed=$((changed + 1)); fi
done
after=$(count)
echo "repoint-spec-citations: $((before - after)) replacements in $changed files" >&2

# Anything still pointing outside the repository (data files under ../shared are fine: tests skip without them).
left=$(grep -nE -e '(^|[^A-Za-z0-9_./-])[Ss]pec §' -e 'toolchain notes' -e "brief's contract" -e 'shared/spec/' -e 'shared/research/' -- "${FILES[@]}" || true)
if [ -n "$left" ]; then
  echo "repoint-spec-citations: outside citations left:" >&2
  echo "$left" >&2
  exit 1
fi
