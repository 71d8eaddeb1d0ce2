#include "procore/vendors.hpp"

#include "core/json.hpp"
#include "core/json_writer.hpp"

#include <utility>

namespace mlc::procore {

namespace {

void write_vendor_item(json::Writer& w, const VendorSyncItem& item)
{
    w.begin_object();
    if (item.id) {
        w.field("id", *item.id);
    }
    w.field("origin_id", item.origin_id);
    w.field_if_set("origin_code", item.origin_code);
    w.field_if_set("origin_data", item.origin_data);
    w.field("name", item.name);
    w.field_if_set("address", item.address);
    w.field_if_set("city", item.city);
    w.field_if_set("state_code", item.state_code);
    w.field_if_set("zip", item.zip);
    w.field_if_set("country_code", item.country_code);
    w.field("is_active", item.is_active);
    w.end_object();
}

// "field: msg, msg; field: msg" from {"errors":{field:[msg…]}} (or a string / array of strings).
std::string flatten_errors(const rapidjson::Value& item)
{
    const auto* errors = json::find(item, "errors");
    if (errors == nullptr) {
        return "rejected (no message)";
    }
    if (errors->IsString()) {
        return errors->GetString();
    }
    std::string out;
    auto add_messages = [&out](const rapidjson::Value& v) {
        if (v.IsString()) {
            out += v.GetString();
        } else if (v.IsArray()) {
            bool first = true;
            for (const auto& m : v.GetArray()) {
                if (!first) {
                    out += ", ";
                }
                first = false;
                out += m.IsString() ? std::string(m.GetString()) : json::to_string(m);
            }
        } else {
            out += json::to_string(v);
        }
    };
    if (errors->IsObject()) {
        for (const auto& m : errors->GetObject()) {
            if (!out.empty()) {
                out += "; ";
            }
            out += std::string(m.name.GetString()) + ": ";
            add_messages(m.value);
        }
    } else {
        add_messages(*errors);
    }
    return out.empty() ? "rejected (no message)" : out;
}

// origin_id may come back as a string or a number.
std::string origin_id_of(const rapidjson::Value& item)
{
    const auto* v = json::find(item, "origin_id");
    if (v == nullptr || v->IsNull()) {
        return {};
    }
    if (v->IsString()) {
        return std::string(v->GetString(), v->GetStringLength());
    }
    if (v->IsInt64()) {
        return std::to_string(v->GetInt64());
    }
    return json::to_string(*v);
}

} // namespace

std::string vendor_sync_item_json(const VendorSyncItem& item)
{
    json::Writer w;
    write_vendor_item(w, item);
    return w.str();
}

std::string sync_body(std::int64_t company_id,
                      const std::vector<std::pair<std::string, std::int64_t>>& scope,
                      const std::vector<std::string>& item_jsons)
{
    json::Writer w;
    w.begin_object();
    w.field("company_id", company_id);
    for (const auto& [key, value] : scope) {
        w.field(key, value);
    }
    w.key("updates").begin_array();
    for (const auto& item : item_jsons) {
        w.raw_json(item);
    }
    w.end_array();
    w.end_object();
    return w.str();
}

std::string vendor_sync_body(std::int64_t company_id, const std::vector<VendorSyncItem>& items)
{
    std::vector<std::string> jsons;
    jsons.reserve(items.size());
    for (const auto& item : items) {
        jsons.push_back(vendor_sync_item_json(item));
    }
    return sync_body(company_id, {}, jsons);
}

std::expected<SyncResult, std::string> parse_sync_response(const std::string& body)
{
    auto doc = json::parse_in_place(body); // the document does not leave this function
    if (!doc) {
        return std::unexpected("malformed JSON: " + doc.error().message);
    }
    const rapidjson::Value* entities = nullptr;
    const rapidjson::Value* errors = nullptr;
    if (doc->IsArray()) {
        entities = &*doc;
    } else if (doc->IsObject()) {
        entities = json::find(*doc, "entities");
        errors = json::find(*doc, "errors");
        if (entities == nullptr && errors == nullptr) {
            return std::unexpected(std::string("sync answer has neither entities nor errors"));
        }
    } else {
        return std::unexpected(std::string("sync answer is not an object"));
    }
    SyncResult result;
    if (entities != nullptr) {
        if (!entities->IsArray()) {
            return std::unexpected(std::string("entities is not an array"));
        }
        for (const auto& e : entities->GetArray()) {
            const auto id = json::get_id(e, "id");
            if (!id) {
                return std::unexpected(std::string("an entity has no integer id"));
            }
            result.entities.push_back(
                SyncEntity{.id = *id,
                           .origin_id = origin_id_of(e),
                           .updated_at = json::get_string(e, "updated_at").value_or("")});
        }
    }
    if (errors != nullptr && !errors->IsNull()) {
        if (!errors->IsArray()) {
            return std::unexpected(std::string("errors is not an array"));
        }
        for (const auto& e : errors->GetArray()) {
            SyncItemError err;
            if (auto id = json::get_id(e, "id"); id && *id != 0) {
                err.id = id;
            }
            err.origin_id = origin_id_of(e);
            err.message = flatten_errors(e);
            result.errors.push_back(std::move(err));
        }
    }
    return result;
}

namespace {

std::expected<Vendor, std::string> vendor_of(const rapidjson::Value& item)
{
    const auto id = json::get_id(item, "id");
    if (!item.IsObject() || !id) {
        return std::unexpected(std::string("vendors: item without an integer id"));
    }
    Vendor v;
    v.id = *id;
    v.name = json::get_string(item, "name").value_or("");
    v.origin_id = origin_id_of(item);
    v.origin_code = json::get_string(item, "origin_code").value_or("");
    v.is_active = json::get_bool(item, "is_active").value_or(true);
    if (const auto* reg = json::find(item, "business_register");
        reg != nullptr && reg->IsObject()) {
        v.tax_id = json::get_string(*reg, "identifier").value_or("");
    }
    if (v.tax_id.empty()) {
        v.tax_id = json::get_string(item, "business_id").value_or("");
    }
    v.address = json::get_string(item, "address").value_or("");
    v.city = json::get_string(item, "city").value_or("");
    v.state_code = json::get_string(item, "state_code").value_or("");
    v.zip = json::get_string(item, "zip").value_or("");
    v.country_code = json::get_string(item, "country_code").value_or("");
    return v;
}

} // namespace

std::expected<std::vector<Vendor>, std::string> parse_vendor_list(const std::string& body)
{
    auto doc = json::parse(body);
    if (!doc) {
        return std::unexpected("malformed JSON: " + doc.error().message);
    }
    if (!doc->IsArray()) {
        return std::unexpected(std::string("vendors: expected an array"));
    }
    std::vector<Vendor> out;
    out.reserve(doc->Size());
    for (const auto& item : doc->GetArray()) {
        auto v = vendor_of(item);
        if (!v) {
            return std::unexpected(v.error());
        }
        out.push_back(std::move(*v));
    }
    return out;
}

std::expected<Vendor, std::string> parse_vendor(const std::string& body)
{
    auto doc = json::parse(body);
    if (!doc) {
        return std::unexpected("malformed JSON: " + doc.error().message);
    }
    return vendor_of(*doc);
}

http::Result send_json(http::Client& http, const std::string& method, const std::string& url,
                       const std::string& body, const std::string& path_template, bool idempotent)
{
    http::Request request;
    request.method = method;
    request.url = url;
    request.headers.set("Accept", "application/json");
    request.headers.set("Content-Type", "application/json");
    request.body = body;
    return http.send(std::move(request),
                     {.path_template = path_template, .idempotent = idempotent});
}

VendorApi::VendorApi(http::Client& http, std::string base_url, std::int64_t company_id)
    : http_(http), base_url_(std::move(base_url)), company_id_(company_id)
{
    while (!base_url_.empty() && base_url_.back() == '/') {
        base_url_.pop_back();
    }
}

std::expected<SyncResult, http::Error> send_sync(http::Client& http, const std::string& base_url,
                                                 const std::string& path, const std::string& body)
{
    // Not resent by the HTTP layer after a possible application (a dropped answer, a 5xx): the
    // engine's outbox looks the items up first, so a lost answer never costs a blind resend.
    auto result = send_json(http, "PATCH", base_url + path, body, path, /*idempotent=*/false);
    if (!result) {
        return std::unexpected(result.error());
    }
    auto parsed = parse_sync_response(result->body);
    if (!parsed) {
        return std::unexpected(http::shape_error(result->status, parsed.error()));
    }
    return std::move(*parsed);
}

namespace {

PageHandler vendor_pages(const VendorApi::VendorSink& sink)
{
    return [&sink](const std::string& body) -> std::expected<PageCount, std::string> {
        auto vendors = parse_vendor_list(body);
        if (!vendors) {
            return std::unexpected(vendors.error());
        }
        PageCount c{static_cast<std::int64_t>(vendors->size()),
                    vendors->empty() ? 0 : vendors->front().id};
        sink(*vendors);
        return c;
    };
}

} // namespace

std::expected<std::int64_t, http::Error> VendorApi::list(const VendorSink& sink, int per_page)
{
    return list_pages(http_,
                      base_url_ + "/rest/v1.0/vendors?company_id=" + std::to_string(company_id_),
                      "/rest/v1.0/vendors", per_page, vendor_pages(sink));
}

std::expected<std::int64_t, http::Error> VendorApi::list_inactive(const VendorSink& sink,
                                                                  int per_page)
{
    const std::string path =
        "/rest/v1.0/companies/" + std::to_string(company_id_) + "/vendors/inactive";
    return list_pages(http_, base_url_ + path + "?company_id=" + std::to_string(company_id_),
                      "/rest/v1.0/companies/{id}/vendors/inactive", per_page, vendor_pages(sink));
}

std::expected<std::int64_t, http::Error> list_pages(http::Client& http, const std::string& url,
                                                    const std::string& path_template, int per_page,
                                                    const PageHandler& on_page)
{
    std::int64_t total = 0;
    std::int64_t first_of_last_page = 0;
    for (int page = 1;; ++page) {
        http::Request request;
        request.method = "GET";
        request.url = url + (url.find('?') == std::string::npos ? "?" : "&")
                      + "page=" + std::to_string(page) + "&per_page=" + std::to_string(per_page);
        request.headers.set("Accept", "application/json");
        auto result =
            http.send(std::move(request), {.path_template = path_template, .idempotent = true});
        if (!result) {
            return std::unexpected(result.error());
        }
        auto counted = on_page(result->body);
        if (!counted) {
            return std::unexpected(http::shape_error(result->status, counted.error()));
        }
        // An endpoint that ignores page/per_page answers the same page again: stop there
        // rather than list it forever.
        if (counted->count > 0 && page > 1 && counted->first_id == first_of_last_page) {
            break;
        }
        first_of_last_page = counted->first_id;
        const auto n = counted->count;
        total += n;
        // The server may cap per_page below what we asked: trust Per-Page when it says so.
        std::int64_t page_size = per_page;
        if (auto pp = result->headers.get("Per-Page")) {
            try {
                page_size = std::stoll(*pp);
            } catch (const std::exception&) {
                page_size = per_page;
            }
        }
        if (n == 0 || n < page_size) {
            break;
        }
        if (auto t = result->headers.get("Total")) {
            try {
                if (total >= std::stoll(*t)) {
                    break;
                }
            } catch (const std::exception&) {
                // No usable Total: the short-page rule ends the loop.
            }
        }
    }
    return total;
}

std::expected<std::optional<Vendor>, http::Error> VendorApi::get(std::int64_t id)
{
    http::Request request;
    request.method = "GET";
    request.url = base_url_ + "/rest/v1.0/vendors/" + std::to_string(id)
                  + "?company_id=" + std::to_string(company_id_);
    request.headers.set("Accept", "application/json");
    auto result = http_.send(std::move(request),
                             {.path_template = "/rest/v1.0/vendors/{id}", .idempotent = true});
    if (!result) {
        if (result.error().kind == http::ErrorKind::status && result.error().status == 404) {
            return std::optional<Vendor>{};
        }
        return std::unexpected(result.error());
    }
    auto vendor = parse_vendor(result->body);
    if (!vendor) {
        return std::unexpected(http::shape_error(result->status, vendor.error()));
    }
    return std::optional<Vendor>(std::move(*vendor));
}

std::expected<SyncResult, http::Error> VendorApi::sync(const std::vector<VendorSyncItem>& items)
{
    return sync_body_text(vendor_sync_body(company_id_, items));
}

std::expected<SyncResult, http::Error> VendorApi::sync_body_text(const std::string& body)
{
    return send_sync(http_, base_url_, "/rest/v1.0/vendors/sync", body);
}

} // namespace mlc::procore
