#include "sync/flows/cost_codes/cost_codes.hpp"

#include "auth/fingerprint.hpp"
#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "store/database.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/retries.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/errors.hpp"
#include "sync/engine/outbox.hpp"
#include "sync/engine/procore_sync_target.hpp"
#include "sync/engine/read_ahead.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace mlc::flows {

namespace {

const engine::FlowInfo& k_flow = engine::flow::cost_codes;

static_assert(k_max_account_segments == static_cast<int>(oracle::k_max_segments),
              "the config validates segment numbers against the segments Oracle returns");

} // namespace

std::string cost_code_filter_reason(const oracle::AccountCombination& a, const CostCodeMapping& m,
                                    std::string_view today)
{
    if (!a.enabled) {
        return "not enabled";
    }
    if (!a.detail_posting) {
        return "detail posting not allowed";
    }
    if (!a.end_date.empty() && std::string_view(a.end_date).substr(0, 10) < today) {
        return "ended " + a.end_date;
    }
    if (!m.account_types.empty()
        && std::find(m.account_types.begin(), m.account_types.end(), a.account_type)
               == m.account_types.end()) {
        return "account type " + a.account_type + " not published";
    }
    const auto& natural = a.segments[static_cast<std::size_t>(m.natural_segment - 1)];
    if (!m.ranges.empty()) {
        // Same-length numeric account codes compare correctly as text.
        const bool in_range = std::any_of(m.ranges.begin(), m.ranges.end(), [&](const auto& r) {
            return natural >= r.first && natural <= r.second;
        });
        if (!in_range) {
            return "natural account " + natural + " outside the published ranges";
        }
    }
    return {};
}

std::string cost_code_fingerprint(const procore::StandardCostCodeItem& item)
{
    return fingerprint({{"origin_id", item.origin_id}, {"code", item.code}, {"name", item.name}});
}

CostCodeDecision plan_cost_code(const oracle::AccountCombination& a,
                                const std::optional<engine::LinkState>& link,
                                const CostCodeMapping& mapping, std::string_view today)
{
    CostCodeDecision d;
    d.item.origin_id = std::to_string(a.id);
    if (!a.last_update_date.empty()) { // a pod without the attribute: no origin_data
        d.item.origin_data = "{\"LastUpdateDate\":\"" + a.last_update_date + "\"}";
    }
    std::vector<std::size_t> segs;
    if (mapping.code_segments.empty()) {
        for (std::size_t i = 0; i < oracle::k_max_segments; ++i) {
            if (!a.segments[i].empty()) {
                segs.push_back(i);
            }
        }
    } else {
        for (int n : mapping.code_segments) {
            segs.push_back(static_cast<std::size_t>(n - 1));
        }
    }
    for (const std::size_t i : segs) {
        d.item.code += (d.item.code.empty() ? "" : "-") + a.segments[i];
        if (!a.descriptions[i].empty()) {
            d.item.name += (d.item.name.empty() ? "" : " - ") + a.descriptions[i];
        }
    }
    if (d.item.name.empty()) {
        d.item.name = d.item.code;
    }
    d.fingerprint = cost_code_fingerprint(d.item);
    if (link) {
        d.before_fp = link->fingerprint;
        if (link->target_key) {
            try {
                d.procore_id = std::stoll(*link->target_key);
            } catch (const std::exception&) {
                d.procore_id.reset();
            }
        }
    }
    if (auto why = cost_code_filter_reason(a, mapping, today); !why.empty()) {
        d.action = "filtered";
        d.message = why;
        // Published before and no longer: Procore cost codes carry budgets and costs, so the
        // code is never deleted; its name says it is retired, so no one picks it for new costs.
        // Once retired (the link holds the retired fingerprint) it is simply filtered again.
        if (link && link->target_key && link->origin != "procore") {
            auto retired = d.item;
            retired.name = std::string(k_retired_prefix) + d.item.name;
            const auto retired_fp = cost_code_fingerprint(retired);
            if (link->fingerprint != retired_fp) {
                d.action = "retire";
                d.message = "no longer published (" + why + "); renamed, not deleted";
                d.item = std::move(retired);
                d.fingerprint = retired_fp;
            }
        }
        return d;
    }
    if (link && link->origin == "procore") {
        d.action = "echo";
        return d;
    }
    if (link && link->target_key) {
        d.action = link->fingerprint == d.fingerprint ? "skip" : "update";
        return d;
    }
    d.action = "create";
    return d;
}

