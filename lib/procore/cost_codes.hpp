#pragma once
// Procore standard cost codes: finding (or creating) the company's ERP standard cost code list
// and PATCH /rest/v1.0/standard_cost_codes/sync into it. The answer shape is the shared sync
// one (procore/vendors.hpp: SyncResult).
#include "procore/vendors.hpp"

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace mlc::procore {

struct StandardCostCodeItem {
    std::string origin_id; // the Oracle code combination id
    std::string code;
    std::string name;
    std::string origin_data;
};

std::string standard_cost_code_sync_body(std::int64_t company_id, std::int64_t list_id,
                                         const std::vector<StandardCostCodeItem>& items);
std::string standard_cost_code_item_json(const StandardCostCodeItem& item);

struct CostCodeList {
    std::int64_t id = 0;
    bool created = false; // made by this call
};

class CostCodeApi {
public:
    CostCodeApi(http::Client& http, std::string base_url, std::int64_t company_id);

    // The list named `name`, listed first; created (POST) only when absent and `may_create`.
    // Without it and not allowed to create, id is 0.
    std::expected<CostCodeList, http::Error> find_or_create_list(const std::string& name,
                                                                 bool may_create);
    // PATCH /rest/v1.0/standard_cost_codes/sync, idempotent (origin_id upsert).
    std::expected<SyncResult, http::Error> sync(std::int64_t list_id,
                                                const std::vector<StandardCostCodeItem>& items);

private:
    http::Client& http_;
    std::string base_url_;
    std::int64_t company_id_;
};

} // namespace mlc::procore
