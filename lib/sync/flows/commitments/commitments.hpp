#pragma once
// Procore commitments -> Oracle purchase orders (pull-pos). Reads are driven by the webhook
// inbox (only the commitments named by new events are fetched, by id), the retry queue, and a
// sweep (filters[updated_at] per project from a per-project watermark) when the last one is
// older than procore.sweep_every, on --full, or while no commitment event has ever arrived.
// Each approved commitment is planned (commitment_plan.hpp) and posted through the outbox, one
// posting per commitment and content version: recorded before the POST, looked up in Oracle by
// the reference written into the PO before any resend, submitted, and written back to Procore
// (origin_id = POHeaderId, origin_code = OrderNumber). A commitment changed after its PO exists
// is held, never posted twice.
#include "sync/engine/batch_flow.hpp"
#include "sync/engine/pass.hpp"
#include "sync/engine/summary.hpp"

#include <cstdint>
#include <set>
#include <vector>

namespace mlc::flows {

struct CommitmentScope {
    std::vector<std::int64_t> projects; // --project: only these (empty: all)
    // When set, receives the projects whose commitments had a webhook event in this pass (the
    // requisition sweep of those projects is due at once).
    std::set<std::int64_t>* event_projects = nullptr;
};

engine::FlowSummary sync_commitments(engine::Context& ctx, const engine::PassOptions& options,
                                     const engine::FlowScope& scope,
                                     const CommitmentScope& projects = {});

// Oracle purchase orders born in Oracle -> Procore purchase order contracts (pull-pos). POs
// read incrementally (LastUpdateDate, POHeaderId), skipping those we created; each goes to the
// project whose cost center its distributions charge (the reverse of mapping.projects), through
// purchase_order_contracts/sync (upsert by origin_id = POHeaderId), then its lines through
// …/{id}/line_items/sync, then its status (an Approved commitment's lines are locked). One
// posting per PO and content version; a rerun with nothing changed writes nothing.
engine::FlowSummary sync_oracle_pos(engine::Context& ctx, const engine::PassOptions& options,
                                    const engine::FlowScope& scope,
                                    const CommitmentScope& projects = {});

} // namespace mlc::flows
