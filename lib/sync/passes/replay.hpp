#pragma once
// `ml-connector replay`: re-resolves and re-posts failed, held, unconfirmed or selected postings,
// never twice. For each selected posting, the target is asked first whether it already has what
// the posting carries (found: confirmed, nothing sent). Otherwise its source records are re-read
// by id (so a fix made in Oracle, Procore or the mapping is picked up), planned again and posted
// through the outbox like any pass would, sent even when unchanged. Each is audited `replayed`
// with the posting that replaced it. It reaches the flow that owns each posting through the flow
// table, so every later flow's postings plug in without changing this command.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "sync/engine/summary.hpp"
#include "sync/passes/sync_suppliers.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mlc::engine {
class Connections;
}

namespace mlc::passes {

struct ReplayOptions {
    std::vector<std::int64_t> postings; // --posting ID…: exactly these, whatever their status
    std::vector<std::string> kinds;     // --kind: a flow (vendors) or a posting kind (vendor)
    bool failed = false;                // --failed
    bool held = false;                  // --held
    std::string since;                  // --since: postings updated at or after (ISO-8601)
    engine::PassOptions pass;           // dry_run, page and batch sizes
};

// One selected posting, before and after.
struct ReplayedPosting {
    std::int64_t id = 0;
    std::string source_key;
    std::string kind;
    std::string status_before;
    std::string status_after;
    std::string outcome; // what happened, for people
};

struct ReplayResult {
    PassResult pass; // the flows that ran, the API calls, the exit code
    std::vector<ReplayedPosting> postings;
};

// Selects the postings (with no selector: every failed one and every one left sent), runs the
// flows that own them, and reports. Exit 1 when a record failed again; 3 when a system could not
// be reached; a selection that names an unknown kind or posting is a usage error (2).
ReplayResult run_replay(const Config& config, engine::Connections& connections, Clock& clock,
                        const ReplayOptions& options);

std::string to_json(const ReplayResult& result);
std::string to_text(const ReplayResult& result);

} // namespace mlc::passes
