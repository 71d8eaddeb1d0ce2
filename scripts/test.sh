#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test through ctest.
#   scripts/test.sh            all tests
#   scripts/test.sh -R unit:   a subset (arguments go to ctest)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build_dir="${BUILD_DIR:-$root/build}"
cd "$build_dir"
ctest --output-on-failure -j "${JOBS:-2}" --timeout 300 "$@"
