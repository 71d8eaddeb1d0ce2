#pragma once
// Every remote write, recorded *before* it is sent under a unique source key (e.g.
// "direct_cost:123:v4"), then marked sent, confirmed or failed. A row left "sent" by a crash is
// resolved on the next pass by looking the record up remotely by its key, never by sending
// again blindly; record_pending on an existing key hands back the existing row for that reason.
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
inline constexpr const char* failed = "failed";       // refused or gave up: queued for replay
} // namespace posting_status

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
    std::optional<std::int64_t> run_id;
    std::string created_at;
    std::string updated_at;
};

class Postings {
public:
    explicit Postings(Database& db) : db_(db) {}

    std::optional<Posting> find(const std::string& source_key) const;
    std::optional<Posting> find(std::int64_t id) const;
    // Records a pending posting; when the source key already exists, returns that row
    // unchanged (check its status: it may be sent or confirmed already).
    Posting record_pending(const std::string& source_key, const std::string& kind,
                           const std::string& target, const std::string& request,
                           std::optional<std::int64_t> run_id = std::nullopt);
    // Status transitions. mark_sent counts an attempt; mark_failed stores the error redacted.
    void mark_sent(std::int64_t id);
    void mark_confirmed(std::int64_t id, const std::string& remote_id);
    void mark_failed(std::int64_t id, const std::string& error);
    // Back to pending for `replay` (attempts and last_error are kept for the record).
    void requeue(std::int64_t id);
    std::vector<Posting> list_by_status(const std::string& status) const;

private:
    void update_status(std::int64_t id, const char* status, const char* extra_sql,
                       const std::optional<std::string>& extra_value);
    Database& db_;
};

} // namespace mlc::store
