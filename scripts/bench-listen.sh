#!/usr/bin/env bash
# The webhook listener's numbers (issue 5): sustained deliveries/s and p50/p99 acknowledgement
# latency with fsync on, from concurrent keep-alive clients on loopback. The listener runs in its
# own process on a fresh temp spool; afterwards every acknowledged delivery is checked in
# spool/new byte for byte. Targets on the 2-core box: >= 1,000 deliveries/s, p99 < 50 ms.
# With --slow-clients N (issue 14), N more connections each trickle one byte a second for the
# whole run (reconnecting when the listener's 10 s request deadline cuts them off), and the
# figures are those of real deliveries made meanwhile. Target: all acknowledged, p99 < 100 ms.
#   scripts/bench-listen.sh --quick     one 5 s run, 8 connections (well under a minute)
#   scripts/bench-listen.sh             15 s each at 1, 8 and 16 connections
#   scripts/bench-listen.sh --quick --slow-clients 64     the same while 64 slow clients hold on
#   scripts/bench-listen.sh --quick --connections 16 --workers 16   (extra flags go to the bench)
#   SKIP_BUILD=1 BUILD_DIR=build-x scripts/bench-listen.sh
# Figures depend on the disk's fsync latency and on what else is using the CPUs: the load
# average is printed with them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
bench="${MLC_LISTEN_BENCH:-$build_dir/tests/bench/mlc_listen_bench}"

quick=0
extra=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) extra+=("$arg") ;;
  esac
done

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  "$root/scripts/build.sh" --target mlc_listen_bench >/dev/null
fi
if [[ ! -x "$bench" ]]; then
  echo "error: $bench is not built (tests/CMakeLists.txt must add_subdirectory(bench))" >&2
  exit 1
fi

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), spool on $(df -T /tmp | awk 'NR==2 {print $2}')"
status=0
if [[ $quick == 1 ]]; then
  "$bench" --quick "${extra[@]}" || status=$?
else
  for connections in 1 8 16; do
    echo
    "$bench" --seconds 15 --connections "$connections" --workers "$(( connections > 8 ? connections : 8 ))" \
      "${extra[@]}" || status=$?
  done
fi
exit $status
