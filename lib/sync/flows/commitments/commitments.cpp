#include "sync/flows/commitments/commitments.hpp"

#include "core/clock.hpp"
#include "core/crash_point.hpp"
#include "oracle/account_combinations.hpp"
#include "oracle/purchase_orders.hpp"
#include "procore/client.hpp"
#include "procore/commitments.hpp"
#include "store/inbox.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/retries.hpp"
#include "store/watermarks.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/errors.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/outbox.hpp"
#include "sync/flows/commitments/commitment_plan.hpp"
#include "sync/flows/commitments/flow_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace mlc::flows {

namespace {

using engine::flow::commitments;
using procore::CommitmentType;

constexpr const char* k_follow_up = "follow_up";        // retry reason: submit or write-back owed
constexpr const char* k_oracle_link_kind = "oracle_po"; // commitments born in Oracle

store::PostingFilter by_status(const std::string& kind, const std::string& status)
{
    store::PostingFilter f;
    f.kinds = {kind};
    f.statuses = {status};
    return f;
}

std::string iso(const Clock& clock, std::chrono::seconds offset = std::chrono::seconds{0})
{
    return format_iso8601(clock.now() + offset);
}

class CommitmentFlow {
public:
    CommitmentFlow(engine::Context& ctx, const engine::PassOptions& options,
                   const engine::FlowScope& scope, const CommitmentScope& projects)
        : ctx_(ctx), options_(options), scope_(scope), projects_(projects), links_(ctx.db()),
          retries_(ctx.db()), watermarks_(ctx.db()), outbox_(ctx.db(), ctx.run.run_id()),
          procore_(ctx.connections.procore().http(), ctx.config.procore.base_url,
                   ctx.config.procore.company_id),
          oracle_(ctx.connections.oracle()), now_(iso(ctx.clock)), today_(now_.substr(0, 10))
    {
        sum_.flow = std::string(commitments.name);
        sum_.title = std::string(commitments.title);
        sum_.stream = std::string(commitments.stream);
    }

    engine::FlowSummary run()
    {
        const auto& cm = ctx_.config.mapping.commitments;
        if (!cm.purchase_orders && !cm.work_orders) {
            sum_.skipped_reason = "mapping.commitments.types is empty";
            return sum_;
        }
        if (!options_.dry_run) {
            resolve_unconfirmed();
        }
        for (const auto& p : scope_.replay) {
            replay(p);
        }
        for (const auto& k : scope_.keys) {
            want(k, true);
        }
        if (scope_.incremental) {
            for (const auto& r : retries_.due(std::string(commitments.stream), now_)) {
                want(r.record_key, false);
            }
            take_inbox();
        }
        for (const auto& key : order_) {
            process_key(key);
        }
        // The sweep last, each listed commitment processed as its page arrives (memory stays
        // one page, however many projects), those already done above skipped.
        if (scope_.incremental && sweep_due()) {
            sweep();
        }
        finish_inbox();
        if (!options_.dry_run) {
            for (const auto& [stream, until] : swept_) {
                watermarks_.set(store::Watermark{stream, until, "", ""});
            }
        }
        return sum_;
    }

private:
    // --- what to read ---------------------------------------------------------------------

    bool in_scope(std::int64_t project_id) const
    {
        return projects_.projects.empty()
               || std::ranges::find(projects_.projects, project_id) != projects_.projects.end();
    }

    bool type_enabled(CommitmentType t) const
    {
        const auto& cm = ctx_.config.mapping.commitments;
        return t == CommitmentType::purchase_order ? cm.purchase_orders : cm.work_orders;
    }

    void want(const std::string& key, bool forced)
    {
        const auto ref = parse_commitment_key(key);
        if (!ref || !in_scope(ref->project_id)) {
            return;
        }
        if (wanted_.insert(key).second) {
            order_.push_back(key);
        }
        if (forced) {
            forced_.insert(key);
        }
    }

