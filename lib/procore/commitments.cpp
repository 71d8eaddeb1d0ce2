#include "procore/commitments.hpp"

#include "core/decimal.hpp"
#include "core/json.hpp"
#include "core/json_writer.hpp"
#include "procore/read_support.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace mlc::procore {

namespace {

using read::decimal_of;
using read::id_flat_or_nested;
using read::is_not_found;
using read::parse_error_text;
using read::text;

// Bodies are parsed with numbers kept as text: money may come as "250.0" or as 250.0 and must
// not pass through a double either way. Ids are read with json::get_id (digit strings too), and
// json::get_string gives a number's text, so an origin_id or number sent as a number still reads.

std::expected<CommitmentLine, std::string> commitment_line_of(const rapidjson::Value& item,
                                                              const std::string& where)
{
    const auto id = json::get_id(item, "id");
    if (!item.IsObject() || !id) {
        return std::unexpected(where + ": a line item without an integer id");
    }
    CommitmentLine l;
    l.id = *id;
    const std::string here = where + ", line item " + std::to_string(l.id);
    l.description = text(item, "description");
    auto amount = decimal_of(item, "amount", here);
    auto quantity = decimal_of(item, "quantity", here);
    auto unit_cost = decimal_of(item, "unit_cost", here);
    if (!amount || !quantity || !unit_cost) {
        return std::unexpected(!amount ? amount.error()
                                       : (!quantity ? quantity.error() : unit_cost.error()));
    }
    l.amount = std::move(*amount);
    l.quantity = std::move(*quantity);
    l.unit_cost = std::move(*unit_cost);
    l.uom = text(item, "uom");
    l.cost_code_id = id_flat_or_nested(item, "cost_code_id", "cost_code");
    l.line_item_type_id = id_flat_or_nested(item, "line_item_type_id", "line_item_type");
    l.origin_id = text(item, "origin_id");
    return l;
}

std::expected<std::vector<CommitmentLine>, std::string>
commitment_lines_of(const rapidjson::Value& array, const std::string& where)
{
    std::vector<CommitmentLine> lines;
    lines.reserve(array.Size());
    for (const auto& item : array.GetArray()) {
        auto line = commitment_line_of(item, where);
        if (!line) {
            return std::unexpected(line.error());
        }
        lines.push_back(std::move(*line));
    }
    return lines;
}

// One commitment object; `has_lines` says whether it carried a line_items array (a compact
// item, or an endpoint that leaves them out, has none: get() then asks for them).
std::expected<Commitment, std::string> commitment_of(const rapidjson::Value& item,
                                                     CommitmentType type, bool& has_lines)
{
    const auto id = json::get_id(item, "id");
    if (!item.IsObject() || !id) {
        return std::unexpected(std::string(collection_of(type)) + ": item without an integer id");
    }
    Commitment c;
    c.type = type;
    c.id = *id;
    const std::string where = std::string(singular_of(type)) + " " + std::to_string(c.id);
    c.project_id = id_flat_or_nested(item, "project_id", "project");
    c.number = text(item, "number");
    c.title = text(item, "title");
    c.status = text(item, "status");
    // The vendor as an object {id, name (or company), origin_id}, or a flat vendor_id.
    if (const auto* vendor = json::find(item, "vendor"); vendor != nullptr && vendor->IsObject()) {
        c.vendor_id = json::get_id(*vendor, "id").value_or(0);
        c.vendor_name = text(*vendor, "name");
        if (c.vendor_name.empty()) {
            c.vendor_name = text(*vendor, "company");
        }
        c.vendor_origin_id = text(*vendor, "origin_id");
    }
    if (c.vendor_id == 0) {
        c.vendor_id = json::get_id(item, "vendor_id").value_or(0);
    }
    c.origin_id = text(item, "origin_id");
    c.origin_code = text(item, "origin_code");
    auto total = decimal_of(item, "grand_total", where);
    if (!total) {
        return std::unexpected(total.error());
    }
    c.grand_total = std::move(*total);
    c.contract_date = text(item, "contract_date");
    c.delivery_date = text(item, "delivery_date");
    c.updated_at = text(item, "updated_at");
    const auto* deleted_at = json::find(item, "deleted_at");
    c.deleted = deleted_at != nullptr && !deleted_at->IsNull()
                && !(deleted_at->IsString() && deleted_at->GetStringLength() == 0);
    has_lines = false;
    if (const auto* items = json::find(item, "line_items"); items != nullptr && items->IsArray()) {
        auto lines = commitment_lines_of(*items, where);
        if (!lines) {
            return std::unexpected(lines.error());
        }
        c.lines = std::move(*lines);
        has_lines = true;
    }
    return c;
}

std::expected<std::vector<CommitmentLine>, std::string> parse_line_list(const std::string& body,
                                                                        const std::string& where)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    if (!doc->IsArray()) {
        return std::unexpected(where + ": line_items: expected an array");
    }
    return commitment_lines_of(*doc, where);
}

