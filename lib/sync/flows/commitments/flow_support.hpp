#pragma once
// What the two commitment flows (Procore -> Oracle and Oracle -> Procore) share around their
// per-record postings: the project cost code cache, the audit row, the failed-record retry with
// backoff, and the summary's sample rows.
#include "procore/commitments.hpp"
#include "store/retries.hpp"
#include "sync/engine/cost_accounts.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"
#include "sync/engine/summary.hpp"

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mlc::flows {

using engine::ProjectCostCodes;

// One audit row of `flow` for a record (nothing in a dry run).
struct AuditRecord {
    std::optional<std::string> oracle_key;
    std::optional<std::string> procore_key;
    std::string_view action;
    std::string message;
    std::optional<std::string> before_fp;
    std::optional<std::string> after_fp;
};
void audit_record(engine::Context& ctx, const engine::FlowInfo& flow, AuditRecord row);

// Queues a failed record for a re-read with backoff: 1 h, doubling to 24 h per failure.
void schedule_failed(store::Retries& retries, const Clock& clock, std::string_view stream,
                     const std::string& key, const std::string& message);

// Keeps the row among the first `limit` of its action.
void add_sample(engine::FlowSummary& summary, int limit, engine::PlanRow row);

} // namespace mlc::flows