    void take_inbox()
    {
        store::Inbox inbox(ctx_.db());
        std::vector<std::string> resources;
        for (const auto t : {CommitmentType::purchase_order, CommitmentType::work_order}) {
            resources.emplace_back(procore::resource_name_of(t));
        }
        for (const auto& e : inbox.list(store::inbox_status::fresh, resources)) {
            const auto type = procore::commitment_type_of_resource(e.resource_name);
            std::int64_t id = 0;
            std::int64_t project = 0;
            try {
                id = std::stoll(e.resource_id);
                project = e.project_id ? std::stoll(*e.project_id) : 0;
            } catch (const std::exception&) {
                id = 0;
            }
            if (!type || id == 0 || project == 0) {
                inbox_outcome_.emplace_back(e.id, store::inbox_status::failed,
                                            "the event names no commitment and project");
                continue;
            }
            if (!in_scope(project)) {
                continue; // left for a pass over that project
            }
            if (!type_enabled(*type)) {
                inbox_outcome_.emplace_back(e.id, store::inbox_status::done,
                                            "this commitment type is not sent");
                continue;
            }
            procore::Commitment c;
            c.type = *type;
            c.project_id = project;
            c.id = id;
            const auto key = commitment_key(c);
            if (e.event_type == "delete") {
                inbox_outcome_.emplace_back(e.id, store::inbox_status::done,
                                            "deleted in Procore: nothing is posted for it");
                continue;
            }
            want(key, false);
            event_rows_[key].push_back(e.id);
            if (projects_.event_projects != nullptr) {
                projects_.event_projects->insert(project);
            }
        }
    }

    // The sweep runs on --full, when the last one is older than procore.sweep_every, or while
    // no commitment webhook has ever arrived (no hook installed, or it never delivered).
    bool sweep_due()
    {
        if (options_.full) {
            return true;
        }
        store::Inbox inbox(ctx_.db());
        bool any_event = false;
        for (const auto& c : inbox.counts()) {
            if (procore::commitment_type_of_resource(c.resource_name)) {
                any_event = true;
            }
        }
        if (!any_event) {
            return true;
        }
        const auto last = watermarks_.get(sweep_stream());
        if (!last) {
            return true;
        }
        Clock::time_point t;
        if (!parse_iso8601(last->cursor_time, t)) {
            return true;
        }
        return ctx_.clock.now() - t
               >= std::chrono::seconds(ctx_.config.procore.sweep_every_seconds);
    }

    std::string sweep_stream() const { return std::string(commitments.stream) + ".sweep"; }

    void sweep()
    {
        std::vector<std::int64_t> projects = ctx_.config.mapping.project_ids();
        if (ctx_.config.mapping.projects.contains("default")) {
            auto all = ctx_.connections.procore().project_ids();
            if (!all) {
                engine::stop("procore", "listing projects for the commitment sweep", all.error());
            }
            projects = *all;
        }
        const std::string until = now_;
        for (const auto project : projects) {
            if (!in_scope(project)) {
                continue;
            }
            for (const auto t : {CommitmentType::purchase_order, CommitmentType::work_order}) {
                if (!type_enabled(t)) {
                    continue;
                }
                const std::string stream =
                    fmt::format("{}:{}:{}", commitments.stream, procore::collection_of(t), project);
                std::string since = "2000-01-01T00:00:00Z";
                if (!options_.full && options_.since.empty()) {
                    if (const auto w = watermarks_.get(stream); w) {
                        Clock::time_point at;
                        if (parse_iso8601(w->cursor_time, at)) {
                            since = format_iso8601(
                                at - std::chrono::seconds(ctx_.config.oracle.poll_overlap_seconds));
                        }
                    }
                } else if (!options_.since.empty()) {
                    since = options_.since;
                }
                auto listed = procore_.list_updated(
                    t, project, since, until, [&](std::vector<procore::Commitment>& page) {
                        for (const auto& c : page) {
                            const auto key = commitment_key(c);
                            if (!status_sent(c.status) || wanted_.contains(key)) {
                                continue;
                            }
                            // Listed with the stamp we last saw (or caused): unchanged.
                            const auto link =
                                links_.find_by_procore(std::string(commitments.link_kind), key);
                            if (link && link->remote_updated_at
                                && *link->remote_updated_at == c.updated_at) {
                                continue;
                            }
                            process_key(key);
                        }
                    });
                if (!listed) {
                    engine::stop("procore", "sweeping commitments", listed.error());
                }
                swept_[stream] = until;
            }
        }
        if (projects_.projects.empty()) { // a --project sweep is not the company's sweep
            swept_[sweep_stream()] = until;
        }
    }