namespace {

// GL account combinations -> standard cost codes: read incrementally, plan each with
// plan_cost_code, apply through the engine into the ERP list.
class CostCodeFlow {
public:
    CostCodeFlow(engine::Context& ctx, const engine::PassOptions& options,
                 const engine::FlowScope& scope, CostCodeMapping mapping)
        : ctx_(ctx), options_(options), scope_(scope), mapping_(std::move(mapping)),
          links_(ctx.db()), api_(ctx.connections.procore().http(), ctx.config.procore.base_url,
                                 ctx.config.procore.company_id),
          target_(
              ctx.connections.procore().http(), ctx.config.procore.base_url,
              ctx.config.procore.company_id, "/rest/v1.0/standard_cost_codes/sync",
              [this]() {
                  return std::vector<std::pair<std::string, std::int64_t>>{
                      {"standard_cost_code_list_id", list_id()}};
              },
              [this]() { return listing(); }, ctx.clock),
          flow_(k_flow, ctx, options, target_, ctx.config.oracle.poll_overlap_seconds),
          today_(format_iso8601(ctx.clock.now()).substr(0, 10)),
          segments_(oracle::segment_attributes(ctx.config.mapping.chart.segments))
    {}

    engine::FlowSummary run()
    {
        flow_.resolve_unconfirmed();
        // A list creation an earlier pass left unconfirmed is resolved now, like any posting
        // (looked up by name; created only when it is not there), and so is one replayed.
        if (!options_.dry_run) {
            store::PostingFilter unresolved;
            unresolved.kinds = {std::string(k_flow.extra_kind)};
            unresolved.statuses = {store::posting_status::sent, store::posting_status::failed};
            bool replayed = false;
            for (const auto& p : scope_.replay) {
                replayed = replayed || p.kind == k_flow.extra_kind;
            }
            if (replayed || !store::Postings(ctx_.db()).list(unresolved).empty()) {
                list_id();
            }
        }
        flow_.replay(scope_.replay);
        flow_.force(scope_.keys, scope_.resend_unchanged);
        // The records due for a re-read by id; only these are remembered as seen (so a record
        // the incremental read just brought is not read twice), which keeps memory flat.
        for (auto& key : flow_.due_keys(scope_.incremental)) {
            due_.insert(std::move(key));
        }
        const auto from = flow_.start();
        auto sink = [this](bool advance) {
            return [this, advance](oracle::AccountPage& page) {
                for (const auto& a : page.accounts) {
                    on_account(a, advance);
                }
                flow_.page_done();
                return true;
            };
        };
        std::expected<void, http::Error> read;
        if (scope_.incremental) {
            read = read_changed(from, sink(true));
        }
        if (read) {
            read = read_due(sink(false));
        }
        flow_.finish(read, "reading accountCombinationsLOV",
                     "check `ml-connector ping` and the GL enterprise-structures privilege");
        auto summary = std::move(flow_.summary());
        summary.replayed = flow_.replayed();
        return summary;
    }

private:
    // The incremental read, where the pod has LastUpdateDate on accountCombinationsLOV. Whether
    // it has is found out, not configured: public clients written against live pods show none
    // (reference/oracle-fusion.md §4), and a pod can say so in two ways, both handled:
    //   - a 400 to the orderBy (or the q) naming LastUpdateDate: a framework that checks the
    //     attributes it is asked about;
    //   - a 200 whose items carry no LastUpdateDate: one that ignores what it does not know.
    // Either way nothing of that read is planned and the combinations are read whole instead
    // (read_whole). The probe costs one GET per pass on such a pod.
    std::expected<void, http::Error> read_changed(const engine::ReadFrom& from,
                                                  const oracle::AccountPageSink& sink)
    {
        const oracle::IncrementalCursor cursor{from.since, from.after.time, from.after.key};
        bool no_stamp = false; // written by the reader thread, read after read_ahead joined it
        auto changed = engine::read_ahead<oracle::AccountPage, oracle::ReadStats>(
            [&](const std::function<bool(oracle::AccountPage&)>& ahead) {
                return oracle::read_account_combinations(
                    ctx_.connections.oracle(), cursor, segments_,
                    [&](oracle::AccountPage& page) {
                        if (std::any_of(page.accounts.begin(), page.accounts.end(),
                                        [](const auto& a) { return a.last_update_date.empty(); })) {
                            no_stamp = true;
                            return false;
                        }
                        return ahead(page);
                    },
                    options_.page_size);
            },
            [&](oracle::AccountPage& page) { sink(page); });
        if (!changed && changed.error().kind == http::ErrorKind::status
            && changed.error().status == 400) {
            log::info("oracle: accountCombinationsLOV refused an incremental read by "
                      "LastUpdateDate ({}); reading the combinations whole",
                      changed.error().message);
            flow_.summary().read_mode =
                "whole: accountCombinationsLOV refused LastUpdateDate (400)";
            return read_whole(sink);
        }
        if (!changed) {
            return std::unexpected(changed.error());
        }
        if (no_stamp) {
            log::info("oracle: accountCombinationsLOV items carry no LastUpdateDate; reading the "
                      "combinations whole");
            flow_.summary().read_mode =
                "whole: accountCombinationsLOV items have no LastUpdateDate";
            return read_whole(sink);
        }
        return {};
    }

