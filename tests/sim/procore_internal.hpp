#pragma once
// Internals of the Procore simulator shared by procore_sim.cpp (routes, auth, rate limits,
// lists), procore_store.cpp (records, validation, sync, seed) and procore_webhooks.cpp (hooks,
// triggers, deliveries). Not part of the simulator's public interface.
#include "json_util.hpp"
#include "procore_sim.hpp"

#include <rapidjson/document.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <unordered_map>

namespace mlc::sim {

namespace procore {

// Records are kept as JSON objects exactly as GET returns them. CrtAllocator frees each value
// when it is replaced, so updates do not grow a memory pool at 100,000 records.
using Alloc = rapidjson::CrtAllocator;
using RVal = rapidjson::GenericValue<rapidjson::UTF8<>, Alloc>;
extern Alloc g_alloc;

enum class Kind { str, boolean, integer, money, date, array, object, any };

struct FieldSpec {
    const char* name;
    Kind kind;
    bool writable;
};

struct Record {
    RVal obj{rapidjson::kObjectType};
    std::int64_t scope = 0; // company id (company resources) or project id
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
    bool deleted = false;
};

struct Collection {
    std::string name;          // "vendors"
    std::string resource_name; // webhook resource name, "Company Vendors"
    bool project_scoped = false;
    bool locked_by_origin = false; // a record with origin_id is immutable (422)
    std::int64_t next_id = 1;
    const std::vector<FieldSpec>* fields = nullptr;
    std::map<std::int64_t, Record> records;
    std::unordered_map<std::string, std::int64_t> by_origin; // "<scope>:<origin_id>" -> id
};

// Purchase order contracts and work order contracts (subcontracts): the two commitment kinds,
// same shape and rules.
inline bool is_commitment(const Collection& c)
{
    return c.name == "purchase_order_contracts" || c.name == "work_order_contracts";
}

// The answer to any change of an Approved or Complete commitment's lines or vendor.
constexpr const char* k_sov_locked = "The schedule of values of an approved commitment is locked";
// The answer to a change of a direct cost, requisition or payment that carries an origin_id.
constexpr const char* k_origin_locked =
    "is locked: records synced with an ERP (origin_id set) cannot be changed";

// Per-item validation errors: field -> messages, as Rails renders them.
using FieldErrors = std::vector<std::pair<std::string, std::string>>;

struct Token {
    std::string client_id;
    std::int64_t expires_at_s = 0;
};

struct Bucket {
    std::int64_t hour_start = 0;
    std::int64_t hour_count = 0;
    std::int64_t spike_start = 0;
    std::int64_t spike_count = 0;
};

struct Hook {
    std::int64_t id = 0;
    std::int64_t company_id = 0;
    std::optional<std::int64_t> project_id;
    std::string namespace_;
    std::string api_version;
    std::string destination_url;
    std::vector<std::pair<std::string, std::string>> destination_headers;
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
};

struct Trigger {
    std::int64_t id = 0;
    std::int64_t hook_id = 0;
    std::optional<std::int64_t> company_id;
    std::optional<std::int64_t> project_id;
    std::string api_version;
    std::string resource_name;
    std::string event_type;
    std::int64_t created_ms = 0;
};

struct Event {
    std::uint64_t id = 0;
    std::string json; // the exact payload, identical on every attempt
};

struct Delivery {
    std::int64_t id = 0;
    std::int64_t hook_id = 0;
    std::uint64_t event_id = 0;
    std::string event_json;
    std::string outcome; // ok | retried | discarded
    std::optional<int> response_status;
    std::optional<std::string> response_error;
    std::string response_body;
    std::int64_t started_ms = 0;
    std::int64_t completed_ms = 0;
};

struct Pending {
    std::shared_ptr<const Event> event;
    int attempts = 0;
    std::chrono::steady_clock::time_point due;
};

// The request's verified caller.
struct Ctx {
    std::string client_id;
    std::int64_t company_id = 0;
};

} // namespace procore

struct ProcoreSim::Impl {
    Impl(const SimOptions& options, VirtualClock& clock);

    const SimOptions options;
    VirtualClock& clock;
    Stats stats;
    Faults faults;

    // Data (records, tokens, rate buckets). Lock order: mu before wmu.
    std::mutex mu;
    Rng rng;
    std::string company_name;
    std::map<std::string, procore::Collection> collections;
    std::unordered_map<std::string, procore::Token> tokens;
    std::unordered_map<std::string, procore::Bucket> buckets;
    std::int64_t erp_list_id = 0;
    std::int64_t default_user_id = 0;
    bool seeding = false; // the seed writes Approved commitments with their lines

