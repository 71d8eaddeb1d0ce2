#include "procore/requisitions.hpp"

#include "core/json.hpp"
#include "core/json_writer.hpp"
#include "procore/read_support.hpp"
#include "procore/vendors.hpp"

#include <utility>

namespace mlc::procore {

namespace {

using read::decimal_of;
using read::text;

std::expected<RequisitionLine, std::string> requisition_line_of(const rapidjson::Value& item,
                                                                const std::string& where)
{
    const auto id = json::get_id(item, "id");
    if (!item.IsObject() || !id) {
        return std::unexpected(where + ": a detail line without an integer id");
    }
    RequisitionLine l;
    l.id = *id;
    const std::string here = where + ", line " + std::to_string(l.id);
    l.item_type = text(item, "item_type");
    l.item_number = json::get_id(item, "item_number").value_or(0);
    l.cost_code_id = read::id_flat_or_nested(item, "cost_code_id", "cost_code");
    l.description = text(item, "description_of_work");
    if (l.description.empty()) {
        l.description = text(item, "description");
    }
    const std::pair<const char*, std::string*> amounts[] = {
        {"work_completed_this_period", &l.work_completed},
        {"materials_presently_stored", &l.materials_stored},
        {"work_completed_retainage_retained_this_period", &l.work_retained},
        {"materials_stored_retainage_retained_this_period", &l.materials_retained},
        {"work_completed_retainage_released_this_period", &l.work_released},
        {"materials_stored_retainage_released_this_period", &l.materials_released},
    };
    for (const auto& [key, out] : amounts) {
        auto v = decimal_of(item, key, here);
        if (!v) {
            return std::unexpected(v.error());
        }
        *out = std::move(*v);
    }
    return l;
}

std::expected<Requisition, std::string> requisition_of(const rapidjson::Value& item)
{
    const auto id = json::get_id(item, "id");
    if (!item.IsObject() || !id) {
        return std::unexpected(std::string("requisitions: item without an integer id"));
    }
    Requisition r;
    r.id = *id;
    const std::string where = "requisition " + std::to_string(r.id);
    r.project_id = read::id_flat_or_nested(item, "project_id", "project");
    r.commitment_id = read::id_flat_or_nested(item, "commitment_id", "commitment");
    if (r.commitment_id == 0) {
        r.commitment_id = read::id_flat_or_nested(item, "contract_id", "contract");
    }
    r.commitment_type = text(item, "commitment_type");
    r.number = json::get_id(item, "number").value_or(0);
    r.invoice_number = text(item, "invoice_number");
    r.status = text(item, "status");
    r.billing_date = read::date_part(text(item, "billing_date"));
    // The SDK names the period requisition_start / requisition_end; period_start / period_end
    // are taken too (unconfirmed which a given API version sends).
    r.period_start = read::date_part(text(item, "requisition_start"));
    if (r.period_start.empty()) {
        r.period_start = read::date_part(text(item, "period_start"));
    }
    r.period_end = read::date_part(text(item, "requisition_end"));
    if (r.period_end.empty()) {
        r.period_end = read::date_part(text(item, "period_end"));
    }
    r.vendor_name = text(item, "vendor_name");
    if (r.vendor_name.empty()) {
        if (const auto* v = read::object_member(item, "vendor")) {
            r.vendor_name = text(*v, "name");
        }
    }
    auto claimed = decimal_of(item, "total_claimed_amount", where);
    if (!claimed) {
        return std::unexpected(claimed.error());
    }
    r.total_claimed = std::move(*claimed);
    if (const auto* summary = read::object_member(item, "summary")) {
        auto due = decimal_of(*summary, "current_payment_due", where + " summary");
        auto retained = decimal_of(*summary, "total_retainage", where + " summary");
        if (!due) {
            return std::unexpected(due.error());
        }
        if (!retained) {
            return std::unexpected(retained.error());
        }
        r.payment_due = std::move(*due);
        r.total_retainage = std::move(*retained);
    }
    r.origin_id = text(item, "origin_id");
    r.updated_at = text(item, "updated_at");
    return r;
}

} // namespace

std::expected<Requisition, std::string> parse_requisition(const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(read::parse_error_text(doc.error()));
    }
    return requisition_of(*doc);
}

std::expected<std::vector<Requisition>, std::string> parse_requisition_list(const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(read::parse_error_text(doc.error()));
    }
    if (!doc->IsArray()) {
        return std::unexpected(std::string("requisitions: expected an array"));
    }
    std::vector<Requisition> out;
    out.reserve(doc->Size());
    for (const auto& item : doc->GetArray()) {
        auto r = requisition_of(item);
        if (!r) {
            return std::unexpected(r.error());
        }
        out.push_back(std::move(*r));
    }
    return out;
}

