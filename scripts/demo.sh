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
    "cost_codes": { "natural_account_segment": 3, "code_segments": [2, 3], "account_types": ["E"],
                    // Procore's own CSI cost codes have no Oracle origin: their GL accounts (the
                    // project's cost center replaces the second segment).
                    "accounts": { "03-300": "101-2000-5110-000-000", "01-100": "101-2000-5120-000-000",
                                  "01-500": "101-2000-5120-000-000", "03-400": "101-2000-5110-000-000",
                                  "05-120": "101-2000-5130-000-000", "06-100": "101-2000-5130-000-000",
                                  "08-800": "101-2000-5140-000-000", "09-290": "101-2000-5140-000-000",
                                  "22-100": "101-2000-5150-000-000", "26-500": "101-2000-5150-000-000",
                                  "31-200": "101-2000-5160-000-000" } },
    // Every project buys through the US1 business unit; project 4300000001 is cost center 2000.
    "projects": {
      "default": { "procurement_bu": "US1 Business Unit", "requisitioning_bu": "US1 Business Unit",
                   "business_unit": "US1 Business Unit", "ship_to_location": "US1 HQ",
                   "buyer_email": "buyer@example.com", "currency": "USD", "cost_center": "1000" },
      "4300000001": { "cost_center": "2000" }
    },
    "commitments": { "category": "Construction Materials" },
    // Approved subcontractor invoices (Procore requisitions) become Oracle Payables invoices.
    "invoices": { "statuses": ["approved"], "sweep_every": "1h" },
    // post-costs: approved expense and payroll direct costs (the defaults) and approved
    // commitment change orders become journals in the US Primary Ledger; the credit side goes to
    // accrued costs (direct costs) or accrued commitments (change orders).
    "journal": { "ledger_id": 300000046975971, "ledger_name": "US Primary Ledger",
                 "source": "Procore", "category": "Project Costs",
                 "offset_accounts": { "direct_cost": "101-1000-2110-000-000",
                                      "change_order": "101-1000-2150-000-000" } }
  },
  // How long a pass waits for Oracle's Journal Import job before leaving it to the next pass.
  "posting": { "wait_seconds": 120 }
}
JSON

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step "ml-connector init"
"$mlc" init

step "ml-connector creds set oracle   (secret from stdin, stored encrypted)"
field oracle client_secret | "$mlc" creds set oracle
step "ml-connector creds set procore"
field procore client_secret | "$mlc" creds set procore

step "ml-connector config validate   (every error in the file at once; this one has none)"
"$mlc" config validate

step "ml-connector creds list   (where each secret comes from; never its value)"
"$mlc" creds list

step "ml-connector ping"
"$mlc" ping

step "ml-connector sync-suppliers --dry-run   (the plan; nothing is written)"
"$mlc" sync-suppliers --dry-run | head -n 25

step "ml-connector sync-suppliers   (first sync: Oracle suppliers -> Procore vendors, GL accounts -> cost codes)"
"$mlc" sync-suppliers

step "ml-connector sync-suppliers   (again: nothing changed, so nothing is written)"
"$mlc" sync-suppliers

oracle_url="$(field oracle base_url)"
supplier_id="$(curl -s "$oracle_url/_sim/data/suppliers" | grep -o '"SupplierId":[0-9]*' | sed -n 1p | cut -d: -f2)"
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

direct_cost_id="$(curl -s "$procore_url/_sim/data/direct_costs" | grep -o '"id":[0-9]*' | sed -n 1p | cut -d: -f2)"
step "(in Procore, direct cost $direct_cost_id is edited: Procore delivers a webhook)"
curl -s -X POST "$procore_url/_sim/mutate" -H 'Content-Type: application/json' \
  -d "{\"op\":\"update\",\"collection\":\"direct_costs\",\"id\":$direct_cost_id,\"fields\":{\"description\":\"Crane rental, week 48\"}}" >/dev/null
curl -s "$procore_url/_sim/webhooks/wait?timeout_ms=10000" >/dev/null
echo "spooled: $(ls "$work/state/spool/new" | wc -l) file(s) in state/spool/new"

step "ml-connector ingest"
"$mlc" ingest

# --- Drift: a vendor we own is edited by hand in Procore ------------------------------------
vendor_id="$(curl -s "$procore_url/_sim/data/vendors" | grep -o "\"id\":[0-9]*,[^}]*\"origin_id\":\"$supplier_id\"" | sed -n 1p | cut -d, -f1 | cut -d: -f2)"
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