    bool status_sent(const std::string& status) const
    {
        const auto& st = ctx_.config.mapping.commitments.statuses;
        return std::ranges::find(st, status) != st.end();
    }

    // --- one commitment -------------------------------------------------------------------

    void process_key(const std::string& key)
    {
        const auto ref = parse_commitment_key(key);
        if (!ref) {
            return;
        }
        auto got = procore_.get(ref->type, ref->project_id, ref->id);
        if (!got) {
            if (engine::is_fatal(got.error())) {
                engine::stop("procore", "reading commitment " + key, got.error());
            }
            fail_record(key, key, engine::describe(got.error()), store::error_class::data, {});
            settle_events(key, store::inbox_status::failed, engine::describe(got.error()));
            return;
        }
        ++sum_.read;
        if (!got->has_value()) {
            audit(key, std::nullopt, engine::action::skipped, "deleted in Procore");
            retries_clear(key);
            settle_events(key, store::inbox_status::done, "deleted in Procore");
            return;
        }
        const auto message = process(**got);
        settle_events(key, store::inbox_status::done, message);
    }

    // Returns what happened, for the inbox row.
    std::string process(const procore::Commitment& c)
    {
        const std::string key = commitment_key(c);
        const std::string name = c.number.empty() ? c.title : c.number + " " + c.title;
        if (!type_enabled(c.type)) {
            return skip(key, name, "this commitment type is not sent");
        }
        if (const auto echo = links_.find_by_procore(k_oracle_link_kind, key); echo) {
            return skip(key, name,
                        "born in Oracle (PO " + echo->oracle_key.value_or("?")
                            + "): never sent back",
                        "echo");
        }
        if (!status_sent(c.status)) {
            return skip(key, name, "status " + c.status + " is not sent");
        }
        const auto link = links_.find_by_procore(commitments.link_kind.data(), key);
        if (!c.origin_id.empty() && (!link || link->oracle_key != c.origin_id)) {
            return skip(key, name,
                        "origin_id " + c.origin_id
                            + " was set by another integration or by hand: not ours to post");
        }

        if (link && link->oracle_key) {
            // Posted before: the version decides, without any lookup (no site, no account).
            CommitmentPlan version;
            describe(c, version);
            if (link->fingerprint == version.fingerprint) {
                ++sum_.planned["skip"];
                follow_up_if_owed(c, *link);
                note_seen(*link, c.updated_at);
                retries_.clear(std::string(commitments.stream), key, store::retry_reason::failed);
                return "unchanged since PO " + *link->oracle_key;
            }
            note_seen(*link, c.updated_at); // held: read again only when it changes again
            return hold(c, name, *link, version);
        }
        auto plan = plan_commitment(c, ctx_.config.mapping, lookups(), today_);
        if (!plan.po) {
            fail_record(key, name, plan.error, plan.error_class, plan.fingerprint);
            return "failed: " + plan.error;
        }
        ++sum_.planned["create"];
        add_sample("create", key, name, "", "");
        if (options_.dry_run) {
            return "planned";
        }
        post(c, name, plan);
        return "posted";
    }

    // Keeps Procore's own stamp of the version we last wrote or read, so the sweep can tell
    // "unchanged since" on Procore's clock and not read it again.
    void note_seen(store::Link link, const std::string& updated_at)
    {
        if (options_.dry_run || updated_at.empty() || link.remote_updated_at == updated_at) {
            return;
        }
        link.remote_updated_at = updated_at;
        (void)links_.upsert(link);
    }

    std::string skip(const std::string& key, const std::string& name, const std::string& why,
                     const char* action = "skip")
    {
        ++sum_.planned[action];
        add_sample(action, key, name, "", why);
        retries_clear(key);
        if (!options_.dry_run) {
            audit(key, std::nullopt, engine::action::skipped, why);
        }
        return why;
    }