std::string project_sync_body(std::int64_t project_id, const std::vector<std::string>& items)
{
    json::Writer w;
    w.begin_object();
    w.field("project_id", project_id);
    w.key("updates").begin_array();
    for (const auto& item : items) {
        w.raw_json(item);
    }
    w.end_array();
    w.end_object();
    return w.str();
}

} // namespace

std::string_view collection_of(CommitmentType type)
{
    return type == CommitmentType::purchase_order ? "purchase_order_contracts"
                                                  : "work_order_contracts";
}

std::string_view singular_of(CommitmentType type)
{
    return type == CommitmentType::purchase_order ? "purchase_order_contract"
                                                  : "work_order_contract";
}

std::string_view resource_name_of(CommitmentType type)
{
    return type == CommitmentType::purchase_order ? "Purchase Order Contracts"
                                                  : "Work Order Contracts";
}

std::optional<CommitmentType> commitment_type_of_resource(std::string_view resource_name)
{
    for (const auto type : {CommitmentType::purchase_order, CommitmentType::work_order}) {
        if (resource_name == resource_name_of(type)) {
            return type;
        }
    }
    return std::nullopt;
}

std::expected<Commitment, std::string> parse_commitment(const std::string& body,
                                                        CommitmentType type)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    bool has_lines = false;
    return commitment_of(*doc, type, has_lines);
}

std::expected<std::vector<Commitment>, std::string> parse_commitment_list(const std::string& body,
                                                                          CommitmentType type)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    if (!doc->IsArray()) {
        return std::unexpected(std::string(collection_of(type)) + ": expected an array");
    }
    std::vector<Commitment> out;
    out.reserve(doc->Size());
    for (const auto& item : doc->GetArray()) {
        bool has_lines = false;
        auto c = commitment_of(item, type, has_lines);
        if (!c) {
            return std::unexpected(c.error());
        }
        out.push_back(std::move(*c));
    }
    return out;
}

std::expected<std::vector<ProjectCostCode>, std::string>
parse_project_cost_codes(const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    if (!doc->IsArray()) {
        return std::unexpected(std::string("cost_codes: expected an array"));
    }
    std::vector<ProjectCostCode> out;
    out.reserve(doc->Size());
    for (const auto& item : doc->GetArray()) {
        const auto id = json::get_id(item, "id");
        if (!item.IsObject() || !id) {
            return std::unexpected(std::string("cost_codes: item without an integer id"));
        }
        ProjectCostCode c;
        c.id = *id;
        c.full_code = text(item, "full_code");
        c.name = text(item, "name");
        c.origin_id = text(item, "origin_id");
        c.standard_cost_code_id =
            id_flat_or_nested(item, "standard_cost_code_id", "standard_cost_code");
        out.push_back(std::move(c));
    }
    return out;
}

std::string commitment_sync_item_json(const CommitmentSyncItem& item)
{
    json::Writer w;
    w.begin_object();
    if (item.id) {
        w.field("id", *item.id);
    }
    w.field("origin_id", item.origin_id);
    w.field_if_set("origin_code", item.origin_code);
    w.field_if_set("origin_data", item.origin_data);
    w.field_if_set("number", item.number);
    w.field_if_set("title", item.title);
    w.field_if_set("status", item.status);
    if (item.vendor_id != 0) {
        w.field("vendor_id", item.vendor_id);
    }
    w.end_object();
    return w.str();
}

std::string commitment_line_sync_item_json(const CommitmentLineSyncItem& item)
{
    json::Writer w;
    w.begin_object();
    if (item.id) {
        w.field("id", *item.id);
    }
    w.field("origin_id", item.origin_id);
    w.field("description", item.description);
    w.decimal_field("amount", item.amount);
    w.decimal_field("quantity", item.quantity);
    w.decimal_field("unit_cost", item.unit_cost);
    w.field_if_set("uom", item.uom);
    if (item.cost_code_id != 0) {
        w.field("cost_code_id", item.cost_code_id);
    }
    w.end_object();
    return w.str();
}

CommitmentApi::CommitmentApi(http::Client& http, std::string base_url, std::int64_t company_id)
    : http_(http), base_url_(std::move(base_url)), company_id_(company_id)
{
    while (!base_url_.empty() && base_url_.back() == '/') {
        base_url_.pop_back();
    }
}

