#pragma once
// The compound cursor every incremental read shares: a record's change time as the system sent
// it (Oracle LastUpdateDate, Procore updated_at) and its id as the tie-breaker, so thousands of
// records sharing one timestamp (a mass update) are neither skipped nor re-read forever.
#include <string>

namespace mlc::engine {

struct Cursor {
    std::string time; // as the system sent it
    std::string key;  // the id, tie-breaker
    bool empty() const { return time.empty(); }
};

// True when a sorts before b: by parsed time (falling back to text), then by numeric id.
bool cursor_less(const Cursor& a, const Cursor& b);
// "time|key", or "" for an empty cursor: how summaries show a watermark.
std::string cursor_text(const Cursor& c);
// `time` minus `seconds`, ISO-8601 UTC; the input unchanged when it does not parse.
std::string minus_seconds(const std::string& time, int seconds);

// Where an incremental read starts: records changed at or after `since`, and at exactly
// `after.time` only those past `after.key` (see oracle/incremental.hpp for the Oracle form).
struct ReadFrom {
    std::string since; // ISO-8601; empty = from the beginning (a full read)
    Cursor after;      // the stored watermark; empty with --full or --since
};

} // namespace mlc::engine
