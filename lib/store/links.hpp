#pragma once
// The id map between the systems: (kind, Oracle key) -> Procore key, with the fingerprint of
// the version last applied (so an unchanged record is skipped and an echo is recognised) and
// the system the record came from.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>

namespace mlc::store {

class Database;

struct Link {
    std::string kind; // "vendor", "cost_code", "purchase_order", …
    std::string oracle_key;
    std::optional<std::string> procore_key; // unknown until the remote id comes back
    std::string fingerprint;
    std::string origin = "oracle"; // "oracle" or "procore"
    std::string updated_at;        // filled on read; stamped on write
};

// An upsert that would give a Procore record a second Oracle partner.
struct LinkConflict {
    std::string message; // "vendor procore key 42 is already linked to oracle key 7"
};

class Links {
public:
    explicit Links(Database& db) : db_(db) {}

    std::optional<Link> find_by_oracle(const std::string& kind,
                                       const std::string& oracle_key) const;
    std::optional<Link> find_by_procore(const std::string& kind,
                                        const std::string& procore_key) const;
    // Insert or update by (kind, oracle_key). A Procore key already linked to another Oracle
    // key of the same kind is a conflict the caller reports per record, not a fatal error.
    std::expected<void, LinkConflict> upsert(const Link& link);
    std::int64_t count(const std::string& kind) const;

private:
    Database& db_;
};

} // namespace mlc::store
