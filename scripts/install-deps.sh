#!/usr/bin/env bash
# Installs exactly what the build needs, from Debian's archive. Idempotent and non-interactive:
# when every package is already installed it does nothing (and needs no network).
#   scripts/install-deps.sh          what the build, the tests and the demo need (jq: the demo
#                                    shows the journals Oracle holds; chromium: the close
#                                    report's tests render the page in a real headless browser;
#                                    zlib1g-dev: they read its screenshot; dpkg-dev: CPack's
#                                    dpkg-shlibdeps for the package's dependencies; groff-base:
#                                    the man page test)
#   scripts/install-deps.sh --bench  also the tools the benchmark scripts use
#   scripts/install-deps.sh --fuzz   also clang 19 and its compiler-rt (libFuzzer and the
#                                    sanitizer runtimes), for scripts/fuzz.sh only: the build and
#                                    the tests use GCC and never need them. Clang 19, not the
#                                    default clang 14: 14 cannot compile std::expected (C++23)
#                                    against GCC 12's libstdc++.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libcurl4-openssl-dev libssl-dev rapidjson-dev libcli11-dev libsqlitecpp-dev libfmt-dev catch2
  libsodium-dev libcpp-httplib-dev libboost-dev libzip-dev zlib1g-dev
  curl jq chromium dpkg-dev groff-base
)
for arg in "$@"; do
  case "$arg" in
  --bench) packages+=(sqlite3 time bc) ;;
  --fuzz) packages+=(clang-19 libclang-rt-19-dev) ;;
  *)
    echo "install-deps: unknown option $arg (--bench, --fuzz)" >&2
    exit 2
    ;;
  esac
done

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
