#!/usr/bin/env bash
# Installs exactly what the build needs, from Debian's archive. Idempotent and non-interactive:
# when every package is already installed it does nothing (and needs no network).
#   scripts/install-deps.sh          what the build, the tests and the demo need (jq: the demo
#                                    shows the journals Oracle holds)
#   scripts/install-deps.sh --bench  also the tools the benchmark scripts use
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libcurl4-openssl-dev libssl-dev rapidjson-dev libcli11-dev libsqlitecpp-dev libfmt-dev catch2
  libsodium-dev libcpp-httplib-dev libboost-dev libzip-dev
  curl jq
)
if [ "${1:-}" = "--bench" ]; then
  packages+=(sqlite3 time bc)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
