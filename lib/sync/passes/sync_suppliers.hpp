#pragma once
// The sync-suppliers pass: under the run lock, Oracle suppliers -> Procore vendors and then GL
// accounts -> the ERP standard cost code list (sync/flows/), with one runs row, one summary and
// the exit code: 0 all done, 1 some records failed and are queued for a re-read or replay.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "sync/engine/summary.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlc::engine {
class Connections;
}

namespace mlc::passes {

struct SyncSuppliersOptions {
    engine::PassOptions pass;
    bool vendors = true;    // run the supplier -> vendor flow
    bool cost_codes = true; // run the GL account -> cost code flow
};

struct PassResult {
    std::string command;
    bool dry_run = false;
    std::optional<std::int64_t> run_id;
    std::vector<engine::FlowSummary> flows;
    std::map<std::string, std::int64_t> api_calls; // "GET /suppliers" -> n
    std::vector<std::int64_t> interrupted_runs;    // earlier runs found killed, now marked
    ExitCode exit_code = ExitCode::ok;
};

// The whole pass. Throws Fatal (LockedError, UnreachableError, ConfigError, StoreError) for
// what stops the run, after finishing its runs row with that code; per-record failures are in
// the result (exit 1).
PassResult run_sync_suppliers(const Config& config, engine::Connections& connections, Clock& clock,
                              const SyncSuppliersOptions& options);

// The exit code of a set of flows: partial when any record failed in this pass.
ExitCode exit_code_of(const std::vector<engine::FlowSummary>& flows);

std::string to_json(const PassResult& result);
std::string to_text(const PassResult& result);

} // namespace mlc::passes
