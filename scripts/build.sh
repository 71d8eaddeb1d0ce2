#!/usr/bin/env bash
# Configures and builds into $BUILD_DIR (default: build). Used by test.sh, demo.sh, the
# benchmarks and CI, so there is one way to build.
#   MLC_WERROR=ON    warnings are errors (CI)
#   MLC_SANITIZE=ON  AddressSanitizer + UndefinedBehaviorSanitizer
#   JOBS=2           build parallelism (this machine has 2 cores)
#   DEBUG_INFO=0     RelWithDebInfo without the debug info (-O2 only): a third less compile
#                    time, for CI, which never opens a debugger
#   UNITY=1          unity build (the default): each target compiles its .cpp files in batches
#                    of UNITY_BATCH (default 8) per translation unit, so the heavy headers
#                    (Catch2, CLI11, fmt, RapidJSON, cpp-httplib) are parsed once a batch, not once
#                    a file. UNITY=0 when editing: a change then recompiles only its own file.
#                    In a batch, file-local names share one scope: README.md, "Unity builds".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
mkdir -p "$build_dir"
cmake -S "$root" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DMLC_WERROR="${MLC_WERROR:-OFF}" \
  -DMLC_SANITIZE="${MLC_SANITIZE:-OFF}" \
  ${DEBUG_INFO:+-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 $([ "$DEBUG_INFO" = 0 ] || echo -g) -DNDEBUG"} \
  -DCMAKE_UNITY_BUILD="$([ "${UNITY:-1}" = 0 ] && echo OFF || echo ON)" \
  -DCMAKE_UNITY_BUILD_BATCH_SIZE="${UNITY_BATCH:-8}" \
  > "$build_dir/configure.log" 2>&1 \
  || { cat "$build_dir/configure.log"; exit 1; }
cmake --build "$build_dir" -j "${JOBS:-2}" "$@"
