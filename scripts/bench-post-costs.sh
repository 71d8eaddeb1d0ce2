#!/usr/bin/env bash
# Benchmark of post-costs (Procore direct costs and approved commitment change orders -> Oracle
# GL journals through Journal Import) against ml-connector-sim, printing the figures its issue
# asks for, at 10,000 cost lines over 20 projects:
#   1. the first pass: Procore calls by endpoint, in total and per project (the sweep reads the
#      project-level direct cost and line item lists, 1,000 a page); Oracle calls by endpoint
#      (one POST erpintegrations importBulkData, the ESS polls, the journalBatches lookups against
#      the batches made); the journal lines actually posted (read back from /_sim/data/journals),
#      lines/s, wall time, peak RSS;
#   2. a rerun with nothing changed, and another: their calls (Oracle writes should be 0);
#   3. the steady state with webhooks: 10 direct costs in 10 projects change, the simulator
#      delivers one "Direct Costs" event each to `ml-connector listen` (hook made by `webhooks
#      install`), one pass runs: its Procore reads, against the project count;
#   4. peak RSS of a first pass at 1,000 vs 100,000 cost lines (and at 10,000).
# Figures are printed, not asserted. Nothing is built: the binaries must already be there.
#
# The bench config posts every seeded direct cost: mapping.journal.direct_cost_types is
# ["expense","payroll","invoice"] and mapping.journal.statuses ["approved","pending","draft"]
# (the defaults are expense/payroll and approved). The seed (1-3 lines per direct cost) is made a
# little larger than the size and lines are then cut from multi-line direct costs, so the
# direct cost lines plus the approved change order lines are exactly the size, spread evenly
# over the projects; direct costs the seed dates after today (from about 600 a project, so at
# 100,000 lines) are moved into the past (see trim). The figures print what Oracle actually
# holds, not what was aimed at. The simulator finishes an ESS job at the first status poll
# (--ess-polls 1) and posting.wait_seconds is 600, so every pass confirms its journals itself.
#
#   scripts/bench-post-costs.sh [--quick] [--build DIR]
#     --quick   no 100,000-line size (RSS is compared at 1,000 and 10,000 only): about a
#               minute on 2 idle cores (90 s while a build ran); the full run took 8 minutes
#               there, 6.5 of them the 100,000-line first pass (55,000 write-back calls)
#     --build   the CMake build folder holding cmd/ml-connector and tests/sim/ml-connector-sim
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$here/build}"
projects=20
main_lines=10000
small_lines=1000
large_lines=100000
commitments=2 # per project: the seed puts a change order on about half (approved or pending)
changes=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) large_lines=0; shift ;;
    --build) build="$2"; shift 2 ;;
    -h|--help) sed -n 2,31p "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
cli="$build/cmd/ml-connector"
sim="$build/tests/sim/ml-connector-sim"
# A binary may be briefly missing while someone rebuilds: wait for it (up to 5 minutes). The
# linker writes it without the execute bit, so this also waits out a relink during the run.
wait_for_binaries() {
  for b in "$cli" "$sim"; do
    for _ in $(seq 1 300); do [[ -x "$b" ]] && break; sleep 1; done
    [[ -x "$b" ]] || { echo "missing $b (build the ml-connector and ml-connector-sim targets)" >&2; exit 2; }
  done
}
wait_for_binaries
for tool in jq curl bc python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "this script needs $tool" >&2; exit 2; }
done

script_t0=$(date +%s.%N)
work="$(mktemp -d)"
cd "$work"
sim_pid=""
listen_pid=""
stop_listener() {
  if [[ -n "$listen_pid" ]]; then kill "$listen_pid" 2>/dev/null || true; wait "$listen_pid" 2>/dev/null || true; fi
  listen_pid=""
}
stop_sim() {
  if [[ -n "$sim_pid" ]]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  sim_pid=""
}
cleanup() {
  stop_listener
  stop_sim
  cd /
  rm -rf "$work"
}
trap cleanup EXIT

# POSTs each line of stdin (a JSON body) to $1 over one kept-alive connection: thousands of
# mutations in seconds rather than one curl process each. Any answer but 200/201 stops the script.
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

types='["expense","payroll","invoice"]'
statuses='["approved","pending","draft"]'

