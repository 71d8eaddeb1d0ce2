#pragma once
// Procore commitments as plain structs: purchase order contracts (materials) and work order
// contracts (subcontracts), which share one shape. Listing a project's commitments changed in
// a time range (the sweep), reading one with its line items (what an inbox event names), the
// write-back of the Oracle PO (origin_id / origin_code), the project's cost codes, and the sync
// calls that bring Oracle-born POs in (commitment first, then its line items, then the status:
// an Approved commitment's schedule of values is locked). Money is decimal text end to end.
#include "http/client.hpp"
#include "procore/vendors.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::procore {

enum class CommitmentType {
    purchase_order, // purchase_order_contracts
    work_order,     // work_order_contracts (subcontracts)
};
// "purchase_order_contracts" / "work_order_contracts": the path segment.
std::string_view collection_of(CommitmentType type);
// "purchase_order_contract" / "work_order_contract": the body's wrapper key on PATCH.
std::string_view singular_of(CommitmentType type);
// "Purchase Order Contracts" / "Work Order Contracts": the webhook resource name.
std::string_view resource_name_of(CommitmentType type);
std::optional<CommitmentType> commitment_type_of_resource(std::string_view resource_name);

struct CommitmentLine {
    std::int64_t id = 0;
    std::string description;
    std::string amount;    // decimal text ("250.0")
    std::string quantity;  // decimal text; "0.0" or empty when the line is kept by amount only
    std::string unit_cost; // decimal text
    std::string uom;
    std::int64_t cost_code_id = 0;      // 0 when none
    std::int64_t line_item_type_id = 0; // 0 when none
    std::string origin_id;
};

struct Commitment {
    CommitmentType type = CommitmentType::purchase_order;
    std::int64_t id = 0;
    std::int64_t project_id = 0;
    std::string number;
    std::string title;
    std::string status;         // "Approved", "Draft" …
    std::int64_t vendor_id = 0; // vendor.id (or vendor_id); 0 when none
    std::string vendor_name;
    std::string vendor_origin_id; // vendor.origin_id when present
    std::string origin_id;        // our POHeaderId once written back (or another integration's)
    std::string origin_code;
    std::string grand_total;   // decimal text
    std::string contract_date; // YYYY-MM-DD or empty
    std::string delivery_date; // YYYY-MM-DD or empty
    std::string updated_at;
    bool deleted = false;              // deleted_at set
    std::vector<CommitmentLine> lines; // filled by get(), empty in lists
};

// A project's cost code (GET /rest/v1.0/cost_codes?project_id=): how a line's cost_code_id
// leads to a GL account (its own origin_id, else the standard cost code it was copied from).
struct ProjectCostCode {
    std::int64_t id = 0;
    std::string full_code;
    std::string name;
    std::string origin_id;
    std::int64_t standard_cost_code_id = 0;
};

// One commitment of a commitments/sync call (an Oracle-born PO). With only origin_id Procore
// upserts; `status` empty: not sent.
struct CommitmentSyncItem {
    std::optional<std::int64_t> id;
    std::string origin_id;   // POHeaderId
    std::string origin_code; // OrderNumber
    std::string origin_data;
    std::string number;
    std::string title;
    std::string status;
    std::int64_t vendor_id = 0; // 0: not sent
};

// One line of a …/{id}/line_items/sync call, upserted by origin_id (the Oracle line id).
struct CommitmentLineSyncItem {
    std::optional<std::int64_t> id;
    std::string origin_id;
    std::string description;
    std::string amount;    // decimal text
    std::string quantity;  // decimal text; empty: not sent
    std::string unit_cost; // decimal text; empty: not sent
    std::string uom;
    std::int64_t cost_code_id = 0; // 0: not sent
};

std::expected<Commitment, std::string> parse_commitment(const std::string& body,
                                                        CommitmentType type);
std::expected<std::vector<Commitment>, std::string> parse_commitment_list(const std::string& body,
                                                                          CommitmentType type);
std::expected<std::vector<ProjectCostCode>, std::string>
parse_project_cost_codes(const std::string& body);

std::string commitment_sync_item_json(const CommitmentSyncItem& item);
std::string commitment_line_sync_item_json(const CommitmentLineSyncItem& item);

class CommitmentApi {
public:
    CommitmentApi(http::Client& http, std::string base_url, std::int64_t company_id);

    using CommitmentSink = std::function<void(std::vector<Commitment>&)>;

    // The project's commitments of `type` updated in [since, until] (ISO-8601; filters[updated_at]
    // as a range, since Procore refuses a single value), page by page, compact (no lines).
    std::expected<std::int64_t, http::Error>
    list_updated(CommitmentType type, std::int64_t project_id, const std::string& since,
                 const std::string& until, const CommitmentSink& sink);
    // GET …/{id}?project_id= with its line items (GET …/{id}/line_items when the item has
    // none inline); nullopt when Procore has no such commitment (404, or deleted).
    std::expected<std::optional<Commitment>, http::Error>
    get(CommitmentType type, std::int64_t project_id, std::int64_t id);
    // PATCH …/{id}?project_id= {"<singular>": {"origin_id", "origin_code", "origin_data"}}.
    // Idempotent: the same values written twice are the same state. Returns the commitment's
    // updated_at from the answer (empty when the answer does not carry it).
    std::expected<std::string, http::Error> write_back(CommitmentType type, std::int64_t project_id,
                                                       std::int64_t id,
                                                       const std::string& origin_id,
                                                       const std::string& origin_code,
                                                       const std::string& origin_data);
    // PATCH /rest/v1.0/<collection>/sync {"project_id", "updates": [...]}, ≤ 1000 items.
    std::expected<SyncResult, http::Error> sync(CommitmentType type, std::int64_t project_id,
                                                const std::vector<CommitmentSyncItem>& items);
    // PATCH /rest/v1.0/<collection>/{id}/line_items/sync?project_id= {"updates": [...]}.
    std::expected<SyncResult, http::Error>
    sync_lines(CommitmentType type, std::int64_t project_id, std::int64_t commitment_id,
               const std::vector<CommitmentLineSyncItem>& items);
    // The project's commitments of `type` whose origin_id is one of these (filters[origin_id]);
    // how a lost commitments/sync answer is looked up.
    std::expected<std::vector<Commitment>, http::Error>
    find_by_origin_ids(CommitmentType type, std::int64_t project_id,
                       const std::vector<std::string>& origin_ids);
    // Every cost code of the project.
    std::expected<std::vector<ProjectCostCode>, http::Error>
    project_cost_codes(std::int64_t project_id);

    std::int64_t company_id() const { return company_id_; }

private:
    http::Client& http_;
    std::string base_url_;
    std::int64_t company_id_;
};

} // namespace mlc::procore