    std::string hold(const procore::Commitment& c, const std::string& name, const store::Link& link,
                     const CommitmentPlan& plan)
    {
        const std::string key = commitment_key(c);
        const std::string diff = summary_diff(link.summary.value_or(""), plan.summary);
        const std::string why = fmt::format(
            "changed after post: PO {} exists; {} (not sent again: change the PO in Oracle, "
            "then replay)",
            link.oracle_key.value_or("?"), diff.empty() ? "content differs" : diff);
        ++sum_.held;
        ++sum_.planned["held"];
        sum_.attention.push_back({"held", key, *link.oracle_key, name, why});
        if (options_.dry_run) {
            return why;
        }
        store::Transaction tx(ctx_.db());
        auto p = outbox_.postings().record_pending(
            item_key(key, plan.fingerprint), commitments.link_kind.data(), "oracle", "",
            {key + " " + plan.fingerprint}, ctx_.run.run_id());
        if (p.status == store::posting_status::pending) {
            outbox_.postings().mark_held(p.id, why);
            audit(key, link.oracle_key, engine::action::held, why, link.fingerprint,
                  plan.fingerprint);
        }
        tx.commit();
        return why;
    }

    // --- lookups for the planner (cached for the pass) --------------------------------------

    CommitmentLookups lookups()
    {
        CommitmentLookups l;
        l.supplier_of_vendor =
            [this](std::int64_t vendor_id) -> std::optional<std::pair<std::int64_t, std::string>> {
            const auto link = links_.find_by_procore("vendor", std::to_string(vendor_id));
            if (!link || !link->oracle_key) {
                return std::nullopt;
            }
            try {
                return std::pair{std::stoll(*link->oracle_key), std::string()};
            } catch (const std::exception&) {
                return std::nullopt;
            }
        };
        l.sites = [this](std::int64_t supplier_id) {
            auto it = sites_.find(supplier_id);
            if (it == sites_.end()) {
                auto got = oracle::PurchaseOrderApi(oracle_).supplier_sites(supplier_id);
                if (!got) {
                    engine::stop("oracle",
                                 "reading the sites of supplier " + std::to_string(supplier_id),
                                 got.error());
                }
                it = sites_.emplace(supplier_id, std::move(*got)).first;
            }
            return it->second;
        };
        l.account = [this](std::int64_t project, std::int64_t cost_code_id) {
            return account_of(project, cost_code_id);
        };
        return l;
    }

    CommitmentLookups::Account account_of(std::int64_t project, std::int64_t cost_code_id)
    {
        auto a = accounts_.of(project, cost_code_id);
        return {std::move(a.segments), std::move(a.error), std::move(a.code)};
    }

    // --- posting ----------------------------------------------------------------------------

    std::string item_key(const std::string& key, const std::string& fp) const
    {
        return fmt::format("{}:{}:{}", commitments.link_kind, key, fp.substr(0, 16));
    }

    // The handlers of one commitment's posting. `po` receives what Oracle holds (the created
    // draft, or what a lookup found) for the submit and write-back that follow.
    engine::PostHandlers handlers(const std::string& key, const std::string& reference,
                                  const std::string& fingerprint,
                                  const std::optional<std::string>& summary,
                                  std::optional<oracle::PurchaseOrder>& po, const std::string& body)
    {
        engine::PostHandlers h;
        h.send = [this, &po, body]() -> std::expected<std::string, http::Error> {
            auto created = oracle::PurchaseOrderApi(oracle_).create_draft(body);
            if (!created) {
                return std::unexpected(created.error());
            }
            po = std::move(*created);
            return std::to_string(po->id);
        };
        h.lookup = [this, &po, reference]() -> engine::LookupResult {
            auto found = oracle::PurchaseOrderApi(oracle_).find_by_reference(reference);
            if (!found) {
                return std::unexpected(found.error());
            }
            if (!*found) {
                return std::optional<engine::Found>{};
            }
            po = **found;
            return std::optional<engine::Found>{engine::Found{std::to_string(po->id)}};
        };
        h.confirmed = [this, key, fingerprint, summary, &po](const std::string& remote_id,
                                                             bool found) {
            // The submit and the write-back follow outside this transaction; until they are
            // done, the record stays due (follow_up).
            engine::record_posted(ctx_, commitments, links_, outbox_.postings(), retries_, key,
                                  remote_id, fingerprint, summary, found,
                                  fmt::format("{} PO {} ({})", found ? "found" : "created",
                                              po ? po->number : remote_id,
                                              found ? "by its reference" : "draft"),
                                  k_follow_up, now_);
        };
        h.failed = [this, key, fingerprint](const std::string& /*error_class*/,
                                            const std::string& message) {
            engine::record_refused(ctx_, commitments, outbox_.postings(), retries_, key,
                                   fingerprint, item_key(key, fingerprint), message);
        };
        return h;
    }

