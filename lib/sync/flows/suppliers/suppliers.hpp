#pragma once
// The supplier -> vendor flow of sync-suppliers: Oracle suppliers, read incrementally from their
// watermark and by id from the retry queue, planned with the pure functions of vendor_plan.hpp,
// written to Procore's vendors/sync through the engine's batch flow (outbox, links, audit,
// watermark). It also consumes the inbox's "Company Vendors" events: a vendor we own edited by
// hand in Procore is drift, audited and restored from Oracle for the fields we own.
#include "sync/engine/batch_flow.hpp"
#include "sync/engine/pass.hpp"
#include "sync/engine/summary.hpp"

namespace mlc::flows {

// Runs the flow in a pass (or, with a scope, for `replay`).
engine::FlowSummary sync_vendors(engine::Context& ctx, const engine::PassOptions& options,
                                 const engine::FlowScope& scope = {});

} // namespace mlc::flows
