#pragma once
// Procore requisitions (the API's name for subcontractor invoices) as plain structs, and the
// calls pull-pos makes on them: the project's requisitions changed in a time range (they have
// no webhook, so a sweep is the only way to see them change), one requisition, its detail lines
// (this period's work and stored materials and the retainage on them, per schedule-of-values
// line), and the origin_id write-back. Money stays decimal text; the flow computes with Decimal.
#include "http/client.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlc::procore {

// One line of GET /rest/v1.0/requisitions/{id}/detail: a schedule-of-values line (a contract
// item or a change order item) as billed in this requisition. Amounts "" mean zero.
struct RequisitionLine {
    std::int64_t id = 0;          // the line's id for its item_type
    std::string item_type;        // Procore's detail line type, kept for messages
    std::int64_t item_number = 0; // the schedule-of-values position
    std::int64_t cost_code_id = 0;
    std::string description;        // description_of_work
    std::string work_completed;     // work_completed_this_period
    std::string materials_stored;   // materials_presently_stored
    std::string work_retained;      // work_completed_retainage_retained_this_period
    std::string materials_retained; // materials_stored_retainage_retained_this_period
    std::string work_released;      // work_completed_retainage_released_this_period
    std::string materials_released; // materials_stored_retainage_released_this_period
};

struct Requisition {
    std::int64_t id = 0;
    std::int64_t project_id = 0;
    std::int64_t commitment_id = 0;
    std::string
        commitment_type;     // "PurchaseOrderContract" / "WorkOrderContract" (values unconfirmed)
    std::int64_t number = 0; // the requisition's number on its commitment (1, 2, …)
    std::string invoice_number; // the subcontractor's own invoice number; may be empty
    std::string status;         // draft, under_review, approved, …
    std::string billing_date;   // YYYY-MM-DD
    std::string period_start;   // requisition_start (or period_start), YYYY-MM-DD
    std::string period_end;     // requisition_end (or period_end), YYYY-MM-DD
    std::string vendor_name;
    std::string total_claimed;   // total_claimed_amount
    std::string payment_due;     // summary.current_payment_due
    std::string total_retainage; // summary.total_retainage
    std::string origin_id;
    std::string updated_at;
    std::vector<RequisitionLine> lines; // from detail(); empty until read
};

std::expected<Requisition, std::string> parse_requisition(const std::string& body);
std::expected<std::vector<Requisition>, std::string>
parse_requisition_list(const std::string& body);
// The detail: an array of lines, or an object holding them under "line_items" or "data" (the
// SDK documents an array; the wrapper is accepted because the shape is unconfirmed).
std::expected<std::vector<RequisitionLine>, std::string>
parse_requisition_detail(const std::string& body, std::int64_t requisition_id);

class RequisitionApi {
public:
    RequisitionApi(http::Client& http, std::string base_url);

    using RequisitionSink = std::function<void(std::vector<Requisition>&)>;

    // GET /rest/v1.0/requisitions?project_id=&filters[updated_at]=since...until, page by page.
    std::expected<std::int64_t, http::Error> list_updated(std::int64_t project_id,
                                                          const std::string& since,
                                                          const std::string& until,
                                                          const RequisitionSink& sink);
    // GET /rest/v1.0/requisitions/{id}?project_id=; nullopt on 404.
    std::expected<std::optional<Requisition>, http::Error> get(std::int64_t project_id,
                                                               std::int64_t id);
    // GET /rest/v1.0/requisitions/{id}/detail?project_id=.
    std::expected<std::vector<RequisitionLine>, http::Error> detail(std::int64_t project_id,
                                                                    std::int64_t id);
    // PATCH /rest/v1.0/requisitions/{id}?project_id= {"requisition": {"origin_id",
    // "origin_data"}}. Idempotent. Returns the requisition's updated_at from the answer ("" when
    // the answer does not carry it). Procore may refuse it (a requisition is locked once paid,
    // or the app lacks admin rights on invoicing): the caller keeps its link locally then.
    std::expected<std::string, http::Error> write_back(std::int64_t project_id, std::int64_t id,
                                                       const std::string& origin_id,
                                                       const std::string& origin_data);

private:
    http::Client& http_;
    std::string base_url_;
};

} // namespace mlc::procore