std::expected<std::vector<RequisitionLine>, std::string>
parse_requisition_detail(const std::string& body, std::int64_t requisition_id)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(read::parse_error_text(doc.error()));
    }
    const std::string where = "requisition " + std::to_string(requisition_id) + " detail";
    const rapidjson::Value* lines = doc->IsArray() ? &*doc : nullptr;
    if (lines == nullptr && doc->IsObject()) {
        for (const char* key : {"line_items", "data"}) {
            if (const auto* v = json::find(*doc, key); v != nullptr && v->IsArray()) {
                lines = v;
                break;
            }
        }
    }
    if (lines == nullptr) {
        return std::unexpected(where + ": expected an array of lines");
    }
    std::vector<RequisitionLine> out;
    out.reserve(lines->Size());
    for (const auto& item : lines->GetArray()) {
        auto l = requisition_line_of(item, where);
        if (!l) {
            return std::unexpected(l.error());
        }
        out.push_back(std::move(*l));
    }
    return out;
}

RequisitionApi::RequisitionApi(http::Client& http, std::string base_url)
    : http_(http), base_url_(std::move(base_url))
{
    while (!base_url_.empty() && base_url_.back() == '/') {
        base_url_.pop_back();
    }
}

std::expected<std::int64_t, http::Error> RequisitionApi::list_updated(std::int64_t project_id,
                                                                      const std::string& since,
                                                                      const std::string& until,
                                                                      const RequisitionSink& sink)
{
    const std::string url = base_url_ + "/rest/v1.0/requisitions?project_id="
                            + std::to_string(project_id) + "&" + read::updated_range(since, until);
    return list_pages(http_, url, "/rest/v1.0/requisitions", 1000,
                      [&sink](const std::string& body) -> std::expected<PageCount, std::string> {
                          auto page = parse_requisition_list(body);
                          if (!page) {
                              return std::unexpected(page.error());
                          }
                          const PageCount count{static_cast<std::int64_t>(page->size()),
                                                page->empty() ? 0 : page->front().id};
                          sink(*page);
                          return count;
                      });
}

namespace {

http::Result get_json(http::Client& http, const std::string& url, const std::string& path_template)
{
    http::Request request;
    request.method = "GET";
    request.url = url;
    request.headers.set("Accept", "application/json");
    return http.send(std::move(request), {.path_template = path_template, .idempotent = true});
}

} // namespace

std::expected<std::optional<Requisition>, http::Error> RequisitionApi::get(std::int64_t project_id,
                                                                           std::int64_t id)
{
    auto result = get_json(http_,
                           base_url_ + "/rest/v1.0/requisitions/" + std::to_string(id)
                               + "?project_id=" + std::to_string(project_id),
                           "/rest/v1.0/requisitions/{id}");
    if (!result) {
        if (read::is_not_found(result.error())) {
            return std::optional<Requisition>{};
        }
        return std::unexpected(result.error());
    }
    auto r = parse_requisition(result->body);
    if (!r) {
        return std::unexpected(http::shape_error(result->status, r.error()));
    }
    if (r->project_id == 0) {
        r->project_id = project_id;
    }
    return std::optional<Requisition>(std::move(*r));
}

std::expected<std::vector<RequisitionLine>, http::Error>
RequisitionApi::detail(std::int64_t project_id, std::int64_t id)
{
    auto result = get_json(http_,
                           base_url_ + "/rest/v1.0/requisitions/" + std::to_string(id)
                               + "/detail?project_id=" + std::to_string(project_id),
                           "/rest/v1.0/requisitions/{id}/detail");
    if (!result) {
        return std::unexpected(result.error());
    }
    auto lines = parse_requisition_detail(result->body, id);
    if (!lines) {
        return std::unexpected(http::shape_error(result->status, lines.error()));
    }
    return std::move(*lines);
}

std::expected<std::string, http::Error> RequisitionApi::write_back(std::int64_t project_id,
                                                                   std::int64_t id,
                                                                   const std::string& origin_id,
                                                                   const std::string& origin_data)
{
    json::Writer w;
    w.begin_object();
    w.key("requisition").begin_object();
    w.field("origin_id", origin_id);
    w.field("origin_data", origin_data);
    w.end_object();
    w.end_object();
    auto result = send_json(http_, "PATCH",
                            base_url_ + "/rest/v1.0/requisitions/" + std::to_string(id)
                                + "?project_id=" + std::to_string(project_id),
                            w.str(), "/rest/v1.0/requisitions/{id}", /*idempotent=*/true);
    if (!result) {
        return std::unexpected(result.error());
    }
    auto written = parse_requisition(result->body);
    return written ? written->updated_at : std::string();
}

} // namespace mlc::procore