    void post(const procore::Commitment& c, const std::string& name, const CommitmentPlan& plan)
    {
        const std::string key = commitment_key(c);
        const std::string body = oracle::draft_purchase_order_json(*plan.po);
        std::optional<oracle::PurchaseOrder> po;
        const auto h = handlers(key, plan.po->reference, plan.fingerprint, plan.summary, po, body);
        const engine::PostingSpec spec{.key = item_key(key, plan.fingerprint),
                                       .kind = std::string(commitments.link_kind),
                                       .target = "oracle",
                                       .request = body,
                                       .records = {key + " " + plan.fingerprint}};
        const auto r = outbox_.post(spec, h);
        if (engine::count_post(sum_, r, key, name, "oracle",
                               "creating the purchase order for commitment " + key)) {
            follow_up(c, po, r.remote_id);
        }
    }

    // The submit (a draft goes for approval) and the write-back (Procore shows the Oracle
    // number); both repeatable, owed until done (retry reason follow_up).
    void follow_up(const procore::Commitment& c, std::optional<oracle::PurchaseOrder>& po,
                   const std::string& remote_id)
    {
        const std::string key = commitment_key(c);
        oracle::PurchaseOrderApi api(oracle_);
        if (!po) {
            auto found = api.find_by_reference(commitment_reference(c));
            if (!found || !*found) {
                return; // stays owed
            }
            po = **found;
        }
        if (po->draft || po->status == "INCOMPLETE") {
            if (auto s = api.submit(*po); !s) {
                audit(key, remote_id, engine::action::failed,
                      "submit of PO " + po->number + " failed: " + engine::describe(s.error()));
                if (engine::is_fatal(s.error())) {
                    engine::stop("oracle", "submitting PO " + po->number, s.error());
                }
                return;
            }
        }
        if (c.origin_id != remote_id || c.origin_code != po->number) {
            auto wb = procore_.write_back(c.type, c.project_id, c.id, remote_id, po->number,
                                          "ml-connector: Oracle PO " + po->number);
            if (!wb) {
                audit(key, remote_id, engine::action::failed,
                      "write-back to Procore failed: " + engine::describe(wb.error()));
                if (engine::is_fatal(wb.error())) {
                    engine::stop("procore", "writing PO " + po->number + " back", wb.error());
                }
                return;
            }
            if (const auto link = links_.find_by_procore(std::string(commitments.link_kind), key);
                link) {
                note_seen(*link, *wb);
            }
        }
        retries_.clear(std::string(commitments.stream), key, k_follow_up);
    }

    void follow_up_if_owed(const procore::Commitment& c, const store::Link& link)
    {
        if (options_.dry_run) {
            return;
        }
        const bool owed =
            retries_.find(std::string(commitments.stream), commitment_key(c), k_follow_up)
                .has_value()
            || c.origin_id != *link.oracle_key;
        if (owed) {
            std::optional<oracle::PurchaseOrder> po;
            follow_up(c, po, *link.oracle_key);
        }
    }

    // --- engine chores ----------------------------------------------------------------------

    void resolve_unconfirmed()
    {
        auto& postings = outbox_.postings();
        const std::string kind(commitments.link_kind);
        for (const auto& p : postings.list(by_status(kind, "pending"))) {
            for (const auto& r : engine::item_refs(p.records)) {
                retries_.schedule(std::string(commitments.stream), r.key, store::retry_reason::lost,
                                  now_);
            }
        }
        sum_.superseded += postings.supersede_unsent({kind});
        for (const auto& p : postings.list(by_status(kind, "sent"))) {
            resolve(p, true);
        }
    }

    // Looks a posting's PO up by its reference; found: confirmed (and followed up), absent:
    // its record is re-read and posted again (`mark_lost`), could not tell: the pass stops.
    bool resolve(const store::Posting& p, bool mark_lost)
    {
        const auto refs = engine::item_refs(p.records);
        if (refs.empty()) {
            return false;
        }
        const auto ref = parse_commitment_key(refs.front().key);
        if (!ref) {
            return false;
        }
        procore::Commitment c;
        c.type = ref->type;
        c.project_id = ref->project_id;
        c.id = ref->id;
        std::optional<oracle::PurchaseOrder> po;
        const auto h = handlers(refs.front().key, commitment_reference(c), refs.front().fingerprint,
                                std::nullopt, po, p.request);
        const auto r = outbox_.resolve(p, h, mark_lost);
        using engine::PostOutcome;
        if (r.outcome == PostOutcome::found) {
            ++sum_.resolved;
            // The follow-up needs the commitment as Procore has it: re-read next.
            want(refs.front().key, false);
            return true;
        }
        if (r.outcome == PostOutcome::lost) {
            ++sum_.lost;
            want(refs.front().key, !mark_lost);
            return false;
        }
        engine::stop("oracle", "looking up the purchase order of commitment " + refs.front().key,
                     r.error.value_or(http::Error{}));
    }

