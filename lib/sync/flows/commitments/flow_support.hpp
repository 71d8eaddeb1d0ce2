#pragma once
// What the two commitment flows (Procore -> Oracle and Oracle -> Procore) share around their
// per-record postings: the project cost code cache, the audit row, the failed-record retry with
// backoff, and the summary's sample rows.
#include "procore/commitments.hpp"
#include "store/retries.hpp"
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

// A project's cost codes by id, read once per project per pass (a failed read stops the pass).
// The most recently used `k_projects` are kept, so memory does not grow with the number of
// projects a sweep walks through (it visits them one after the other). The reference `of`
// returns is valid until the next call.
class ProjectCostCodes {
public:
    static constexpr std::size_t k_projects = 64;
    explicit ProjectCostCodes(procore::CommitmentApi& api) : api_(api) {}
    const std::map<std::int64_t, procore::ProjectCostCode>& of(std::int64_t project);

private:
    procore::CommitmentApi& api_;
    std::map<std::int64_t, std::map<std::int64_t, procore::ProjectCostCode>> cache_;
    std::list<std::int64_t> recent_; // most recent first
};

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
