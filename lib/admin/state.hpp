#pragma once
// `ml-connector state`: the per-stream watermarks, as Airbyte and Meltano users expect to see
// and move them. `list` and `show` read; `set` moves a stream's cursor by hand (re-read from a
// date after fixing something upstream, or skip a bad stretch) and `reset` forgets it (the next
// pass reads the stream from the beginning, which creates nothing twice: every record is matched
// by its link). Both take the run lock, so they never move a cursor under a running pass, write
// one audit row each with the cursor before and after, and with `dry_run` only say what they
// would do.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "store/watermarks.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mlc::admin {

struct StateChange {
    std::string stream;
    std::optional<store::Watermark> before; // none: the stream had no cursor
    std::optional<store::Watermark> after;  // none: reset
    bool dry_run = false;
    std::int64_t audit_id = 0; // the audit row written; 0 for a dry run
};

// Every stored cursor, by stream name. An absent state database has none (and is not created).
std::vector<store::Watermark> list_state(const Config& config);

// One stream's cursor. UsageError (exit 2) naming the streams there are when it has none.
store::Watermark show_state(const Config& config, const std::string& stream);

// Sets the stream's cursor to `time` (ISO-8601, or a date: midnight UTC; stored in UTC) and
// `key` (the tie-breaking id; empty: every record at `time` is read again). The stream must have
// a cursor already or be one the flows keep (`oracle.suppliers`, `procore.costs:…`): a typo is a
// UsageError, not a cursor nobody reads.
StateChange set_state(const Config& config, const std::string& stream, const std::string& time,
                      const std::string& key, bool dry_run, const Clock& clock = system_clock());

// Forgets the stream's cursor. UsageError when it has none.
StateChange reset_state(const Config& config, const std::string& stream, bool dry_run,
                        const Clock& clock = system_clock());

// Text for people: a table of cursors, one cursor, a change.
std::string render_state_list(const std::vector<store::Watermark>& list);
std::string render_state_change(const StateChange& change);
// JSON for scripts.
std::string state_list_json(const std::vector<store::Watermark>& list);
std::string state_change_json(const StateChange& change);

} // namespace mlc::admin
