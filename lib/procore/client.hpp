#pragma once
// The Procore REST client: v1.0 paths, the Procore-Company-Id header on every call (the
// http::Client carries it as a default header), page/per_page paging with the Total header.
// It knows nothing of Oracle.
#include "http/client.hpp"

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace mlc::procore {

struct Company {
    std::int64_t id = 0;
    std::string name;
    bool is_active = true;
};

class Client {
public:
    Client(http::Client& http, std::string base_url, std::int64_t company_id);

    http::Result get(const std::string& path_and_query, const std::string& path_template);

    std::expected<std::vector<Company>, http::Error> companies();
    // Number of projects this app may see in the company: one call with per_page=1,
    // reading the Total header (paging through when a server omits it).
    std::expected<std::int64_t, http::Error> count_projects();
    // The ids of the company's (active) projects, listed 1000 a page.
    std::expected<std::vector<std::int64_t>, http::Error> project_ids();

    std::int64_t company_id() const { return company_id_; }
    http::Client& http() { return http_; }

private:
    http::Client& http_;
    std::string base_url_;
    std::int64_t company_id_;
};

} // namespace mlc::procore
