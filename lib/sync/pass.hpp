#pragma once
// What every pass shares around its own work: the run lock, the state database, a `runs` row
// begun at the start and finished with the exit code and summary, the audit log, and the
// pass-local helpers (cursor arithmetic, a TTY progress line). A dry run takes the lock but
// writes nothing locally: no runs row, no audit rows. Every (non-dry) pass first takes the
// webhook spool into the inbox (sync/ingest.hpp).
#include "core/clock.hpp"
#include "core/config.hpp"
#include "http/client.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/lock.hpp"
#include "sync/ingest.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace mlc::sync {

class PassRun {
public:
    // Takes the lock (LockedError, exit 4), opens the database (StoreError), begins the runs
    // row and takes the webhook spool in (see ingested()).
    PassRun(const Config& config, std::string command, bool dry_run, Clock& clock);
    // A run never finished (an exception went past it) is finished with exit code 2 or the
    // code of the Fatal being handled, so the runs row never stays open.
    ~PassRun();
    PassRun(const PassRun&) = delete;
    PassRun& operator=(const PassRun&) = delete;

    store::Database& db() { return *db_; }
    store::AuditLog& audit() { return *audit_; }
    std::optional<std::int64_t> run_id() const { return run_id_; }
    const std::string& command() const { return command_; }
    bool dry_run() const { return dry_run_; }
    // What the spool intake at the start of this pass did (empty for a dry run).
    const IngestSummary& ingested() const { return ingested_; }

    void finish(int exit_code, const std::string& counts_json);

private:
    std::string command_;
    bool dry_run_;
    store::RunLock lock_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::AuditLog> audit_;
    std::optional<std::int64_t> run_id_;
    IngestSummary ingested_;
    bool finished_ = false;
};

// A compound cursor (timestamp, id) with the ordering records are read in.
struct Cursor {
    std::string time; // as the system sent it
    std::string key;  // the id, tie-breaker
    bool empty() const { return time.empty(); }
};
// True when a sorts before b: by parsed time (falling back to text), then by numeric id.
bool cursor_less(const Cursor& a, const Cursor& b);
// `time` minus `seconds`, ISO-8601 UTC; the input unchanged when it does not parse.
std::string minus_seconds(const std::string& time, int seconds);

// One line on stderr, rewritten in place, only when stderr is a terminal.
class Progress {
public:
    explicit Progress(bool enabled) : enabled_(enabled) {}
    ~Progress() { done(); }
    void update(const std::string& line);
    void done();

private:
    bool enabled_;
    bool shown_ = false;
};

bool stderr_is_tty();

// Pauses before a write when Procore's last rate-limit headers say the window is nearly spent
// (see write_pacing_delay), so a large first sync slows down instead of meeting 429 storms.
void pace_writes(http::Client& http, Clock& clock);

// A write error that stops the pass (the batch never reached Procore, or Procore could not
// process any of it: transport, 5xx, 401/403, 429 after retries), as opposed to a 4xx about
// the data, which fails the batch's items and lets the pass go on.
bool is_fatal_write_error(const http::Error& e);

} // namespace mlc::sync