# start_sim LINES: the simulator with $projects projects, $commitments commitments each (and
# the change orders the seed puts on them), and a few more direct costs than LINES needs (1-3
# lines each, 2 on average); rate limits far above what a pass uses; an ESS job done at its
# first poll. Sets sim_pid, ora, pro, company and the client secrets from its ready line.
start_sim() {
  local ready="$work/ready.json" per_project
  per_project=$(( $1 * 110 / 100 / projects / 2 + 10 ))
  : >"$ready"
  "$sim" --seed 7 --suppliers 20 --accounts 20 --projects "$projects" --commitments-per-project "$commitments" \
    --subcontracts-per-project 0 --costs-per-project "$per_project" --ess-polls 1 \
    --procore-spike-limit 1000000000 --procore-hourly-limit 1000000000 >"$ready" 2>"$work/sim.err" &
  sim_pid=$!
  for _ in $(seq 1 1200); do
    if grep -q '"ready"' "$ready" 2>/dev/null; then break; fi
    kill -0 "$sim_pid" 2>/dev/null || break
    sleep 0.05 # waiting for the simulator's ready line (a subprocess)
  done
  grep -q '"ready"' "$ready" || { echo "simulator did not start: $(cat "$work/sim.err")" >&2; exit 1; }
  ora="$(jq -r .oracle.base_url "$ready")"
  pro="$(jq -r .procore.base_url "$ready")"
  company="$(jq -r .procore.company_id "$ready")"
  export ML_CONNECTOR_ORACLE_CLIENT_SECRET="$(jq -r .oracle.client_secret "$ready")"
  export ML_CONNECTOR_PROCORE_CLIENT_SECRET="$(jq -r .procore.client_secret "$ready")"
}

# trim LINES: cuts lines off multi-line direct costs (their first lines kept) until each
# project's posting lines (direct costs of the bench's types and statuses, approved change
# orders) add up to its share of LINES, the first LINES % projects projects taking one more.
# The seed dates a project's direct costs a day apart (and projects start two days apart) from
# February 2025: past about 600 in a project they would be dated, and stamped, after today,
# which a sweep (up to now) rightly leaves out and Oracle has no open period for. Those are
# moved into the past (between 2025-01-06 and today), their lines rewritten so that they carry
# a stamp of today too. One mutation per direct cost changed.
trim() {
  curl -sf "$pro/_sim/data/commitment_change_orders" | jq -c '[.[] | select(.status == "approved"
    and .deleted_at == null) | {project: .project_id, n: (.line_items | length)}]' >"$work/cos.json"
  curl -sf "$pro/_sim/data/direct_costs" | jq -c --argjson t "$types" --argjson s "$statuses" '
    [.[] | select(.deleted_at == null and (.direct_cost_type as $x | $t | index($x))
                  and (.status as $x | $s | index($x)))
     | {id, project: .project_id, date: .direct_cost_date, lines: [.line_items[]
         | {description, amount, cost_code_id, line_item_type_id}]}]' >"$work/dcs.json"
  jq -nc --slurpfile cofile "$work/cos.json" --slurpfile dcfile "$work/dcs.json" --argjson total "$1" \
    --arg today "$(date -u +%F)" '
    def day: strptime("%Y-%m-%d") | mktime / 86400 | floor;
    ($today | day) as $now | ($now - ("2025-01-06" | day)) as $span
    | $cofile[0] as $cos | $dcfile[0] as $dcs
    | ($dcs | map(.project) | unique) as $ps | ($ps | length) as $n
    | range(0; $n) as $i | $ps[$i] as $p
    | (($total / $n | floor) + (if $i < ($total % $n) then 1 else 0 end)) as $share
    | ([$cos[] | select(.project == $p) | .n] | add // 0) as $co_lines
    | [$dcs[] | select(.project == $p)] | sort_by(.id) as $docs
    | (([$docs[].lines | length] | add) + $co_lines - $share) as $surplus
    | if $surplus < 0 then error("project \($p): \(-$surplus) lines short of \($share)") else . end
    | reduce $docs[] as $d ({left: $surplus, out: []};
        (if .left > 0 then [($d.lines | length) - 1, .left] | min else 0 end) as $k
        | ($d.date | day) as $day
        | .left -= $k
        | if $k > 0 or $day > $now then
            .out += [{op: "update", collection: "direct_costs", id: $d.id,
                      fields: ({line_items: $d.lines[0:(($d.lines | length) - $k)]}
                               + if $day > $now then {direct_cost_date:
                                   (($now - (($day - $now) % $span)) * 86400 | strftime("%Y-%m-%d"))}
                                 else {} end)}]
          else . end)
    | if .left > 0 then error("project \($p): cannot cut \(.left) more lines") else .out[] end' \
    | python3 "$work/post_lines.py" "$pro/_sim/mutate" >/dev/null
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# write_config DIR: config and state in DIR. Every project cost code (the 20 seeded CSI codes)
# maps to an enabled, postable expense account; every project uses the default mapping (cost
# center 1000); the offset is the first enabled, postable liability combination. The listener
# gets a port picked now.
write_config() {
  local dir="$1" accounts
  mkdir -p "$dir"
  accounts=$(curl -sf "$pro/_sim/data/cost_codes" \
    | jq -c '[.[].full_code] | unique | map({(.): "101-1000-5110-000-000"}) | add')
  offset=$(curl -sf "$ora/_sim/data/account_combinations" | jq -r '[.[] | select(.EnabledFlag == "Y"
    and .DetailPostingAllowed == "Y" and .AccountType == "L")][0]
    | "\(.Segment1)-\(.Segment2)-\(.Segment3)-\(.Segment4)-\(.Segment5)"')
  listen_port=$(free_port)
  cat >"$dir/config.json" <<EOF
{"oracle": {"base_url": "$ora", "token_url": "$ora/oauth2/v1/token", "client_id": "ml-connector-oracle"},
 "procore": {"base_url": "$pro", "token_url": "$pro/oauth/token", "client_id": "ml-connector-procore",
             "company_id": $company},
 "state": {"path": "state.db", "spool_dir": "spool"},
 "webhooks": {"listen_addr": "127.0.0.1:$listen_port", "path": "/webhooks/procore", "header": "Authorization"},
 "posting": {"wait_seconds": 600},
 "mapping": {
   "cost_codes": {"accounts": $accounts},
   "projects": {"default": {"currency": "USD", "cost_center": "1000"}},
   "journal": {"ledger_id": 300000046975971, "ledger_name": "US Primary Ledger",
               "source": "Procore", "category": "Project Costs",
               "offset_accounts": {"direct_cost": "$offset"},
               "direct_cost_types": $types, "statuses": $statuses}}}
EOF
  config="$dir/config.json"
}

