#!/usr/bin/env bash
# Runs one fuzz target for a while: fuzz/run.sh TARGET SECONDS [libFuzzer options...]
#   TARGET: bicep, bicep_grammar, arm, arm_expr, bicepparam, arm_params (fuzz/Cargo.toml)
# On the stable toolchain (docs/fuzzing.md): without a sanitizer by default, which needs no
# nightly feature; FUZZ_SANITIZER=address builds with AddressSanitizer through RUSTC_BOOTSTRAP=1.
# FUZZ_JOBS=N runs N processes (libFuzzer -fork). A crash, timeout or memory blow-up stops the
# run; its input is saved in fuzz/artifacts/TARGET/ and the command to reproduce it is printed.
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$fuzz")
target=${1:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer options]}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer options]}
shift 2
grep -q "^name = \"$target\"$" "$fuzz/Cargo.toml" || { echo "fuzz/run.sh: no target $target (see fuzz/Cargo.toml)" >&2; exit 2; }
command -v cargo-fuzz > /dev/null || { echo "fuzz/run.sh: cargo-fuzz is needed: cargo install cargo-fuzz --locked" >&2; exit 2; }
sanitizer=${FUZZ_SANITIZER:-none}
if [ "$sanitizer" != none ]; then
  export RUSTC_BOOTSTRAP=1
  # Cargo caches rustc's answers without RUSTC_BOOTSTRAP in the key: a probe that failed
  # without it would fail again ("the option `Z` is only accepted on the nightly compiler").
  rm -f "$fuzz/target/.rustc_info.json"
fi

cd "$repo"
corpus=$fuzz/corpus/$target
mkdir -p "$corpus" "$fuzz/artifacts/$target"
if [ "$target" != bicep_grammar ] && [ -z "$(ls -A "$corpus")" ]; then
  echo "fuzz/run.sh: the $target corpus is empty; run fuzz/seed.sh first for a seeded start" >&2
fi
options=(
  -max_total_time="$seconds"
  # One input taking 10 s is a hang; 2 GB of memory a blow-up (libFuzzer's own limit).
  -timeout="${FUZZ_TIMEOUT:-10}"
  -rss_limit_mb="${FUZZ_RSS_MB:-2048}"
  -print_final_stats=1
)
# The generator's inputs are choices, not text: a few kilobytes make programs big enough.
[ "$target" = bicep_grammar ] && options+=(-max_len=8192 -len_control=20)
[ -n "${FUZZ_JOBS:-}" ] && options+=(-fork="$FUZZ_JOBS" -ignore_crashes=0 -ignore_timeouts=0 -ignore_ooms=0)
echo "cargo fuzz run -s $sanitizer $target $corpus -- ${options[*]} $*" >&2
status=0
cargo fuzz run -s "$sanitizer" "$target" "$corpus" -- "${options[@]}" "$@" || status=$?
if [ "$status" != 0 ]; then
  echo >&2
  echo "fuzz/run.sh: $target stopped with status $status; saved inputs:" >&2
  ls -t "$fuzz/artifacts/$target" | head -n 5 | sed "s|^|  fuzz/artifacts/$target/|" >&2
  echo "reproduce: cargo fuzz run -s $sanitizer $target fuzz/artifacts/$target/FILE" >&2
  echo "minimize:  cargo fuzz tmin -s $sanitizer $target fuzz/artifacts/$target/FILE" >&2
fi
exit "$status"
