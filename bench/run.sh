#!/usr/bin/env bash
# pgguard's benchmark: throughput, CPU time and peak memory of a release build over the public
# corpus and named subsets of it, beside the read floor (only reading the files) and the parse
# floor (`pgguard scan --parse-only`); with --vs-checkov, Checkov timed on the same files.
# docs/performance.md explains every figure. Run `bench/run.sh --help` for the options.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/run.sh [options]

  --corpus DIR          the corpus (default: $PGGUARD_CORPUS, else ../shared/corpus from the repo)
  --sets LIST           comma-separated sets to measure (default: corpus,avm-res,quickstart,postgres)
                          corpus      every file of the corpus
                          avm-res     the Azure Verified Modules' resource modules (avm/res)
                          quickstart  the Azure quickstart templates (quickstart)
                          postgres    every file whose text contains DBforPostgreSQL, copied
                                      (relative paths kept) into a temporary folder
  --runs N              runs of each measurement; the median is reported (default: 5)
  --exclude PATH        leave this file (relative to the corpus) out of every set, for every
                        tool; repeatable. Default: the one AVM file that crashes Checkov,
                        avm/res/azure-stack-hci/cluster/main.json. `--exclude none` clears the list.
  --vs-checkov          also time Checkov (installed from PyPI into target/checkov-venv) on
                        the same files, alternating runs with pgguard, and print the ratios
  --checkov-sets LIST   the sets Checkov is timed on (default: avm-res)
  --checkov-runs N      runs of each tool in the Checkov comparison (default: 3)
  --checkov-version V   the Checkov release to install (default: 3.3.30)
  --quick               one run of each measurement, the corpus set only: checks the script
  --no-build            use the release binary as it is (default: cargo build --release first)
  --keep                keep the temporary folder (the sets' file lists, each run's output)
  -h, --help            this text

All files are read once before timing, so every figure is a warm page cache.
EOF
}

repo=$(cd "$(dirname "$0")/.." && pwd)
corpus=${PGGUARD_CORPUS:-$repo/../shared/corpus}
sets=corpus,avm-res,quickstart,postgres
runs=5
excludes=(avm/res/azure-stack-hci/cluster/main.json)
excludes_given=0
vs_checkov=0
checkov_sets=avm-res
checkov_runs=3
checkov_version=3.3.30
build=1
keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --corpus) corpus=$2; shift ;;
    --sets) sets=$2; shift ;;
    --runs) runs=$2; shift ;;
    --exclude)
      [ "$excludes_given" = 1 ] || excludes=()
      excludes_given=1
      [ "$2" = none ] || excludes+=("$2")
      shift ;;
    --vs-checkov) vs_checkov=1 ;;
    --checkov-sets) checkov_sets=$2; shift ;;
    --checkov-runs) checkov_runs=$2; shift ;;
    --checkov-version) checkov_version=$2; shift ;;
    --quick) runs=1; checkov_runs=1; sets=corpus ;;
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "bench/run.sh: $*" >&2; exit 2; }
[ -d "$corpus" ] || die "no corpus at $corpus (give --corpus DIR or PGGUARD_CORPUS)"
corpus=$(cd "$corpus" && pwd)
[ -x /usr/bin/time ] || die "GNU time is needed at /usr/bin/time: apt-get install time"
/usr/bin/time -f %M true 2> /dev/null || die "/usr/bin/time is not GNU time (-f): apt-get install time"
[[ $runs =~ ^[1-9][0-9]*$ && $checkov_runs =~ ^[1-9][0-9]*$ ]] || die "--runs and --checkov-runs take a number"
cores=$(nproc)

cd "$repo"
if [ "$build" = 1 ]; then
  echo "building: cargo build --release" >&2
  cargo build --release --quiet
fi
bin=${CARGO_TARGET_DIR:-$repo/target}/release/pgguard
[ -x "$bin" ] || die "no release binary at $bin"

work=$(mktemp -d "${TMPDIR:-/tmp}/pgguard-bench.XXXXXX")
if [ "$keep" = 1 ]; then echo "temporary folder kept: $work" >&2; else trap 'rm -rf "$work"' EXIT; fi

