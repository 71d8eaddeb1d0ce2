#pragma once
// Records whose mapped content changes on a known day with no change in the source system (a
// supplier's future InactiveDate), so that a pass can re-read exactly those when the day comes
// instead of never (an incremental read only sees changes) or always (a full read).
#include <string>
#include <vector>

namespace mlc::store {

class Database;

struct DueDate {
    std::string kind; // "vendor", …
    std::string oracle_key;
    std::string due_on; // YYYY-MM-DD
    std::string reason;
};

class DueDates {
public:
    explicit DueDates(Database& db) : db_(db) {}

    // Insert or move the record's day.
    void set(const DueDate& due);
    // Forget the record (no day pending any more); nothing when there was none.
    void clear(const std::string& kind, const std::string& oracle_key);
    // The records of `kind` due on or before `day` (YYYY-MM-DD), by day then key.
    std::vector<DueDate> due(const std::string& kind, const std::string& day) const;
    // Every pending record of `kind`, whatever its day.
    std::vector<DueDate> all(const std::string& kind) const;

private:
    Database& db_;
};

} // namespace mlc::store
