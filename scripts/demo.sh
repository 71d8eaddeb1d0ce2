#!/usr/bin/env bash
# The main job, end to end, against the bundled simulators: installs what is missing, builds,
# starts ml-connector-sim (Oracle Fusion + Procore on loopback), configures ml-connector for it,
# runs the passes and shows what happened. Everything it writes stays in demo-run/.
#   scripts/demo.sh               default data set
#   SUPPLIERS=5000 scripts/demo.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
echo "demo: building (log in build.log)"
"$root/scripts/build.sh" --target ml-connector ml-connector-sim >"$root/build.log" 2>&1 \
  || { tail -n 40 "$root/build.log"; exit 1; }
build_dir="${BUILD_DIR:-$root/build}"
mlc="$build_dir/cmd/ml-connector"
sim="$build_dir/tests/sim/ml-connector-sim"

work="$root/demo-run"
rm -rf "$work"
mkdir -p "$work"
cd "$work"

# Start the simulators; they print one JSON line once both listeners accept connections.
fifo="$work/sim.out"
mkfifo "$fifo"
"$sim" --seed 7 --suppliers "${SUPPLIERS:-250}" --accounts 60 --projects 3 \
  --commitments-per-project 4 --costs-per-project 6 >"$fifo" 2>"$work/sim.log" &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true' EXIT
exec 3<"$fifo"
if ! read -r -t 30 -u 3 ready; then
  echo "demo: the simulators did not start; see $work/sim.log" >&2
  exit 1
fi

# Pulls "key":"value" (or a number) out of one top-level section of the ready line.
field() { sed -n "s/.*\"$1\":{[^}]*\"$2\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" <<<"$ready"; }

cat >ml-connector.json <<JSON
{
  // Written by scripts/demo.sh for the simulators it started.
  "oracle":  { "base_url": "$(field oracle base_url)", "token_url": "$(field oracle token_url)",
               "client_id": "$(field oracle client_id)" },
  "procore": { "base_url": "$(field procore base_url)", "token_url": "$(field procore token_url)",
               "client_id": "$(field procore client_id)", "company_id": $(field procore company_id) },
  "state":   { "path": "state/ml-connector.db", "spool_dir": "state/spool", "key_file": "state/ml-connector.key" },
  "mapping": {
    // GL account combinations (company-costcenter-account-sub-interco) become cost codes
    // "<cost center>-<account>" for expense accounts.
    "cost_codes": { "natural_account_segment": 3, "code_segments": [2, 3], "account_types": ["E"] }
  }
}
JSON

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step "ml-connector init"
"$mlc" init

step "ml-connector creds set oracle   (secret from stdin, stored encrypted)"
field oracle client_secret | "$mlc" creds set oracle
step "ml-connector creds set procore"
field procore client_secret | "$mlc" creds set procore

step "ml-connector ping"
"$mlc" ping

step "ml-connector sync-suppliers --dry-run   (the plan; nothing is written)"
"$mlc" sync-suppliers --dry-run | head -n 25

step "ml-connector sync-suppliers   (first sync: Oracle suppliers -> Procore vendors, GL accounts -> cost codes)"
"$mlc" sync-suppliers

step "ml-connector sync-suppliers   (again: nothing changed, so nothing is written)"
"$mlc" sync-suppliers

oracle_url="$(field oracle base_url)"
supplier_id="$(curl -s "$oracle_url/_sim/data/suppliers" | grep -o '"SupplierId":[0-9]*' | head -n 1 | cut -d: -f2)"
step "(in Oracle, supplier $supplier_id is renamed)"
curl -s -X POST "$oracle_url/_sim/mutate" -H 'Content-Type: application/json' \
  -d "{\"op\":\"update\",\"collection\":\"suppliers\",\"id\":$supplier_id,\"fields\":{\"Supplier\":\"Renamed Demo Supplier LLC\"}}" >/dev/null

step "ml-connector sync-suppliers   (only the renamed supplier is sent)"
"$mlc" sync-suppliers

step "ml-connector audit --record supplier:$supplier_id"
"$mlc" audit --record "supplier:$supplier_id"

step "ml-connector audit verify"
"$mlc" audit verify

