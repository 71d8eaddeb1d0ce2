#include "sync/engine/record_support.hpp"

#include "core/clock.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "sync/engine/errors.hpp"

#include <algorithm>

namespace mlc::engine {

namespace {

// The audit row of a record by its own key: an Oracle key for a flow whose records are born in
// Oracle, a Procore key otherwise.
AuditRecord keyed(const FlowInfo& flow, const std::string& key, std::string_view action,
                  const std::string& message, const std::string& fingerprint)
{
    const bool from_oracle = flow.source == "oracle";
    return {from_oracle ? std::optional<std::string>(key) : std::nullopt,
            from_oracle ? std::nullopt : std::optional<std::string>(key),
            action,
            message,
            std::nullopt,
            fingerprint};
}

} // namespace

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

void record_failed(Context& ctx, const FlowInfo& flow, store::Postings& postings,
                   store::Retries& retries, const std::string& posting_key,
                   const std::string& record_key, const std::string& fingerprint,
                   const std::string& error_class, const std::string& message,
                   const std::string& superseded_why)
{
    if (ctx.dry_run()) {
        return;
    }
    store::Transaction tx(ctx.db());
    const std::string kind(flow.link_kind);
    auto p = postings.record_pending(posting_key, kind, std::string(flow.target), "",
                                     {record_key + " " + fingerprint}, ctx.run.run_id());
    if (p.status == store::posting_status::pending || p.status == store::posting_status::failed) {
        postings.mark_failed(p.id, error_class, message);
    }
    postings.supersede_failed(kind, record_key, superseded_why, posting_key);
    audit_record(ctx, flow, keyed(flow, record_key, action::failed, message, fingerprint));
    schedule_failed(retries, ctx.clock, flow.stream, record_key, message);
    tx.commit();
}

void record_posted(Context& ctx, const FlowInfo& flow, store::Links& links,
                   store::Postings& postings, store::Retries& retries, const std::string& key,
                   const std::string& remote_id, const std::string& fingerprint,
                   const std::optional<std::string>& summary, bool found,
                   const std::string& message, const char* follow_up, const std::string& now)
{
    const std::string kind(flow.link_kind);
    const std::string stream(flow.stream);
    // A record born in Oracle (a payment) is keyed by its Oracle id and written to Procore.
    const bool from_oracle = flow.source == "oracle";
    const std::string& oracle_key = from_oracle ? key : remote_id;
    const std::string& procore_key = from_oracle ? remote_id : key;
    store::Link link{.kind = kind,
                     .oracle_key = oracle_key,
                     .procore_key = procore_key,
                     .fingerprint = fingerprint,
                     .origin = std::string(flow.source),
                     .drift = std::nullopt,
                     .summary = summary,
                     .remote_updated_at = std::nullopt,
                     .updated_at = {}};
    if (auto up = links.upsert(link); !up) {
        audit_record(ctx, flow,
                     {oracle_key, procore_key, action::failed, up.error().message, {}, {}});
    }
    audit_record(ctx, flow,
                 {oracle_key, procore_key, found ? action::confirmed : action::posted, message,
                  std::nullopt, fingerprint});
    postings.supersede_failed(kind, key,
                              "a version of the " + std::string(flow.record_label) + " was posted");
    retries.clear_all(stream, key);
    if (follow_up != nullptr) {
        retries.schedule(stream, key, follow_up, now);
    }
}

void record_refused(Context& ctx, const FlowInfo& flow, store::Postings& postings,
                    store::Retries& retries, const std::string& key, const std::string& fingerprint,
                    const std::string& posting_key, const std::string& message)
{
    audit_record(ctx, flow, keyed(flow, key, action::failed, message, fingerprint));
    schedule_failed(retries, ctx.clock, flow.stream, key, message);
    postings.supersede_failed(
        std::string(flow.link_kind), key,
        "a newer version of the " + std::string(flow.record_label) + " failed", posting_key);
}

bool count_post(FlowSummary& summary, const PostResult& result, const std::string& key,
                const std::string& name, std::string_view system, const std::string& what)
{
    ++summary.write_calls;
    switch (result.outcome) {
    case PostOutcome::sent:
    case PostOutcome::found:
        if (result.outcome == PostOutcome::found) {
            ++summary.resolved;
        }
        ++summary.created;
        return true;
    case PostOutcome::refused:
    case PostOutcome::lost:
        ++summary.failed;
        summary.failures.push_back(
            {"failed", key, "", name, result.error ? describe(*result.error) : "refused"});
        return false;
    case PostOutcome::unknown:
    case PostOutcome::not_sent:
        stop(system, what, result.error.value_or(http::Error{}));
    case PostOutcome::already:
    case PostOutcome::held:
    case PostOutcome::superseded:
    case PostOutcome::send:
        return false;
    }
    return false;
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