# ---- the sets: for each, the folder the tools run in, the folder they are given, the file list
declare -A set_cwd set_dir set_reps
is_excluded() {
  local path=$1 e
  for e in "${excludes[@]}"; do [ "$path" = "$e" ] && return 0; done
  return 1
}
# The files pgguard reads in a folder: .bicep, .bicepparam and .json, hidden ones too.
list_files() { # cwd dir -> NUL-separated paths relative to cwd, excludes left out
  (cd "$1" && find "$2" -type f \( -name '*.bicep' -o -name '*.bicepparam' -o -name '*.json' \) -print0) |
    while IFS= read -r -d '' f; do
      is_excluded "${f#./}" || printf '%s\0' "$f"
    done
}
define_set() { # name: its folders, its file list, and a warm page cache
  local name=$1
  [ -n "${set_cwd[$name]:-}" ] && return 0
  case $name in
    corpus) set_cwd[$name]=$corpus; set_dir[$name]=. ;;
    avm-res) set_cwd[$name]=$corpus; set_dir[$name]=avm/res ;;
    quickstart) set_cwd[$name]=$corpus; set_dir[$name]=quickstart ;;
    postgres)
      mkdir -p "$work/postgres"
      (cd "$corpus" && grep -rlZ --include='*.bicep' --include='*.bicepparam' --include='*.json' DBforPostgreSQL .) |
        while IFS= read -r -d '' f; do
          is_excluded "${f#./}" && continue
          mkdir -p "$work/postgres/$(dirname "$f")"
          cp "$corpus/$f" "$work/postgres/$f"
        done
      set_cwd[$name]=$work/postgres; set_dir[$name]=. ;;
    *) die "unknown set $name (corpus, avm-res, quickstart, postgres)" ;;
  esac
  [ -d "${set_cwd[$name]}/${set_dir[$name]}" ] || die "set $name: no folder ${set_cwd[$name]}/${set_dir[$name]}"
  list_files "${set_cwd[$name]}" "${set_dir[$name]}" > "$work/$name.files"
  # Repeat each command so that one timed run reads about 50 MB (1 to 50 times).
  set_reps[$name]=$(cd "${set_cwd[$name]}" && xargs -0 -r -a "$work/$name.files" stat -c %s |
    awk '{ s += $1 } END { r = int(50e6 / (s + 1) + 0.5); print (r < 1 ? 1 : (r > 50 ? 50 : r)) }')
  # Read every file once, so that no figure includes disk reads.
  (cd "${set_cwd[$name]}" && xargs -0 -r cat < "$work/$name.files" > /dev/null)
}
IFS=, read -r -a set_names <<< "$sets"
for name in "${set_names[@]}"; do define_set "$name"; done
checkov_names=()
if [ "$vs_checkov" = 1 ]; then
  IFS=, read -r -a checkov_names <<< "$checkov_sets"
  for name in "${checkov_names[@]}"; do define_set "$name"; done
fi

exclude_args=()
for e in "${excludes[@]}"; do exclude_args+=(--exclude "$e"); done

