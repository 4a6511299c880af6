#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET/, not committed) from the public corpus
# and the repository's testdata. Files are named by content hash, so running it again adds
# nothing twice. Usage: fuzz/seed.sh [CORPUS_DIR]   (default: $PGGUARD_CORPUS or ../shared/corpus)
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$fuzz")
corpus=${1:-${PGGUARD_CORPUS:-$repo/../shared/corpus}}
[ -d "$corpus" ] || { echo "fuzz/seed.sh: no corpus at $corpus" >&2; exit 2; }
sources=("$corpus" "$repo/testdata" "$repo/examples")

# Seeds larger than this are left out: libFuzzer's inputs are best small.
max_bytes=${SEED_MAX_BYTES:-262144}

add() { # target < NUL-separated file list
  local dir=$fuzz/corpus/$1 f
  mkdir -p "$dir"
  while IFS= read -r -d '' f; do
    [ "$(stat -c %s "$f")" -le "$max_bytes" ] || continue
    cp "$f" "$dir/$(sha1sum "$f" | cut -c1-40)"
  done
}
find_in() { find "${sources[@]}" -type f "$@" -print0 2> /dev/null; }

# Bicep templates, valid and invalid (the compiler's annotated outputs are Bicep-like too).
find_in -name '*.bicep' | add bicep
# ARM templates: JSON naming the deployment template schema.
find_in -name '*.json' | xargs -0 -r grep -lZ 'deploymentTemplate.json' | add arm
# Parameter files: .bicepparam (with the template-specific examples kept in fuzz/seeds/), and
# ARM parameter files.
find_in -name '*.bicepparam' | add bicepparam
find "$fuzz/seeds/bicepparam" -type f -print0 | add bicepparam
find_in -name '*.json' | xargs -0 -r grep -lZ 'deploymentParameters.json' | add arm_params
find "$fuzz/seeds/arm_params" -type f -print0 | add arm_params
# ARM expressions: every distinct "[…]" string of the ARM templates, one seed each.
mkdir -p "$fuzz/corpus/arm_expr"
find_in -name '*.json' | xargs -0 -r grep -lZ 'deploymentTemplate.json' |
  python3 -c '
import hashlib, json, os, sys
out = sys.argv[1]
seen = set()
def walk(v):
    if isinstance(v, str):
        if v.startswith("[") and v.endswith("]") and v not in seen:
            seen.add(v)
    elif isinstance(v, dict):
        for x in v.values(): walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
for path in sys.stdin.read().split("\0"):
    if not path: continue
    try:
        walk(json.load(open(path, encoding="utf-8-sig")))
    except Exception:
        pass  # not strict JSON (comments, trailing commas): its expressions are elsewhere too
for text in seen:
    data = text.encode()
    with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)
' "$fuzz/corpus/arm_expr"
for target in bicep arm arm_expr bicepparam arm_params; do
  echo "$target: $(find "$fuzz/corpus/$target" -type f | wc -l) seeds"
done
echo "bicep_grammar: no seeds (its inputs are choices in a grammar, not text)"
