#pragma once
// What the last `webhooks install` subscribed to: per Procore resource and event type a pass
// would like to hear about, whether Procore offers it (and so whether a trigger exists), and
// where that was learnt. `status` reads it to say which passes rely on their sweep alone.
#include <string>
#include <vector>

namespace mlc::store {

class Database;

struct WebhookCoverageRow {
    std::string resource_name; // "Requisitions"
    std::string event_type;    // create, update, delete
    std::string pass;          // the pass that consumes the resource
    bool subscribed = false;   // false: Procore does not offer it; the sweep covers it
    std::string source;        // "procore" (GET /webhooks/resources) or "documented"
    std::string checked_at;    // filled on read; stamped on write
};

class WebhookCoverage {
public:
    explicit WebhookCoverage(Database& db) : db_(db) {}

    // Replaces what an earlier install recorded, in one transaction.
    void replace(const std::vector<WebhookCoverageRow>& rows);
    // By resource, then create, update, delete.
    std::vector<WebhookCoverageRow> list() const;

private:
    Database& db_;
};

} // namespace mlc::store
