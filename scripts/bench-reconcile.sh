#!/usr/bin/env bash
# Benchmark of reconcile against ml-connector-sim, at the size its issue names: 200 projects and
# about 10,000 cost lines in one GL period. The simulator's seeded direct costs (1-3 lines each,
# every type and status posted: see the config) are all re-dated into the last open period that
# has ended, post-costs posts them, and then:
#   1. reconcile --period P on a clean month: its exit code (0), rows, differences, the journal
#      lines Oracle holds in P, API calls by system and endpoint (and Procore calls per project:
#      reconcile reads Procore live, 3 list calls per project plus one per change order with
#      lines to read), wall seconds, peak RSS;
#   2. the same after a person enters a journal on a project's account in Oracle: exit 1 and the
#      one difference that explains it.
# Figures are printed, not asserted. Nothing is built: the binaries must already be there.
#
#   scripts/bench-reconcile.sh [--quick] [--build DIR]
#     --quick   20 projects and 1,000 lines (well under a minute)
#     --build   the CMake build folder holding cmd/ml-connector and tests/sim/ml-connector-sim
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$here/build}"
projects=200
lines=10000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) projects=20; lines=1000; shift ;;
    --build) build="$2"; shift 2 ;;
    -h|--help) sed -n 2,17p "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
cli="$build/cmd/ml-connector"
sim="$build/tests/sim/ml-connector-sim"
for b in "$cli" "$sim"; do
  [[ -x "$b" ]] || { echo "missing $b (build the ml-connector and ml-connector-sim targets)" >&2; exit 2; }
done
for tool in jq curl bc python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "this script needs $tool (scripts/install-deps.sh --bench)" >&2; exit 2; }
done

work="$(mktemp -d)"
cd "$work"
sim_pid=""
cleanup() {
  if [[ -n "$sim_pid" ]]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  cd /
  rm -rf "$work"
}
trap cleanup EXIT

# POSTs each line of stdin (a JSON body) to $1 over one kept-alive connection.
cat >"$work/post_lines.py" <<'PY'
import http.client, sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
n = 0
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    conn.request("POST", url.path, body=line.encode(), headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    body = r.read()
    if r.status not in (200, 201):
        sys.exit(f"{url.path}: {r.status} {body[:300]!r} for {line[:200]}")
    n += 1
print(n)
PY

# The simulator: $projects projects, a few more direct costs than $lines needs (2 lines each on
# average), one commitment each (the seed may put a change order on it), rate limits far above
# what a pass uses, an ESS job done at its first poll.
per_project=$(( lines / projects / 2 + 1 ))
"$sim" --seed 11 --suppliers 10 --accounts 20 --projects "$projects" --commitments-per-project 1 \
  --subcontracts-per-project 0 --costs-per-project "$per_project" --ess-polls 1 \
  --procore-spike-limit 1000000000 --procore-hourly-limit 1000000000 >"$work/ready.json" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 1200); do
  grep -q '"ready"' "$work/ready.json" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || break
  sleep 0.05 # waiting for the simulator's ready line (a subprocess)
done
grep -q '"ready"' "$work/ready.json" || { echo "simulator did not start: $(cat "$work/sim.err")" >&2; exit 1; }
ora="$(jq -r .oracle.base_url "$work/ready.json")"
pro="$(jq -r .procore.base_url "$work/ready.json")"
company="$(jq -r .procore.company_id "$work/ready.json")"
export ML_CONNECTOR_ORACLE_CLIENT_SECRET="$(jq -r .oracle.client_secret "$work/ready.json")"
export ML_CONNECTOR_PROCORE_CLIENT_SECRET="$(jq -r .procore.client_secret "$work/ready.json")"

# The period: the last open one that has ended.
today="$(date -u +%F)"
read -r period start end < <(curl -sf "$ora/_sim/data/accounting_periods" | jq -r --arg today "$today" '
  [.[] | select(.ClosingStatus == "O" and .EndDate < $today)] | sort_by(.EndDate) | last
  | "\(.PeriodNameId) \(.StartDate) \(.EndDate)"')
[[ -n "$period" && "$period" != null ]] || { echo "the simulator has no open period that has ended" >&2; exit 1; }

# Every direct cost into the period (spread over its days), approved; lines cut from the last
# ones so that the total is $lines.
curl -sf "$pro/_sim/data/direct_costs" | jq -c --arg start "$start" --argjson total "$lines" '
  def day: strptime("%Y-%m-%d") | mktime / 86400 | floor;
  [.[] | select(.deleted_at == null)] | sort_by(.id)
  | reduce .[] as $d ({left: $total, out: []};
      ([($d.line_items | length), .left] | min) as $k
      | .left -= $k
      | .out += [if $k == 0 then {op: "delete", collection: "direct_costs", id: $d.id}
                 else {op: "update", collection: "direct_costs", id: $d.id,
                       fields: {direct_cost_date: (((($start | day) + ($d.id % 28)) * 86400) | strftime("%Y-%m-%d")),
                                line_items: [$d.line_items[0:$k][] | {description, amount, cost_code_id, line_item_type_id}]}}
                 end])
  | .out[]' | python3 "$work/post_lines.py" "$pro/_sim/mutate" >/dev/null

accounts=$(curl -sf "$pro/_sim/data/cost_codes" | jq -c '[.[].full_code] | unique | map({(.): "101-1000-5110-000-000"}) | add')
offset=$(curl -sf "$ora/_sim/data/account_combinations" | jq -r '[.[] | select(.EnabledFlag == "Y"
  and .DetailPostingAllowed == "Y" and .AccountType == "L")][0]
  | "\(.Segment1)-\(.Segment2)-\(.Segment3)-\(.Segment4)-\(.Segment5)"')
