#pragma once
// The inbox table: webhook events taken from the spool, unique on the delivery's event id (ulid,
// else id, kept exactly as text), with the status a pass moves them through. Also the read-only
// counts `status` shows (inbox by status and resource, postings by status).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlc::store {

class Database;

namespace inbox_status {
inline constexpr const char* fresh = "new";       // waiting for the pass that owns the resource
inline constexpr const char* done = "done";       // acted on
inline constexpr const char* echo = "echo";       // caused by our own write: never acted on
inline constexpr const char* failed = "failed";   // the pass could not act on it
inline constexpr const char* ignored = "ignored"; // no pass consumes this resource
} // namespace inbox_status

struct InboxEvent {
    std::int64_t id = 0; // row id (filled on read)
    std::string event_id;
    std::string resource_name;
    std::string event_type;
    std::string resource_id;
    std::optional<std::string> project_id;
    std::optional<std::string> company_id;
    std::string received_at; // when the listener spooled it (ISO-8601 UTC)
    std::string payload;     // the delivery body as received
    std::string status = inbox_status::fresh;
    std::optional<std::string> processed_at;
    std::optional<std::string> message;
};

struct InboxCount {
    std::string status;
    std::string resource_name;
    std::int64_t count = 0;
};

struct StatusCount {
    std::string status;
    std::int64_t count = 0;
};

class Inbox {
public:
    explicit Inbox(Database& db) : db_(db) {}

    // INSERT OR IGNORE on event_id: true when the row was added, false when an event with this
    // id is already there (a duplicate delivery; the stored row is left as it was).
    bool insert(const InboxEvent& event);
    std::optional<InboxEvent> find(const std::string& event_id) const;
    // True when any of `event_ids` is in the inbox (a delivery may be known by ulid or by id).
    bool contains_any(const std::vector<std::string>& event_ids) const;
    // Events with `status` for the given resources, oldest first (what a pass takes).
    std::vector<InboxEvent> list(const std::string& status,
                                 const std::vector<std::string>& resource_names) const;
    // Sets status, processed_at (now) and message (redacted).
    void set_status(std::int64_t id, const std::string& status,
                    const std::optional<std::string>& message = std::nullopt);
    // Rows per (status, resource_name), ordered by both.
    std::vector<InboxCount> counts() const;
    // When the oldest event still waiting (status new) was received; nullopt when none waits.
    std::optional<std::string> oldest_fresh_received_at() const;

private:
    Database& db_;
};

// Postings per status, ordered by status (for `status`).
std::vector<StatusCount> count_postings_by_status(Database& db);

} // namespace mlc::store