reset_stats() {
  # -d '': a POST with no Content-Length leaves the simulator waiting for a body.
  curl -sf -d '' "$ora/_sim/stats/reset" >/dev/null
  curl -sf -d '' "$pro/_sim/stats/reset" >/dev/null
}

# calls SIDE FILTER: a sum over the simulator's request counts (admin calls are not counted).
calls() {
  local url="$ora"
  [[ "$1" == procore ]] && url="$pro"
  curl -sf "$url/_sim/stats" | jq "[.requests[] | select($2) | .count] | add // 0"
}
# by_endpoint SIDE FILTER: "N METHOD path, …" for the requests matching FILTER.
by_endpoint() {
  local url="$ora"
  [[ "$1" == procore ]] && url="$pro"
  curl -sf "$url/_sim/stats" | jq -r "[.requests[] | select($2) | \"\\(.count) \\(.method) \\(.path
    | sub(\"^/rest/v1.0/\"; \"\") | sub(\"^/fscmRestApi/resources/[^/]*/\"; \"\"))\"] | join(\", \")"
}
is_token='(.path | test("oauth"))'
is_read="(.method == \"GET\" and ($is_token | not))"
is_write="(.method != \"GET\" and ($is_token | not))"
is_import='(.path | endswith("/erpintegrations"))'
is_batches='(.path | endswith("/journalBatches"))'

# The simulator's CPU seconds so far (user + system), to tell its time from the tool's.
sim_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$sim_pid/stat" 2>/dev/null || echo 0
}

per() { if [[ "$2" -gt 0 ]]; then printf '%.2f' "$(echo "$1 / $2" | bc -l)"; else echo "-"; fi; }

# journals: what Oracle holds, "batches journals debit-lines credit-lines" (a reversal's lines
# count as they are: its offset line is the debit).
journals() {
  curl -sf "$ora/_sim/data/journals" | jq -r '[length, ([.[].journalHeaders | length] | add // 0),
    ([.[].journalHeaders[].journalLines[] | select(.EnteredDebitAmount != null)] | length),
    ([.[].journalHeaders[].journalLines[] | select(.EnteredCreditAmount != null)] | length)] | @tsv'
}