cat >"$work/config.json" <<EOF
{"oracle": {"base_url": "$ora", "token_url": "$ora/oauth2/v1/token", "client_id": "ml-connector-oracle"},
 "procore": {"base_url": "$pro", "token_url": "$pro/oauth/token", "client_id": "ml-connector-procore",
             "company_id": $company},
 "state": {"path": "state.db", "spool_dir": "spool"},
 "posting": {"wait_seconds": 600},
 "mapping": {
   "cost_codes": {"accounts": $accounts},
   "projects": {"default": {"currency": "USD", "cost_center": "1000"}},
   "journal": {"ledger_id": 300000046975971, "ledger_name": "US Primary Ledger",
               "source": "Procore", "category": "Project Costs",
               "offset_accounts": {"direct_cost": "$offset"},
               "direct_cost_types": ["expense", "payroll", "invoice"],
               "statuses": ["approved", "pending", "draft"]}}}
EOF
config="$work/config.json"

echo "reconcile benchmark: $projects projects, period $period ($start .. $end)"
t0=$(date +%s.%N)
"$cli" --config "$config" -q post-costs >/dev/null 2>"$work/post.err" || true
printf "  setup: post-costs posted the period in %.1f s\n" "$(echo "$(date +%s.%N) - $t0" | bc -l)"
in_period=$(curl -sf "$ora/_sim/data/journals" | jq --arg p "$period" '[.[] | select(.AccountingPeriodName == $p)
  | .journalHeaders[] | .journalLines[]] | length')
cost_lines=$(curl -sf "$ora/_sim/data/journals" | jq --arg p "$period" --arg off "$offset" '[.[] | select(.AccountingPeriodName == $p)
  | .journalHeaders[] | .journalLines[] | select(.AccountCombination != $off)] | length')
echo "  Oracle holds $in_period journal lines in $period ($cost_lines cost lines, the rest offsets)"

# run NAME: one reconcile, figures from the simulators' counters and its JSON.
run() {
  local name="$1" rc=0 t0 t1 rss usr sys
  curl -sf -d '' "$ora/_sim/stats/reset" >/dev/null
  curl -sf -d '' "$pro/_sim/stats/reset" >/dev/null
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M %U %S" -o "$work/time" "$cli" --config "$config" reconcile --period "$period" --json \
    >"$work/out.json" 2>"$work/err" || rc=$?
  t1=$(date +%s.%N)
  read -r rss usr sys < <(tail -n1 "$work/time")
  local pro_calls ora_calls
  pro_calls=$(curl -sf "$pro/_sim/stats" | jq '[.requests[] | select(.path | test("oauth") | not) | .count] | add // 0')
  ora_calls=$(curl -sf "$ora/_sim/stats" | jq '[.requests[] | select(.path | test("oauth") | not) | .count] | add // 0')
  printf "  %-14s exit %d  rows %s (%s differ)  differences %s  %.2f s (cpu %.2f s)  peak RSS %d KiB\n" "$name" "$rc" \
    "$(jq '.rows | length' "$work/out.json")" "$(jq '[.rows[] | select(.agrees | not)] | length' "$work/out.json")" \
    "$(jq '.differences | length' "$work/out.json")" "$(echo "$t1 - $t0" | bc -l)" "$(echo "$usr + $sys" | bc -l)" "$rss"
  printf "  %-14s Procore %d calls (%.2f per project), Oracle %d calls; per endpoint: %s\n" "" "$pro_calls" \
    "$(echo "$pro_calls / $projects" | bc -l)" "$ora_calls" \
    "$(jq -r '[.api_calls | to_entries[] | select(.key | test("oauth|token") | not) | "\(.value) \(.key)"] | join(", ")' "$work/out.json")"
  [[ -s "$work/err" ]] && sed -n 1,3p "$work/err" | sed 's/^/    stderr: /'
  return 0
}

run "clean month"
# A person enters a journal on the first project's cost account.
project=$(jq -r '.rows[0].project_id' "$work/out.json")
curl -sf -X POST "$ora/_sim/mutate" -H 'Content-Type: application/json' -d "{\"op\":\"create\",
  \"collection\":\"journals\",\"BatchName\":\"Accrual\",\"Source\":\"Manual\",\"JournalName\":\"Accrued\",
  \"AccountingDate\":\"$start\",\"AccountingPeriodName\":\"$period\",\"lines\":[
  {\"AccountCombination\":\"101-1000-5110-000-000\",\"EnteredDebitAmount\":100},
  {\"AccountCombination\":\"101-9999-2100-000-000\",\"EnteredCreditAmount\":100}]}" >/dev/null
run "manual journal"
jq -r '.differences[] | "  \(.kind): project \(.project_id) \(.account) \(.document) Oracle \(.oracle)"' "$work/out.json" | sed -n 1,3p
echo "  (cost center 1000 is every project's here, so the manual line cannot be told to one project: project 0)"
