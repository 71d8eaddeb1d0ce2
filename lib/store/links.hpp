#pragma once
// The id map between the systems. A link is keyed by either side: a record born in Oracle (a
// supplier) has its Oracle key from the start and its Procore key once written; a record born
// in Procore (a commitment, a direct cost) the other way round. Each key is unique per kind
// when present. A link also holds the fingerprint of the version last applied (so an unchanged
// record is skipped), the system the record was born in (so it is never echoed back), and any
// drift: a hand edit on the target that the next pass restores.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mlc::store {

class Database;

struct Link {
    std::string kind; // "vendor", "cost_code", "commitment", …
    std::optional<std::string> oracle_key;
    std::optional<std::string> procore_key;
    std::string fingerprint;
    std::string origin = "oracle";    // "oracle" or "procore": where the record was born
    std::optional<std::string> drift; // what a hand edit changed, until restored
    // A short summary of the version last applied, for reporting what a later change differs
    // in; nullopt on write keeps the stored one.
    std::optional<std::string> summary;
    // The target record's own update stamp as last written or read (nullopt on write keeps it).
    std::optional<std::string> remote_updated_at;
    std::string updated_at; // filled on read; stamped on write
};

// An upsert that would give a record a second partner on the other side.
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
    // The links of these Oracle keys, in a few queries (a page of records at once): key -> link;
    // keys without a link are absent.
    std::unordered_map<std::string, Link>
    find_many_by_oracle(const std::string& kind, const std::vector<std::string>& keys) const;
    // Inserts or updates the link that either key names. When the Oracle key and the Procore
    // key name two different links, that is a conflict the caller reports per record (never a
    // fatal error); a key the link does not give is left as stored. `drift` is written as given.
    std::expected<void, LinkConflict> upsert(const Link& link);
    // Records (or clears, with nullopt) the drift of the link with this Procore key.
    void set_drift_by_procore(const std::string& kind, const std::string& procore_key,
                              const std::optional<std::string>& drift);
    // Moves the link of this Procore key to a new Oracle key: a record born in Procore whose
    // Oracle side is replaced by a newer one (each version of a cost is its own journal).
    void rekey_oracle(const std::string& kind, const std::string& procore_key,
                      const std::string& oracle_key);
    std::int64_t count(const std::string& kind) const;
    // The Oracle keys of the links of `kind` born in Oracle that have a Procore key, in key
    // order: what a source read whole is compared against (a key it no longer lists).
    std::vector<std::string> written_oracle_keys(const std::string& kind) const;
    // Every link of `kind` with a drift recorded (all kinds when `kind` is empty), by kind, key.
    std::vector<Link> drifted(const std::string& kind = {}) const;

private:
    Database& db_;
};

} // namespace mlc::store
