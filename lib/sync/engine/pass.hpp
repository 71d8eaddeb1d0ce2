#pragma once
// What every pass shares around its own work: the run lock, the state database, the audit log,
// and a `runs` row begun at the start and finished with the pass's real exit code. A pass runs
// its body through PassRun::guard, which catches what escapes (a Fatal's own code, 2 for
// anything else), finishes the row with it and lets the exception go on to main; a pass killed
// outright (SIGKILL) is marked interrupted by the next one; a pass stopped by SIGTERM or SIGINT
// (core/stop.hpp) finishes its row as interrupted with exit 143 or 130. A dry run takes the lock
// but writes nothing locally: no runs row, no audit rows, no spool intake, no metrics. Every other
// pass first marks earlier unfinished runs interrupted and takes the webhook spool into the inbox,
// and at its end, however it ends (also with a fatal error), rewrites the metrics file when one is
// configured (metrics.file, --metrics-file: engine/metrics.hpp).
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/stop.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/lock.hpp"
#include "sync/engine/ingest.hpp"

#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mlc::engine {

class Connections;

class PassRun {
public:
    // Takes the lock (LockedError, exit 4), opens the database (StoreError), begins the runs
    // row, marks runs a crash left open as interrupted and takes the webhook spool in. A Fatal
    // thrown by the intake finishes the row with its code before it goes on.
    // `connections` (may be null: a pass that calls nobody) gives the metrics their API calls and
    // Procore's rate-limit headers; it must outlive the PassRun.
    PassRun(const Config& config, std::string_view command, bool dry_run, Clock& clock,
            const Connections* connections = nullptr);
    // A row still open here (an exception went past guard(), which should not happen) is marked
    // interrupted rather than given an exit code nobody knows.
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
    // The runs a crash had left open, now marked interrupted.
    const std::vector<std::int64_t>& interrupted_runs() const { return interrupted_; }

    // Records the end: the exit code and the JSON summary.
    void finish(ExitCode code, const std::string& counts_json);

    // Runs `body()` and returns what it returns. When an exception escapes it, the runs row is
    // finished with the exit code main will give (a Fatal's code, else 2) and the message, and
    // the exception goes on.
    template <class Body> decltype(auto) guard(Body&& body)
    {
        try {
            return body();
        } catch (const stop::Interrupted& e) {
            abort(e.code(), e.what(), true);
            throw;
        } catch (const Fatal& e) {
            abort(e.code(), e.what());
            throw;
        } catch (const std::exception& e) {
            abort(ExitCode::usage, std::string("internal: ") + e.what());
            throw;
        }
    }

private:
    void abort(ExitCode code, const std::string& message, bool interrupted = false) noexcept;
    // Rewrites the metrics file when one is configured; a failure is a warning, never the pass's.
    void write_metrics() noexcept;

    std::string command_;
    bool dry_run_;
    stop::Scope stop_scope_; // first in, last out: SIGTERM/SIGINT stop the whole pass cleanly
    store::RunLock lock_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::AuditLog> audit_;
    std::optional<std::int64_t> run_id_;
    IngestSummary ingested_;
    std::vector<std::int64_t> interrupted_;
    bool finished_ = false;
    Clock& clock_;
    const Connections* connections_;
    std::filesystem::path metrics_file_;
    std::filesystem::path spool_dir_;
};

// What a flow needs from the pass it runs in.
struct Context {
    const Config& config;
    Connections& connections;
    Clock& clock;
    PassRun& run;

    store::Database& db() const { return run.db(); }
    store::AuditLog& audit() const { return run.audit(); }
    bool dry_run() const { return run.dry_run(); }
};

// One line on stderr, rewritten in place, only when stderr is a terminal.
class Progress {
public:
    explicit Progress(bool enabled) : enabled_(enabled) {}
    ~Progress() { done(); }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    void update(const std::string& line);
    void done();

private:
    bool enabled_;
    bool shown_ = false;
};

bool stderr_is_tty();

} // namespace mlc::engine
