#pragma once
// The Procore webhooks API as plain structs: company hooks (list, create, update), their
// triggers (list, create, delete) and the deliveries history (filters[status], cursor paging by
// page_size/page_start). JSON stays in here. A hook's destination_headers carry the webhook
// secret: callers must have registered it with the log redactor (auth::resolve_secret does).
#include "http/client.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlc::procore {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Hook {
    std::int64_t id = 0;
    std::optional<std::int64_t> project_id; // set for a project-scoped hook
    std::string namespace_name;
    std::string api_version;
    std::string destination_url;
    HeaderList destination_headers; // as Procore returns them (may hold the secret)
};

// What we want a hook to be. Header values are secrets: never log a HookSpec.
struct HookSpec {
    std::string namespace_name;
    std::string api_version = "v2";
    std::string destination_url;
    HeaderList destination_headers;
};

struct Trigger {
    std::int64_t id = 0;
    std::string resource_name;
    std::string event_type;
    std::string api_version;
    std::optional<std::int64_t> company_id;
    std::optional<std::int64_t> project_id;
};

// A resource Procore can send webhooks for, and the event types it supports.
struct WebhookResource {
    std::string name;                     // "Company Vendors"
    std::vector<std::string> event_types; // of create, update, delete (and any other it names)
};

struct Delivery {
    std::int64_t id = 0;
    std::string event_id;   // exact decimal text (beyond 2^53)
    std::string event_json; // the event payload as sent, compact JSON ("" when absent)
    std::string outcome;    // ok, retried, failed, discarded
    std::optional<int> response_status;
    std::string response_error;
    std::string started_at;
    std::string completed_at;
};

// "v2", "v2.0" -> "v2.0": the two spellings Procore accepts for one payload version.
std::string normalize_api_version(const std::string& version);

std::expected<std::vector<Hook>, std::string> parse_hooks(const std::string& body);
std::expected<Hook, std::string> parse_hook(const std::string& body);
std::expected<std::vector<Trigger>, std::string> parse_triggers(const std::string& body);
std::expected<Trigger, std::string> parse_trigger(const std::string& body);
std::expected<std::vector<Delivery>, std::string> parse_deliveries(const std::string& body);
// GET /webhooks/resources. The response's field names are unconfirmed (reference/procore.md
// §6), so every shape seen in public records is read:
//   - v1.0: an array of {name | friendly_name, except: [event types it does not support]};
//     also such arrays grouped under keys (e.g. company and project levels);
//   - v2.0: {data: [{name, actions: [event types it supports]}]};
//   - a list of supported types under event_types / actions / events, where present.
// An item naming neither `except` nor a supported list supports create, update and delete.
// An item without a name is skipped; a body with no resource list at all is an error.
std::expected<std::vector<WebhookResource>, std::string>
parse_webhook_resources(const std::string& body);
// The public record of GET /webhooks/resources on a Procore sandbox (reference/procore.md §6:
// 2026-02, 25 company-level and 88 project-level resources), as far as the financial tools
// go: what install falls back on when the listing itself cannot be read. No "Requisitions",
// no "Commitment Change Orders"; "Company Vendors" without delete.
const std::vector<WebhookResource>& documented_webhook_resources();
// {"company_id":N,"hook":{namespace, api_version, destination_url, destination_headers}}.
std::string hook_body(std::int64_t company_id, const HookSpec& spec);
// {"company_id":N,"api_version":V,"trigger":{"resource_name":R,"event_type":E}}.
std::string trigger_body(std::int64_t company_id, const std::string& api_version,
                         const std::string& resource_name, const std::string& event_type);

class WebhookApi {
public:
    WebhookApi(http::Client& http, std::string base_url, std::int64_t company_id);

    // The company's hooks (company scope: ?company_id=).
    std::expected<std::vector<Hook>, http::Error> list_hooks();
    std::expected<Hook, http::Error> create_hook(const HookSpec& spec);
    std::expected<Hook, http::Error> update_hook(std::int64_t hook_id, const HookSpec& spec);

    std::expected<std::vector<Trigger>, http::Error> list_triggers(std::int64_t hook_id);
    // Created in the company scope with `api_version` (the hook's, so that it fires).
    std::expected<Trigger, http::Error> create_trigger(std::int64_t hook_id,
                                                       const std::string& api_version,
                                                       const std::string& resource_name,
                                                       const std::string& event_type);
    std::expected<void, http::Error> delete_trigger(std::int64_t hook_id, std::int64_t trigger_id);

    // The resources and event types Procore offers webhooks for (?company_id=), read whole
    // (see parse_webhook_resources).
    std::expected<std::vector<WebhookResource>, http::Error> list_resources();

    // Every delivery with `status` (any, successful, failing, discarded), oldest first, one page
    // at a time into `sink`; paging by page_start = the last id seen until a short page.
    // Returns how many deliveries were read.
    std::expected<std::int64_t, http::Error>
    list_deliveries(std::int64_t hook_id, const std::string& status,
                    const std::function<void(std::vector<Delivery>&)>& sink, int page_size = 100);

    std::int64_t company_id() const { return company_id_; }

private:
    std::string company_query() const;

    http::Client& http_;
    std::string base_url_;
    std::int64_t company_id_;
};

} // namespace mlc::procore
