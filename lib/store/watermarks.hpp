#pragma once
// Per stream (e.g. "oracle.suppliers"), the compound cursor of the last record fully applied:
// its timestamp and its id as the tie-breaker. Advanced only after the records up to it are
// applied, so a crash re-reads rather than skips.
#include <optional>
#include <string>
#include <vector>

namespace mlc::store {

class Database;

struct Watermark {
    std::string stream;
    std::string cursor_time; // LastUpdateDate / updated_at, as the system sent it
    std::string cursor_key;  // id of that record; "" when the stream has no tie-breaker
    std::string updated_at;  // when we stored it (filled on read; ignored on write)
};

class Watermarks {
public:
    explicit Watermarks(Database& db) : db_(db) {}

    std::optional<Watermark> get(const std::string& stream) const;
    // Insert or replace the stream's cursor.
    void set(const Watermark& w);
    // All streams, by name.
    std::vector<Watermark> list() const;
    // Forgets the stream's cursor: its next read starts from the beginning. True if there was one.
    bool remove(const std::string& stream);

private:
    Database& db_;
};

} // namespace mlc::store