std::expected<std::int64_t, http::Error>
CommitmentApi::list_updated(CommitmentType type, std::int64_t project_id, const std::string& since,
                            const std::string& until, const CommitmentSink& sink)
{
    const std::string collection(collection_of(type));
    const std::string url =
        base_url_ + "/rest/v1.0/" + collection + "?project_id=" + std::to_string(project_id) + "&"
        + http::url_encode("filters[updated_at]") + "=" + http::url_encode(since + "..." + until);
    return list_pages(
        http_, url, "/rest/v1.0/" + collection, 100,
        [&sink, type](const std::string& body) -> std::expected<PageCount, std::string> {
            auto page = parse_commitment_list(body, type);
            if (!page) {
                return std::unexpected(page.error());
            }
            const PageCount count{static_cast<std::int64_t>(page->size()),
                                  page->empty() ? 0 : page->front().id};
            sink(*page);
            return count;
        });
}

std::expected<std::optional<Commitment>, http::Error>
CommitmentApi::get(CommitmentType type, std::int64_t project_id, std::int64_t id)
{
    const std::string collection(collection_of(type));
    const std::string item_path = "/rest/v1.0/" + collection + "/" + std::to_string(id);
    const std::string project_query = "?project_id=" + std::to_string(project_id);
    http::Request request;
    request.method = "GET";
    request.url = base_url_ + item_path + project_query;
    request.headers.set("Accept", "application/json");
    auto result =
        http_.send(std::move(request),
                   {.path_template = "/rest/v1.0/" + collection + "/{id}", .idempotent = true});
    if (!result) {
        if (is_not_found(result.error())) {
            return std::optional<Commitment>{};
        }
        return std::unexpected(result.error());
    }
    auto doc = json::parse_numbers_as_text(result->body);
    if (!doc) {
        return std::unexpected(http::shape_error(result->status, parse_error_text(doc.error())));
    }
    bool has_lines = false;
    auto commitment = commitment_of(*doc, type, has_lines);
    if (!commitment) {
        return std::unexpected(http::shape_error(result->status, commitment.error()));
    }
    if (commitment->deleted) {
        return std::optional<Commitment>{};
    }
    if (!has_lines) {
        // Paged like any list (a server that ignores paging answers once, which ends it).
        std::vector<CommitmentLine> lines;
        const std::string where = std::string(singular_of(type)) + " " + std::to_string(id);
        auto listed = list_pages(
            http_, base_url_ + item_path + "/line_items" + project_query,
            "/rest/v1.0/" + collection + "/{id}/line_items", 1000,
            [&lines, &where](const std::string& body) -> std::expected<PageCount, std::string> {
                auto page = parse_line_list(body, where);
                if (!page) {
                    return std::unexpected(page.error());
                }
                const PageCount count{static_cast<std::int64_t>(page->size()),
                                      page->empty() ? 0 : page->front().id};
                lines.insert(lines.end(), std::make_move_iterator(page->begin()),
                             std::make_move_iterator(page->end()));
                return count;
            });
        if (!listed) {
            // Deleted between the two GETs: Procore has no such commitment any more.
            if (is_not_found(listed.error())) {
                return std::optional<Commitment>{};
            }
            return std::unexpected(listed.error());
        }
        commitment->lines = std::move(lines);
    }
    return std::optional<Commitment>(std::move(*commitment));
}

std::expected<std::string, http::Error>
CommitmentApi::write_back(CommitmentType type, std::int64_t project_id, std::int64_t id,
                          const std::string& origin_id, const std::string& origin_code,
                          const std::string& origin_data)
{
    const std::string collection(collection_of(type));
    json::Writer w;
    w.begin_object();
    w.key(singular_of(type)).begin_object();
    w.field("origin_id", origin_id);
    w.field("origin_code", origin_code);
    w.field("origin_data", origin_data);
    w.end_object();
    w.end_object();
    auto result = send_json(http_, "PATCH",
                            base_url_ + "/rest/v1.0/" + collection + "/" + std::to_string(id)
                                + "?project_id=" + std::to_string(project_id),
                            w.str(), "/rest/v1.0/" + collection + "/{id}", /*idempotent=*/true);
    if (!result) {
        return std::unexpected(result.error());
    }
    // The answer is the commitment as it now stands; its stamp lets a later sweep recognise
    // our own write. An answer without one is still a write that was applied.
    auto written = parse_commitment(result->body, type);
    return written ? written->updated_at : std::string();
}