# --- Commitments both ways (pull-pos) --------------------------------------------------------
project=4300000001
sim_post() { curl -s -X POST "$1/_sim/mutate" -H 'Content-Type: application/json' -d "$2"; }
ids_of() { grep -o "\"id\":[0-9]*,\"number\"" | grep -o '[0-9]*'; }
pcs="$(curl -s "$procore_url/_sim/data/purchase_order_contracts?project_id=$project")"
commitment_id="$(ids_of <<<"$pcs" | sed -n 1p)"
for other in $(ids_of <<<"$pcs" | tail -n +2); do # one approved commitment in the demo project
  sim_post "$procore_url" "{\"op\":\"update\",\"collection\":\"purchase_order_contracts\",\"id\":$other,\"fields\":{\"status\":\"Draft\"}}" >/dev/null
done
# The seeded subcontractor invoices go back to draft: the demo approves its own below.
for req in $(curl -s "$procore_url/_sim/data/requisitions" | grep -o '"id":[0-9]*,"number":[0-9]*' | cut -d, -f1 | cut -d: -f2); do
  sim_post "$procore_url" "{\"op\":\"update\",\"collection\":\"requisitions\",\"id\":$req,\"fields\":{\"status\":\"draft\"}}" >/dev/null
done
our_vendor="$(curl -s "$procore_url/_sim/data/vendors" | grep -o '"id":[0-9]*,[^}]*"origin_id":"[0-9]*"' | sed -n 1p | cut -d, -f1 | cut -d: -f2)"
code_of() { curl -s "$procore_url/_sim/data/cost_codes" | grep -o "\"id\":[0-9]*,\"project_id\":$project,[^}]*\"full_code\":\"$1\"" | cut -d, -f1 | cut -d: -f2; }
concrete="$(code_of 03-300)"; supervision="$(code_of 01-100)"
step "(in Procore, the project team approves commitment $commitment_id: 120 x 12.50 of lumber and 250.25 of supervision, from vendor $our_vendor; Procore delivers a webhook)"
sim_post "$procore_url" "{\"op\":\"update\",\"collection\":\"purchase_order_contracts\",\"id\":$commitment_id,\"fields\":{\"status\":\"Approved\",\"vendor_id\":$our_vendor,\"line_items\":[{\"description\":\"Lumber\",\"quantity\":\"120\",\"unit_cost\":\"12.5\",\"amount\":\"1500.0\",\"uom\":\"BF\",\"cost_code_id\":$concrete},{\"description\":\"Supervision\",\"amount\":\"250.25\",\"cost_code_id\":$supervision}]}}" >/dev/null
curl -s "$procore_url/_sim/webhooks/wait?timeout_ms=10000" >/dev/null

step "ml-connector pull-pos --project $project --dry-run   (the plan: nothing is written)"
"$mlc" pull-pos --project "$project" --dry-run

step "ml-connector pull-pos --project $project   (the commitment the webhook named becomes a submitted Oracle PO)"
"$mlc" pull-pos --project "$project"

po="$(curl -s "$oracle_url/_sim/data/purchase_orders" | grep -o "{\"POHeaderId\":[0-9]*,\"OrderNumber\":\"[0-9]*\"[^{]*\[MLC POC-$commitment_id\]")"
echo "Oracle: $(grep -o '"OrderNumber":"[0-9]*"' <<<"$po"), $(grep -o '"Status":"[A-Z]*"' <<<"$po"), $(grep -o '"Description":"Procore [^"]*' <<<"$po" | cut -d'"' -f4)"
curl -s "$oracle_url/_sim/data/purchase_orders" | grep -o "\[MLC POC-$commitment_id\].*" | grep -o '"POChargeAccount":"[^"]*"' | sed 's/^/  charge account /'
echo "Procore: commitment $commitment_id $(curl -s "$procore_url/_sim/data/purchase_order_contracts?project_id=$project" | grep -o "\"id\":$commitment_id,[^[]*" | grep -o '"origin_code":"[^"]*"')"

supplier_of_vendor="$(curl -s "$procore_url/_sim/data/vendors" | grep -o "\"id\":$our_vendor,[^}]*\"origin_id\":\"[0-9]*\"" | grep -o '"origin_id":"[0-9]*"' | grep -o '[0-9]*')"
step "(in Oracle, central procurement orders 2 excavators at 4,200.50, charged to cost center 2000)"
sim_post "$oracle_url" "{\"op\":\"create\",\"collection\":\"purchase_orders\",\"fields\":{\"SupplierId\":$supplier_of_vendor,\"ProcurementBU\":\"US1 Business Unit\",\"RequisitioningBU\":\"US1 Business Unit\",\"CurrencyCode\":\"USD\",\"BuyerEmail\":\"central@example.com\",\"Description\":\"Excavator rental, central procurement\",\"lines\":[{\"LineType\":\"Goods\",\"ItemDescription\":\"Excavator 30t\",\"Quantity\":2,\"UOM\":\"EA\",\"Price\":4200.5,\"schedules\":[{\"ShipToLocation\":\"US1 HQ\",\"NeedByDate\":\"2026-12-15\",\"distributions\":[{\"POChargeAccount\":\"101-2000-5110-000-000\"}]}]}]}}" | grep -o '"OrderNumber":"[0-9]*"'

