#pragma once
// The append-only, hash-chained audit trail (table `audit`, schemas/sql/001_initial.sql): one
// row per action on a record, each row's hash covering the previous row's hash, so that an
// edited, removed or reordered row is found by verify() (`ml-connector audit verify`).
//
// Chain rule. prev_hash is the hash of the row before (by id), or 64 '0' for the first row;
// hash = sha256_hex(prev_hash + canonical_audit_text(row)). The canonical text lists every
// column except id and hash (prev_hash is already the prefix), in this fixed order:
//   at, run_id, command, record_kind, oracle_key, procore_key, action, before_fp, after_fp,
//   remote_status, remote_id, message
// each written as `<name>=<value>\n`, where <value> is `~` for NULL and otherwise
// `<byte length>:<bytes>` (integers in decimal). The length prefix makes the text unambiguous
// whatever the values contain (newlines, '=', '~'). This form is frozen: changing it breaks
// verification of every existing database.
//
// What the chain can and cannot show: an UPDATE or DELETE (the table's triggers forbid both,
// so a tamperer must drop them first) breaks the chain at the changed row or at the row after
// a gap. Removing rows at the very end, or rewriting every hash from some row on, is not
// detectable from the database alone (that would need the head hash kept elsewhere).
#include "core/clock.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlc::store {

class Database;

struct AuditEntry {
    std::int64_t id = 0;
    std::string at; // ISO-8601 UTC; filled by append() when empty
    std::optional<std::int64_t> run_id;
    std::string command;     // e.g. "sync-suppliers"
    std::string record_kind; // supplier, vendor, cost_code, direct_cost, webhook, …
    std::optional<std::string> oracle_key;
    std::optional<std::string> procore_key;
    std::string action; // read, created, updated, linked, skipped, failed, replayed, …
    std::optional<std::string> before_fp;
    std::optional<std::string> after_fp;
    std::optional<int> remote_status; // HTTP status of the remote write, if any
    std::optional<std::string> remote_id;
    std::optional<std::string> message; // redacted by append()
    std::string prev_hash;              // filled by append()
    std::string hash;                   // filled by append()
};

// 64 '0': the prev_hash of the first row.
inline const std::string k_audit_genesis_hash(64, '0');

// The canonical text of a row described above (exposed for tests and external verifiers).
std::string canonical_audit_text(const AuditEntry& e);
// sha256_hex(e.prev_hash + canonical_audit_text(e)).
std::string audit_row_hash(const AuditEntry& e);

class AuditLog {
public:
    // The database's clock (or `clock`) stamps rows whose `at` is empty. The Database must
    // outlive the AuditLog.
    explicit AuditLog(Database& db);
    AuditLog(Database& db, const Clock& clock);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    // Appends one row and returns its id. Fills `at` (if empty), prev_hash and hash; passes
    // `message` through log::redact(). Callers writing many rows wrap them in a Transaction:
    // the statements come from the Database's cache of prepared statements, so an append is
    // one indexed read of the chain head plus one insert, inside a savepoint. The head is read from
    // the table on every append rather than kept in memory, so a rolled-back transaction, a second
    // AuditLog or a second process on the same file can never fork the chain (the read and the
    // insert are one write transaction). Throws StoreError on a database error.
    std::int64_t append(AuditEntry e);
    // Appends rows in this order in one transaction (the caller's, when one is open), reading
    // the chain head once: how a batch's rows are written.
    void append_many(std::vector<AuditEntry> entries);

    struct Filter {
        std::optional<std::string> record_kind; // exact kind
        std::optional<std::string> key;         // matches oracle_key or procore_key (see key_side)
        std::optional<std::int64_t> run_id;
        std::optional<std::string> action;
        std::optional<std::string> since; // at >= since (compare in the stored ISO form)
        std::optional<std::string> until; // at <= until
        int limit = 100;                  // the newest `limit` rows; <= 0: no limit
        // Which side `key` must match: a supplier id is an Oracle key, a vendor id a Procore one.
        enum class KeySide { either, oracle, procore } key_side = KeySide::either;
        // Further kinds that also match (a supplier's rows may be written as kind "vendor").
        std::vector<std::string> also_kinds;
    };
    // Matching rows, oldest first (ordered by id); with a limit, the newest `limit` of them.
    std::vector<AuditEntry> query(const Filter& filter);

    struct Verification {
        bool ok = true;
        std::int64_t rows_checked = 0;
        std::optional<std::int64_t> first_bad_id;
        std::string reason; // empty when ok
    };
    // Recomputes the whole chain, streaming (constant memory), and names the first broken row.
    Verification verify();

    // Every action the trail holds, sorted (`audit --action` tells a typo from an empty result).
    std::vector<std::string> actions();

private:
    std::int64_t insert_row(AuditEntry& e);
    std::int64_t write_row(AuditEntry& e); // e.prev_hash set: hashes and inserts
    std::string head_hash();
    std::vector<AuditEntry> run_query(const std::string& sql,
                                      const std::vector<std::string>& params, const Filter& f);
    Verification verify_chain();

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace mlc::store
