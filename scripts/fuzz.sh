#!/usr/bin/env bash
# Fuzzes the parsers of text from outside (docs/fuzzing.md). Builds the libFuzzer targets of
# tests/fuzz with clang 19 into build-fuzz/ (MLC_FUZZ=ON: only the layers they need, ASan + UBSan,
# -O1 -g1), then runs each for a set time, two at a time (this machine has 2 cores). Each starts
# from its kept inputs, fixtures/fuzz/<target>/ (read, never written), and grows a fresh scratch
# corpus in build-fuzz/fuzz-runs/<target>/.
#   scripts/fuzz.sh                          every target, 60 s each: explores, differently each run
#   scripts/fuzz.sh --seconds 600 config     one target, longer
#   scripts/fuzz.sh --runs 50000 --seed 1    every target for 50,000 inputs from a fixed seed: the
#                                            same budget on any machine (what CI runs)
#   scripts/fuzz.sh -- -max_len=65536        extra libFuzzer flags after --
#   FUZZ_JOBS=1 (targets at a time), JOBS=2 (build parallelism), FUZZ_BUILD_DIR=build-fuzz,
#   UNITY=0 (one translation unit per file; the default is the unity build, as scripts/build.sh)
# Exits 1 when a target found a crash, a leak, a timeout or an out-of-memory, printing where the
# input is kept; add it to fixtures/fuzz/<target>/ with the fix (docs/fuzzing.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

seconds=60
runs=""
seed=""
targets=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
  --seconds)
    seconds="${2:-}"
    shift 2 || shift
    ;;
  --seconds=*)
    seconds="${1#*=}"
    shift
    ;;
  --runs | --seed)
    declare "${1#--}=${2:-}"
    shift 2 || shift
    ;;
  -h | --help)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  --)
    shift
    extra=("$@")
    break
    ;;
  -*)
    echo "fuzz: unknown option $1 (--seconds N, --runs N, --seed N, --, --help)" >&2
    exit 2
    ;;
  *)
    targets+=("$1")
    shift
    ;;
  esac
done
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: --seconds takes a whole number of seconds, got '$seconds'" >&2
  exit 2
fi
for value in "$runs" "$seed"; do
  if [ -n "$value" ] && ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz: --runs and --seed take a positive whole number, got '$value'" >&2
    exit 2
  fi
done
# --runs: a count of inputs instead of a time, so how much is tried does not depend on the
# machine's speed or load; --seed fixes libFuzzer's random choices. What it tries can still drift
# a little between runs of the same code (coverage feedback sees addresses, which ASLR moves).
budget=(-max_total_time="$seconds")
[ -z "$runs" ] || budget=(-runs="$runs")
[ -z "$seed" ] || budget+=(-seed="$seed")

"$root/scripts/install-deps.sh" --fuzz

build_dir="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
started=$(date +%s)
mkdir -p "$build_dir"
# Debug: assertions stay on (RapidJSON's catch a misuse of a value's type); the fuzz build adds
# -O1 -g1 after the build type's flags (cmake/StandardSettings.cmake).
# Unity batches as in scripts/build.sh: libFuzzer's coverage is per edge, not per file, so the
# batches fuzz the same code, and clang compiles them (a second compiler's view of the batches).
cmake -S "$root" -B "$build_dir" -DMLC_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_UNITY_BUILD="$([ "${UNITY:-1}" = 0 ] && echo OFF || echo ON)" \
  -DCMAKE_UNITY_BUILD_BATCH_SIZE="${UNITY_BATCH:-8}" >"$build_dir/configure.log" 2>&1 \
  || { cat "$build_dir/configure.log"; exit 1; }
cmake --build "$build_dir" -j "${JOBS:-2}"
built=$(date +%s)

available=()
for exe in "$build_dir"/tests/fuzz/fuzz_*; do
  [ -f "$exe" ] && [ -x "$exe" ] && available+=("${exe##*/fuzz_}")
