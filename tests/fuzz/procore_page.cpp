// Fuzz target: one response body through every Procore parser, as the client reads what the
// API (or anything answering in its place) sends: companies, vendors (one, a page, the answer
// of any sync call), commitments of both kinds (one, a page) and a project's cost codes,
// standard cost codes, cost documents of both kinds (one, a page) and direct cost lines,
// requisitions (one, a page, the detail lines), contract payments (one, and what the outbox
// reads back from a stored request), and the webhooks API (hooks, triggers, deliveries, the
// resources on offer). Any body gives records or an error saying why.
#include "fuzz_target.hpp"
#include "procore/commitments.hpp"
#include "procore/cost_codes.hpp"
#include "procore/costs.hpp"
#include "procore/mapping.hpp"
#include "procore/payments.hpp"
#include "procore/requisitions.hpp"
#include "procore/vendors.hpp"
#include "procore/webhooks.hpp"

#include <string>

namespace {

// Every parser returns a value or an error; an error must say something.
template <class Result> void checked(const Result& result)
{
    if (!result) {
        mlc::fuzz::check(!result.error().empty(), "a Procore parser's error says why");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace procore = mlc::procore;
    const std::string body(mlc::fuzz::text_of(data, size));

    checked(procore::parse_companies(body));
    checked(procore::count_array_items(body));

    checked(procore::parse_vendor(body));
    checked(procore::parse_vendor_list(body));
    checked(procore::parse_sync_response(body));

    for (const auto type :
         {procore::CommitmentType::purchase_order, procore::CommitmentType::work_order}) {
        checked(procore::parse_commitment(body, type));
        checked(procore::parse_commitment_list(body, type));
    }
    checked(procore::parse_project_cost_codes(body));
    checked(procore::parse_standard_cost_codes(body));

    for (const auto kind : {procore::CostKind::direct_cost, procore::CostKind::change_order}) {
        checked(procore::parse_cost_document(body, kind));
        checked(procore::parse_cost_document_list(body, kind));
    }
    checked(procore::parse_cost_line_list(body));

    checked(procore::parse_requisition(body));
    checked(procore::parse_requisition_list(body));
    checked(procore::parse_requisition_detail(body, 42));

    checked(procore::parse_contract_payment(body));
    (void)procore::new_contract_payment_identity(body);

    checked(procore::parse_hooks(body));
    checked(procore::parse_hook(body));
    checked(procore::parse_triggers(body));
    checked(procore::parse_trigger(body));
    checked(procore::parse_deliveries(body));
    checked(procore::parse_webhook_resources(body));
    return 0;
}
