#!/usr/bin/env bash
# Benchmark of pull-pos (Procore commitments -> Oracle purchase orders) against ml-connector-sim,
# printing the figures its issue asks for, at 200 projects x 10 purchase order contracts:
#   1. the first pass: Procore reads, Oracle writes (POST draftPurchaseOrders + submit) and
#      Procore writes (the write-back PATCH) per commitment, records/s, peak RSS;
#   2. a rerun with nothing changed: its calls (writes should be 0);
#   3. the steady state with webhooks: 10 commitments in 10 projects change, one event each is
#      delivered through `ml-connector listen`, one pass runs: Procore calls in total and per
#      changed commitment, against the project count (the same is measured at the other size,
#      so the figure is shown not to grow with the number of projects);
#   4. peak RSS of a first pass at 2,000 vs 20,000 commitments;
#   5. subcontractor invoices: the seeded approved requisitions become Oracle AP invoices in the
#      first pass (Oracle calls per invoice: one POST; a lookup only after a lost answer), and
#      once Oracle pays every one of them, a pass brings the payments back as Procore contract
#      payments (Procore calls per payment).
# Figures are printed, not asserted. Nothing is built: the binaries must already be there.
#
#   scripts/bench-pull-pos.sh [--quick] [--build DIR]
#     --quick   the second size is 50 projects (500 commitments) instead of 2,000 (20,000),
#               so the whole run stays under a minute
#     --build   the CMake build folder holding cmd/ml-connector and tests/sim/ml-connector-sim
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$here/build}"
main_projects=200
other_projects=2000
per_project=10
changes=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) other_projects=50; shift ;;
    --build) build="$2"; shift 2 ;;
    -h|--help) sed -n 2,17p "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
cli="$build/cmd/ml-connector"
sim="$build/tests/sim/ml-connector-sim"
# A binary may be briefly missing while someone rebuilds: wait for it (up to 5 minutes).
for b in "$cli" "$sim"; do
  for _ in $(seq 1 300); do [[ -x "$b" ]] && break; sleep 1; done
  [[ -x "$b" ]] || { echo "missing $b (build the ml-connector and ml-connector-sim targets)" >&2; exit 2; }
done
for tool in jq curl bc python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "this script needs $tool" >&2; exit 2; }
done

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

# POSTs each line of stdin (a JSON body) to $1 over one kept-alive connection: 20,000 mutations
# in seconds rather than one curl process each. Any answer but 200/201 stops the script.
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