# pass NAME [ARGS...]: one post-costs pass, figures from the simulators' counters (every request
# the pass made, the token requests apart) and from its --json summary. Sets p_* for callers.
# Not -q: a quiet pass that ends with exit 0 may print no summary at all; its log goes to a
# file, and the warnings and errors in it are counted.
pass() {
  local name="$1" out="$work/${1// /-}.json" tm="$work/${1// /-}.time" err="$work/${1// /-}.err"
  local t0 t1 cpu_user cpu_sys s0
  shift
  wait_for_binaries
  reset_stats
  p_rc=0
  s0=$(sim_cpu)
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M %U %S" -o "$tm" "$cli" --config "$config" post-costs --json "$@" >"$out" 2>"$err" || p_rc=$?
  t1=$(date +%s.%N)
  p_sim_cpu=$(echo "$(sim_cpu) - $s0" | bc -l)
  p_wall=$(echo "$t1 - $t0" | bc -l)
  read -r p_rss cpu_user cpu_sys < <(tail -n1 "$tm")
  p_cpu=$(echo "$cpu_user + $cpu_sys" | bc -l)
  p_pro_reads=$(calls procore "$is_read")
  p_pro_writes=$(calls procore "$is_write")
  p_pro_all=$(calls procore 'true')
  p_pro_tokens=$(calls procore "$is_token")
  p_ora_reads=$(calls oracle "$is_read")
  p_ora_writes=$(calls oracle "$is_write")
  p_imports=$(calls oracle ".method == \"POST\" and $is_import")
  p_polls=$(calls oracle ".method == \"GET\" and $is_import")
  p_lookups=$(calls oracle ".method == \"GET\" and $is_batches")
  p_read=$(jq '.costs.read // 0' "$out")
  p_reverse=$(jq '.costs.planned.reverse // 0' "$out")
  p_created=$(jq '.costs.applied.created // 0' "$out")
  p_held=$(jq '.costs.postings.held // 0' "$out")
  p_failed=$(jq '.costs.applied.failed // 0' "$out")
  p_attention=$(jq '.costs.attention | length' "$out")
  printf "  %-16s exit %d  documents read %-6s journals posted %-6s (reversals %s) held %-3s failed %-3s attention %-3s  %7.2f s (cpu %5.2f s, simulator cpu %5.2f s)  peak RSS %7d KiB\n" \
    "$name" "$p_rc" "$p_read" "$p_created" "$p_reverse" "$p_held" "$p_failed" "$p_attention" "$p_wall" "$p_cpu" "$p_sim_cpu" "$p_rss"
  printf "  %-16s Procore %d reads, %d writes; Oracle %d reads, %d writes (%d importBulkData, %d ESS polls, %d journalBatches GETs)\n" \
    "" "$p_pro_reads" "$p_pro_writes" "$p_ora_reads" "$p_ora_writes" "$p_imports" "$p_polls" "$p_lookups"
  p_pro_read_paths=$(by_endpoint procore "$is_read")
  p_pro_write_paths=$(by_endpoint procore "$is_write")
  p_ora_paths=$(by_endpoint oracle "($is_token | not)")
  p_warnings=$(grep -cE '^[^ ]+ +(warn|error) |^error: ' "$err" || true)
  if [[ "$p_warnings" -gt 0 ]]; then
    printf "  %-16s %d warnings or errors logged, the first: %s\n" "" "$p_warnings" \
      "$(grep -E '^[^ ]+ +(warn|error) |^error: ' "$err" | sed -n 1p)"
  fi
  printf "  %-16s Procore reads: %s\n" "" "${p_pro_read_paths:-none}"
  printf "  %-16s Procore writes: %s\n" "" "${p_pro_write_paths:-none}"
  printf "  %-16s Oracle: %s\n" "" "${p_ora_paths:-none}"
}

