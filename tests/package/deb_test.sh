#!/usr/bin/env bash
# package:deb — builds the Debian package with CPack from this build folder and checks it: its
# control fields (Debian names of the runtime libraries), its files (binary, man page, bash
# completion, units, sysusers entry, example config; never ml-connector-sim), and that the binary
# in it runs. With MLC_PACKAGE_INSTALL_TEST=1, as root, on a machine where ml-connector is not
# installed yet (CI), it installs the package with dpkg -i, runs /usr/bin/ml-connector --version
# and removes it again; otherwise it extracts the package with dpkg-deb -x and runs the binary
# from there.
#   tests/package/deb_test.sh BUILD_DIR
set -euo pipefail
build_dir="$1"
work="$(mktemp -d "${TMPDIR:-/tmp}/mlc-deb-XXXXXX")"
keep=0
cleanup() {
  if [ "$keep" = 0 ]; then rm -rf "$work"; else echo "deb_test: kept $work" >&2; fi
}
trap cleanup EXIT
fail() {
  echo "deb_test: FAIL: $*" >&2
  keep=1
  exit 1
}

# The package, into our own folder (CPack's install step builds nothing new: ctest runs after
# the build).
(cd "$work" && cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1) \
  || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb="$(ls "$work"/out/ml-connector_*.deb 2>/dev/null | head -1 || true)"
[ -n "$deb" ] || fail "no ml-connector_*.deb in $work/out"
echo "deb_test: built $(basename "$deb"), $(stat -c %s "$deb") bytes"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = ml-connector ] || fail "Package is $(field Package)"
depends="$(field Depends)"
echo "deb_test: Depends: $depends"
for lib in libcurl4 libsodium23 libsqlite3-0 libzip4 libc6; do
  grep -Eq "(^|, )$lib( |,|$)" <<<"$depends" || fail "Depends lacks $lib"
done

dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$work/files"
for f in /usr/bin/ml-connector /usr/sbin/ml-connector-admin \
  /usr/share/man/man1/ml-connector.1 \
  /usr/share/bash-completion/completions/ml-connector \
  /usr/lib/systemd/system/ml-connector-listen.service \
  /usr/lib/systemd/system/ml-connector-run.service \
  /usr/lib/systemd/system/ml-connector-run.timer \
  /usr/lib/sysusers.d/ml-connector.conf \
  /usr/share/doc/ml-connector/ml-connector.json.example \
  /usr/share/doc/ml-connector/README.md /usr/share/doc/ml-connector/README.Debian \
  /usr/share/doc/ml-connector/copyright; do
  grep -qx "$f" "$work/files" || fail "the package lacks $f"
done
if grep -q "ml-connector-sim" "$work/files"; then fail "ml-connector-sim is in the package"; fi
# Listed whole first: grep -q leaving early would kill tar with SIGPIPE, failing the pipeline.
dpkg-deb --ctrl-tarfile "$deb" | tar -t >"$work/control-files"
grep -qx "./postinst" "$work/control-files" || fail "no postinst"

installed="$(dpkg-query -W -f='${Status}' ml-connector 2>/dev/null || true)"
if [ "${MLC_PACKAGE_INSTALL_TEST:-0}" = 1 ] && [ "$(id -u)" = 0 ] \
  && [[ "$installed" != *"install ok"* ]]; then
  dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i failed"; }
  version="$(/usr/bin/ml-connector --version)" || { dpkg -r ml-connector >/dev/null 2>&1; fail "installed binary does not run"; }
  getent passwd ml-connector >/dev/null || { dpkg -r ml-connector >/dev/null 2>&1; fail "postinst made no ml-connector user"; }
  [ "$(stat -c %a /etc/ml-connector/vault.key)" = 600 ] || { dpkg -r ml-connector >/dev/null 2>&1; fail "vault.key is not 0600"; }
  dpkg -r ml-connector >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -r failed"; }
  echo "deb_test: installed with dpkg -i: $version"
else
  dpkg-deb -x "$deb" "$work/root"
  version="$("$work/root/usr/bin/ml-connector" --version)" || fail "extracted binary does not run"
  "$work/root/usr/bin/ml-connector" --help >"$work/help.txt" || fail "--help failed"
  grep -q "sync-suppliers" "$work/help.txt" || fail "--help lacks sync-suppliers"
  echo "deb_test: extracted with dpkg-deb -x: $version"
fi
[[ "$version" == *"$(field Version)"* ]] || fail "--version says $version, the package $(field Version)"
echo "deb_test: ok"