    // Every combination the query can narrow to (the chart, EnabledFlag, AccountType), 500 a
    // page in _CODE_COMBINATION_ID order, each planned against its link: the fingerprint keeps
    // an unchanged one from being sent, so a rerun with nothing changed writes nothing. A code
    // we published whose combination the read no longer lists (disabled, another type, gone)
    // is re-read by id with the records due, so a disabled one is retired as in an incremental
    // read; one Oracle no longer has is left as it is.
    std::expected<void, http::Error> read_whole(const oracle::AccountPageSink& sink)
    {
        const oracle::AccountFilter filter{
            .chart_of_accounts_id = ctx_.config.mapping.chart.chart_of_accounts_id,
            .enabled_only = true,
            .account_types = mapping_.account_types,
            .framework_version = ctx_.config.oracle.rest_framework_version};
        std::set<std::string> listed;
        auto all = engine::read_ahead<oracle::AccountPage, oracle::ReadStats>(
            [&](const std::function<bool(oracle::AccountPage&)>& ahead) {
                return oracle::read_all_account_combinations(ctx_.connections.oracle(), filter,
                                                             segments_, ahead, options_.page_size);
            },
            [&](oracle::AccountPage& page) {
                for (const auto& a : page.accounts) {
                    listed.insert(std::to_string(a.id));
                }
                sink(page);
            });
        if (!all) {
            return std::unexpected(all.error());
        }
        for (auto& key : links_.written_oracle_keys(std::string(k_flow.link_kind))) {
            if (!listed.contains(key)) {
                due_.insert(std::move(key));
            }
        }
        return {};
    }

    std::expected<void, http::Error> read_due(const oracle::AccountPageSink& sink)
    {
        std::vector<std::int64_t> ids;
        for (const auto& key : due_) {
            if (seen_.contains(key)) {
                continue;
            }
            try {
                ids.push_back(std::stoll(key));
            } catch (const std::exception&) {
                continue;
            }
        }
        if (ids.empty()) {
            return {};
        }
        auto read = oracle::read_account_combinations_by_id(ctx_.connections.oracle(), ids,
                                                            segments_, sink);
        if (!read) {
            return std::unexpected(read.error());
        }
        // Gone from Oracle (or never a combination id): nothing left to re-read later.
        if (!options_.dry_run) {
            store::Retries retries(ctx_.db());
            for (const auto& key : due_) {
                if (!seen_.contains(key)) {
                    retries.clear_all(std::string(k_flow.stream), key);
                }
            }
        }
        return {};
    }

    void on_account(const oracle::AccountCombination& a, bool advance)
    {
        const std::string key = std::to_string(a.id);
        if (!advance && seen_.contains(key)) {
            return;
        }
        if (due_.contains(key)) {
            seen_.insert(key);
        }
        flow_.saw(engine::Cursor{a.last_update_date, key}, advance);
        std::optional<engine::LinkState> link;
        if (auto l = links_.find_by_oracle(std::string(k_flow.link_kind), key)) {
            link = engine::LinkState{l->procore_key, l->fingerprint, l->origin};
        }
        auto d = plan_cost_code(a, link, mapping_, today_);
        if (d.action == "skip" && flow_.forced(key)) {
            d.action = "update";
            d.message = "sent again on request";
        }
        engine::FlowRecord record{
            .action = d.action,
            .key = d.item.origin_id,
            .target_id = d.procore_id ? std::optional(std::to_string(*d.procore_id)) : std::nullopt,
            .sent_id = std::nullopt,
            .fingerprint = d.fingerprint,
            .before_fp = d.before_fp,
            .name = d.item.code + " " + d.item.name,
            .message = d.message,
            .item_json = procore::standard_cost_code_item_json(d.item)};
        flow_.planned(record);
        if (d.action != "create" && d.action != "update" && d.action != "retire") {
            if (d.action != "filtered") {
                flow_.audit_later(record, engine::action::skipped,
                                  d.action == "skip" ? "unchanged" : d.message);
            }
            return;
        }
        if (auto* queued = flow_.queued(key)) {
            *queued = std::move(record);
            return;
        }
        if (flow_.worth_sending(record)) {
            flow_.enqueue(std::move(record));
        }
    }

    // What the ERP list holds, by origin_id, for looking up a batch whose answer was lost.
    std::expected<engine::ProcoreSyncTarget::Listing, http::Error> listing()
    {
        auto codes = api_.list_codes(list_id());
        if (!codes) {
            return std::unexpected(codes.error());
        }
        engine::ProcoreSyncTarget::Listing out;
        for (const auto& c : *codes) {
            if (!c.origin_id.empty()) {
                out[c.origin_id] = engine::ProcoreSyncTarget::Held{
                    std::to_string(c.id), cost_code_fingerprint({c.origin_id, c.code, c.name, {}})};
            }
        }
        return out;
    }