# --- Webhooks: Procore pushes, the listener spools, the next pass takes the spool in --------
procore_url="$(field procore base_url)"
step "ml-connector creds set webhook   (the static header Procore will send us)"
head -c 24 /dev/urandom | base64 | "$mlc" creds set webhook

listen_out="$work/listen.out"
mkfifo "$listen_out"
"$mlc" listen --addr 127.0.0.1:0 >"$listen_out" 2>"$work/listen.log" &
listen_pid=$!
trap 'kill "$listen_pid" "$sim_pid" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
exec 4<"$listen_out"
read -r -t 30 -u 4 listening || { echo "demo: the listener did not start" >&2; exit 1; }
step "ml-connector listen --addr 127.0.0.1:0   (in the background)"
echo "$listening"
hook_url="$(grep -o 'http://[^ ]*' <<<"$listening")"

step "ml-connector webhooks install --destination-url $hook_url"
"$mlc" webhooks install --destination-url "$hook_url"

direct_cost_id="$(curl -s "$procore_url/_sim/data/direct_costs" | grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2)"
step "(in Procore, direct cost $direct_cost_id is edited: Procore delivers a webhook)"
curl -s -X POST "$procore_url/_sim/mutate" -H 'Content-Type: application/json' \
  -d "{\"op\":\"update\",\"collection\":\"direct_costs\",\"id\":$direct_cost_id,\"fields\":{\"description\":\"Crane rental, week 48\"}}" >/dev/null
curl -s "$procore_url/_sim/webhooks/wait?timeout_ms=10000" >/dev/null
echo "spooled: $(ls "$work/state/spool/new" | wc -l) file(s) in state/spool/new"

step "ml-connector ingest"
"$mlc" ingest

# --- Drift: a vendor we own is edited by hand in Procore ------------------------------------
vendor_id="$(curl -s "$procore_url/_sim/data/vendors" | grep -o "\"id\":[0-9]*,[^}]*\"origin_id\":\"$supplier_id\"" | head -n 1 | cut -d, -f1 | cut -d: -f2)"
if [[ -n "$vendor_id" ]]; then
  step "(in Procore, someone edits vendor $vendor_id, ours: city and phone; Procore delivers a webhook)"
  curl -s -X POST "$procore_url/_sim/mutate" -H 'Content-Type: application/json' \
    -d "{\"op\":\"update\",\"collection\":\"vendors\",\"id\":$vendor_id,\"fields\":{\"city\":\"Gotham\",\"business_phone\":\"555-0100\"}}" >/dev/null
  curl -s "$procore_url/_sim/webhooks/wait?timeout_ms=10000" >/dev/null
  step "ml-connector sync-suppliers   (drift: the city is ours and is restored from Oracle; the phone is not ours and stays)"
  "$mlc" sync-suppliers --vendors-only
fi

# --- A refused record, fixed at the source and replayed -------------------------------------
bad_id="$(curl -s "$oracle_url/_sim/data/suppliers" | grep -o '"SupplierId":[0-9]*' | sed -n 2p | cut -d: -f2)"
step "(in Oracle, supplier $bad_id gets the country code \"USA\", which Procore refuses)"
curl -s -X POST "$oracle_url/_sim/mutate" -H 'Content-Type: application/json' \
  -d "{\"op\":\"update\",\"collection\":\"suppliers\",\"id\":$bad_id,\"address\":{\"CountryCode\":\"USA\"}}" >/dev/null
step "ml-connector sync-suppliers   (the vendor is refused: recorded, audited, queued; exit 1)"
"$mlc" sync-suppliers --vendors-only || echo "(exit $?)"

step "ml-connector status   (the failed posting, with its error)"
"$mlc" status

step "(in Oracle, the country code is fixed to \"US\")"
curl -s -X POST "$oracle_url/_sim/mutate" -H 'Content-Type: application/json' \
  -d "{\"op\":\"update\",\"collection\":\"suppliers\",\"id\":$bad_id,\"address\":{\"CountryCode\":\"US\"}}" >/dev/null
step "ml-connector replay --failed   (looked up in Procore first; not there, so re-read from Oracle and sent)"
"$mlc" replay --failed

step "ml-connector status"
"$mlc" status

kill "$listen_pid" 2>/dev/null || true
wait "$listen_pid" 2>/dev/null || true

echo
echo "demo: done. State, config and logs are in $work"