step "ml-connector pull-pos --project $project   (the Oracle PO arrives in Procore as a commitment; our own PO is not sent back)"
"$mlc" pull-pos --project "$project"
curl -s "$procore_url/_sim/data/purchase_order_contracts?project_id=$project" | grep -o '"number":"[0-9]*","title":"Excavator[^"]*","description":null,"status":"[A-Za-z]*"'

step "ml-connector pull-pos --project $project   (again: nothing changed, nothing written)"
"$mlc" pull-pos --project "$project"

step "(in Procore, the subcontractor bills October on commitment $commitment_id: 1,200.00 of lumber and 250.25 of supervision, 145.03 retained; the project manager approves the invoice)"
req_id="$(sim_post "$procore_url" "{\"op\":\"create\",\"collection\":\"requisitions\",\"project_id\":$project,\"fields\":{\"commitment_id\":$commitment_id,\"number\":1,\"invoice_number\":\"LUM-2026-10\",\"status\":\"approved\",\"billing_date\":\"2026-11-03\",\"requisition_start\":\"2026-10-01\",\"requisition_end\":\"2026-10-31\",\"retainage_amount\":\"145.03\",\"line_items\":[{\"description\":\"Lumber\",\"amount\":\"1200.00\",\"cost_code_id\":$concrete},{\"description\":\"Supervision\",\"amount\":\"250.25\",\"cost_code_id\":$supervision}]}}" | grep -o '"id":[0-9]*' | sed -n 1p | cut -d: -f2)"

step "ml-connector pull-pos --project $project --full   (requisitions have no webhook: the hourly sweep finds them, --full sweeps now; the invoice becomes an Oracle AP invoice, net of retainage, on the PO)"
"$mlc" pull-pos --project "$project" --full
if command -v jq >/dev/null; then
  curl -s "$oracle_url/_sim/data/invoices" | jq -r '.[] | select(.InvoiceNumber == "LUM-2026-10")
    | "Oracle: invoice \(.InvoiceNumber) InvoiceId \(.InvoiceId), \(.Supplier) / \(.SupplierSite), \(.InvoiceAmount) \(.InvoiceCurrency), dated \(.InvoiceDate)",
      (.invoiceLines[] | "  line \(.LineNumber): \(.LineAmount) on \(.DistributionCombination), PO \(.PurchaseOrderNumber)")'
  echo "Procore: requisition $req_id origin_id $(curl -s "$procore_url/_sim/data/requisitions" | jq -r ".[] | select(.id == $req_id) | .origin_id")"
fi

invoice_id="$(curl -s "$oracle_url/_sim/data/invoices" | grep -o '"InvoiceId":[0-9]*,"InvoiceNumber":"LUM-2026-10"' | cut -d, -f1 | cut -d: -f2)"
step "(in Oracle, accounts payable pays 1,000.00 of invoice LUM-2026-10 on 2026-11-20: a partial payment)"
sim_post "$oracle_url" "{\"op\":\"create\",\"collection\":\"payments\",\"fields\":{\"InvoiceId\":$invoice_id,\"Amount\":1000.00,\"PaymentDate\":\"2026-11-20\"}}" >/dev/null

step "ml-connector pull-pos --project $project   (the payment comes back to Procore as a contract payment on the commitment, once)"
"$mlc" pull-pos --project "$project"
if command -v jq >/dev/null; then
  curl -s "$procore_url/_sim/data/contract_payments" | jq -r '.[]
    | "Procore: contract payment \(.id) on commitment \(.contract_id): \(.amount) on \(.date), check \(.check_number), invoice \(.invoice_number), origin_id \(.origin_id)"'
fi

# --- Costs to the ledger (post-costs) --------------------------------------------------------
today="$(date -u +%F)"
step "(in Procore, change order CO-101 on commitment $commitment_id is approved today: 4,200.00 of added footings on 03-300; Procore delivers a webhook)"
sim_post "$procore_url" "{\"op\":\"create\",\"collection\":\"commitment_change_orders\",\"project_id\":$project,\"fields\":{\"number\":\"CO-101\",\"title\":\"Added footings\",\"status\":\"approved\",\"approved_date\":\"$today\",\"contract_id\":$commitment_id,\"line_items\":[{\"description\":\"Footings\",\"amount\":\"4200.00\",\"cost_code_id\":$concrete}]}}" >/dev/null
curl -s "$procore_url/_sim/webhooks/wait?timeout_ms=10000" >/dev/null

step "ml-connector post-costs --dry-run   (the controller's table: one balanced journal per approved expense or payroll direct cost and per approved change order; nothing is written)"
"$mlc" post-costs --dry-run

