#!/usr/bin/env bash
# The simulators' own speed: how long ml-connector-sim takes to answer the requests a large sync
# makes (an Oracle 500-row supplier page at offset 0, at a deep offset and in a non-natural
# order; a Procore 1000-item PATCH vendors/sync and a 1000-row vendors page), at 100,000
# suppliers and vendors. It tells how much of scripts/bench-suppliers.sh's floor is the
# simulator. Figures (min/median/max ms) are printed, never asserted: no test times anything.
#   scripts/bench-sim.sh --quick     20,000 records, 3 repetitions (well under a minute)
#   scripts/bench-sim.sh             100,000 records, 7 repetitions
#   scripts/bench-sim.sh --suppliers 50000 --repeat 5   (flags go to the bench)
#   SKIP_BUILD=1 BUILD_DIR=build-x scripts/bench-sim.sh
# Run it on a quiet machine: the load average is printed with the figures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
bench="$build_dir/tests/bench/mlc_sim_bench"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  "$root/scripts/build.sh" --target mlc_sim_bench >/dev/null
fi
if [[ ! -x "$bench" ]]; then
  echo "error: $bench is not built (tests/bench/CMakeLists.txt builds it with the simulators)" >&2
  exit 1
fi

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$bench" "$@"
