#include "procore/costs.hpp"

#include "core/json.hpp"
#include "core/json_writer.hpp"
#include "procore/read_support.hpp"
#include "procore/vendors.hpp"

#include <utility>

namespace mlc::procore {

namespace {
constexpr const char* k_not_listed = "direct_costs/sync did not list it";
} // namespace

namespace {

// Bodies are parsed with numbers kept as text (money never passes through a double); ids are read
// with json::get_id, which takes digit strings too.
using read::date_part;
using read::decimal_of;
using read::id_flat_or_nested;
using read::is_not_found;
using read::object_member;
using read::parse_error_text;
using read::text;
using read::updated_range;

bool deleted_of(const rapidjson::Value& obj)
{
    const auto* deleted_at = json::find(obj, "deleted_at");
    return deleted_at != nullptr && !deleted_at->IsNull()
           && !(deleted_at->IsString() && deleted_at->GetStringLength() == 0);
}

std::expected<CostLine, std::string> cost_line_of(const rapidjson::Value& item,
                                                  const std::string& where)
{
    const auto id = json::get_id(item, "id");
    if (!item.IsObject() || !id) {
        return std::unexpected(where + ": a line item without an integer id");
    }
    CostLine l;
    l.id = *id;
    const std::string here = where + ", line item " + std::to_string(l.id);
    l.description = text(item, "description");
    // `amount`, else `manual_amount` (what WBS-code clients write). Neither: left empty, never
    // computed from quantity x unit_cost here (rounding is Procore's to state, and the flow
    // refuses a line without an amount rather than post a figure Procore does not show).
    auto amount = decimal_of(item, "amount", here);
    if (!amount) {
        return std::unexpected(amount.error());
    }
    if (amount->empty()) {
        amount = decimal_of(item, "manual_amount", here);
        if (!amount) {
            return std::unexpected(amount.error());
        }
    }
    l.amount = std::move(*amount);
    // The cost code as cost_code_id, or inline cost_code{id, full_code}, or both.
    l.cost_code_id = id_flat_or_nested(item, "cost_code_id", "cost_code");
    if (const auto* code = object_member(item, "cost_code")) {
        l.cost_code = text(*code, "full_code");
        l.cost_code_origin_id = text(*code, "origin_id");
        l.standard_cost_code_id = json::get_id(*code, "standard_cost_code_id").value_or(0);
    }
    // The cost type as line_item_type_id, or inline line_item_type{id, name, code}.
    l.line_item_type_id = id_flat_or_nested(item, "line_item_type_id", "line_item_type");
    if (const auto* type = object_member(item, "line_item_type")) {
        l.line_item_type = text(*type, "name");
        if (l.line_item_type.empty()) {
            l.line_item_type = text(*type, "code");
        }
    }
    // A budget (WBS) code, which recent clients write instead of cost code + type (reference §4,
    // Direct costs: unconfirmed which a company returns, so both are read).
    l.wbs_code_id = id_flat_or_nested(item, "wbs_code_id", "wbs_code");
    l.updated_at = text(item, "updated_at");
    return l;
}

std::expected<std::vector<CostLine>, std::string> cost_lines_of(const rapidjson::Value& array,
                                                                const std::string& where)
{
    std::vector<CostLine> lines;
    lines.reserve(array.Size());
    for (const auto& item : array.GetArray()) {
        if (item.IsObject() && deleted_of(item)) {
            continue; // a deleted line is not part of the document any more
        }
        auto line = cost_line_of(item, where);
        if (!line) {
            return std::unexpected(line.error());
        }
        lines.push_back(std::move(*line));
    }
    return lines;
}

const char* cost_collection_of(CostKind kind)
{
    return kind == CostKind::direct_cost ? "direct_costs" : "commitment_change_orders";
}

std::expected<CostDocument, std::string> document_of(const rapidjson::Value& item, CostKind kind)
{
    const auto id = json::get_id(item, "id");
    if (!item.IsObject() || !id) {
        return std::unexpected(std::string(cost_collection_of(kind))
                               + ": item without an integer id");
    }
    CostDocument d;
    d.kind = kind;
    d.id = *id;
    const std::string where = std::string(to_string(kind)) + " " + std::to_string(d.id);
    d.project_id = id_flat_or_nested(item, "project_id", "project");
    d.status = text(item, "status");
    if (kind == CostKind::direct_cost) {
        d.type = text(item, "direct_cost_type");
        d.date = date_part(text(item, "direct_cost_date"));
        d.number = text(item, "invoice_number");
        d.description = text(item, "description");
    } else {
        // The accounting date of a change order is when it took effect: approved_date (or
        // approved_at), else executed_date, else the review stamp (reviewed_at: a one-tier CO is
        // approved by its reviewer). Which of these a company's Procore fills is unconfirmed.
        // due_date is deliberately not used: it is a deadline, often in the future. None of them:
        // empty, and the flow decides (it does not guess a period).
        for (const char* key : {"approved_date", "approved_at", "executed_date", "reviewed_at"}) {
            d.date = date_part(text(item, key));
            if (!d.date.empty()) {
                break;
            }
        }
        d.number = text(item, "number");
        d.description = text(item, "title");
        if (d.description.empty()) {
            d.description = text(item, "description");
        }
        d.commitment_id = id_flat_or_nested(item, "contract_id", "contract");
        if (d.commitment_id == 0) {
            d.commitment_id = id_flat_or_nested(item, "commitment_id", "commitment");
        }
    }
    d.vendor_id = id_flat_or_nested(item, "vendor_id", "vendor");
    if (const auto* currency = object_member(item, "currency_configuration")) {
        d.currency = text(*currency, "currency_iso_code");
    }
    auto total = decimal_of(item, "grand_total", where);
    if (!total) {
        return std::unexpected(total.error());
    }
    d.grand_total = std::move(*total);
    d.origin_id = text(item, "origin_id");
    d.updated_at = text(item, "updated_at");
    d.deleted = deleted_of(item);
    if (const auto* items = json::find(item, "line_items"); items != nullptr && items->IsArray()) {
        auto lines = cost_lines_of(*items, where);
        if (!lines) {
            return std::unexpected(lines.error());
        }
        d.lines = std::move(*lines);
        d.lines_read = true;
    }
    return d;
}

std::expected<std::vector<CostLine>, std::string> parse_line_array(const std::string& body,
                                                                   const std::string& where)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    if (!doc->IsArray()) {
        return std::unexpected(where + ": line_items: expected an array");
    }
    return cost_lines_of(*doc, where);
}

} // namespace