plan="$work/costs-plan.json"
step "ml-connector post-costs --plan costs-plan.json   (the same journals, in a file the controller signs off; nothing is posted)"
"$mlc" post-costs --plan "$plan" | sed -n '/^total /p; /^plan written/p'

step "ml-connector post-costs --apply costs-plan.json   (exactly those journals: one GlInterface.csv, one importBulkData, the import job polled, each journal confirmed in journalBatches)"
"$mlc" post-costs --apply "$plan"

if command -v jq >/dev/null; then
  step "(in Oracle: project $project's journals (cost center 2000), from /_sim/data/journals: batch, journal, period, account, debit, credit)"
  curl -s "$oracle_url/_sim/data/journals" | jq -r '
    def pad($n): tostring | . + " " * ([$n - length, 0] | max);
    def money: if . == null then "" else (. * 100 | round) as $c
      | "\($c / 100 | floor).\($c % 100 | tostring | if length < 2 then "0" + . else . end)" end;
    .[] | .BatchName as $b | .journalHeaders[]
    | select(any(.journalLines[]; .AccountCombination | split("-")[1] == "2000"))
    | .JournalName as $j | .PeriodName as $p | .journalLines[]
    | "\($b | pad(29)) \($j | pad(27)) \($p | pad(6)) \(.AccountCombination | pad(21)) \(.EnteredDebitAmount | money | pad(9)) \(.EnteredCreditAmount | money)"'
  posted="$(curl -s "$procore_url/_sim/data/direct_costs" | jq -c '[.[] | select(.origin_id != null)][0] | {id, direct_cost_type, status, grand_total, origin_id}')"
  step "(in Procore: the direct cost now carries its journal name in origin_id, which locks it)"
  echo "$posted"
else
  echo "(install jq to see the journals Oracle holds and the origin_id written back)"
fi

curl -s -X POST "$oracle_url/_sim/stats/reset" -d '' >/dev/null
step "ml-connector post-costs   (again: nothing changed, nothing imported)"
"$mlc" post-costs
echo "Oracle: $(curl -s "$oracle_url/_sim/stats" | grep -o '"method":"POST","path":"[^"]*erpintegrations","count":[0-9]*' | grep -o '[0-9]*$' || echo 0) importBulkData calls in this pass"

# --- Every pass in one command (run) --------------------------------------------------------
step "ml-connector run   (the one crontab line: ingest, sync-suppliers, pull-pos, post-costs in order under one lock; nothing changed, so nothing is written; the last lines, one per pass)"
"$mlc" run | sed -n '/^run:/,$p'

step "(Oracle starts refusing our token on supplier reads)"
curl -s -X POST "$oracle_url/_sim/faults" -H 'Content-Type: application/json' \
  -d '{"path": "/suppliers$", "status": 401, "count": -1}' >/dev/null
step "ml-connector run   (sync-suppliers cannot authenticate: exit 3; pull-pos and post-costs need it and are skipped, saying why)"
"$mlc" run 2>&1 | sed -n '/^error:/p; /^run:/,$p' || echo "(exit $?)"
curl -s -X DELETE "$oracle_url/_sim/faults" >/dev/null

period="$(LC_ALL=C date -u +%b-%y)"
step "ml-connector reconcile --period $period --project $project   (Procore vs what was posted vs the ledger, per account; exit 0: they agree)"
"$mlc" reconcile --period "$period" --project "$project" || echo "(exit $?)"

step "(in Oracle, someone enters a manual journal of 350.00 on project $project's cost center 2000)"
sim_post "$oracle_url" "{\"op\":\"create\",\"collection\":\"journals\",\"BatchName\":\"Accrual $period\",\"Source\":\"Manual\",\"JournalName\":\"Accrued rebar\",\"AccountingDate\":\"$today\",\"lines\":[{\"AccountCombination\":\"101-2000-5110-000-000\",\"EnteredDebitAmount\":350.00},{\"AccountCombination\":\"101-9999-2100-000-000\",\"EnteredCreditAmount\":350.00}]}" >/dev/null

step "ml-connector reconcile --period $period --project $project   (the difference, explained by the journal that makes it; exit 1)"
"$mlc" reconcile --period "$period" --project "$project" || echo "(exit $?)"

step "ml-connector report --period $period --out reports   (the month-end close report: one self-contained HTML page, no script and no network, and its numbers in reconcile-$period.json beside it; exit 1: the manual journal is on it, with what to do)"
"$mlc" report --period "$period" --out "$work/reports" || echo "(exit $?)"

step "ml-connector state list   (each incremental read's cursor; state set/reset move them, audited)"
"$mlc" state list

kill "$listen_pid" 2>/dev/null || true
wait "$listen_pid" 2>/dev/null || true

echo
echo "demo: done. State, config and logs are in $work"
