#pragma once
// Procore company vendors as plain structs: listing them (page/per_page), the body of
// PATCH /rest/v1.0/vendors/sync and its {entities, errors} answer. Also the generic sync
// response parser the other sync endpoints (standard cost codes) share. JSON stays in here.
#include "http/client.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlc::procore {

// A vendor as listed by GET /rest/v1.0/vendors (only what matching needs).
struct Vendor {
    std::int64_t id = 0;
    std::string name;
    std::string origin_id; // empty when none (typed in by hand, or another integration's)
    std::string origin_code;
    std::string tax_id; // business_register.identifier, else business_id; may be empty
    bool is_active = true;
    // The address as Procore holds it (what vendors/sync writes), for comparing content.
    std::string address;
    std::string city;
    std::string state_code;
    std::string zip;
    std::string country_code;
};

// One item of a vendors/sync call. Matching: with `id` Procore updates that vendor (and sets
// origin_id on it: how a hand-made vendor is linked); with only origin_id it upserts.
// Empty optional text fields are left out of the body rather than sent as "".
struct VendorSyncItem {
    std::optional<std::int64_t> id;
    std::string origin_id;
    std::string origin_code;
    std::string origin_data;
    std::string name;
    std::string address;
    std::string city;
    std::string state_code;
    std::string zip;
    std::string country_code;
    bool is_active = true;
};

// One record a sync call created or updated.
struct SyncEntity {
    std::int64_t id = 0;
    std::string origin_id;
    std::string updated_at; // when the answer carries it
};

// One rejected item: the echoed origin_id (or id) and Procore's messages, flattened
// "field: message; field: message".
struct SyncItemError {
    std::optional<std::int64_t> id;
    std::string origin_id;
    std::string message;
};

struct SyncResult {
    std::vector<SyncEntity> entities;
    std::vector<SyncItemError> errors;
};

// The body of any sync call: {"company_id":…, <scope fields>…, "updates":[<items>]}, the items
// given as JSON text (one object each).
std::string sync_body(std::int64_t company_id,
                      const std::vector<std::pair<std::string, std::int64_t>>& scope,
                      const std::vector<std::string>& item_jsons);

// {"company_id":…, "updates":[…]}.
std::string vendor_sync_body(std::int64_t company_id, const std::vector<VendorSyncItem>& items);
// The item as JSON text (the body's updates[] element); also what postings.request keeps.
std::string vendor_sync_item_json(const VendorSyncItem& item);

// Parses a sync answer: {"entities":[…],"errors":[…]}, or a bare array of entities (some sync
// endpoints answer that way). Entities need an integer id.
std::expected<SyncResult, std::string> parse_sync_response(const std::string& body);

// Parses a page of GET /rest/v1.0/vendors (a JSON array).
std::expected<std::vector<Vendor>, std::string> parse_vendor_list(const std::string& body);

// The company vendor endpoints. Listing is paged by page/per_page; the last page is the first
// one shorter than per_page (or empty).
class VendorApi {
public:
    VendorApi(http::Client& http, std::string base_url, std::int64_t company_id);

    using VendorSink = std::function<void(std::vector<Vendor>&)>;

    // Calls `sink` with each page of the active vendors; returns the number listed.
    std::expected<std::int64_t, http::Error> list(const VendorSink& sink, int per_page = 1000);
    // The same for the inactive vendors, which Procore lists apart
    // (GET /rest/v1.0/companies/{company_id}/vendors/inactive).
    std::expected<std::int64_t, http::Error> list_inactive(const VendorSink& sink,
                                                           int per_page = 1000);

    // GET /rest/v1.0/vendors/{id}: the vendor, active or not; nullopt when Procore has none.
    std::expected<std::optional<Vendor>, http::Error> get(std::int64_t id);

    // PATCH /rest/v1.0/vendors/sync with up to 1000 items (see send_sync on resends).
    std::expected<SyncResult, http::Error> sync(const std::vector<VendorSyncItem>& items);
    // The same with a body already built (vendor_sync_body / sync_body).
    std::expected<SyncResult, http::Error> sync_body_text(const std::string& body);

    std::int64_t company_id() const { return company_id_; }

private:
    http::Client& http_;
    std::string base_url_;
    std::int64_t company_id_;
};

// One page of a list: parses the body and hands its records on; returns how many it held and
// the first one's id (0 when empty), or why the body is not a page.
struct PageCount {
    std::int64_t count = 0;
    std::int64_t first_id = 0;
};
using PageHandler = std::function<std::expected<PageCount, std::string>(const std::string& body)>;

// GETs `url` (with or without a query) page by page (page=N&per_page=M) until a short or
// empty page, the Total header, or a server that ignores paging (the same page again); returns
// the number of records listed. Per-Page is trusted when the server caps below what we asked.
std::expected<std::int64_t, http::Error> list_pages(http::Client& http, const std::string& url,
                                                    const std::string& path_template, int per_page,
                                                    const PageHandler& on_page);

// Parses one vendor object (GET /rest/v1.0/vendors/{id}, or an element of a list).
std::expected<Vendor, std::string> parse_vendor(const std::string& body);

// PATCHes a sync body to base_url + path and parses the {entities, errors} answer. The HTTP
// client resends it only when the server refused it before acting (429, 503, 401): after a
// dropped answer or another 5xx the caller (the engine's outbox) looks the items up instead.
std::expected<SyncResult, http::Error> send_sync(http::Client& http, const std::string& base_url,
                                                 const std::string& path, const std::string& body);

// A PATCH of a JSON body to base_url + path, counted under `path_template`; shared by the
// sync endpoints. `idempotent` is passed to the retrying client.
http::Result send_json(http::Client& http, const std::string& method, const std::string& url,
                       const std::string& body, const std::string& path_template, bool idempotent);

} // namespace mlc::procore
