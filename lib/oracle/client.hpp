#pragma once
// The Oracle Fusion REST client: builds resource URLs under the REST root, query strings in
// the REST framework's conventions (q, orderBy, limit/offset, fields, onlyData, finder), and
// streams collections page by page. It knows nothing of Procore.
#include "http/client.hpp"

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>

namespace mlc::oracle {

// The Content-Type of a request body that is one resource item (a create or an update).
inline constexpr const char* k_item_content_type = "application/vnd.oracle.adf.resourceitem+json";

// One collection request. `q` is the framework-v2+ expression syntax (and/or), so the client
// sends REST-Framework-Version (see OracleConfig::rest_framework_version).
struct Query {
    std::string q;
    std::string order_by; // "LastUpdateDate:asc,SupplierId:asc"
    std::string fields;   // projection; cannot be combined with expand
    std::string expand;
    std::string finder; // "ESSJobStatusRF;requestId=123"
    int limit = 500;    // Oracle caps at 500 (some pods 499); the echoed limit is followed
    int offset = 0;
    bool only_data = true;
    bool total_results = false;
};

// The collection envelope's paging attributes.
struct PageMeta {
    int count = 0;
    bool has_more = false;
    int limit = 0;
    int offset = 0;
};

struct Probe {
    std::chrono::milliseconds latency{0};
    int items = 0;
};

class Client {
public:
    Client(http::Client& http, std::string rest_root);

    // GET <rest_root>/<resource>?<query>; resource may contain child paths.
    http::Result get(const std::string& resource, const Query& query,
                     const std::string& path_template);

    // The cheapest authenticated call: suppliers?limit=1&onlyData=true.
    std::expected<Probe, http::Error> probe();

    const std::string& rest_root() const { return rest_root_; }
    http::Client& http() { return http_; }

    static std::string query_string(const Query& query);

private:
    http::Client& http_;
    std::string rest_root_;
};

// A value for a quoted q literal: each ' doubled ("O'Brien" -> "O''Brien").
std::string quote_literal(const std::string& value);

} // namespace mlc::oracle