# ---- timing: one timed run executes the command REPS times in a row (so that a small set
# lasts long enough for GNU time's 10 ms resolution); its figures are divided by REPS.
timed() { # name cwd reps command... ; its output goes to /dev/null, its errors to $work/NAME.err
  local name=$1 cwd=$2 reps=$3 rc=0
  shift 3
  # shellcheck disable=SC2016
  (cd "$cwd" && /usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" \
    sh -c 'n=$1 out=$2; shift 2; while [ "$n" -gt 0 ]; do "$@" > "$out" || exit $?; n=$((n - 1)); done' \
    sh "$reps" /dev/null "$@" 2> "$work/$name.err") || rc=$?
  echo "$rc"
}
record() { # name reps -> appends "wall cpu peak_kb" of one execution to $work/NAME.runs
  tail -n 1 "$work/$1.time" | awk -v r="$2" '{ printf "%.4f %.4f %s\n", $1 / r, ($2 + $3) / r, $4 }' >> "$work/$1.runs"
}
pgguard_run() { # label set threads [extra args...]
  local label=$1 name=$2 threads=$3 rc
  shift 3
  rc=$(timed "$label" "${set_cwd[$name]}" "${set_reps[$name]}" "$bin" scan "${set_dir[$name]}" --format json --fail-on never \
    --threads "$threads" "${exclude_args[@]}" "$@")
  [ "$rc" = 0 ] || die "pgguard failed (exit $rc) on $name: $(tail -n 5 "$work/$label.err")"
  record "$label" "${set_reps[$name]}"
}
read_run() { # label set parallel
  local label=$1 name=$2 parallel=$3 rc
  if [ "$parallel" = 1 ]; then
    rc=$(timed "$label" "${set_cwd[$name]}" "${set_reps[$name]}" xargs -0 -r -a "$work/$name.files" cat)
  else
    rc=$(timed "$label" "${set_cwd[$name]}" "${set_reps[$name]}" xargs -0 -r -P "$cores" -n 200 -a "$work/$name.files" cat)
  fi
  [ "$rc" = 0 ] || die "reading $name failed (exit $rc)"
  record "$label" "${set_reps[$name]}"
}
checkov=$repo/target/checkov-venv/bin/checkov
checkov_run() { # label set
  local label=$1 name=$2 rc skip=()
  for e in "${excludes[@]}"; do skip+=(--skip-path "$e"); done
  rc=$(timed "$label" "${set_cwd[$name]}" 1 "$checkov" -d "${set_dir[$name]}" --framework bicep,arm --quiet --compact \
    --skip-download "${skip[@]}")
  # 0: no failed check, 1: failed checks; anything else, or a traceback, is a crash.
  if [ "$rc" != 0 ] && [ "$rc" != 1 ] || grep -q '^Traceback' "$work/$label.err"; then
    die "Checkov crashed (exit $rc) on $name; its last lines:
$(grep -v 'WARNI' "$work/$label.err" | tail -n 8)
Find the file (see docs/performance.md) and leave it out with --exclude PATH."
  fi
  record "$label" 1
}
median() { # file column -> the median (lower middle for an even count)
  cut -d' ' -f"$2" "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
maximum() { cut -d' ' -f"$2" "$1" | sort -g | tail -n 1; }

# ---- the measurements
for name in "${set_names[@]}"; do
  count=$(tr -cd '\0' < "$work/$name.files" | wc -c)
  echo "measuring $name ($count files): $runs run(s) of each" >&2
  for _ in $(seq "$runs"); do
    # Interleaved, so that a change in the machine's load touches every figure alike.
    read_run "$name.read.1" "$name" 1
    read_run "$name.read.all" "$name" all
    pgguard_run "$name.parse.1" "$name" 1 --parse-only
    pgguard_run "$name.parse.all" "$name" 0 --parse-only
    pgguard_run "$name.scan.1" "$name" 1
    pgguard_run "$name.scan.all" "$name" 0
  done
done
# The pre-commit case: one template, the process started for it (100 scans in a row per run).
one_file=$repo/examples/bicep/main.bicep
echo "measuring the one-file scan ($one_file): $runs run(s)" >&2
for _ in $(seq "$runs"); do
  rc=$(timed one-file "$repo" 100 "$bin" scan "$one_file" --format json --fail-on never)
  [ "$rc" = 0 ] || die "pgguard failed (exit $rc) on $one_file"
  record one-file 100
done
if [ "$vs_checkov" = 1 ]; then
  if [ ! -x "$checkov" ] || [ "$("$checkov" --version 2> /dev/null)" != "$checkov_version" ]; then
    echo "installing Checkov $checkov_version into target/checkov-venv" >&2
    python3 -m venv "$repo/target/checkov-venv"
    "$repo/target/checkov-venv/bin/pip" install --quiet "checkov==$checkov_version"
  fi
  for name in "${checkov_names[@]}"; do
    echo "comparing with Checkov on $name: $checkov_runs alternating run(s) of each" >&2
    for _ in $(seq "$checkov_runs"); do
      pgguard_run "$name.vs.pgguard" "$name" 0
      checkov_run "$name.vs.checkov" "$name"
    done
  done
fi

# ---- the report
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "pgguard benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$repo" rev-parse --short HEAD 2> /dev/null || echo '?')"
echo "machine: $cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $load"
echo "corpus: $corpus"
if [ "${#excludes[@]}" -gt 0 ]; then
  echo "left out of every set, for every tool: ${excludes[*]} (it crashes Checkov $checkov_version)"
fi
echo "figures: median of $runs run(s), per execution (a timed run repeats the command 'reps' times and is divided);"
echo "CPU = user + sys; peak = largest resident set of one process, max over runs; GNU time counts in 10 ms"
echo "'all' threads = $cores (pgguard --threads 0; the read floor as $cores parallel cat processes)"
echo
fmt='%-11s %-14s %7s %7s %7s %5s %8s %8s %9s %8s %8s\n'
# shellcheck disable=SC2059
printf "$fmt" set measure threads files MB reps wall_s cpu_s files/s MB/s peak_MB
for name in "${set_names[@]}"; do
  count=$(tr -cd '\0' < "$work/$name.files" | wc -c)
  bytes=$(cd "${set_cwd[$name]}" && xargs -0 -r -a "$work/$name.files" stat -c %s | awk '{ s += $1 } END { print s + 0 }')
  for measure in read parse scan; do
    for threads in 1 all; do
      f=$work/$name.$measure.$threads.runs
      wall=$(median "$f" 1); cpu=$(median "$f" 2); kb=$(maximum "$f" 3)
      label=$measure; [ "$measure" = read ] && label="read floor"; [ "$measure" = parse ] && label="parse floor"
      [ "$measure" = scan ] && label="pgguard scan"
      awk -v s="$name" -v m="$label" -v t="$threads" -v n="$count" -v b="$bytes" -v w="$wall" -v c="$cpu" -v k="$kb" -v r="${set_reps[$name]}" -v fmt="$fmt" \
        'BEGIN { d = (w > 0 ? w : 0.0005); printf fmt, s, m, t, n, sprintf("%.1f", b / 1e6), r, sprintf("%.3f", w), sprintf("%.3f", c),
                 sprintf("%.0f", n / d), sprintf("%.1f", b / 1e6 / d), sprintf("%.0f", k / 1024) }'
    done
  done