    // Webhooks: hooks, triggers, deliveries and the delivery queue.
    std::mutex wmu;
    std::condition_variable wcv; // wakes the delivery thread
    std::condition_variable idle_cv;
    std::map<std::int64_t, procore::Hook> hooks;
    std::map<std::int64_t, procore::Trigger> triggers;
    std::vector<procore::Delivery> deliveries;
    std::map<std::int64_t, std::vector<procore::Pending>> queues; // per hook
    int in_flight = 0;
    bool stopping = false;
    std::int64_t next_hook_id = 1;
    std::int64_t next_trigger_id = 1;
    std::int64_t next_delivery_id = 1;
    std::uint64_t next_event_seq = 0;
    Rng webhook_rng;
    ProcoreSim::WebhookPolicy policy;
    std::thread delivery_thread;

    // ---- store (procore_store.cpp); callers hold mu ----
    procore::Collection& coll(const std::string& name);
    void seed();
    void add_bulk_vendors(int count, bool with_origin_id);
    bool project_exists(std::int64_t project_id) const;
    procore::Record* find(procore::Collection& c, std::int64_t id, bool include_deleted = false);
    procore::Record* find_by_origin(procore::Collection& c, std::int64_t scope,
                                    const std::string& origin_id);
    // Validates `attrs` and creates a record (empty errors) or returns the errors. `raw` lets
    // /_sim/mutate set any attribute, not only the writable ones.
    std::int64_t create(procore::Collection& c, std::int64_t scope, const rapidjson::Value& attrs,
                        procore::FieldErrors& errors, bool raw = false);
    bool update(procore::Collection& c, procore::Record& r, const rapidjson::Value& attrs,
                procore::FieldErrors& errors, bool raw = false);
    // The sync rules shared by every .../sync endpoint; returns the {entities, errors} body.
    std::string sync(procore::Collection& c, std::int64_t scope, const rapidjson::Value& updates,
                     const std::optional<std::string>& app, const rapidjson::Value* extra);
    // PATCH …/{commitment}/line_items/sync: `updates` against the lines of commitment `r`;
    // returns the {entities: [line items], errors} body.
    std::string line_items_sync(procore::Collection& c, procore::Record& r,
                                const rapidjson::Value& updates,
                                const std::optional<std::string>& app);
    // A record's line_items as GET shows them (see write_line_item).
    void write_line_items(const procore::Collection& c, const procore::Record& r,
                          json::Writer& w) const;
    // One line of holder `r` as GET shows it (with cost_code, line_item_type, holder ids).
    void write_line_item(const procore::Collection& c, const procore::Record& r,
                         const procore::RVal& line, json::Writer& w) const;
    // Marks `r` deleted (deleted_at, updated_at), frees its origin_id, fires the delete event.
    void soft_delete(procore::Collection& c, procore::Record& r,
                     const std::optional<std::string>& app);
    void write_record(procore::Collection& c, const procore::Record& r, json::Writer& w,
                      bool compact) const;
    // GET /requisitions/{id}/detail: the requisition's schedule-of-values lines in the shape of
    // the SDK's detail line (this period's work, stored materials, retainage retained and
    // released this period). The requisition's retainage_amount is spread over its lines in
    // proportion to their amounts, the remainder on the last, so the lines sum to it exactly.
    std::string requisition_detail_json(const procore::Record& r) const;
    std::string record_json(procore::Collection& c, const procore::Record& r,
                            bool compact = false) const;
    std::int64_t company_of_scope(const procore::Collection& c, std::int64_t scope) const;

    // ---- webhooks (procore_webhooks.cpp) ----
    // Queues an event for every hook with a matching trigger. Callers hold mu (wmu is taken here).
    void fire(const procore::Collection& c, const std::string& event_type, std::int64_t resource_id,
              std::int64_t scope, const std::optional<std::string>& app);
    void delivery_loop();
    void mount_webhooks(httplib::Server& server);
    std::string deliveries_json(std::optional<std::int64_t> hook_id);
    std::string hooks_json();
    std::string triggers_json(std::optional<std::int64_t> hook_id);

    // ---- http (procore_sim.cpp) ----
    bool gate(const httplib::Request& req, httplib::Response& res, procore::Ctx& ctx);
};

namespace procore {
std::string money(double v);
bool valid_money(const std::string& s);
std::string iso_micro(std::int64_t epoch_ms, std::uint64_t micro_extra);
void set_json(httplib::Response& res, int status, const std::string& body);
} // namespace procore

} // namespace mlc::sim
