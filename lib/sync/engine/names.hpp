#pragma once
// One registry of the names the state, the audit trail, `status`, `replay` and the webhook
// routes share: the commands, each flow's stream, link kind, posting kinds and audit kind, and
// which flow consumes which Procore webhook resource. A new flow adds its row here; nothing
// else spells these strings.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::engine {

// The commands that write a runs row (runs.command, audit.command).
namespace command {
inline constexpr std::string_view sync_suppliers = "sync-suppliers";
inline constexpr std::string_view pull_pos = "pull-pos";
inline constexpr std::string_view post_costs = "post-costs";
inline constexpr std::string_view replay = "replay";
inline constexpr std::string_view ingest = "ingest";
inline constexpr std::string_view webhooks_check = "webhooks check";
// Runs the passes above under one lock; writes no runs row of its own (its passes do), and is
// the holder the lock file names while it runs.
inline constexpr std::string_view run = "run";
} // namespace command

// The audit trail's actions (audit.action).
namespace action {
inline constexpr std::string_view read = "read";
inline constexpr std::string_view created = "created";
inline constexpr std::string_view updated = "updated";
inline constexpr std::string_view linked = "linked";
inline constexpr std::string_view retired = "retired";
inline constexpr std::string_view skipped = "skipped";
inline constexpr std::string_view ambiguous = "ambiguous";
inline constexpr std::string_view posted = "posted";
inline constexpr std::string_view confirmed = "confirmed"; // a lost answer resolved by lookup
inline constexpr std::string_view failed = "failed";
inline constexpr std::string_view held = "held";
inline constexpr std::string_view superseded = "superseded";
inline constexpr std::string_view replayed = "replayed";
inline constexpr std::string_view drift = "drift";
inline constexpr std::string_view rejected = "rejected";
} // namespace action

// One flow: where it reads, what it writes, and the names it leaves in the state.
struct FlowInfo {
    std::string_view name;         // "vendors": summaries, status, replay --kind
    std::string_view command;      // the pass that runs it
    std::string_view stream;       // the watermark and retry-queue stream
    std::string_view link_kind;    // links.kind; the kind of its per-record postings
    std::string_view batch_kind;   // postings.kind of one batch write ("" when it has none)
    std::string_view extra_kind;   // another posting kind it owns ("" when none)
    std::string_view audit_kind;   // audit.record_kind of its source records
    std::string_view record_label; // log lines: "supplier 12 not synced: …"
    std::string_view source;       // "oracle" or "procore": where its records are born
    std::string_view target;       // the system it writes to
    std::string_view endpoint;     // what it writes to, for messages
    std::string_view title;        // "suppliers -> vendors", for people

    // The posting kinds this flow owns.
    std::vector<std::string> posting_kinds() const;
};

namespace flow {
inline constexpr FlowInfo vendors{.name = "vendors",
                                  .command = command::sync_suppliers,
                                  .stream = "oracle.suppliers",
                                  .link_kind = "vendor",
                                  .batch_kind = "vendor_batch",
                                  .extra_kind = "",
                                  .audit_kind = "supplier",
                                  .record_label = "supplier",
                                  .source = "oracle",
                                  .target = "procore",
                                  .endpoint = "vendors/sync",
                                  .title = "suppliers -> vendors"};
inline constexpr FlowInfo cost_codes{.name = "cost_codes",
                                     .command = command::sync_suppliers,
                                     .stream = "oracle.account_combinations",
                                     .link_kind = "cost_code",
                                     .batch_kind = "cost_code_batch",
                                     .extra_kind = "cost_code_list",
                                     .audit_kind = "gl_account",
                                     .record_label = "GL account",
                                     .source = "oracle",
                                     .target = "procore",
                                     .endpoint = "standard_cost_codes/sync",
                                     .title = "GL accounts -> cost codes"};
inline constexpr FlowInfo commitments{.name = "commitments",
                                      .command = command::pull_pos,
                                      .stream = "procore.commitments",
                                      .link_kind = "commitment",
                                      .batch_kind = "",
                                      .extra_kind = "",
                                      .audit_kind = "commitment",
                                      .record_label = "commitment",
                                      .source = "procore",
                                      .target = "oracle",
                                      .endpoint = "draftPurchaseOrders",
                                      .title = "commitments -> Oracle POs"};
inline constexpr FlowInfo oracle_pos{.name = "oracle_pos",
                                     .command = command::pull_pos,
                                     .stream = "oracle.purchase_orders",
                                     .link_kind = "oracle_po",
                                     .batch_kind = "",
                                     .extra_kind = "",
                                     .audit_kind = "purchase_order",
                                     .record_label = "purchase order",
                                     .source = "oracle",
                                     .target = "procore",
                                     .endpoint = "purchase_order_contracts/sync",
                                     .title = "Oracle POs -> commitments"};
inline constexpr FlowInfo costs{.name = "costs",
                                .command = command::post_costs,
                                .stream = "procore.costs",
                                .link_kind = "journal",
                                .batch_kind = "",
                                .extra_kind = "",
                                .audit_kind = "cost",
                                .record_label = "cost document",
                                .source = "procore",
                                .target = "oracle",
                                .endpoint = "erpintegrations importBulkData (Journal Import)",
                                .title = "direct costs and change orders -> GL journals"};
inline constexpr FlowInfo invoices{.name = "invoices",
                                   .command = command::pull_pos,
                                   .stream = "procore.requisitions",
                                   .link_kind = "invoice",
                                   .batch_kind = "",
                                   .extra_kind = "invoice_correction",
                                   .audit_kind = "requisition",
                                   .record_label = "requisition",
                                   .source = "procore",
                                   .target = "oracle",
                                   .endpoint = "invoices",
                                   .title = "subcontractor invoices -> Oracle AP invoices"};
inline constexpr FlowInfo payments{.name = "payments",
                                   .command = command::pull_pos,
                                   .stream = "oracle.payments",
                                   .link_kind = "payment",
                                   .batch_kind = "",
                                   .extra_kind = "",
                                   .audit_kind = "payment",
                                   .record_label = "payment",
                                   .source = "oracle",
                                   .target = "procore",
                                   .endpoint = "contract_payments",
                                   .title = "Oracle payments -> Procore contract payments"};
} // namespace flow

// Every flow, in the order passes run them.
std::span<const FlowInfo* const> flows();
// The flow named `name` (FlowInfo::name), or null.
const FlowInfo* find_flow(std::string_view name);
// The flow that owns postings of `kind`, or null.
const FlowInfo* flow_of_posting_kind(std::string_view kind);

// Procore webhook resources and the flow that consumes their events. A resource no flow
// consumes yet (its pass is not built) still routes to its pass, so its events wait in the
// inbox for it instead of being dropped.
struct WebhookRoute {
    std::string_view resource; // "Company Vendors"
    std::string_view command;  // the pass that consumes it
    std::string_view flow;     // the flow within that pass ("" until it is built)
    std::string_view what;     // what its events tell the pass about, for people
};
std::span<const WebhookRoute> webhook_routes();
// The route of a webhook resource, or null.
const WebhookRoute* find_route(std::string_view resource_name);
// The pass that acts on a webhook resource; "" for a resource no pass consumes.
std::string owning_pass(std::string_view resource_name);
// The resources a pass consumes (the inverse of owning_pass); empty for an unknown pass.
std::vector<std::string> resources_of_pass(std::string_view pass);
// Every resource some pass consumes: the triggers `webhooks install` creates, for the event
// types Procore offers on each (a resource it does not offer leaves that pass to its sweep).
std::vector<std::string> consumed_resources();

} // namespace mlc::engine
