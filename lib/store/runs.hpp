#pragma once
// The runs table: one row per pass (command, start, end, counts, exit code), begun when the
// pass starts and finished when it ends with its real exit code. A pass killed before it could
// finish its row (SIGKILL, power loss) is marked interrupted by the next pass that takes the
// lock: only one pass runs at a time, so an unfinished row older than the lock holder is dead.
// A pass stopped by SIGTERM or SIGINT finishes its own row, interrupted, with exit 143 or 130:
// interrupted with an exit code was stopped; interrupted without one was killed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlc::store {

class Database;

struct RunRow {
    std::int64_t id = 0;
    std::string command;
    std::string started_at;
    std::optional<std::string> finished_at;
    std::optional<int> exit_code;
    std::string counts_json; // empty until finished
    std::int64_t pid = 0;
    // Did not finish its work: killed (exit_code unknown, NULL) or stopped by a signal (130/143).
    bool interrupted = false;
};

// Inserts a row for this process and returns its id.
std::int64_t begin_run(Database& db, const std::string& command);
// Records the end: exit code and the JSON summary (records, actions, API calls); `interrupted`
// for a pass stopped by a signal.
void finish_run(Database& db, std::int64_t id, int exit_code, const std::string& counts_json,
                bool interrupted = false);
// Marks every unfinished run other than `current` interrupted; returns their ids. Call only
// while holding the run lock.
std::vector<std::int64_t> mark_interrupted_runs(Database& db, std::int64_t current);
// The newest `limit` runs, newest first.
std::vector<RunRow> recent_runs(Database& db, int limit);
// The newest run of each command, ordered by command (for the metrics file).
std::vector<RunRow> last_run_per_command(Database& db);

} // namespace mlc::store
