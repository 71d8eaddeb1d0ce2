#include "sync/flows/commitments/flow_support.hpp"

#include "core/clock.hpp"
#include "store/audit_log.hpp"
#include "sync/engine/errors.hpp"

#include <algorithm>

namespace mlc::flows {

const std::map<std::int64_t, procore::ProjectCostCode>& ProjectCostCodes::of(std::int64_t project)
{
    auto it = cache_.find(project);
    if (it != cache_.end()) {
        recent_.remove(project);
        recent_.push_front(project);
        return it->second;
    }
    if (cache_.size() >= k_projects) {
        cache_.erase(recent_.back());
        recent_.pop_back();
    }
    {
        auto got = api_.project_cost_codes(project);
        if (!got) {
            engine::stop("procore", "reading the cost codes of project " + std::to_string(project),
                         got.error());
        }
        std::map<std::int64_t, procore::ProjectCostCode> by_id;
        for (auto& cc : *got) {
            by_id.emplace(cc.id, std::move(cc));
        }
        it = cache_.emplace(project, std::move(by_id)).first;
        recent_.push_front(project);
    }
    return it->second;
}

void audit_record(engine::Context& ctx, const engine::FlowInfo& flow, AuditRecord row)
{
    if (ctx.dry_run()) {
        return;
    }
    store::AuditEntry e;
    e.run_id = ctx.run.run_id();
    e.command = std::string(flow.command);
    e.record_kind = std::string(flow.audit_kind);
    e.oracle_key = std::move(row.oracle_key);
    e.procore_key = std::move(row.procore_key);
    e.action = std::string(row.action);
    e.before_fp = std::move(row.before_fp);
    e.after_fp = std::move(row.after_fp);
    e.message = std::move(row.message);
    ctx.audit().append(std::move(e));
}

void schedule_failed(store::Retries& retries, const Clock& clock, std::string_view stream,
                     const std::string& key, const std::string& message)
{
    const std::string s(stream);
    const auto prior = retries.find(s, key, store::retry_reason::failed);
    const int attempts = prior ? prior->attempts + 1 : 0;
    const auto hours = std::min(24, 1 << std::min(attempts, 5));
    retries.schedule(s, key, store::retry_reason::failed,
                     format_iso8601(clock.now() + std::chrono::hours(hours)), message,
                     prior.has_value());
}

void add_sample(engine::FlowSummary& summary, int limit, engine::PlanRow row)
{
    auto& rows = summary.samples[row.action];
    if (static_cast<int>(rows.size()) < limit) {
        rows.push_back(std::move(row));
    }
}

} // namespace mlc::flows
