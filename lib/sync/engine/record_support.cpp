#include "sync/engine/record_support.hpp"

#include "core/clock.hpp"
#include "store/audit_log.hpp"

#include <algorithm>

namespace mlc::engine {

void audit_record(Context& ctx, const FlowInfo& flow, AuditRecord row)
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

void add_sample(FlowSummary& summary, int limit, PlanRow row)
{
    auto& rows = summary.samples[row.action];
    if (static_cast<int>(rows.size()) < limit) {
        rows.push_back(std::move(row));
    }
}

} // namespace mlc::engine
