#include "procore/cost_codes.hpp"

#include "core/json.hpp"
#include "core/json_writer.hpp"

#include <utility>

namespace mlc::procore {

namespace {

void write_cost_code_item(json::Writer& w, const StandardCostCodeItem& item)
{
    w.begin_object();
    w.field("origin_id", item.origin_id);
    w.field("code", item.code);
    w.field("name", item.name);
    if (!item.origin_data.empty()) {
        w.field("origin_data", item.origin_data);
    }
    w.end_object();
}

} // namespace

std::string standard_cost_code_item_json(const StandardCostCodeItem& item)
{
    json::Writer w;
    write_cost_code_item(w, item);
    return w.str();
}

std::string standard_cost_code_sync_body(std::int64_t company_id, std::int64_t list_id,
                                         const std::vector<StandardCostCodeItem>& items)
{
    std::vector<std::string> jsons;
    jsons.reserve(items.size());
    for (const auto& item : items) {
        jsons.push_back(standard_cost_code_item_json(item));
    }
    return sync_body(company_id, {{"standard_cost_code_list_id", list_id}}, jsons);
}

std::expected<std::vector<StandardCostCode>, std::string>
parse_standard_cost_codes(const std::string& body)
{
    auto doc = json::parse(body);
    if (!doc) {
        return std::unexpected("malformed JSON: " + doc.error().message);
    }
    if (!doc->IsArray()) {
        return std::unexpected(std::string("standard_cost_codes: expected an array"));
    }
    std::vector<StandardCostCode> out;
    for (const auto& item : doc->GetArray()) {
        const auto id = json::get_id(item, "id");
        if (!item.IsObject() || !id) {
            return std::unexpected(std::string("standard_cost_codes: item without an integer id"));
        }
        StandardCostCode c;
        c.id = *id;
        // origin_id may come as a string or a number.
        if (auto text = json::get_string(item, "origin_id")) {
            c.origin_id = *text;
        } else if (auto n = json::get_id(item, "origin_id")) {
            c.origin_id = std::to_string(*n);
        }
        c.code = json::get_string(item, "code").value_or("");
        c.name = json::get_string(item, "name").value_or("");
        out.push_back(std::move(c));
    }
    return out;
}

CostCodeApi::CostCodeApi(http::Client& http, std::string base_url, std::int64_t company_id)
    : http_(http), base_url_(std::move(base_url)), company_id_(company_id)
{
    while (!base_url_.empty() && base_url_.back() == '/') {
        base_url_.pop_back();
    }
}

std::expected<std::optional<std::int64_t>, http::Error>
CostCodeApi::find_list(const std::string& name)
{
    http::Request request;
    request.method = "GET";
    request.url = base_url_ + "/rest/v1.0/standard_cost_code_lists?company_id="
                  + std::to_string(company_id_) + "&per_page=1000";
    request.headers.set("Accept", "application/json");
    auto listed =
        http_.send(std::move(request),
                   {.path_template = "/rest/v1.0/standard_cost_code_lists", .idempotent = true});
    if (!listed) {
        return std::unexpected(listed.error());
    }
    auto doc = json::parse(listed->body);
    if (!doc || !doc->IsArray()) {
        return std::unexpected(
            http::shape_error(listed->status, "standard_cost_code_lists: expected an array"));
    }
    for (const auto& l : doc->GetArray()) {
        if (json::get_string(l, "name").value_or("") == name) {
            if (auto id = json::get_id(l, "id")) {
                return std::optional<std::int64_t>(*id);
            }
        }
    }
    return std::optional<std::int64_t>();
}

std::expected<std::int64_t, http::Error> CostCodeApi::create_list(const std::string& name)
{
    json::Writer w;
    w.begin_object();
    w.field("company_id", company_id_);
    w.key("standard_cost_code_list").begin_object().field("name", name).end_object();
    w.end_object();
    auto created = send_json(http_, "POST", base_url_ + "/rest/v1.0/standard_cost_code_lists",
                             w.str(), "/rest/v1.0/standard_cost_code_lists", false);
    if (!created) {
        return std::unexpected(created.error());
    }
    auto cdoc = json::parse(created->body);
    if (!cdoc) {
        return std::unexpected(http::shape_error(created->status, "malformed JSON"));
    }
    auto id = json::get_id(*cdoc, "id");
    if (!id) {
        return std::unexpected(http::shape_error(created->status, "created list has no id"));
    }
    return *id;
}

std::expected<std::vector<StandardCostCode>, http::Error>
CostCodeApi::list_codes(std::int64_t list_id)
{
    std::vector<StandardCostCode> out;
    auto listed = list_pages(
        http_,
        base_url_ + "/rest/v1.0/standard_cost_codes?company_id=" + std::to_string(company_id_)
            + "&standard_cost_code_list_id=" + std::to_string(list_id),
        "/rest/v1.0/standard_cost_codes", 1000,
        [&out](const std::string& body) -> std::expected<PageCount, std::string> {
            auto codes = parse_standard_cost_codes(body);
            if (!codes) {
                return std::unexpected(codes.error());
            }
            PageCount c{static_cast<std::int64_t>(codes->size()),
                        codes->empty() ? 0 : codes->front().id};
            out.insert(out.end(), codes->begin(), codes->end());
            return c;
        });
    if (!listed) {
        return std::unexpected(listed.error());
    }
    return out;
}

std::expected<SyncResult, http::Error>
CostCodeApi::sync(std::int64_t list_id, const std::vector<StandardCostCodeItem>& items)
{
    return sync_body_text(standard_cost_code_sync_body(company_id_, list_id, items));
}

std::expected<SyncResult, http::Error> CostCodeApi::sync_body_text(const std::string& body)
{
    return send_sync(http_, base_url_, "/rest/v1.0/standard_cost_codes/sync", body);
}

} // namespace mlc::procore