# start_sim PROJECTS: the simulator with PROJECTS x $per_project purchase order contracts, no
# subcontracts, no direct costs, and rate limits far above what a pass uses; sets sim_pid, ora,
# pro, company and the client secrets from its ready line.
start_sim() {
  local ready="$work/ready.json"
  : >"$ready"
  "$sim" --seed 7 --suppliers 60 --accounts 20 --projects "$1" --commitments-per-project "$per_project" \
    --subcontracts-per-project 0 --costs-per-project 0 \
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

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# write_config DIR: config and state in DIR. Every project cost code (the 20 seeded CSI codes
# and their divisions) maps to an enabled, postable GL account; every project uses the default
# mapping. The listener gets a port picked now.
write_config() {
  local dir="$1" accounts
  mkdir -p "$dir"
  accounts=$(curl -sf "$pro/_sim/data/cost_codes" \
    | jq -c '[.[].full_code] | unique | map({(.): "101-1000-5110-000-000"}) | add')
  listen_port=$(free_port)
  cat >"$dir/config.json" <<EOF
{"oracle": {"base_url": "$ora", "token_url": "$ora/oauth2/v1/token", "client_id": "ml-connector-oracle"},
 "procore": {"base_url": "$pro", "token_url": "$pro/oauth/token", "client_id": "ml-connector-procore",
             "company_id": $company},
 "state": {"path": "state.db", "spool_dir": "spool"},
 "webhooks": {"listen_addr": "127.0.0.1:$listen_port", "path": "/webhooks/procore", "header": "Authorization"},
 "mapping": {
   "cost_codes": {"accounts": $accounts},
   "projects": {"default": {"procurement_bu": "US1 Business Unit", "requisitioning_bu": "US1 Business Unit",
                            "business_unit": "US1 Business Unit",
                            "ship_to_location": "US1 HQ", "buyer_email": "buyer@example.com",
                            "currency": "USD", "cost_center": "1000"}},
   "invoices": {"sweep_every": "1h"}}}
EOF
  config="$dir/config.json"
}

# prepare: vendors from sync-suppliers (so they carry an origin_id), then every seeded
# purchase order contract Approved with one of them whose supplier is active.
prepare() {
  "$cli" --config "$config" -q sync-suppliers --vendors-only --json >"$work/suppliers.json" || true
  local active vendors n
  active=$(curl -sf "$ora/_sim/data/suppliers" \
    | jq -c '[.[] | select(.Status == "ACTIVE" and .InactiveDate == null) | .SupplierId | tostring]')
  vendors=$(curl -sf "$pro/_sim/data/vendors" | jq -c --argjson a "$active" \
    '[.[] | select(.is_active and .origin_id != null and (.origin_id as $o | $a | index($o))) | .id]')
  [[ "$(jq length <<<"$vendors")" -gt 0 ]] || { echo "sync-suppliers made no usable vendor" >&2; exit 1; }
  curl -sf "$pro/_sim/data/purchase_order_contracts" \
    | jq -c --argjson v "$vendors" 'to_entries[] | {op: "update", collection: "purchase_order_contracts",
        id: .value.id, fields: {status: "Approved", vendor_id: $v[.key % ($v | length)]}}' \
    | python3 "$work/post_lines.py" "$pro/_sim/mutate" >/dev/null
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
is_token='(.path | test("oauth"))'
is_read="(.method == \"GET\" and ($is_token | not))"
is_write="(.method != \"GET\" and ($is_token | not))"

# pass NAME [ARGS...]: one pull-pos pass, figures from the simulators' counters (every request
# the pass made, the token requests apart) and from its --json summary. Sets p_* for callers.
pass() {
  local name="$1" out="$work/${1// /-}.json" tm="$work/${1// /-}.time" t0 t1 cpu_user cpu_sys
  shift
  reset_stats
  p_rc=0
  s0=$(sim_cpu)
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M %U %S" -o "$tm" "$cli" --config "$config" -q pull-pos --json "$@" >"$out" || p_rc=$?
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
  p_ora_drafts=$(calls oracle '.method == "POST" and (.path | endswith("/draftPurchaseOrders"))')
  p_ora_submits=$(calls oracle '.method == "POST" and (.path | endswith("/action/submit"))')
  p_read=$(jq '.commitments.read // 0' "$out")
  p_created=$(jq '.commitments.applied.created // 0' "$out")
  p_held=$(jq '.commitments.postings.held // 0' "$out")
  p_failed=$(jq '.commitments.applied.failed // 0' "$out")
  p_summary_calls=$(jq '.api_calls_total // 0' "$out")
  p_inv_created=$(jq '.invoices.applied.created // 0' "$out")
  p_inv_failed=$(jq '.invoices.applied.failed // 0' "$out")
  p_ora_inv_posts=$(calls oracle '.method == "POST" and (.path | endswith("/invoices"))')
  p_ora_inv_gets=$(calls oracle '.method == "GET" and (.path | endswith("/invoices"))')
  p_ora_pay_gets=$(calls oracle '.method == "GET" and (.path | endswith("/payablesPayments"))')
  p_pay_created=$(jq '.payments.applied.created // 0' "$out")
  p_pay_failed=$(jq '.payments.applied.failed // 0' "$out")
  p_pro_pay_posts=$(calls procore '.method == "POST" and (.path | endswith("/contract_payments"))')
  p_pro_pay_gets=$(calls procore '.method == "GET" and (.path | test("contract_payments"))')
  p_pro_req_gets=$(calls procore '.method == "GET" and (.path | test("/requisitions/(\\{id\\}|[0-9]+)$"))')
  printf "  %-16s exit %d  commitments read %-6s posted %-6s held %-3s failed %-3s  %7.2f s (cpu %5.2f s, simulator cpu %5.2f s)  peak RSS %7d KiB\n" \
    "$name" "$p_rc" "$p_read" "$p_created" "$p_held" "$p_failed" "$p_wall" "$p_cpu" "$p_sim_cpu" "$p_rss"
  printf "  %-16s Procore %d reads, %d writes; Oracle %d reads, %d writes (%d draft POSTs, %d submits); %d calls in the summary's api_calls\n" \
    "" "$p_pro_reads" "$p_pro_writes" "$p_ora_reads" "$p_ora_writes" "$p_ora_drafts" "$p_ora_submits" "$p_summary_calls"
  p_pro_read_paths=$(curl -sf "$pro/_sim/stats" | jq -r "[.requests[] | select($is_read)
    | \"\\(.count) \\(.path | sub(\"^/rest/v1.0/\"; \"\"))\"] | join(\", \")")
  printf "  %-16s Procore reads: %s\n" "" "${p_pro_read_paths:-none}"
  printf "  %-16s invoices: %d created (%d failed), %d POST /invoices, %d GET /invoices; payments: %d created (%d failed), %d POST contract_payments\n" \
    "" "$p_inv_created" "$p_inv_failed" "$p_ora_inv_posts" "$p_ora_inv_gets" "$p_pay_created" "$p_pay_failed" "$p_pro_pay_posts"
}

# The simulator's CPU seconds so far (user + system), to tell its time from the tool's.
sim_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$sim_pid/stat" 2>/dev/null || echo 0
}