    void replay(const store::Posting& p)
    {
        if (p.status == store::posting_status::sent || p.attempts > 0) {
            if (resolve(p, false)) {
                replayed_[p.id] = "found in Oracle: confirmed, nothing sent";
                return;
            }
        }
        for (const auto& r : engine::item_refs(p.records)) {
            want(r.key, true);
            audit(r.key, p.remote_id, engine::action::replayed,
                  fmt::format("posting {} ({}) re-read and planned again", p.id, p.status));
        }
        replayed_[p.id] = "re-read and planned again";
    }

    void fail_record(const std::string& key, const std::string& name, const std::string& message,
                     const std::string& error_class, const std::string& fingerprint)
    {
        ++sum_.failed;
        sum_.failures.push_back({"failed", key, "", name, message});
        engine::record_failed(ctx_, commitments, outbox_.postings(), retries_,
                              item_key(key, fingerprint.empty() ? "unread" : fingerprint), key,
                              fingerprint, error_class, message,
                              "a newer version of the commitment failed");
    }

    void retries_clear(const std::string& key)
    {
        if (!options_.dry_run) {
            retries_.clear_all(std::string(commitments.stream), key);
        }
    }

    void audit(const std::string& key, const std::optional<std::string>& oracle_key,
               std::string_view action, const std::string& message,
               std::optional<std::string> before = std::nullopt,
               std::optional<std::string> after = std::nullopt)
    {
        audit_record(ctx_, commitments,
                     {oracle_key, key, action, message, std::move(before), std::move(after)});
    }

    void add_sample(const std::string& action, const std::string& key, const std::string& name,
                    const std::string& target, const std::string& message)
    {
        flows::add_sample(sum_, options_.sample_rows, {action, key, target, name, message});
    }

    void settle_events(const std::string& key, const char* status, const std::string& message)
    {
        const auto it = event_rows_.find(key);
        if (it == event_rows_.end()) {
            return;
        }
        for (const auto id : it->second) {
            inbox_outcome_.emplace_back(id, status, message);
        }
        event_rows_.erase(it);
    }

    void finish_inbox()
    {
        if (options_.dry_run) {
            return;
        }
        store::Inbox inbox(ctx_.db());
        for (const auto& [id, status, message] : inbox_outcome_) {
            inbox.set_status(id, status, message);
        }
        sum_.replayed = replayed_;
    }

    engine::Context& ctx_;
    const engine::PassOptions& options_;
    const engine::FlowScope& scope_;
    const CommitmentScope& projects_;
    store::Links links_;
    store::Retries retries_;
    store::Watermarks watermarks_;
    engine::Outbox outbox_;
    procore::CommitmentApi procore_;
    oracle::Client& oracle_;
    std::string now_;
    std::string today_;
    engine::FlowSummary sum_;

    std::vector<std::string> order_;
    std::set<std::string> wanted_;
    std::set<std::string> forced_;
    std::map<std::string, std::vector<std::int64_t>> event_rows_;
    std::vector<std::tuple<std::int64_t, const char*, std::string>> inbox_outcome_;
    std::map<std::string, std::string> swept_;
    std::map<std::int64_t, std::vector<oracle::SupplierSite>> sites_;
    engine::CostAccounts accounts_{ctx_.config.mapping, links_, oracle_, procore_};
    std::map<std::int64_t, std::string> replayed_;
};

} // namespace

engine::FlowSummary sync_commitments(engine::Context& ctx, const engine::PassOptions& options,
                                     const engine::FlowScope& scope,
                                     const CommitmentScope& projects)
{
    CommitmentFlow flow(ctx, options, scope, projects);
    return flow.run();
}

} // namespace mlc::flows
