#!/usr/bin/env bash
# Configures and builds into $BUILD_DIR (default: build). Used by test.sh, demo.sh, the
# benchmarks and CI, so there is one way to build.
#   MLC_WERROR=ON    warnings are errors (CI)
#   MLC_SANITIZE=ON  AddressSanitizer + UndefinedBehaviorSanitizer
#   JOBS=2           build parallelism (this machine has 2 cores)
#   DEBUG_INFO=0     RelWithDebInfo without the debug info (-O2 only): a third less compile
#                    time, for CI, which never opens a debugger
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
mkdir -p "$build_dir"
cmake -S "$root" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DMLC_WERROR="${MLC_WERROR:-OFF}" \
  -DMLC_SANITIZE="${MLC_SANITIZE:-OFF}" \
  ${DEBUG_INFO:+-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 $([ "$DEBUG_INFO" = 0 ] || echo -g) -DNDEBUG"} \
  > "$build_dir/configure.log" 2>&1 \
  || { cat "$build_dir/configure.log"; exit 1; }
cmake --build "$build_dir" -j "${JOBS:-2}" "$@"