std::string_view to_string(CostKind kind)
{
    return kind == CostKind::direct_cost ? "direct_cost" : "change_order";
}

std::expected<CostDocument, std::string> parse_cost_document(const std::string& body, CostKind kind)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    return document_of(*doc, kind);
}

std::expected<std::vector<CostDocument>, std::string>
parse_cost_document_list(const std::string& body, CostKind kind)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    if (!doc->IsArray()) {
        return std::unexpected(std::string(cost_collection_of(kind)) + ": expected an array");
    }
    std::vector<CostDocument> out;
    out.reserve(doc->Size());
    for (const auto& item : doc->GetArray()) {
        auto d = document_of(item, kind);
        if (!d) {
            return std::unexpected(d.error());
        }
        out.push_back(std::move(*d));
    }
    return out;
}

std::expected<std::vector<CostLineOf>, std::string> parse_cost_line_list(const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    if (!doc->IsArray()) {
        return std::unexpected(std::string("direct_costs/line_items: expected an array"));
    }
    std::vector<CostLineOf> out;
    out.reserve(doc->Size());
    for (const auto& item : doc->GetArray()) {
        if (item.IsObject() && deleted_of(item)) {
            continue;
        }
        auto line = cost_line_of(item, "direct_costs/line_items");
        if (!line) {
            return std::unexpected(line.error());
        }
        // The direct cost a line belongs to: holder_id (Procore's generic line item holder) or
        // direct_cost_id; which one the all-lines list sends is unconfirmed, so either is taken.
        // A line naming neither cannot be placed, and dropping it would post a short document.
        std::int64_t holder = json::get_id(item, "holder_id").value_or(0);
        if (holder == 0) {
            holder = id_flat_or_nested(item, "direct_cost_id", "direct_cost");
        }
        if (holder == 0) {
            return std::unexpected("direct_costs/line_items: line item " + std::to_string(line->id)
                                   + " names no direct cost (holder_id or direct_cost_id)");
        }
        out.push_back(CostLineOf{.document_id = holder, .line = std::move(*line)});
    }
    return out;
}

