#!/usr/bin/env bash
# The layering rule of DESIGN.md, checked on the #include lines of lib/ (the shared-object link
# of every layer, with --no-undefined, checks the calls; this catches header-only uses too):
#
#   cmd -> {passes, admin} -> flows -> engine -> {oracle, procore, store, spool, listen}
#       -> {http, auth} -> core, and oracle/fbdi between the engine and oracle/
#
# oracle/fbdi (the Journal Import file, its zip, importBulkData) sits on oracle/: oracle/ may not
# include it, the engine and what is above it may. A flow never includes another flow; oracle/
# and procore/ never include each other. Each third-party library has one home folder. Prints
# every violation; exits 1 when there is one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/lib"

# folder -> the include prefixes it may use (besides its own folder).
declare -A allowed=(
  [core]=""
  [http]="core"
  [auth]="http core"
  [oracle]="http core"
  [oracle/fbdi]="oracle http core"
  [procore]="http core"
  [store]="auth core"
  [spool]="core"
  [listen]="spool core"
  [sync/engine]="oracle procore store spool auth http core"
  [sync/flows]="sync/engine oracle procore store spool auth http core"
  [sync/passes]="sync/flows sync/engine oracle procore store spool auth http core"
  [admin]="sync/flows sync/engine listen oracle procore store spool auth http core"
)
# third-party header -> the folder that is its only home.
declare -A home=(
  ["curl/"]="http"
  ["SQLiteCpp/"]="store"
  ["sqlite3.h"]="store"
  ["httplib.h"]="listen"
  ["boost/"]="listen"
  ["sodium"]="auth"
  ["openssl/"]="auth"
  ["zip.h"]="oracle/fbdi"
)

status=0
# One grep over the tree; the rest is bash string matching (no process per file).
while IFS= read -r line; do
  file="${line%%:*}"
  rest="${line#*:}"
  dir="${file%/*}"
  layer="$dir"
  [[ "$dir" == sync/flows/* ]] && layer="sync/flows"
  if [[ ! -v "allowed[$layer]" ]]; then
    echo "layers: $file: folder $dir is not in the layer table"
    status=1
    continue
  fi
  if [[ "$rest" =~ ^#include\ \"([^\"]*)\" ]]; then
    inc="${BASH_REMATCH[1]}"
    [[ "$inc" == */* ]] || continue
    # oracle/fbdi is a layer above oracle/: its own folder's prefix does not cover it
    if [[ "$inc" == oracle/fbdi/* && "$layer" == oracle ]]; then
      echo "layers: $file includes \"$inc\": oracle may not depend on oracle/fbdi"
      status=1
      continue
    fi
    [[ "$inc" == "$dir/"* ]] && continue
    ok=0
    for prefix in ${allowed[$layer]}; do
      # a flow may use the engine and the layers below, never another flow
      if [[ "$prefix" == "sync/flows" && "$layer" == "sync/flows" ]]; then continue; fi
      if [[ "$inc" == "$prefix/"* ]]; then ok=1; break; fi
    done
    if [[ $ok -eq 0 ]]; then
      echo "layers: $file includes \"$inc\": $layer may not depend on ${inc%/*}"
      status=1
    fi
  elif [[ "$rest" =~ ^#include\ \<([^\>]*)\> ]]; then
    inc="${BASH_REMATCH[1]}"
    for header in "${!home[@]}"; do
      if [[ "$inc" == "$header"* && "$dir" != "${home[$header]}"* ]]; then
        echo "layers: $file includes <$inc>: only ${home[$header]}/ may include it"
        status=1
      fi
    done
  fi
done < <(grep -rH --include='*.cpp' --include='*.hpp' '^#include' . | sed 's#^\./##')

if [[ $status -eq 0 ]]; then
  echo "layers: every include in lib/ points down"
fi
exit $status
