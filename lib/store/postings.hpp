#pragma once
// The outbox table: every remote write, recorded *before* it is sent under a unique source key
// naming the record and its content version ("vendor:123:9f2c…", "direct_cost:123:v4"), then
// marked sent, and confirmed, failed, held or superseded. A row left "sent" (a crash or a lost
// answer between send and confirm) is resolved by looking the record up remotely by its key,
// never by sending again blindly: the engine's Outbox (sync/engine/outbox.hpp) is the only
// writer of these transitions; this file only stores them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlc::store {

class Database;

namespace posting_status {
inline constexpr const char* pending = "pending";     // recorded, not yet sent
inline constexpr const char* sent = "sent";           // sent, outcome not yet known
inline constexpr const char* confirmed = "confirmed"; // the remote system has it (remote_id)
inline constexpr const char* failed = "failed";       // refused, or given up: see error_class
inline constexpr const char* held = "held";           // waiting on a person (a closed period, …)
inline constexpr const char* superseded = "superseded"; // replaced by a newer version, or never
                                                        // sent and re-planned
} // namespace posting_status

// Why a posting failed: what a person (or the next pass) can do about it.
namespace error_class {
inline constexpr const char* retryable =
    "retryable";                                // the system was down or busy: a rerun will do
inline constexpr const char* data = "data";     // the target refused the content: fix the record
inline constexpr const char* config = "config"; // the mapping or the setup is wrong: fix the config
inline constexpr const char* shape = "shape"; // the target answered 2xx with a body we cannot read
} // namespace error_class

struct Posting {
    std::int64_t id = 0;
    std::string source_key;
    std::string kind;
    std::string target; // "oracle" or "procore"
    std::string status; // see posting_status
    int attempts = 0;   // times sent
    std::optional<std::string> remote_id;
    std::string request; // what was (or will be) sent; never a secret
    std::optional<std::string> last_error;
    std::optional<std::string> error_class; // see error_class; set with status failed
    std::vector<std::string> records;       // the source records it carries (one, or a batch)
    std::optional<std::int64_t> run_id;
    std::string created_at;
    std::string updated_at;
};

// Which postings to list. Empty vectors and strings select everything.
struct PostingFilter {
    std::vector<std::int64_t> ids;
    std::vector<std::string> kinds;
    std::vector<std::string> statuses;
    std::string updated_since; // ISO-8601 UTC
    int limit = 0;             // 0: no limit
    std::int64_t after_id = 0; // only ids above this (paging with `limit`)
};

// One (kind, status) group for `status`: how many, the oldest, and that one's error.
struct PostingGroup {
    std::string kind;
    std::string status;
    std::int64_t count = 0;
    std::int64_t oldest_id = 0;
    std::string oldest_at; // updated_at of the oldest
    std::optional<std::string> oldest_error;
};

class Postings {
public:
    explicit Postings(Database& db) : db_(db) {}

    std::optional<Posting> find(const std::string& source_key) const;
    std::optional<Posting> find(std::int64_t id) const;
    // Records a pending posting and returns it. When the source key exists, returns that row
    // unchanged (its status says what happened to it), except a row superseded before it was
    // ever sent, which is pending again: nothing of it reached the remote system.
    Posting record_pending(const std::string& source_key, const std::string& kind,
                           const std::string& target, const std::string& request,
                           const std::vector<std::string>& records,
                           std::optional<std::int64_t> run_id = std::nullopt);
    // Status transitions. mark_sent counts an attempt; errors are stored redacted.
    void mark_sent(std::int64_t id);
    void mark_confirmed(std::int64_t id, const std::string& remote_id);
    void mark_failed(std::int64_t id, const std::string& error_class, const std::string& error);
    void mark_held(std::int64_t id, const std::string& reason);
    void mark_superseded(std::int64_t id, const std::string& why);
    // A send the remote refused before acting on it (a refused connection, 401, 403, 429):
    // pending again, the attempt not counted (attempts counts sends that may have reached the
    // remote), the error kept.
    void mark_unsent(std::int64_t id, const std::string& error);
    // Keeps the status; replaces what the posting sends (a journal import names its batch and,
    // once Oracle answered, its request id here, so a later lookup knows where to look).
    void set_request(std::int64_t id, const std::string& request);
    // Keeps the status; stores the error of an attempt whose outcome is unknown.
    void note_error(std::int64_t id, const std::string& error);
    // Postings of these kinds left pending and never sent (a pass interrupted between recording
    // and sending): superseded, since their records are planned again. Returns how many.
    std::int64_t supersede_unsent(const std::vector<std::string>& kinds);

    // The failed postings of `kind` for one record (their source keys start with
    // "<kind>:<record_key>:"), superseded once a newer version of the record was applied or
    // the record needs nothing any more. Returns how many.
    // `except_key` is left as it is (the version that just failed).
    std::int64_t supersede_failed(const std::string& kind, const std::string& record_key,
                                  const std::string& why, const std::string& except_key = {});

    std::vector<Posting> list(const PostingFilter& filter) const;
    std::vector<Posting> list_by_status(const std::string& status) const;
    // Groups by kind and status, ordered by both.
    std::vector<PostingGroup> groups() const;

private:
    void update_status(std::int64_t id, const char* status, const char* extra_sql,
                       const std::vector<std::string>& extra_values);
    Database& db_;
};

// "a\nb" <-> {"a", "b"}: the records column.
std::string join_records(const std::vector<std::string>& records);
std::vector<std::string> split_records(const std::string& text);

} // namespace mlc::store