CostApi::CostApi(http::Client& http, std::string base_url, std::int64_t company_id)
    : http_(http), base_url_(std::move(base_url)), company_id_(company_id)
{
    while (!base_url_.empty() && base_url_.back() == '/') {
        base_url_.pop_back();
    }
}

std::expected<std::int64_t, http::Error>
CostApi::list_updated(CostKind kind, std::int64_t project_id, const std::string& since,
                      const std::string& until, const DocumentSink& sink)
{
    const std::string collection = cost_collection_of(kind);
    // Deleted documents too: a deletion after posting must be seen (and reversed or held).
    const std::string url = base_url_ + "/rest/v1.0/projects/" + std::to_string(project_id) + "/"
                            + collection + "?" + updated_range(since, until) + "&"
                            + http::url_encode("filters[include_deleted]") + "=with";
    return list_pages(
        http_, url, "/rest/v1.0/projects/{id}/" + collection, 1000,
        [&sink, kind](const std::string& body) -> std::expected<PageCount, std::string> {
            auto page = parse_cost_document_list(body, kind);
            if (!page) {
                return std::unexpected(page.error());
            }
            const PageCount count{static_cast<std::int64_t>(page->size()),
                                  page->empty() ? 0 : page->front().id};
            sink(*page);
            return count;
        });
}

std::expected<std::int64_t, http::Error> CostApi::list_lines_updated(std::int64_t project_id,
                                                                     const std::string& since,
                                                                     const std::string& until,
                                                                     const LineSink& sink)
{
    // Without include_deleted: a deleted line is not a line of its document. A deletion still
    // changes the direct cost's updated_at, and the document is then read whole with get().
    const std::string url = base_url_ + "/rest/v1.0/projects/" + std::to_string(project_id)
                            + "/direct_costs/line_items?" + updated_range(since, until);
    return list_pages(http_, url, "/rest/v1.0/projects/{id}/direct_costs/line_items", 1000,
                      [&sink](const std::string& body) -> std::expected<PageCount, std::string> {
                          auto page = parse_cost_line_list(body);
                          if (!page) {
                              return std::unexpected(page.error());
                          }
                          const PageCount count{static_cast<std::int64_t>(page->size()),
                                                page->empty() ? 0 : page->front().line.id};
                          sink(*page);
                          return count;
                      });
}