per() { if [[ "$2" -gt 0 ]]; then printf '%.2f' "$(echo "$1 / $2" | bc -l)"; else echo "-"; fi; }

# steady_state: change $changes commitments spread evenly over the projects (a title change,
# which makes them held: it is the reads that are measured), deliver one Procore v2 event each
# through `ml-connector listen`, run one pass. Sets ss_calls (Procore, all), ss_reads.
steady_state() {
  local projects="$1" dir="$2" listening picked secret i sent
  secret="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  ML_CONNECTOR_WEBHOOK_SECRET="$secret" "$cli" --config "$config" listen >"$dir/listen.out" 2>"$dir/listen.err" &
  listen_pid=$!
  for _ in $(seq 1 200); do
    grep -q '^listening on ' "$dir/listen.out" 2>/dev/null && break
    kill -0 "$listen_pid" 2>/dev/null || break
    sleep 0.05 # waiting for the listener's ready line
  done
  listening=$(grep -o 'http://[^ ]*' "$dir/listen.out" || true)
  [[ -n "$listening" ]] || { echo "listener did not start: $(cat "$dir/listen.err")" >&2; exit 1; }
  # The first purchase order contract of every (projects / changes)-th project.
  picked=$(curl -sf "$pro/_sim/data/purchase_order_contracts" | jq -c --argjson k "$changes" '
    (map(.project.id) | unique) as $ps | ($ps | length) as $n
    | [range(0; $k) | $ps[(. * $n / $k | floor)]] as $want
    | [group_by(.project.id)[] | min_by(.id) | select(.project.id as $p | $want | index($p))
       | {id, project: .project.id}]')
  jq -c '.[] | {op: "update", collection: "purchase_order_contracts", id: .id,
                fields: {title: "Bench renamed \(.id)"}}' <<<"$picked" \
    | python3 "$work/post_lines.py" "$pro/_sim/mutate" >/dev/null
  i=0
  sent=0
  while read -r id project; do
    i=$((i + 1))
    body=$(printf '{"id":%d,"timestamp":"2026-11-30T10:00:%02d.000000Z","metadata":{"source_user_id":7,"source_project_id":%s,"source_operation_id":null,"source_company_id":%s,"source_application_id":null},"user_id":7,"company_id":%s,"project_id":%s,"api_version":"v2.0","event_type":"update","resource_name":"Purchase Order Contracts","resource_id":%s}' \
      "$((5982324300946918000 + i))" "$i" "$project" "$company" "$company" "$project" "$id")
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $secret" \
      -H 'Content-Type: application/json' --data-binary "$body" "$listening")
    [[ "$code" == 200 ]] && sent=$((sent + 1))
  done < <(jq -r '.[] | "\(.id) \(.project)"' <<<"$picked")
  stop_listener
  echo "  $sent of $(jq length <<<"$picked") events accepted by listen ($listening), $(ls "$dir/spool/new" | wc -l) in the spool"
  pass "webhook pass"
  ss_calls="$p_pro_all"
  ss_reads="$p_pro_reads"
  ss_writes="$p_pro_writes"
  ss_tokens="$p_pro_tokens"
  ss_changed=$(jq length <<<"$picked")
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A first_rss first_rate first_invoices ss_total ss_read_of ss_write_of ss_token_of ss_changed_of
sizes=("$main_projects" "$other_projects")
[[ "$other_projects" -lt "$main_projects" ]] && sizes=("$other_projects" "$main_projects")
for projects in "${sizes[@]}"; do
  n=$((projects * per_project))
  echo "== $projects projects x $per_project purchase order contracts = $n commitments"
  start_sim "$projects"
  dir="$work/p$projects"
  write_config "$dir"
  prepare
  pass "first pass"
  first_rss[$n]="$p_rss"
  first_rate[$n]=$(printf '%.0f' "$(echo "$p_created / $p_wall" | bc -l)")
  first_invoices[$n]="$p_inv_created"
  jq -r '[.invoices.failures[]?.message] | group_by(.) | map("  invoice failures: \(length) x \(.[0])") | .[]' \
    "$work/first-pass.json" | head -5
  echo "  oracle_pos flow: $(jq -r '.oracle_pos.skipped // "read \(.oracle_pos.read) Oracle POs"' "$work/first-pass.json")"
  if [[ "$projects" == "$main_projects" ]]; then
    f_pro_reads=$p_pro_reads; f_pro_writes=$p_pro_writes; f_ora_writes=$p_ora_writes
    f_ora_drafts=$p_ora_drafts; f_ora_submits=$p_ora_submits; f_created=$p_created
    f_wall=$p_wall; f_rss=$p_rss; f_rc=$p_rc
    f_inv=$p_inv_created; f_inv_failed=$p_inv_failed; f_inv_posts=$p_ora_inv_posts; f_inv_gets=$p_ora_inv_gets
    pass "rerun"
    r_pro_reads=$p_pro_reads; r_pro_writes=$p_pro_writes; r_ora_reads=$p_ora_reads; r_ora_writes=$p_ora_writes
    pass "rerun again"
    r2_pro_reads=$p_pro_reads; r2_pro_writes=$p_pro_writes; r2_ora_reads=$p_ora_reads; r2_ora_writes=$p_ora_writes
    # The reruns above list every project and re-read every commitment: the write-backs stamped
    # them after the first pass's sweep watermark, and a sweep looks back poll_overlap_seconds
    # (300 s) from the last one. With no look-back, the same rerun shows the floor of a sweep
    # when nothing was updated since the last one.
    jq '.oracle.poll_overlap_seconds = 0' "$config" >"$dir/config-no-overlap.json"
    saved_config="$config"; config="$dir/config-no-overlap.json"
    pass "rerun, overlap 0"
    config="$saved_config"
    r3_pro_reads=$p_pro_reads; r3_pro_writes=$p_pro_writes; r3_ora_reads=$p_ora_reads; r3_ora_writes=$p_ora_writes
    r3_reads="$p_pro_read_paths"
  fi
  if [[ "$projects" == "$main_projects" ]]; then
    # Oracle pays every invoice pull-pos created, in full; one pass brings the payments back.
    paid=$(curl -sf "$ora/_sim/data/invoices" | jq -c '.[] | select((.Description // "") | test("\\[PCR-"))
      | {op: "create", collection: "payments", fields: {InvoiceId: .InvoiceId, PaymentDate: "2026-11-30"}}' \
      | python3 "$work/post_lines.py" "$ora/_sim/mutate")
    echo "  Oracle paid $paid invoices"
    pass "payments pass"
    y_pay=$p_pay_created; y_pay_failed=$p_pay_failed; y_posts=$p_pro_pay_posts; y_pay_gets=$p_pro_pay_gets
    y_req_gets=$p_pro_req_gets; y_pro_all=$p_pro_all; y_ora_pages=$p_ora_pay_gets; y_rss=$p_rss; y_wall=$p_wall
    pass "payments rerun"
    y2_posts=$p_pro_pay_posts; y2_pro_all=$p_pro_all
  fi
  steady_state "$projects" "$dir"
  ss_total[$projects]="$ss_calls"
  ss_read_of[$projects]="$ss_reads"
  ss_write_of[$projects]="$ss_writes"
  ss_token_of[$projects]="$ss_tokens"
  ss_changed_of[$projects]="$ss_changed"
  stop_sim
done

n_main=$((main_projects * per_project))
n_other=$((other_projects * per_project))
echo
echo "== figures ($main_projects projects x $per_project commitments = $n_main)"
echo "1. first pass (exit $f_rc): $f_created commitments posted in $(printf '%.2f' "$f_wall") s = ${first_rate[$n_main]} records/s, peak RSS $f_rss KiB"
echo "   per commitment: Procore reads $(per "$f_pro_reads" "$f_created") ($f_pro_reads)," \
  "Oracle writes $(per "$f_ora_writes" "$f_created") ($f_ora_drafts draft POSTs + $f_ora_submits submits, and the invoices of 5.)," \
  "Procore writes $(per "$f_pro_writes" "$f_created") ($f_pro_writes write-back PATCHes of commitments and of the requisitions invoiced)"
echo "2. rerun, nothing changed: Procore $r_pro_reads reads, $r_pro_writes writes; Oracle $r_ora_reads reads, $r_ora_writes writes"
echo "   and again: Procore $r2_pro_reads reads, $r2_pro_writes writes; Oracle $r2_ora_reads reads, $r2_ora_writes writes"
echo "   (both within oracle.poll_overlap_seconds, 300 s, of the write-backs: every commitment is listed again, and read by id only when its updated_at differs from the one our write-back left)"
echo "   with poll_overlap_seconds 0, nothing updated since the last sweep: Procore $r3_pro_reads reads ($r3_reads), $r3_pro_writes writes;" \
  "Oracle $r3_ora_reads reads, $r3_ora_writes writes"
for projects in "${sizes[@]}"; do
  c="${ss_total[$projects]}"
  echo "3. webhooks, ${ss_changed_of[$projects]} commitments changed in ${ss_changed_of[$projects]} of $projects projects:" \
    "$c Procore calls (${ss_read_of[$projects]} reads, ${ss_write_of[$projects]} writes, ${ss_token_of[$projects]} token) = $(per "$c" "${ss_changed_of[$projects]}") per changed commitment"
done
a="${ss_total[$main_projects]}"; b="${ss_total[$other_projects]}"
if [[ "$a" == "$b" ]]; then
  verdict="the same at $other_projects projects: it does not grow with the number of projects"
else
  verdict="$b at $other_projects projects: it DOES vary with the number of projects"
fi
echo "   compare: $main_projects projects, and a sweep alone is $r3_pro_reads reads there (two lists per project);" \
  "$a calls at $main_projects projects, $verdict"
small=$(( n_main < n_other ? n_main : n_other )); large=$(( n_main < n_other ? n_other : n_main ))
target=""
[[ "$small" != 2000 || "$large" != 20000 ]] && target=" (--quick: the issue's pair is 2,000 vs 20,000)"
printf "4. peak RSS of a first pass: %s KiB at %s commitments, %s KiB at %s: ratio %.2f%s\n" \
  "${first_rss[$small]}" "$small" "${first_rss[$large]}" "$large" \
  "$(echo "${first_rss[$large]} / ${first_rss[$small]}" | bc -l)" "$target"
printf "   records/s of a first pass: %s at %s, %s at %s\n" "${first_rate[$small]}" "$small" "${first_rate[$large]}" "$large"
echo "5. invoices: $f_inv created in the first pass ($f_inv_failed failed), $f_inv_posts POST /invoices = $(per "$f_inv_posts" "$f_inv") per invoice," \
  "$f_inv_gets GET /invoices (lookups: only after a lost answer or a duplicate-number refusal)"
printf "   invoices in a first pass: %s at %s commitments, %s at %s (peak RSS in 4. covers them)\n" \
  "${first_invoices[$small]}" "$small" "${first_invoices[$large]}" "$large"
echo "   payments: $y_pay contract payments created ($y_pay_failed failed) in $(printf '%.2f' "$y_wall") s, peak RSS $y_rss KiB;" \
  "$y_posts POST contract_payments = $(per "$y_posts" "$y_pay") per payment, $y_req_gets requisition GETs = $(per "$y_req_gets" "$y_pay") per payment," \
  "$y_pay_gets contract-payment lookups; $y_pro_all Procore calls in the pass; $y_ora_pages Oracle payablesPayments pages"
echo "   payments rerun: $y2_posts POST contract_payments, $y2_pro_all Procore calls"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (wall times move with it; CPU seconds much less)"
