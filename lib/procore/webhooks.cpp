#include "procore/webhooks.hpp"

#include "core/json.hpp"
#include "core/json_writer.hpp"
#include "procore/vendors.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace mlc::procore {

namespace {

constexpr const char* k_hooks = "/rest/v1.0/webhooks/hooks";
constexpr const char* k_hook = "/rest/v1.0/webhooks/hooks/{id}";
constexpr const char* k_triggers = "/rest/v1.0/webhooks/hooks/{id}/triggers";
constexpr const char* k_trigger = "/rest/v1.0/webhooks/hooks/{id}/triggers/{id}";
constexpr const char* k_deliveries = "/rest/v1.0/webhooks/hooks/{id}/deliveries";
constexpr const char* k_resources = "/rest/v1.0/webhooks/resources";

// An id as exact decimal text, whether sent as a JSON integer (any size that fits 64 bits) or a
// string; never through a double.
std::string id_text(const rapidjson::Value* v)
{
    if (v == nullptr || v->IsNull()) {
        return {};
    }
    if (v->IsUint64()) {
        return std::to_string(v->GetUint64());
    }
    if (v->IsInt64()) {
        return std::to_string(v->GetInt64());
    }
    if (v->IsString()) {
        return {v->GetString(), v->GetStringLength()};
    }
    return {};
}

std::optional<std::int64_t> optional_id(const rapidjson::Value& obj, const char* key)
{
    const auto* v = json::find(obj, key);
    if (v == nullptr || v->IsNull()) {
        return std::nullopt;
    }
    return json::get_id(obj, key);
}

std::expected<Hook, std::string> read_hook(const rapidjson::Value& item)
{
    const auto id = json::get_id(item, "id");
    if (!item.IsObject() || !id) {
        return std::unexpected(std::string("hook without an integer id"));
    }
    Hook h;
    h.id = *id;
    h.project_id = optional_id(item, "owned_by_project_id");
    if (!h.project_id) {
        h.project_id = optional_id(item, "project_id");
    }
    h.namespace_name = json::get_string(item, "namespace").value_or("");
    h.api_version = json::get_string(item, "api_version").value_or("");
    h.destination_url = json::get_string(item, "destination_url").value_or("");
    if (const auto* headers = json::find(item, "destination_headers");
        headers != nullptr && headers->IsObject()) {
        for (const auto& m : headers->GetObject()) {
            if (m.value.IsString()) {
                h.destination_headers.emplace_back(
                    std::string(m.name.GetString(), m.name.GetStringLength()),
                    std::string(m.value.GetString(), m.value.GetStringLength()));
            }
        }
    }
    return h;
}

std::expected<Trigger, std::string> read_trigger(const rapidjson::Value& item)
{
    const auto id = json::get_id(item, "id");
    if (!item.IsObject() || !id) {
        return std::unexpected(std::string("trigger without an integer id"));
    }
    Trigger t;
    t.id = *id;
    t.resource_name = json::get_string(item, "resource_name").value_or("");
    t.event_type = json::get_string(item, "event_type").value_or("");
    t.api_version = json::get_string(item, "api_version").value_or("");
    t.company_id = optional_id(item, "company_id");
    t.project_id = optional_id(item, "project_id");
    return t;
}

template <typename T, typename Read>
std::expected<std::vector<T>, std::string> read_array(const std::string& body, const char* what,
                                                      Read read)
{
    auto doc = json::parse(body);
    if (!doc) {
        return std::unexpected("malformed JSON: " + doc.error().message);
    }
    if (!doc->IsArray()) {
        return std::unexpected(std::string(what) + ": expected an array");
    }
    std::vector<T> out;
    out.reserve(doc->Size());
    for (const auto& item : doc->GetArray()) {
        auto x = read(item);
        if (!x) {
            return std::unexpected(std::string(what) + ": " + x.error());
        }
        out.push_back(std::move(*x));
    }
    return out;
}

template <typename T, typename Read>
std::expected<T, std::string> read_object(const std::string& body, Read read)
{
    auto doc = json::parse(body);
    if (!doc) {
        return std::unexpected("malformed JSON: " + doc.error().message);
    }
    return read(*doc);
}

template <typename T>
std::expected<T, http::Error> shaped(const http::Result& result,
                                     const std::expected<T, std::string>& parsed)
{
    if (!parsed) {
        return std::unexpected(http::shape_error(result->status, parsed.error()));
    }
    return *parsed;
}

std::vector<std::string> string_array(const rapidjson::Value* v)
{
    std::vector<std::string> out;
    if (v != nullptr && v->IsArray()) {
        for (const auto& e : v->GetArray()) {
            if (e.IsString()) {
                std::string s(e.GetString(), e.GetStringLength());
                std::transform(s.begin(), s.end(), s.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                out.push_back(std::move(s));
            }
        }
    }
    return out;
}

// One listed resource; nullopt for an item that is not one (no name).
std::optional<WebhookResource> read_resource(const rapidjson::Value& item)
{
    if (!item.IsObject()) {
        return std::nullopt;
    }
    auto name = json::get_string(item, "name");
    if (!name || name->empty()) {
        name = json::get_string(item, "friendly_name");
    }
    if (!name || name->empty()) {
        return std::nullopt;
    }
    WebhookResource r;
    r.name = *name;
    for (const char* key : {"actions", "event_types", "events", "supported_event_types"}) {
        if (const auto* v = json::find(item, key); v != nullptr && v->IsArray()) {
            r.event_types = string_array(v);
            return r;
        }
    }
    const auto except = string_array(json::find(item, "except"));
    for (const char* type : {"create", "update", "delete"}) {
        if (std::find(except.begin(), except.end(), type) == except.end()) {
            r.event_types.emplace_back(type);
        }
    }
    return r;
}

// Appends the resources of an array; false when `v` is not an array.
bool read_resource_array(const rapidjson::Value& v, std::vector<WebhookResource>& out)
{
    if (!v.IsArray()) {
        return false;
    }
    for (const auto& item : v.GetArray()) {
        if (auto r = read_resource(item)) {
            out.push_back(std::move(*r));
        }
    }
    return true;
}

} // namespace

std::expected<std::vector<WebhookResource>, std::string>
parse_webhook_resources(const std::string& body)
{
    auto doc = json::parse(body);
    if (!doc) {
        return std::unexpected("malformed JSON: " + doc.error().message);
    }
    std::vector<WebhookResource> out;
    if (read_resource_array(*doc, out)) {
        return out;
    }
    if (!doc->IsObject()) {
        return std::unexpected(std::string("webhook resources: expected an array or an object"));
    }
    if (const auto* data = json::find(*doc, "data"); data != nullptr && data->IsArray()) {
        read_resource_array(*data, out);
        return out;
    }
    // Grouped: {"company": [...], "project": [...]} or similar.
    bool any = false;
    for (const auto& m : doc->GetObject()) {
        any = read_resource_array(m.value, out) || any;
    }
    if (!any) {
        return std::unexpected(std::string("webhook resources: no list of resources"));
    }
    return out;
}

const std::vector<WebhookResource>& documented_webhook_resources()
{
    static const std::vector<WebhookResource> k_documented = [] {
        const std::vector<std::string> all{"create", "update", "delete"};
        const std::vector<std::string> no_delete{"create", "update"};
        std::vector<WebhookResource> out;
        for (const char* name : {"Company Users", "Company Vendors", "Projects"}) {
            out.push_back({name, no_delete});
        }
        out.push_back({"Standard Cost Code Lists", {"create"}});
        for (const char* name : {"Standard Cost Codes",
                                 "ERP Requests",
                                 "Line Item Types",
                                 "Departments",
                                 "Purchase Order Contracts",
                                 "Purchase Order Contract Line Items",
                                 "Work Order Contracts",
                                 "Work Order Contract Line Items",
                                 "Direct Costs",
                                 "Direct Cost Line Items",
                                 "Company Direct Cost Line Items",
                                 "Change Order Packages",
                                 "Change Order Requests",
                                 "Potential Change Orders",
                                 "Change Events",
                                 "Contract Payments",
                                 "Budget Line Items",
                                 "Cost Codes",
                                 "Prime Contracts",
                                 "Payment Applications",
                                 "Project Users",
                                 "Project Vendors",
                                 "RFIs"}) {
            out.push_back({name, all});
        }
        return out;
    }();
    return k_documented;
}

std::string normalize_api_version(const std::string& version)
{
    if (version == "v2" || version == "v2.0") {
        return "v2.0";
    }
    if (version == "v3" || version == "v3.0") {
        return "v3.0";
    }
    if (version == "v4" || version == "v4.0") {
        return "v4.0";
    }
    return version;
}

std::expected<std::vector<Hook>, std::string> parse_hooks(const std::string& body)
{
    return read_array<Hook>(body, "hooks", read_hook);
}

std::expected<Hook, std::string> parse_hook(const std::string& body)
{
    return read_object<Hook>(body, read_hook);
}

std::expected<std::vector<Trigger>, std::string> parse_triggers(const std::string& body)
{
    return read_array<Trigger>(body, "triggers", read_trigger);
}

std::expected<Trigger, std::string> parse_trigger(const std::string& body)
{
    return read_object<Trigger>(body, read_trigger);
}

std::expected<std::vector<Delivery>, std::string> parse_deliveries(const std::string& body)
{
    return read_array<Delivery>(
        body, "deliveries",
        [](const rapidjson::Value& item) -> std::expected<Delivery, std::string> {
            const auto id = json::get_id(item, "id");
            if (!item.IsObject() || !id) {
                return std::unexpected(std::string("delivery without an integer id"));
            }
            Delivery d;
            d.id = *id;
            d.event_id = id_text(json::find(item, "event_id"));
            if (const auto* ev = json::find(item, "event"); ev != nullptr && ev->IsObject()) {
                d.event_json = json::to_string(*ev);
                if (d.event_id.empty()) {
                    d.event_id = id_text(json::find(*ev, "id"));
                }
            }
            d.outcome = json::get_string(item, "outcome").value_or("");
            d.response_status = json::get_int(item, "response_status");
            d.response_error = json::get_string(item, "response_error").value_or("");
            d.started_at = json::get_string(item, "started_at").value_or("");
            d.completed_at = json::get_string(item, "completed_at").value_or("");
            return d;
        });
}

std::string hook_body(std::int64_t company_id, const HookSpec& spec)
{
    json::Writer w;
    w.begin_object();
    w.field("company_id", company_id);
    w.key("hook").begin_object();
    w.field("namespace", spec.namespace_name);
    w.field("api_version", spec.api_version);
    w.field("destination_url", spec.destination_url);
    w.key("destination_headers").begin_object();
    for (const auto& [name, value] : spec.destination_headers) {
        w.field(name, value);
    }
    w.end_object();
    w.end_object();
    w.end_object();
    return w.str();
}

std::string trigger_body(std::int64_t company_id, const std::string& api_version,
                         const std::string& resource_name, const std::string& event_type)
{
    json::Writer w;
    w.begin_object();
    w.field("company_id", company_id);
    w.field("api_version", api_version);
    w.key("trigger").begin_object();
    w.field("resource_name", resource_name);
    w.field("event_type", event_type);
    w.end_object();
    w.end_object();
    return w.str();
}

WebhookApi::WebhookApi(http::Client& http, std::string base_url, std::int64_t company_id)
    : http_(http), base_url_(std::move(base_url)), company_id_(company_id)
{
    while (!base_url_.empty() && base_url_.back() == '/') {
        base_url_.pop_back();
    }
}

std::string WebhookApi::company_query() const
{
    return "company_id=" + std::to_string(company_id_);
}

std::expected<std::vector<Hook>, http::Error> WebhookApi::list_hooks()
{
    auto result = send_json(http_, "GET", base_url_ + k_hooks + "?" + company_query(), "", k_hooks,
                            /*idempotent=*/true);
    if (!result) {
        return std::unexpected(result.error());
    }
    return shaped(result, parse_hooks(result->body));
}

std::expected<Hook, http::Error> WebhookApi::create_hook(const HookSpec& spec)
{
    // Not idempotent: a resend after a lost answer could make a second hook (install finds
    // hooks by namespace first, so a rerun repairs that case).
    auto result = send_json(http_, "POST", base_url_ + k_hooks, hook_body(company_id_, spec),
                            k_hooks, /*idempotent=*/false);
    if (!result) {
        return std::unexpected(result.error());
    }
    return shaped(result, parse_hook(result->body));
}

std::expected<Hook, http::Error> WebhookApi::update_hook(std::int64_t hook_id, const HookSpec& spec)
{
    auto result = send_json(
        http_, "PATCH", base_url_ + k_hooks + "/" + std::to_string(hook_id) + "?" + company_query(),
        hook_body(company_id_, spec), k_hook, /*idempotent=*/true);
    if (!result) {
        return std::unexpected(result.error());
    }
    return shaped(result, parse_hook(result->body));
}

std::expected<std::vector<Trigger>, http::Error> WebhookApi::list_triggers(std::int64_t hook_id)
{
    auto result = send_json(http_, "GET",
                            base_url_ + k_hooks + "/" + std::to_string(hook_id) + "/triggers?"
                                + company_query(),
                            "", k_triggers, /*idempotent=*/true);
    if (!result) {
        return std::unexpected(result.error());
    }
    return shaped(result, parse_triggers(result->body));
}

std::expected<Trigger, http::Error> WebhookApi::create_trigger(std::int64_t hook_id,
                                                               const std::string& api_version,
                                                               const std::string& resource_name,
                                                               const std::string& event_type)
{
    auto result =
        send_json(http_, "POST", base_url_ + k_hooks + "/" + std::to_string(hook_id) + "/triggers",
                  trigger_body(company_id_, api_version, resource_name, event_type), k_triggers,
                  /*idempotent=*/false);
    if (!result) {
        return std::unexpected(result.error());
    }
    return shaped(result, parse_trigger(result->body));
}

std::expected<void, http::Error> WebhookApi::delete_trigger(std::int64_t hook_id,
                                                            std::int64_t trigger_id)
{
    auto result = send_json(http_, "DELETE",
                            base_url_ + k_hooks + "/" + std::to_string(hook_id) + "/triggers/"
                                + std::to_string(trigger_id) + "?" + company_query(),
                            "", k_trigger, /*idempotent=*/true);
    if (!result) {
        return std::unexpected(result.error());
    }
    return {};
}

std::expected<std::vector<WebhookResource>, http::Error> WebhookApi::list_resources()
{
    auto result = send_json(http_, "GET", base_url_ + k_resources + "?" + company_query(), "",
                            k_resources, /*idempotent=*/true);
    if (!result) {
        return std::unexpected(result.error());
    }
    return shaped(result, parse_webhook_resources(result->body));
}

std::expected<std::int64_t, http::Error>
WebhookApi::list_deliveries(std::int64_t hook_id, const std::string& status,
                            const std::function<void(std::vector<Delivery>&)>& sink, int page_size)
{
    std::int64_t total = 0;
    std::optional<std::int64_t> page_start;
    for (;;) {
        std::string url = base_url_ + k_hooks + "/" + std::to_string(hook_id) + "/deliveries?"
                          + company_query() + "&" + http::url_encode("filters[status]") + "="
                          + http::url_encode(status) + "&page_size=" + std::to_string(page_size);
        if (page_start) {
            url += "&page_start=" + std::to_string(*page_start);
        }
        auto result = send_json(http_, "GET", url, "", k_deliveries, /*idempotent=*/true);
        if (!result) {
            return std::unexpected(result.error());
        }
        auto page = parse_deliveries(result->body);
        if (!page) {
            return std::unexpected(http::shape_error(result->status, page.error()));
        }
        const auto n = static_cast<std::int64_t>(page->size());
        total += n;
        const std::optional<std::int64_t> last =
            page->empty() ? std::nullopt : std::optional(page->back().id);
        sink(*page);
        // A short page is the last; a cursor that does not move would loop forever.
        if (n < page_size || !last || (page_start && *last <= *page_start)) {
            break;
        }
        page_start = last;
    }
    return total;
}

} // namespace mlc::procore