std::expected<std::optional<CostDocument>, http::Error>
CostApi::get(CostKind kind, std::int64_t project_id, std::int64_t id)
{
    const std::string collection = cost_collection_of(kind);
    const std::string item_path = "/rest/v1.0/projects/" + std::to_string(project_id) + "/"
                                  + collection + "/" + std::to_string(id);
    const std::string item_template = "/rest/v1.0/projects/{id}/" + collection + "/{id}";
    http::Request request;
    request.method = "GET";
    request.url = base_url_ + item_path;
    request.headers.set("Accept", "application/json");
    auto result =
        http_.send(std::move(request), {.path_template = item_template, .idempotent = true});
    if (!result) {
        if (is_not_found(result.error())) {
            return std::optional<CostDocument>{};
        }
        return std::unexpected(result.error());
    }
    auto document = parse_cost_document(result->body, kind);
    if (!document) {
        return std::unexpected(http::shape_error(result->status, document.error()));
    }
    if (document->project_id == 0) {
        document->project_id = project_id;
    }
    // A change order's lines come inline (no line-items endpoint of its own is relied on): one
    // without them stays lines_read = false, and the flow does not post it.
    if (document->lines_read || document->deleted || kind != CostKind::direct_cost) {
        return std::optional<CostDocument>(std::move(*document));
    }
    std::vector<CostLine> lines;
    const std::string where = "direct_cost " + std::to_string(id);
    auto listed = list_pages(
        http_, base_url_ + item_path + "/line_items", item_template + "/line_items", 1000,
        [&lines, &where](const std::string& body) -> std::expected<PageCount, std::string> {
            auto page = parse_line_array(body, where);
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
        // Deleted between the two GETs: Procore has no such document any more.
        if (is_not_found(listed.error())) {
            return std::optional<CostDocument>{};
        }
        return std::unexpected(listed.error());
    }
    document->lines = std::move(lines);
    document->lines_read = true;
    return std::optional<CostDocument>(std::move(*document));
}

std::expected<void, http::Error> CostApi::write_back(std::int64_t project_id, std::int64_t id,
                                                     const std::string& origin_id,
                                                     const std::string& origin_data)
{
    auto wrote = write_back_many(project_id, {{id, origin_id, origin_data}});
    if (!wrote) {
        return std::unexpected(wrote.error());
    }
    if (wrote->updated_at.contains(id)) {
        return {};
    }
    const std::string why = wrote->refused.at(id);
    if (why == k_not_listed) {
        return std::unexpected(http::shape_error(200, "direct_costs/sync did not list direct cost "
                                                          + std::to_string(id)));
    }
    // Sync answers 200 whatever happened to the items: a refused item (ours is the only one
    // sent) is the error it would have been on its own, 422 with Procore's messages.
    return std::unexpected(http::Error{.kind = http::ErrorKind::status,
                                       .status = 422,
                                       .message = "direct_cost " + std::to_string(id) + ": " + why,
                                       .body = {},
                                       .attempts = 1,
                                       .transport = http::TransportErrorKind::other});
}

std::expected<CostApi::WriteBackResult, http::Error>
CostApi::write_back_many(std::int64_t project_id, const std::vector<WriteBack>& items)
{
    json::Writer w;
    w.begin_object();
    w.key("updates").begin_array();
    for (const auto& item : items) {
        w.begin_object();
        w.field("id", item.id);
        w.field("origin_id", item.origin_id);
        w.field("origin_data", item.origin_data);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    // Idempotent: the same origin fields written twice are the same state.
    auto result = send_json(
        http_, "PATCH",
        base_url_ + "/rest/v1.0/projects/" + std::to_string(project_id) + "/direct_costs/sync",
        w.str(), "/rest/v1.0/projects/{id}/direct_costs/sync", /*idempotent=*/true);
    if (!result) {
        return std::unexpected(result.error());
    }
    auto parsed = parse_sync_response(result->body);
    if (!parsed) {
        return std::unexpected(http::shape_error(result->status, parsed.error()));
    }
    WriteBackResult out;
    for (const auto& entity : parsed->entities) {
        out.updated_at[entity.id] = entity.updated_at;
    }
    for (const auto& e : parsed->errors) {
        if (e.id) {
            out.refused[*e.id] =
                e.message.empty() ? std::string("refused by direct_costs/sync") : e.message;
        }
    }
    for (const auto& item : items) {
        if (!out.updated_at.contains(item.id) && !out.refused.contains(item.id)) {
            out.refused[item.id] = k_not_listed;
        }
    }
    return out;
}

} // namespace mlc::procore
