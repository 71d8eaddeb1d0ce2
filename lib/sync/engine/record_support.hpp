#pragma once
// What every per-record flow shares around its postings: the audit row of a record, the
// failed-record retry with backoff, and the summary's sample rows.
#include "store/retries.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"
#include "sync/engine/summary.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace mlc::engine {

// One audit row of `flow` for a record (nothing in a dry run).
struct AuditRecord {
    std::optional<std::string> oracle_key;
    std::optional<std::string> procore_key;
    std::string_view action;
    std::string message;
    std::optional<std::string> before_fp;
    std::optional<std::string> after_fp;
};
void audit_record(Context& ctx, const FlowInfo& flow, AuditRecord row);

// Queues a failed record for a re-read with backoff: 1 h, doubling to 24 h per failure.
void schedule_failed(store::Retries& retries, const Clock& clock, std::string_view stream,
                     const std::string& key, const std::string& message);

// Keeps the row among the first `limit` of its action.
void add_sample(FlowSummary& summary, int limit, PlanRow row);

} // namespace mlc::engine
