#pragma once
// The sync-suppliers pass: Oracle suppliers -> Procore company vendors (this file's flow) and,
// through cost_codes.hpp, GL accounts -> the ERP standard cost code list. Each flow reads
// incrementally from its watermark, plans with the pure functions of vendor_plan.hpp, applies
// in sync batches recorded as postings, audits every action and advances the watermark only
// past what was applied.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlc::store {
class Database;
class AuditLog;
} // namespace mlc::store

namespace mlc::sync {

class Connections;

struct SyncPassOptions {
    bool dry_run = false;
    bool full = false;      // read everything, ignoring the watermark
    std::string since;      // ISO-8601: start here instead of the watermark
    bool progress = false;  // a progress line on stderr (TTY only)
    bool vendors = true;    // run the supplier -> vendor flow
    bool cost_codes = true; // run the GL account -> cost code flow
    int page_size = 500;    // Oracle limit per GET
    int batch_size = 1000;  // items per Procore sync call (Procore's maximum)
    int sample_rows = 5;    // rows shown per action in the plan
};

// One record's line in the plan / report.
struct PlanRow {
    std::string action; // create, update, link, skip, echo, ambiguous, failed
    std::string oracle_key;
    std::string procore_key; // empty when unknown
    std::string name;
    std::string message;
};

// The outcome of one flow (vendors or cost codes).
struct FlowSummary {
    std::string flow;                                              // "vendors" or "cost_codes"
    std::string stream;                                            // watermark stream
    std::int64_t pages = 0;                                        // Oracle pages read
    std::int64_t read = 0;                                         // records read (after dedupe)
    std::map<std::string, std::int64_t> planned;                   // action -> count
    std::int64_t created = 0, updated = 0, linked = 0, failed = 0; // applied
    std::int64_t retired = 0;     // published cost codes marked as no longer in the GL
    std::int64_t write_calls = 0; // Procore sync calls made
    std::string watermark_before; // "time|key", empty when none
    std::string watermark_after;
    std::map<std::string, std::vector<PlanRow>> samples; // first rows per action
    std::vector<PlanRow> failures;                       // every failed record (also in postings)
    // Every record left for a person to decide (ambiguous matches), not only the first rows:
    // each is also audited (action "ambiguous"); the exit code stays 0, nothing failed.
    std::vector<PlanRow> attention;
    std::string skipped_reason; // a flow that did not run says why
};

struct SyncPassResult {
    bool dry_run = false;
    std::optional<std::int64_t> run_id;
    std::vector<FlowSummary> flows;
    std::map<std::string, std::int64_t> api_calls; // "GET /suppliers" -> n
    ExitCode exit_code = ExitCode::ok;
};

// The whole pass: lock, runs row, both flows, summary. Throws Fatal (LockedError,
// UnreachableError, ConfigError, StoreError) for what stops the run; per-record failures are
// in the result (exit 1).
SyncPassResult run_sync_suppliers(const Config& config, Connections& connections, Clock& clock,
                                  const SyncPassOptions& options);

// The supplier -> vendor flow alone, on an open database. `run_id` nullopt with dry_run.
FlowSummary sync_vendors(const Config& config, Connections& connections, store::Database& db,
                         store::AuditLog& audit, std::optional<std::int64_t> run_id, Clock& clock,
                         const SyncPassOptions& options);

std::string to_json(const SyncPassResult& result);
std::string to_text(const SyncPassResult& result);

inline constexpr const char* k_sync_suppliers_command = "sync-suppliers";
inline constexpr const char* k_suppliers_stream = "oracle.suppliers";

} // namespace mlc::sync