    // The ERP list's id, found by name, else created through the outbox: the create is a POST
    // that is not idempotent, so it is recorded before it is sent and, whenever an attempt may
    // have reached Procore (a dropped answer, a crash), looked up by name before any resend.
    // So there is never a second list, whatever fails where.
    std::int64_t list_id()
    {
        if (list_id_ != 0) {
            return list_id_;
        }
        const std::string& name = mapping_.list_name;
        auto lookup = [&]() -> engine::LookupResult {
            auto found = api_.find_list(name);
            if (!found) {
                return std::unexpected(found.error());
            }
            if (!*found) {
                return std::optional<engine::Found>{};
            }
            return std::optional<engine::Found>{engine::Found{std::to_string(**found)}};
        };
        engine::Outbox outbox(ctx_.db(), ctx_.run.run_id());
        const engine::PostingSpec spec{.key = "cost_code_list:" + name,
                                       .kind = std::string(k_flow.extra_kind),
                                       .target = "procore",
                                       .request = "{\"name\":" + json::quote(name) + "}",
                                       .records = {name}};
        {
            // The list may simply exist (made by hand, by an earlier pass, or by a request whose
            // answer was lost): one GET tells, before anything is recorded or sent.
            auto found = lookup();
            if (!found) {
                engine::stop("procore", "listing standard cost code lists", found.error());
            }
            if (*found) {
                if (const auto existing = outbox.postings().find(spec.key);
                    existing && existing->status != store::posting_status::confirmed
                    && existing->status != store::posting_status::superseded) {
                    outbox.postings().mark_confirmed(existing->id, (*found)->remote_id);
                }
                return list_id_ = std::stoll((*found)->remote_id);
            }
        }
        engine::PostHandlers h;
        h.send = [&]() -> std::expected<std::string, http::Error> {
            ++flow_.summary().write_calls;
            auto created = api_.create_list(name);
            if (!created) {
                return std::unexpected(created.error());
            }
            return std::to_string(*created);
        };
        h.lookup = lookup;
        h.confirmed = [](const std::string&, bool) {};
        for (int attempt = 1; attempt <= 2; ++attempt) {
            auto r = outbox.post(spec, h);
            switch (r.outcome) {
            case engine::PostOutcome::sent:
            case engine::PostOutcome::found:
            case engine::PostOutcome::already:
                log::info("procore: standard cost code list \"{}\" is {}{}", name, r.remote_id,
                          r.outcome == engine::PostOutcome::found
                              ? " (made by a request whose answer was lost)"
                              : "");
                return list_id_ = std::stoll(r.remote_id);
            case engine::PostOutcome::unknown:
                // A 2xx we could not read: the list is there, ask at once (one GET). After a
                // transport error or a 5xx Procore may still be making it, so a lookup now could
                // miss it: the pass stops and the next one looks it up before anything else.
                if (r.error && !engine::is_fatal(*r.error) && attempt == 1) {
                    continue;
                }
                engine::stop("procore", "creating the standard cost code list \"" + name + "\"",
                             r.error.value_or(http::Error{}),
                             "a rerun looks the list up by name before creating it");
            default:
                engine::stop("procore", "creating the standard cost code list \"" + name + "\"",
                             r.error.value_or(http::Error{}),
                             "a rerun looks the list up by name before creating it");
            }
        }
        engine::stop("procore", "creating the standard cost code list \"" + name + "\"",
                     http::Error{}, "a rerun looks the list up by name before creating it");
    }

    engine::Context& ctx_;
    const engine::PassOptions& options_;
    engine::FlowScope scope_;
    CostCodeMapping mapping_;
    store::Links links_;
    procore::CostCodeApi api_;
    engine::ProcoreSyncTarget target_;
    engine::BatchFlow flow_;
    std::string today_;
    std::vector<std::string> segments_; // the segment attribute names (mapping.chart.segments)
    std::set<std::string> due_;         // combinations due for a re-read by id
    std::set<std::string> seen_;        // … of those, the ones read in this pass
    std::int64_t list_id_ = 0;
};

} // namespace

engine::FlowSummary sync_cost_codes(engine::Context& ctx, const engine::PassOptions& options,
                                    const engine::FlowScope& scope)
{
    const auto& mapping = ctx.config.mapping.cost_codes;
    if (!mapping) {
        engine::FlowSummary sum;
        sum.flow = std::string(k_flow.name);
        sum.title = std::string(k_flow.title);
        sum.stream = std::string(k_flow.stream);
        sum.skipped_reason = "no mapping.cost_codes section in the config";
        return sum;
    }
    CostCodeFlow flow(ctx, options, scope, *mapping);
    return flow.run();
}

} // namespace mlc::flows