std::expected<SyncResult, http::Error>
CommitmentApi::sync(CommitmentType type, std::int64_t project_id,
                    const std::vector<CommitmentSyncItem>& items)
{
    std::vector<std::string> jsons;
    jsons.reserve(items.size());
    for (const auto& item : items) {
        jsons.push_back(commitment_sync_item_json(item));
    }
    return send_sync(http_, base_url_, "/rest/v1.0/" + std::string(collection_of(type)) + "/sync",
                     project_sync_body(project_id, jsons));
}

std::expected<SyncResult, http::Error>
CommitmentApi::sync_lines(CommitmentType type, std::int64_t project_id, std::int64_t commitment_id,
                          const std::vector<CommitmentLineSyncItem>& items)
{
    std::vector<std::string> jsons;
    jsons.reserve(items.size());
    for (const auto& item : items) {
        jsons.push_back(commitment_line_sync_item_json(item));
    }
    const std::string collection(collection_of(type));
    // As send_sync, but counted under a template: the path holds the commitment id and a query.
    // Not idempotent for the same reason (the outbox looks the lines up after a lost answer).
    auto result = send_json(
        http_, "PATCH",
        base_url_ + "/rest/v1.0/" + collection + "/" + std::to_string(commitment_id)
            + "/line_items/sync?project_id=" + std::to_string(project_id),
        project_sync_body(project_id, jsons), "/rest/v1.0/" + collection + "/{id}/line_items/sync",
        /*idempotent=*/false);
    if (!result) {
        return std::unexpected(result.error());
    }
    auto parsed = parse_sync_response(result->body);
    if (!parsed) {
        return std::unexpected(http::shape_error(result->status, parsed.error()));
    }
    return std::move(*parsed);
}

std::expected<std::vector<Commitment>, http::Error>
CommitmentApi::find_by_origin_ids(CommitmentType type, std::int64_t project_id,
                                  const std::vector<std::string>& origin_ids)
{
    std::vector<Commitment> found;
    if (origin_ids.empty()) {
        return found; // no filter at all would list every commitment of the project
    }
    const std::string collection(collection_of(type));
    const std::set<std::string> wanted(origin_ids.begin(), origin_ids.end());
    // filters[origin_id][] repeated (the array form the reference gives for list filters; a
    // server that takes one value only still answers a list of one, unconfirmed). 50 per GET
    // keeps the URL short.
    constexpr std::size_t k_per_get = 50;
    for (std::size_t at = 0; at < origin_ids.size(); at += k_per_get) {
        std::string url =
            base_url_ + "/rest/v1.0/" + collection + "?project_id=" + std::to_string(project_id);
        for (std::size_t i = at; i < std::min(origin_ids.size(), at + k_per_get); ++i) {
            url += "&" + http::url_encode("filters[origin_id][]") + "="
                   + http::url_encode(origin_ids[i]);
        }
        auto listed =
            list_pages(http_, url, "/rest/v1.0/" + collection, 100,
                       [&found, &wanted,
                        type](const std::string& body) -> std::expected<PageCount, std::string> {
                           auto page = parse_commitment_list(body, type);
                           if (!page) {
                               return std::unexpected(page.error());
                           }
                           const PageCount count{static_cast<std::int64_t>(page->size()),
                                                 page->empty() ? 0 : page->front().id};
                           // A server that ignored the filter lists everything: keep only what was
                           // asked.
                           for (auto& c : *page) {
                               if (wanted.contains(c.origin_id)) {
                                   found.push_back(std::move(c));
                               }
                           }
                           return count;
                       });
        if (!listed) {
            return std::unexpected(listed.error());
        }
    }
    return found;
}

std::expected<std::vector<ProjectCostCode>, http::Error>
CommitmentApi::project_cost_codes(std::int64_t project_id)
{
    std::vector<ProjectCostCode> out;
    auto listed = list_pages(
        http_, base_url_ + "/rest/v1.0/cost_codes?project_id=" + std::to_string(project_id),
        "/rest/v1.0/cost_codes", 1000,
        [&out](const std::string& body) -> std::expected<PageCount, std::string> {
            auto codes = parse_project_cost_codes(body);
            if (!codes) {
                return std::unexpected(codes.error());
            }
            const PageCount count{static_cast<std::int64_t>(codes->size()),
                                  codes->empty() ? 0 : codes->front().id};
            out.insert(out.end(), std::make_move_iterator(codes->begin()),
                       std::make_move_iterator(codes->end()));
            return count;
        });
    if (!listed) {
        return std::unexpected(listed.error());
    }
    return out;
}

} // namespace mlc::procore
