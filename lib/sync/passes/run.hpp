#pragma once
// `ml-connector run`: every pass in dependency order under one run lock, one summary and one exit
// code, so a customer schedules one crontab line. The passes are ingest, sync-suppliers, pull-pos
// and post-costs; sync-suppliers needs ingest, and pull-pos and post-costs need sync-suppliers
// (the vendors and cost codes they charge), not each other. A pass that fails fatally (a config
// error, a system unreachable or refusing our credentials) skips the passes that depend on it,
// directly or not, naming it; the others still run. Records that failed (exit 1) skip nothing. A
// signal stops the whole run. Each pass keeps its own `runs` row, as when run alone; `run` adds
// none. The exit code is the worst of the passes' (worse_exit).
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "sync/engine/ingest.hpp"
#include "sync/passes/sync_suppliers.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::passes {

struct RunOptions {
    bool dry_run = false;          // every pass plans only; ingest (a local write) is skipped
    bool full = false;             // every pass sweeps, ignoring its watermarks
    bool progress = false;         // progress lines on stderr (TTY only)
    std::vector<std::string> only; // run only these passes (names as run_pass_names())
    std::vector<std::string> skip; // run every pass but these
};

// What became of one pass.
struct RunPassOutcome {
    enum class State {
        ran,     // it finished: exit 0, or 1 with records failed or held
        failed,  // it stopped with a fatal error (exit 2, 3, 4) or a signal (130, 143)
        skipped, // it did not run: `reason` says why
    };
    std::string name;
    State state = State::skipped;
    ExitCode exit_code = ExitCode::ok; // ran or failed
    std::string reason;                // skipped: why ("sync-suppliers failed (exit 3)")
    std::string error;                 // failed: what stopped it
    std::string hint;                  // failed: what to do about it
    std::optional<PassResult> summary; // ran: sync-suppliers, pull-pos, post-costs
    std::optional<engine::IngestSummary> ingested; // ran: ingest
    std::string detail_text; // ran: text the pass prints before its summary (a dry run's table)
};

struct RunResult {
    bool dry_run = false;
    std::vector<RunPassOutcome> passes; // every pass, in run order, ran or not
    ExitCode exit_code = ExitCode::ok;  // the worst of the passes'
    int stop_signal = 0;                // SIGTERM or SIGINT stopped the run; 0 otherwise
};

// The passes in the order `run` runs them.
std::span<const std::string_view> run_pass_names();

// The worse of two exit codes, in this order: stopped by a signal (130, 143), 4 (locked), 3
// (unreachable), 2 (usage or config), 1 (records failed), 0. Cron and systemd see the condition
// that most needs a person.
ExitCode worse_exit(ExitCode a, ExitCode b);

// Takes the run lock (LockedError, exit 4, when another process holds it) and runs the selected
// passes, each as it runs alone and under the same lock. A name in --only or --skip that is not
// a pass, or both given, is a UsageError (exit 2) before anything runs. A pass whose mapping
// section is absent (post-costs without mapping.journal, pull-pos without mapping.projects) is
// skipped with that note instead of failing.
RunResult run_all(const Config& config, Clock& clock, const RunOptions& options);

// One JSON object: {"command": "run", "dry_run", "exit_code", "passes": [{"pass", "status":
// "ran"|"failed"|"skipped", "exit_code", "summary" | "error" + "hint" | "reason"}],
// "stopped_by"?}.
std::string to_json(const RunResult& result);
// Each pass's summary as the pass prints it, under its name, then one line per pass: its exit
// code, or what stopped it, or why it was skipped, and the run's exit code.
std::string to_text(const RunResult& result);

} // namespace mlc::passes
