#pragma once
// Procore requisitions (subcontractor invoices) -> Oracle Payables invoices (pull-pos).
// Requisitions have no webhook resource, so they are found by a sweep of their own: per project,
// filters[updated_at] from the project's watermark, when the last sweep is older than
// mapping.invoices.sweep_every, on --full, and at once for a project whose commitments had an
// event in this pass. The retry queue and `replay` re-read single requisitions by id.
// Each approved requisition on a commitment that has an Oracle PO is planned (invoice_plan.hpp)
// and posted through the outbox: recorded before the POST, and looked up by Oracle's own
// uniqueness (invoice number + supplier, and our tag in its Description) before any resend. A
// 400 "already exists" is resolved by that lookup too, never counted as a new failure; a
// different invoice under the same number is reported and never overwritten. The InvoiceId is
// written back to the requisition's origin_id when Procore accepts it (kept locally otherwise).
// A requisition revised after its invoice exists corrects it in place while Payables takes
// changes (one PATCH with Upsert-Mode: the changed header attributes and every line and
// distribution explicitly, its own outbox posting); once the invoice is validated or paid the
// revision is held and reported, never posted twice.
#include "sync/engine/batch_flow.hpp"
#include "sync/engine/pass.hpp"
#include "sync/engine/summary.hpp"

#include <cstdint>
#include <set>
#include <vector>

namespace mlc::flows {

struct InvoiceScope {
    std::vector<std::int64_t> projects;       // --project: only these (empty: all)
    std::set<std::int64_t> commitment_events; // projects whose commitments had events this pass
};

engine::FlowSummary sync_invoices(engine::Context& ctx, const engine::PassOptions& options,
                                  const engine::FlowScope& scope,
                                  const InvoiceScope& invoices = {});

} // namespace mlc::flows
