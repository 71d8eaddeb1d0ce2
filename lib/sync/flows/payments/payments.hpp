#pragma once
// Oracle payments -> Procore contract payments (pull-pos), for the invoices pull-pos created.
//
// Oracle's payablesPayments are read incrementally (LastUpdateDate, CheckId) from the
// `oracle.payments` watermark, expanded to the invoices each payment pays. A paid invoice that is
// one of ours (an `invoice` link) becomes one Procore contract payment on the requisition's
// commitment: amount paid on that invoice, payment date, payment number as the check number, the
// invoice number and the requisition's number, origin_id = the Oracle invoice payment's id. A
// partial payment is one contract payment; the next one is another. Procore makes a payment with
// an origin_id immutable, so it is written once, complete, through the outbox (recorded before the
// POST, looked up by origin_id on the commitment before any resend). A payment voided in Oracle
// is reported (attention, audit `drift`), never deleted from Procore; one voided before it
// reached Procore is not created. The first pass reads Oracle's payments whole, once (--since
// starts later); without any invoice created there is nothing to read.
#include "sync/engine/batch_flow.hpp"
#include "sync/engine/pass.hpp"
#include "sync/engine/summary.hpp"

#include <cstdint>
#include <vector>

namespace mlc::flows {

struct PaymentScope {
    std::vector<std::int64_t> projects; // --project: only payments of these projects' invoices
};

engine::FlowSummary sync_payments(engine::Context& ctx, const engine::PassOptions& options,
                                  const engine::FlowScope& scope,
                                  const PaymentScope& payments = {});

} // namespace mlc::flows
