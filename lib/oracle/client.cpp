#include "oracle/client.hpp"

#include "oracle/mapping.hpp"

#include <utility>

namespace mlc::oracle {

Client::Client(http::Client& http, std::string rest_root)
    : http_(http), rest_root_(std::move(rest_root))
{}

std::string Client::query_string(const Query& query)
{
    std::string qs;
    auto add = [&qs](std::string_view name, const std::string& value) {
        if (value.empty()) {
            return;
        }
        qs += qs.empty() ? '?' : '&';
        qs += name;
        qs += '=';
        qs += http::url_encode(value);
    };
    // finder values keep their ';' and ',' separators: they are part of the finder syntax.
    if (!query.finder.empty()) {
        qs += "?finder=" + query.finder;
    }
    add("q", query.q);
    add("orderBy", query.order_by);
    add("fields", query.fields);
    add("expand", query.expand);
    add("limit", std::to_string(query.limit));
    if (query.offset > 0) {
        add("offset", std::to_string(query.offset));
    }
    if (query.only_data) {
        add("onlyData", "true");
    }
    if (query.total_results) {
        add("totalResults", "true");
    }
    return qs;
}

http::Result Client::get(const std::string& resource, const Query& query,
                         const std::string& path_template)
{
    http::Request request;
    request.method = "GET";
    request.url = rest_root_ + "/" + resource + query_string(query);
    request.headers.set("Accept", "application/json");
    return http_.send(std::move(request), {.path_template = path_template, .idempotent = true});
}

std::expected<Probe, http::Error> Client::probe()
{
    const auto started = std::chrono::steady_clock::now();
    Query query;
    query.limit = 1;
    auto result = get("suppliers", query, "/suppliers");
    if (!result) {
        return std::unexpected(result.error());
    }
    Probe probe;
    probe.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    auto meta = parse_page_meta(result->body);
    if (!meta) {
        return std::unexpected(http::shape_error(result->status, meta.error()));
    }
    probe.items = meta->count;
    return probe;
}

std::string quote_literal(const std::string& value)
{
    std::string out;
    for (const char c : value) {
        out += c;
        if (c == '\'') {
            out += '\'';
        }
    }
    return out;
}

} // namespace mlc::oracle
