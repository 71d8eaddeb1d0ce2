#!/usr/bin/env bash
# Builds the Debian package (packaging/README.md): installs what is missing, builds, and runs
# CPack into $BUILD_DIR/package/ (default build/package/). Prints the package's path.
# (`cmake --build build --target package` does the same into build/.) It builds through
# scripts/build.sh, so give it the settings the build folder was made with (MLC_WERROR=ON,
# DEBUG_INFO=0, BUILD_DIR, …) or it is rebuilt with the defaults.
#   scripts/package.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh" >&2
"$root/scripts/build.sh" >&2
build_dir="${BUILD_DIR:-$root/build}"
(cd "$build_dir" && cpack -G DEB --config CPackConfig.cmake -B "$build_dir/package") >&2
ls -t "$build_dir"/package/ml-connector_*.deb | head -1