# steady_state DIR: `listen` in the background, `webhooks install` pointing the simulator at it,
# then $changes direct costs (the first of each of $changes projects spread over all) get a new
# description through /_sim/mutate: the simulator delivers one "Direct Costs" event each. Once
# delivered, the listener stops and one pass runs. Sets ss_* for the figures.
steady_state() {
  local dir="$1" listening picked secret delivered
  secret="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export ML_CONNECTOR_WEBHOOK_SECRET="$secret"
  wait_for_binaries
  "$cli" --config "$config" listen >"$dir/listen.out" 2>"$dir/listen.err" &
  listen_pid=$!
  for _ in $(seq 1 200); do
    grep -q '^listening on ' "$dir/listen.out" 2>/dev/null && break
    kill -0 "$listen_pid" 2>/dev/null || break
    sleep 0.05 # waiting for the listener's ready line
  done
  listening=$(grep -o 'http://[^ ]*' "$dir/listen.out" || true)
  [[ -n "$listening" ]] || { echo "listener did not start: $(cat "$dir/listen.err")" >&2; exit 1; }
  "$cli" --config "$config" -q webhooks install --destination-url "$listening" >"$dir/install.out" \
    || { echo "webhooks install failed: $(cat "$dir/install.out")" >&2; exit 1; }
  picked=$(curl -sf "$pro/_sim/data/direct_costs" | jq -c --argjson k "$changes" '
    [.[] | select(.deleted_at == null)] as $dcs
    | ($dcs | map(.project_id) | unique) as $ps | ($ps | length) as $n
    | [range(0; $k) | $ps[(. * $n / $k | floor)]] as $want
    | [$dcs | group_by(.project_id)[] | min_by(.id) | select(.project_id as $p | $want | index($p))
       | {id, project: .project_id}]')
  jq -c '.[] | {op: "update", collection: "direct_costs", id: .id,
                fields: {description: "Bench changed \(.id)"}}' <<<"$picked" \
    | python3 "$work/post_lines.py" "$pro/_sim/mutate" >/dev/null
  curl -sf "$pro/_sim/webhooks/wait?timeout_ms=30000" >/dev/null \
    || echo "  (the simulator still had webhook events queued after 30 s)"
  delivered=$(curl -sf "$pro/_sim/data/deliveries" | jq '[.[] | select(.outcome == "ok")] | length' 2>/dev/null || echo "?")
  stop_listener
  echo "  $(jq length <<<"$picked") direct costs changed in $(jq '[.[].project] | unique | length' <<<"$picked") projects;" \
    "$delivered deliveries ok; $(ls "$dir/spool/new" | wc -l) events in the spool ($listening)"
  pass "webhook pass"
  ss_changed=$(jq length <<<"$picked")
  ss_reads=$p_pro_reads
  ss_writes=$p_pro_writes
  ss_tokens=$p_pro_tokens
  ss_read_paths=$p_pro_read_paths
  ss_imports=$p_imports
  ss_created=$p_created
  ss_warnings=$p_warnings
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A first_rss first_rate first_lines first_wall
sizes=("$small_lines" "$main_lines")
[[ "$large_lines" -gt 0 ]] && sizes+=("$large_lines")
for lines in "${sizes[@]}"; do
  echo "== $lines cost lines over $projects projects"
  size_t0=$(date +%s.%N)
  wait_for_binaries
  start_sim "$lines"
  dir="$work/l$lines"
  write_config "$dir"
  future=$(curl -sf "$pro/_sim/data/direct_costs" | jq --arg today "$(date -u +%F)" \
    '[.[] | select(.deleted_at == null and .direct_cost_date > $today)] | length')
  trim "$lines"
  docs=$(curl -sf "$pro/_sim/data/direct_costs" | jq '[.[] | select(.deleted_at == null)] | length')
  cos=$(curl -sf "$pro/_sim/data/commitment_change_orders" | jq -r '[.[] | select(.deleted_at == null)]
    | "\(length) change orders (\([.[] | select(.status == "approved")] | length) approved)"')
  echo "  seeded: $docs direct costs ($future of them dated after today, moved into the past), $cos;" \
    "offset account $offset"
  pass "first pass"
  read -r j_batches j_journals j_debits j_credits < <(journals)
  echo "  Oracle holds $j_batches batches, $j_journals journals, $((j_debits + j_credits)) journal lines" \
    "($j_debits debit cost lines, $j_credits offset credit lines)"
  first_rss[$lines]=$p_rss
  first_lines[$lines]=$j_debits
  first_wall[$lines]=$p_wall
  first_rate[$lines]=$(printf '%.0f' "$(echo "$j_debits / $p_wall" | bc -l)")
  if [[ "$lines" == "$main_lines" ]]; then
    f_rc=$p_rc; f_wall=$p_wall; f_rss=$p_rss; f_read=$p_read
    f_pro_reads=$p_pro_reads; f_pro_writes=$p_pro_writes; f_pro_all=$p_pro_all; f_pro_tokens=$p_pro_tokens
    f_pro_read_paths=$p_pro_read_paths; f_pro_write_paths=$p_pro_write_paths
    f_imports=$p_imports; f_polls=$p_polls; f_lookups=$p_lookups; f_ora_paths=$p_ora_paths
    f_batches=$j_batches; f_journals=$j_journals; f_debits=$j_debits; f_credits=$j_credits
    pass "rerun"
    r_pro_reads=$p_pro_reads; r_pro_writes=$p_pro_writes; r_ora_reads=$p_ora_reads; r_ora_writes=$p_ora_writes
    r_imports=$p_imports; r_pro_read_paths=$p_pro_read_paths
    pass "rerun again"
    r2_pro_reads=$p_pro_reads; r2_pro_writes=$p_pro_writes; r2_ora_reads=$p_ora_reads; r2_ora_writes=$p_ora_writes
    r2_imports=$p_imports; r2_pro_read_paths=$p_pro_read_paths
    read -r r_batches r_journals _ _ < <(journals)
    steady_state "$dir"
  fi
  stop_sim
  echo "  ($(printf '%.1f' "$(echo "$(date +%s.%N) - $size_t0" | bc -l)") s for this size, simulator start and seeding included)"
done

echo
echo "== figures ($main_lines cost lines over $projects projects)"
echo "1. first pass (exit $f_rc): $f_debits cost lines posted as $f_journals journals ($f_credits offset lines) in $f_batches batches;" \
  "$f_read documents read; $(printf '%.2f' "$f_wall") s = ${first_rate[$main_lines]} lines/s; peak RSS $f_rss KiB"
echo "   Oracle: $f_imports importBulkData (POST erpintegrations), $f_polls ESS polls (GET erpintegrations)," \
  "$f_lookups journalBatches GETs for $f_batches batches"
echo "           ($f_ora_paths)"
echo "   Procore: $f_pro_all calls ($f_pro_reads reads, $f_pro_writes writes, $f_pro_tokens token) ="\
  "$(per "$f_pro_reads" "$projects") reads and $(per "$f_pro_writes" "$projects") writes per project"
echo "           reads: $f_pro_read_paths"
echo "           writes: $f_pro_write_paths (the write-back of journal names, per direct cost)"
echo "2. rerun, nothing changed: Oracle $r_ora_reads reads, $r_ora_writes writes ($r_imports importBulkData); Procore $r_pro_reads reads, $r_pro_writes writes"
echo "           reads: $r_pro_read_paths"
echo "   and again: Oracle $r2_ora_reads reads, $r2_ora_writes writes ($r2_imports importBulkData); Procore $r2_pro_reads reads, $r2_pro_writes writes"
echo "           reads: $r2_pro_read_paths"
echo "   Oracle still holds $r_journals journals in $r_batches batches after both"
echo "3. webhooks, $ss_changed direct costs changed in $ss_changed of $projects projects: $ss_reads Procore reads" \
  "($(per "$ss_reads" "$ss_changed") per changed document), $ss_writes writes, $ss_tokens token; $ss_imports importBulkData, $ss_created journals posted (reversal + new version each); $ss_warnings warnings logged"
echo "           reads: $ss_read_paths"
echo "   compare: a sweep with nothing changed is $r2_pro_reads reads at $projects projects ($(per "$r2_pro_reads" "$projects") per project)"
echo "4. peak RSS of a first pass:"
for lines in "${sizes[@]}"; do
  printf "   %7s cost lines (%s posted): %7s KiB, %6.2f s, %s lines/s\n" \
    "$lines" "${first_lines[$lines]}" "${first_rss[$lines]}" "${first_wall[$lines]}" "${first_rate[$lines]}"
done
big="${sizes[-1]}"
target=""
[[ "$big" != 100000 ]] && target=" (--quick: the issue's pair is 1,000 vs 100,000)"
printf "   ratio %s / %s lines: %.2f%s\n" "$big" "$small_lines" \
  "$(echo "${first_rss[$big]} / ${first_rss[$small_lines]}" | bc -l)" "$target"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (wall times move with it; CPU seconds much less)"
echo "the script took $(printf '%.0f' "$(echo "$(date +%s.%N) - $script_t0" | bc -l)") s"