done
awk -v w="$(median "$work/one-file.runs" 1)" -v c="$(median "$work/one-file.runs" 2)" -v k="$(maximum "$work/one-file.runs" 3)" \
  'BEGIN { printf "one-file scan (examples/bicep/main.bicep, process start included): %.1f ms wall, %.1f ms CPU, %.0f MB peak\n", w * 1000, c * 1000, k / 1024 }'
echo
echo "pgguard scan as a multiple of its floors (time of the scan / time of the floor; 1.0 = at the floor):"
printf '%-11s %7s %14s %14s %14s %14s\n' set threads "wall/read" "cpu/read" "wall/parse" "cpu/parse"
for name in "${set_names[@]}"; do
  for threads in 1 all; do
    r=$work/$name.read.$threads.runs p=$work/$name.parse.$threads.runs s=$work/$name.scan.$threads.runs
    awk -v s="$name" -v t="$threads" -v rw="$(median "$r" 1)" -v rc="$(median "$r" 2)" -v pw="$(median "$p" 1)" \
      -v pc="$(median "$p" 2)" -v sw="$(median "$s" 1)" -v sc="$(median "$s" 2)" \
      'function ratio(a, b) { return b > 0 ? sprintf("%.1fx", a / b) : "n/a (floor 0)" }
       BEGIN { printf "%-11s %7s %14s %14s %14s %14s\n", s, t, ratio(sw, rw), ratio(sc, rc), ratio(sw, pw), ratio(sc, pc) }'
  done
done
if [ "$vs_checkov" = 1 ]; then
  echo
  echo "Checkov $checkov_version vs pgguard (all cores each), $checkov_runs alternating run(s), medians;"
  echo "ratio = Checkov's time / pgguard's time = pgguard's throughput as a multiple of Checkov's:"
  printf '%-11s %7s %12s %12s %12s %12s %8s %8s\n' set files pgguard_wall checkov_wall pgguard_cpu checkov_cpu "wall x" "cpu x"
  for name in "${checkov_names[@]}"; do
    count=$(tr -cd '\0' < "$work/$name.files" | wc -c)
    g=$work/$name.vs.pgguard.runs c=$work/$name.vs.checkov.runs
    awk -v s="$name" -v n="$count" -v gw="$(median "$g" 1)" -v cw="$(median "$c" 1)" -v gc="$(median "$g" 2)" \
      -v cc="$(median "$c" 2)" \
      'function ratio(a, b) { return b > 0 ? sprintf("%.0fx", a / b) : "n/a" }
       BEGIN { printf "%-11s %7d %12.3f %12.2f %12.3f %12.2f %8s %8s\n", s, n, gw, cw, gc, cc, ratio(cw, gw), ratio(cc, gc) }'
  done
fi
echo
echo "commands (run in the set's folder: the corpus, or the temporary copy for postgres; DIR = the set's folder):"
echo "  read floor, 1:      xargs -0 -a FILES cat > /dev/null"
echo "  read floor, all:    xargs -0 -P $cores -n 200 -a FILES cat > /dev/null"
echo "  parse floor:        $bin scan DIR --format json --fail-on never --threads T ${exclude_args[*]} --parse-only > /dev/null"
echo "  pgguard scan:       $bin scan DIR --format json --fail-on never --threads T ${exclude_args[*]} > /dev/null"
if [ "$vs_checkov" = 1 ]; then
  skip=""; for e in "${excludes[@]}"; do skip+=" --skip-path $e"; done
  echo "  Checkov:            $checkov -d DIR --framework bicep,arm --quiet --compact --skip-download$skip > /dev/null"
fi
echo "  each timed by:      /usr/bin/time -f '%e %U %S %M' (T = 1, or 0 for one thread per core), reps times in a row"
for name in "${set_names[@]}"; do echo "  $name: DIR = ${set_cwd[$name]}/${set_dir[$name]}"; done
case $load in
  0.[0-4]*) ;;
  *) echo; echo "note: the load average was $load when the runs ended: another program was busy, the figures are noisy" ;;
esac