done
if [ ${#targets[@]} -eq 0 ]; then
  targets=("${available[@]}")
fi
for name in "${targets[@]}"; do
  if [ ! -x "$build_dir/tests/fuzz/fuzz_$name" ] || [ ! -d "$root/fixtures/fuzz/$name" ]; then
    echo "fuzz: no target '$name' (targets: ${available[*]})" >&2
    exit 2
  fi
done

# UBSan: a stack trace, stop at the first report (also for the one check the fuzz build leaves
# recoverable), minus the known report in RapidJSON (tests/fuzz/ubsan.supp). ASan's leak check
# stays on (libFuzzer's default).
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1:suppressions=$root/tests/fuzz/ubsan.supp"
# Stack traces with file:line: clang 19's symbolizer when there is one, else any llvm-symbolizer,
# else binutils' addr2line (clang-19 depends on binutils, so it is always there).
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
  for symbolizer in llvm-symbolizer-19 llvm-symbolizer addr2line; do
    if command -v "$symbolizer" >/dev/null 2>&1; then
      export ASAN_SYMBOLIZER_PATH="$(command -v "$symbolizer")"
      break
    fi
  done
fi

# Runs one target into build-fuzz/fuzz-runs/<name>/: log, artifacts/ (what libFuzzer keeps when
# it finds something), corpus/ (scratch), rc and seconds.
run_one() {
  local name="$1"
  local work="$build_dir/fuzz-runs/$name"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  local t0 rc
  t0=$(date +%s)
  # -timeout: one input taking 10 s is a finding (a parser must not hang on any input).
  "$build_dir/tests/fuzz/fuzz_$name" "${budget[@]}" -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" ${extra[@]+"${extra[@]}"} \
    "$work/corpus" "$root/fixtures/fuzz/$name" >"$work/log" 2>&1 && rc=0 || rc=$?
  echo "$rc" >"$work/rc"
  echo $(($(date +%s) - t0)) >"$work/seconds"
}

jobs_at_once="${FUZZ_JOBS:-2}"
if [ -n "$runs" ]; then
  echo "fuzz: ${targets[*]}: ${runs} inputs each${seed:+ from seed $seed}, ${jobs_at_once} at a time"
else
  echo "fuzz: ${targets[*]}: ${seconds} s each${seed:+ from seed $seed}, ${jobs_at_once} at a time"
fi
for name in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_at_once" ]; do
    wait -n || true
  done
  run_one "$name" &
done
wait
finished=$(date +%s)

# libFuzzer's last "cov: N ft: N corp: N/…" line and its final stats.
last_field() { grep -o "$2: [0-9]*" "$1" | tail -n 1 | grep -o '[0-9]*$' || echo "?"; }
stat_of() { grep -o "^stat::$2: *[0-9]*" "$1" | grep -o '[0-9]*$' || echo "?"; }

failed=0
printf 'fuzz: %-14s %-7s %10s %8s %6s %7s %7s %6s\n' target result execs exec/s cov features corpus time
for name in "${targets[@]}"; do
  work="$build_dir/fuzz-runs/$name"
  rc=$(cat "$work/rc")
  result=ok
  [ "$rc" = 0 ] || result=FAILED
  printf 'fuzz: %-14s %-7s %10s %8s %6s %7s %7s %5ss\n' "$name" "$result" \
    "$(stat_of "$work/log" number_of_executed_units)" \
    "$(stat_of "$work/log" average_exec_per_sec)" \
    "$(last_field "$work/log" cov)" "$(last_field "$work/log" ft)" \
    "$(last_field "$work/log" corp)" "$(cat "$work/seconds")"
done
for name in "${targets[@]}"; do
  work="$build_dir/fuzz-runs/$name"
  [ "$(cat "$work/rc")" = 0 ] && continue
  failed=1
  echo
  echo "fuzz: $name failed (libFuzzer exit $(cat "$work/rc")); its log: $work/log"
  grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz: broken promise|ERROR: libFuzzer)' \
    "$work/log" | head -n 5 | sed 's/^/  /' || true
  found=0
  for input in "$work"/artifacts/*; do
    [ -f "$input" ] || continue
    found=1
    echo "  input kept: $input"
    echo "  reproduce:  $build_dir/tests/fuzz/fuzz_$name $input"
    echo "  keep it:    cp $input $root/fixtures/fuzz/$name/ (with the fix: docs/fuzzing.md)"
  done
  [ "$found" = 1 ] || tail -n 20 "$work/log" | sed 's/^/  /'
done
echo "fuzz: build $((built - started)) s, fuzzing $((finished - built)) s, total $((finished - started)) s"
exit "$failed"
