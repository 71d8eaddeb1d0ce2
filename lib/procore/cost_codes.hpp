#pragma once
// Procore standard cost codes: finding (or creating) the company's ERP standard cost code list
// and PATCH /rest/v1.0/standard_cost_codes/sync into it. The answer shape is the shared sync
// one (procore/vendors.hpp: SyncResult).
#include "procore/vendors.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace mlc::procore {

struct StandardCostCodeItem {
    std::string origin_id; // the Oracle code combination id
    std::string code;
    std::string name;
    std::string origin_data;
};

// A standard cost code as listed (what the sync wrote, and its Procore id).
struct StandardCostCode {
    std::int64_t id = 0;
    std::string origin_id;
    std::string code;
    std::string name;
};

std::expected<std::vector<StandardCostCode>, std::string>
parse_standard_cost_codes(const std::string& body);

std::string standard_cost_code_sync_body(std::int64_t company_id, std::int64_t list_id,
                                         const std::vector<StandardCostCodeItem>& items);
std::string standard_cost_code_item_json(const StandardCostCodeItem& item);

class CostCodeApi {
public:
    CostCodeApi(http::Client& http, std::string base_url, std::int64_t company_id);

    // The id of the company's standard cost code list named `name`; nullopt when there is none.
    std::expected<std::optional<std::int64_t>, http::Error> find_list(const std::string& name);
    // POST /rest/v1.0/standard_cost_code_lists: not idempotent (a resend after a lost answer
    // could make a second list), so the client never retries it. The caller records the posting
    // first and, after a failure, looks the list up by name before sending again.
    std::expected<std::int64_t, http::Error> create_list(const std::string& name);
    // Every code in the list: GET /rest/v1.0/standard_cost_codes?standard_cost_code_list_id=.
    std::expected<std::vector<StandardCostCode>, http::Error> list_codes(std::int64_t list_id);
    // PATCH /rest/v1.0/standard_cost_codes/sync (origin_id upsert; resends as send_sync).
    std::expected<SyncResult, http::Error> sync(std::int64_t list_id,
                                                const std::vector<StandardCostCodeItem>& items);
    // The same with a body already built (standard_cost_code_sync_body / sync_body).
    std::expected<SyncResult, http::Error> sync_body_text(const std::string& body);

    std::int64_t company_id() const { return company_id_; }

private:
    http::Client& http_;
    std::string base_url_;
    std::int64_t company_id_;
};

} // namespace mlc::procore
