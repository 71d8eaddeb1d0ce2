#pragma once
// The retry queue: source records a later pass must re-read by id, whatever the watermark says.
// A watermark moves past every record read, applied or not; a record that was not applied (its
// write failed, its answer was lost and the remote does not have it, a hand edit drifted its
// target) or whose mapped content changes on a known day with no change at the source (a
// supplier's InactiveDate) is kept here instead, due at a time, and re-read by id on the first
// pass at or after it. Keyed by (stream, record, reason), so one reason clearing does not forget
// another.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlc::store {

class Database;

namespace retry_reason {
inline constexpr const char* failed = "failed"; // its write was refused; re-read with backoff
inline constexpr const char* lost = "lost";     // its answer was lost and the remote lacks it
inline constexpr const char* drift = "drift";   // its target was edited by hand: restore
inline constexpr const char* inactive_date = "InactiveDate"; // turns inactive on the day
inline constexpr const char* ambiguous = "ambiguous";        // waiting on a person; re-read daily
} // namespace retry_reason

struct Retry {
    std::string stream;     // "oracle.suppliers", …
    std::string record_key; // the source record's id
    std::string reason;     // see retry_reason
    std::string due_at;     // ISO-8601 UTC
    int attempts = 0;       // times re-read and failed again
    std::optional<std::string> last_error;
};

struct RetryCount {
    std::string stream;
    std::string reason;
    std::int64_t count = 0;
    std::string earliest_due;
};

class Retries {
public:
    explicit Retries(Database& db) : db_(db) {}

    // Inserts the entry or moves its due time (and error). `count_attempt` adds one to attempts
    // (a re-read that failed again), which the caller uses for its backoff.
    void schedule(const std::string& stream, const std::string& record_key,
                  const std::string& reason, const std::string& due_at,
                  const std::optional<std::string>& error = std::nullopt,
                  bool count_attempt = false);
    // Forgets one reason of a record, or every reason; nothing when there is none.
    void clear(const std::string& stream, const std::string& record_key, const std::string& reason);
    void clear_all(const std::string& stream, const std::string& record_key);
    std::optional<Retry> find(const std::string& stream, const std::string& record_key,
                              const std::string& reason) const;
    // The entries of `stream` due at or before `now` (ISO-8601 UTC), by due time then key.
    std::vector<Retry> due(const std::string& stream, const std::string& now) const;
    // Every entry of `stream` (any reason), by due time then key; `reason` narrows it.
    std::vector<Retry> all(const std::string& stream, const std::string& reason = {}) const;
    // Counts per stream and reason, for `status`.
    std::vector<RetryCount> counts() const;

private:
    Database& db_;
};

} // namespace mlc::store
