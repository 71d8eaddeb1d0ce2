#include "procore/client.hpp"

#include "core/json.hpp"
#include "procore/mapping.hpp"
#include "procore/vendors.hpp"

#include <charconv>
#include <utility>

namespace mlc::procore {

Client::Client(http::Client& http, std::string base_url, std::int64_t company_id)
    : http_(http), base_url_(std::move(base_url)), company_id_(company_id)
{}

http::Result Client::get(const std::string& path_and_query, const std::string& path_template)
{
    http::Request request;
    request.method = "GET";
    request.url = base_url_ + path_and_query;
    request.headers.set("Accept", "application/json");
    return http_.send(std::move(request), {.path_template = path_template, .idempotent = true});
}

std::expected<std::vector<Company>, http::Error> Client::companies()
{
    auto result = get("/rest/v1.0/companies", "/rest/v1.0/companies");
    if (!result) {
        return std::unexpected(result.error());
    }
    auto companies = parse_companies(result->body);
    if (!companies) {
        return std::unexpected(http::shape_error(result->status, companies.error()));
    }
    return std::move(*companies);
}

std::expected<std::int64_t, http::Error> Client::count_projects()
{
    const std::string base = "/rest/v1.0/projects?company_id=" + std::to_string(company_id_);
    auto first = get(base + "&per_page=1&page=1", "/rest/v1.0/projects");
    if (!first) {
        return std::unexpected(first.error());
    }
    if (auto total = first->headers.get("Total")) {
        std::int64_t n = 0;
        const auto [ptr, ec] = std::from_chars(total->data(), total->data() + total->size(), n);
        if (ec == std::errc{} && ptr == total->data() + total->size()) {
            return n;
        }
    }
    // No usable Total header: count by paging (bounded by what the server returns).
    std::int64_t count = 0;
    for (int page = 1;; ++page) {
        auto result =
            get(base + "&per_page=100&page=" + std::to_string(page), "/rest/v1.0/projects");
        if (!result) {
            return std::unexpected(result.error());
        }
        auto n = count_array_items(result->body);
        if (!n) {
            return std::unexpected(http::shape_error(result->status, n.error()));
        }
        count += *n;
        if (*n < 100) {
            return count;
        }
    }
}

std::expected<std::vector<std::int64_t>, http::Error> Client::project_ids()
{
    std::vector<std::int64_t> ids;
    auto listed = list_pages(
        http_, base_url_ + "/rest/v1.0/projects?company_id=" + std::to_string(company_id_),
        "/rest/v1.0/projects", 1000,
        [&](const std::string& body) -> std::expected<PageCount, std::string> {
            auto doc = json::parse(body);
            if (!doc || !doc->IsArray()) {
                return std::unexpected("expected a JSON array of projects");
            }
            PageCount page;
            for (const auto& p : doc->GetArray()) {
                const auto id = json::get_id(p, "id");
                if (!id) {
                    return std::unexpected("a project without an integer id");
                }
                if (page.count++ == 0) {
                    page.first_id = *id;
                }
                ids.push_back(*id);
            }
            return page;
        });
    if (!listed) {
        return std::unexpected(listed.error());
    }
    return ids;
}

} // namespace mlc::procore
