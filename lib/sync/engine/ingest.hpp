#pragma once
// Taking the webhook spool into the state store: every file in spool/new/ is parsed, inserted
// into `inbox` (unique on the event id, so a duplicate delivery counts once), audited and only
// then moved to done/; a file that cannot be parsed goes to rejected/ with its reason. Every
// pass does this first (PassRun), and `ml-connector ingest` does it on its own. Events caused by
// our own writes (metadata.source_application_id is our Procore client id) are kept as echoes
// and never acted on; events no pass consumes are kept as ignored. Which pass consumes which
// resource is in the names registry (sync/engine/names.hpp).
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::store {
class AuditLog;
class Database;
} // namespace mlc::store

namespace mlc::engine {

class PassRun;

struct IngestSummary {
    std::int64_t files = 0;      // files found in spool/new
    std::int64_t inserted = 0;   // new rows in inbox (any status)
    std::int64_t duplicates = 0; // events already in inbox (moved to done/, counted once)
    std::int64_t echoes = 0;     // inserted with status echo
    std::int64_t rejected = 0;   // moved to rejected/
    std::int64_t ignored = 0;    // inserted with status ignored
    std::int64_t pruned = 0;     // old files deleted from done/ (and stale ones from tmp/)
    std::map<std::string, std::int64_t> by_pass; // inserted as new, per owning pass
};

struct IngestOptions {
    std::string command; // for the audit rows
    std::optional<std::int64_t> run_id;
    std::size_t batch_size = 256; // files per transaction
    bool log_summary = true;      // a log line; `ingest` prints its summary itself, once
};

// Takes every file in config.state.spool_dir/new into `db`. Files move only after the
// transaction holding their rows committed, so a crash in between re-ingests them harmlessly.
// Throws mlc::Fatal when the spool cannot be read or moved, StoreError on a database error.
IngestSummary ingest_spool(const Config& config, store::Database& db, store::AuditLog& audit,
                           const IngestOptions& options, const Clock& clock);
// The same inside a pass (its database, audit log, command and run id); a dry run takes
// nothing in and returns an empty summary.
IngestSummary ingest_spool(const Config& config, PassRun& run, const Clock& clock);

std::string to_json(const IngestSummary& summary);
// "ingest: 5 files, 3 new (post-costs 3), 1 duplicate, 1 echo, 0 ignored, 0 rejected".
std::string to_text(const IngestSummary& summary);

} // namespace mlc::engine
