#pragma once
// Procore cost documents as plain structs: direct costs (project level) and commitment change
// orders, the two sources post-costs turns into GL journals. Listing a project's documents (and,
// for direct costs, their line items) changed in a time range is the sweep; reading one document
// with its lines is what an inbox event names; the write-back puts the journal name in a direct
// cost's origin_id (which locks it in Procore). Money is decimal text end to end.
#include "http/client.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::procore {

enum class CostKind {
    direct_cost,  // /rest/v1.0/projects/{project_id}/direct_costs
    change_order, // /rest/v1.0/projects/{project_id}/commitment_change_orders
};
std::string_view to_string(CostKind kind); // "direct_cost" / "change_order"

struct CostLine {
    std::int64_t id = 0;
    std::string description;
    std::string amount;                     // decimal text ("250.0")
    std::int64_t cost_code_id = 0;          // 0 when the line names none
    std::string cost_code;                  // cost_code.full_code when inline, else empty
    std::string cost_code_origin_id;        // cost_code.origin_id when inline
    std::int64_t standard_cost_code_id = 0; // cost_code.standard_cost_code_id when inline
    std::int64_t line_item_type_id = 0;     // 0 when none
    std::string line_item_type;             // line_item_type.name (or code) when inline
    std::int64_t wbs_code_id = 0;           // budget (WBS) code, when the line carries one instead
    std::string updated_at;
};

struct CostDocument {
    CostKind kind = CostKind::direct_cost;
    std::int64_t id = 0;
    std::int64_t project_id = 0;
    std::string type;   // direct_cost_type ("expense", "payroll", "invoice" …); empty for COs
    std::string status; // "approved", "pending" …
    std::string date;   // YYYY-MM-DD: direct_cost_date; a CO's approved or executed date (see
                        // .cpp); empty when Procore gives none (the flow decides)
    std::string number; // invoice_number (direct cost) or number (change order)
    std::string description; // description (direct cost) or title (change order)
    std::int64_t vendor_id = 0;
    std::int64_t commitment_id = 0; // change orders: contract_id
    std::string currency;           // currency_configuration.currency_iso_code when present
    std::string grand_total;        // decimal text, as Procore states it
    std::string origin_id;
    std::string updated_at;
    bool deleted = false;        // deleted_at set
    bool lines_read = false;     // true when `lines` is the document's full set of lines
    std::vector<CostLine> lines; // from get(), or inline in a list when Procore sends them
};

// A line of a direct-cost line-item list, with the document it belongs to.
struct CostLineOf {
    std::int64_t document_id = 0; // direct_cost_id (the holder)
    CostLine line;
};

std::expected<CostDocument, std::string> parse_cost_document(const std::string& body,
                                                             CostKind kind);
std::expected<std::vector<CostDocument>, std::string>
parse_cost_document_list(const std::string& body, CostKind kind);
std::expected<std::vector<CostLineOf>, std::string> parse_cost_line_list(const std::string& body);

class CostApi {
public:
    CostApi(http::Client& http, std::string base_url, std::int64_t company_id);

    using DocumentSink = std::function<void(std::vector<CostDocument>&)>;
    using LineSink = std::function<void(std::vector<CostLineOf>&)>;

    // The project's documents of `kind` updated in [since, until] (ISO-8601, filters[updated_at]
    // as a range; since empty: from the beginning), page by page (per_page 1000), deleted ones
    // included (filters[include_deleted]=with) so a deletion after posting is seen. Returns the
    // number of calls made.
    std::expected<std::int64_t, http::Error> list_updated(CostKind kind, std::int64_t project_id,
                                                          const std::string& since,
                                                          const std::string& until,
                                                          const DocumentSink& sink);
    // Direct costs only: every line item of the project's direct costs updated in
    // [since, until] (GET …/direct_costs/line_items), page by page, deleted lines left out.
    // Each names its direct cost (holder_id or direct_cost_id). Returns the calls made.
    std::expected<std::int64_t, http::Error> list_lines_updated(std::int64_t project_id,
                                                                const std::string& since,
                                                                const std::string& until,
                                                                const LineSink& sink);
    // One document with all its lines (GET …/{id}, then, for a direct cost, …/{id}/line_items
    // when the item has none inline; a change order without inline lines comes back with
    // lines_read false); nullopt when Procore has no such document (404). A deleted document
    // comes back with `deleted` set when Procore still shows it.
    std::expected<std::optional<CostDocument>, http::Error>
    get(CostKind kind, std::int64_t project_id, std::int64_t id);
    // PATCH /rest/v1.0/projects/{project_id}/direct_costs/sync
    // {"updates":[{"id", "origin_id", "origin_data"}]}: idempotent (the same values twice are
    // the same state). A per-item error comes back as an Error (kind status, 422, Procore's
    // messages); an answer that lists the direct cost neither way is a shape error.
    std::expected<void, http::Error> write_back(std::int64_t project_id, std::int64_t id,
                                                const std::string& origin_id,
                                                const std::string& origin_data);

    // Many write-backs of one project in one PATCH …/direct_costs/sync (≤ 1000 items, Procore's
    // sync maximum). Per item: the direct cost's new updated_at (empty when the answer carries
    // none), or Procore's refusal. A call that failed as a whole is the error.
    struct WriteBack {
        std::int64_t id = 0;
        std::string origin_id;
        std::string origin_data;
    };
    struct WriteBackResult {
        std::map<std::int64_t, std::string> updated_at; // accepted: id -> updated_at
        std::map<std::int64_t, std::string> refused;    // id -> Procore's message
    };
    std::expected<WriteBackResult, http::Error>
    write_back_many(std::int64_t project_id, const std::vector<WriteBack>& items);

    std::int64_t company_id() const { return company_id_; }

private:
    http::Client& http_;
    std::string base_url_;
    std::int64_t company_id_;
};

} // namespace mlc::procore
