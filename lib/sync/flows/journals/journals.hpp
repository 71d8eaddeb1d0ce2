#pragma once
// The costs flow of post-costs: Procore direct costs (configured types) and approved commitment
// change orders -> Oracle GL journals through Journal Import (FBDI), exactly once.
//
// Read: the inbox (Direct Costs, Change Order Packages; a Direct Cost Line Items event sweeps its
// project), the retry queue, and a sweep of each project's lists by updated_at when it is due.
// Plan: one balanced journal per document version (journal_plan.hpp); a document edited after
// it was posted gets a reversal of what was posted and a new journal, a deleted one a reversal.
// Post: every journal of the pass goes into one GlInterface.csv, one importBulkData call; each
// journal is a posting recorded before the file is sent. Confirm: the ESS request is polled for
// at most posting.wait_seconds, and a posting is confirmed only when journalBatches shows its
// journal with the expected totals. A posting left sent (a job still running, a crash, a lost
// answer) is resolved the same way by the next pass, before anything new is sent.
#include "sync/engine/batch_flow.hpp"
#include "sync/engine/pass.hpp"
#include "sync/engine/summary.hpp"
#include "sync/flows/journals/journal_plan.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlc::flows {

struct CostScope {
    std::vector<std::int64_t> projects; // --project: only these (watermarks do not move)
    std::string period;                 // --period: only documents posting in this period
    std::string plan_file;              // --plan: write the journals to this file, post nothing
    std::string apply_file;             // --apply: post exactly the journals of this plan
};

// What a pass planned (dry run, --plan) or posted: the journals, for the controller's table.
struct CostOutput {
    std::vector<Journal> journals;
};

engine::FlowSummary post_cost_journals(engine::Context& ctx, const engine::PassOptions& options,
                                       const engine::FlowScope& scope, const CostScope& costs,
                                       CostOutput* out = nullptr);

// The controller's table: project, cost center, account, debit, credit, source document.
std::string journal_table(const std::vector<Journal>& journals, char delimiter);

// A plan file (JSON): the journals and when they were planned; and back.
std::string plan_file_json(const std::vector<Journal>& journals, const std::string& planned_at);
std::vector<Journal> parse_plan_file(const std::string& text); // throws UsageError

} // namespace mlc::flows
