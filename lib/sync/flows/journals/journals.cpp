#include "sync/flows/journals/journals.hpp"

#include "auth/sha256.hpp"
#include "core/clock.hpp"
#include "core/crash_point.hpp"
#include "core/decimal.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "oracle/account_combinations.hpp"
#include "oracle/fbdi/gl_interface.hpp"
#include "oracle/fbdi/journal_import.hpp"
#include "oracle/journals.hpp"
#include "procore/client.hpp"
#include "procore/commitments.hpp"
#include "procore/costs.hpp"
#include "store/inbox.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/retries.hpp"
#include "store/watermarks.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/cost_accounts.hpp"
#include "sync/engine/errors.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/outbox.hpp"
#include "sync/engine/record_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

namespace mlc::flows {

namespace {

using engine::flow::costs;
using procore::CostKind;

const std::string k_kind(costs.link_kind); // postings.kind and links.kind: "journal"
constexpr const char* k_beginning = "2000-01-01T00:00:00Z";

store::PostingFilter by_status(const std::string& status)
{
    store::PostingFilter f;
    f.kinds = {k_kind};
    f.statuses = {status};
    return f;
}

// Every journal posting in `status`, 500 at a time, so a pass over tens of thousands of
// journals never holds them (and their requests) all at once.
template <class Each>
void each_posting(const store::Postings& postings, const std::string& status, Each&& each)
{
    auto f = by_status(status);
    f.limit = 500;
    for (;;) {
        const auto page = postings.list(f);
        for (const auto& p : page) {
            each(p);
        }
        if (page.size() < 500) {
            return;
        }
        f.after_id = page.back().id;
    }
}

// "journal:dc:<project>:<id>:<version>" and ":rev" for the reversal of that version.
std::string posting_key_of(const Journal& j)
{
    return fmt::format("{}:{}:{}{}", k_kind, j.record_key, j.version, j.reversal ? ":rev" : "");
}

std::string request_json(const SentRequest& r)
{
    json::Writer w;
    w.begin_object();
    if (!r.batch.empty()) {
        w.field("batch", r.batch).field("group_id", r.group_id).field("sent_at", r.sent_at);
    }
    if (r.request_id != 0) {
        w.field("request_id", r.request_id);
    }
    w.key("journal").raw_json(r.journal ? journal_json(*r.journal) : "null");
    w.end_object();
    return w.str();
}

std::optional<Decimal> dec(const std::string& text)
{
    return text.empty() ? std::optional<Decimal>{Decimal{}} : Decimal::parse(text);
}

std::string iso(const Clock& clock)
{
    return format_iso8601(clock.now());
}

// One planned journal of this pass.
struct Planned {
    Journal journal;
    std::string posting_key;
    std::string fingerprint; // the document version's full fingerprint
};

class CostFlow {
public:
    CostFlow(engine::Context& ctx, const engine::PassOptions& options,
             const engine::FlowScope& scope, const CostScope& costs_scope, CostOutput* out)
        : ctx_(ctx), options_(options), scope_(scope), costs_(costs_scope), out_(out),
          links_(ctx.db()), retries_(ctx.db()), watermarks_(ctx.db()),
          outbox_(ctx.db(), ctx.run.run_id()),
          procore_(ctx.connections.procore().http(), ctx.config.procore.base_url,
                   ctx.config.procore.company_id),
          commitments_(ctx.connections.procore().http(), ctx.config.procore.base_url,
                       ctx.config.procore.company_id),
          oracle_(ctx.connections.oracle()),
          accounts_(ctx.config.mapping, links_, oracle_, commitments_), now_(iso(ctx.clock)),
          today_(now_.substr(0, 10))
    {
        sum_.flow = std::string(costs.name);
        sum_.title = std::string(costs.title);
        sum_.stream = std::string(costs.stream);
    }

    engine::FlowSummary run()
    {
        const auto& jm = ctx_.config.mapping.journal;
        if (!jm.configured) {
            sum_.skipped_reason = "mapping.journal is not configured";
            return sum_;
        }
        check_offsets();
        read_periods();
        if (!options_.dry_run) {
            resolve_unconfirmed();
        }
        std::vector<Journal> applying;
        if (!costs_.apply_file.empty()) {
            applying = read_plan();
        }
        for (const auto& p : scope_.replay) {
            replay(p);
        }
        for (const auto& k : scope_.keys) {
            want(k);
        }
        const bool incremental = scope_.incremental && costs_.apply_file.empty();
        if (incremental) {
            for (const auto& r : retries_.due(std::string(costs.stream), now_)) {
                want(r.record_key);
            }
            // A document held for its period is looked at again every pass: it posts as soon as
            // the period opens.
            for (const auto& p : outbox_.postings().list(by_status(store::posting_status::held))) {
                if (p.last_error && p.last_error->find(k_held_for_period) != std::string::npos) {
                    for (const auto& r : engine::item_refs(p.records)) {
                        want(r.key);
                    }
                }
            }
            take_inbox();
        }
        for (std::size_t i = 0; i < order_.size(); ++i) {
            process_key(order_[i]);
        }
        if (incremental) {
            sweep();
        }
        if (!applying.empty()) {
            keep_only(applying);
            for (const auto& p : batch_) {
                stage(p.journal, p.fingerprint);
            }
        }
        if (!costs_.plan_file.empty()) {
            write_plan();
        } else if (!options_.dry_run) {
            std::vector<Planned>().swap(batch_); // staged: in the postings table now
            import();
            wait_and_confirm();
        }
        if (!options_.dry_run) {
            flush_write_backs();
        }
        if (out_ != nullptr && options_.dry_run) { // the table of a dry run or a plan
            for (auto& p : batch_) {
                out_->journals.push_back(std::move(p.journal));
            }
        }
        finish_inbox();
        if (!options_.dry_run && costs_.projects.empty() && costs_.period.empty()) {
            for (const auto& [stream, until] : swept_) {
                watermarks_.set(store::Watermark{stream, until, "", ""});
            }
        }
        return sum_;
    }

private:
    const JournalMappingConfig& jm() const { return ctx_.config.mapping.journal; }

    // --- before anything: the mapping names what Oracle has ----------------------------------

    void check_offsets()
    {
        const auto& chart = ctx_.config.mapping.chart;
        std::set<std::string> offsets{jm().offset_direct_cost};
        if (!jm().offset_change_order.empty()) {
            offsets.insert(jm().offset_change_order);
        }
        for (const auto& account : offsets) {
            auto found = oracle::find_account_by_segments(
                oracle_, chart.segments, engine::split_account(account, chart.delimiter));
            if (!found) {
                engine::stop("oracle", "checking offset account " + account, found.error());
            }
            if (!*found || !(*found)->enabled) {
                throw ConfigError(
                    fmt::format("/mapping/journal/offset_accounts: {} is not {} combination in "
                                "Oracle's accountCombinationsLOV",
                                account, *found ? "an enabled" : "a valid"),
                    "name an existing, enabled account combination (segments joined by "
                    "mapping.chart.delimiter)");
            }
        }
    }

    void read_periods()
    {
        auto got = oracle::read_periods(oracle_, jm().ledger_id);
        if (!got) {
            engine::stop("oracle",
                         "reading the GL periods of ledger " + std::to_string(jm().ledger_id),
                         got.error());
        }
        periods_ = std::move(*got);
        if (periods_.empty()) {
            throw ConfigError(fmt::format("/mapping/journal/ledger_id: Oracle has no GL periods "
                                          "for ledger {}",
                                          jm().ledger_id),
                              "check the ledger id (ledgersLOV)");
        }
    }

    // --- what to read -----------------------------------------------------------------------

    bool in_scope(std::int64_t project_id) const
    {
        return costs_.projects.empty()
               || std::ranges::find(costs_.projects, project_id) != costs_.projects.end();
    }

    void want(const std::string& key)
    {
        const auto ref = parse_cost_key(key);
        if (!ref || !in_scope(ref->project_id)) {
            return;
        }
        if (wanted_.insert(key).second) {
            order_.push_back(key);
        }
    }

    void take_inbox()
    {
        store::Inbox inbox(ctx_.db());
        for (const auto& e :
             inbox.list(store::inbox_status::fresh,
                        {"Direct Costs", "Direct Cost Line Items", "Change Order Packages"})) {
            std::int64_t id = 0;
            std::int64_t project = 0;
            try {
                id = std::stoll(e.resource_id);
                project = e.project_id ? std::stoll(*e.project_id) : 0;
            } catch (const std::exception&) {
                id = 0;
            }
            if (id == 0 || project == 0) {
                inbox_outcome_.emplace_back(e.id, store::inbox_status::failed,
                                            "the event names no document and project");
                continue;
            }
            if (!in_scope(project)) {
                continue; // left for a pass over that project
            }
            if (e.resource_name == "Direct Cost Line Items") {
                // The event names the line, not its direct cost: the project is swept.
                sweep_projects_.insert(project);
                inbox_outcome_.emplace_back(e.id, store::inbox_status::done,
                                            "its project's direct costs are swept");
                continue;
            }
            procore::CostDocument d;
            d.kind =
                e.resource_name == "Direct Costs" ? CostKind::direct_cost : CostKind::change_order;
            d.project_id = project;
            d.id = id;
            const auto key = cost_key(d);
            want(key);
            event_rows_[key].push_back(e.id);
        }
    }

    bool sweep_due()
    {
        if (options_.full || !options_.since.empty()) {
            return true;
        }
        store::Inbox inbox(ctx_.db());
        bool any_event = false;
        for (const auto& c : inbox.counts()) {
            if (c.resource_name == "Direct Costs" || c.resource_name == "Change Order Packages") {
                any_event = true;
            }
        }
        if (!any_event) {
            return true;
        }
        const auto last = watermarks_.get(sweep_stream());
        Clock::time_point t;
        if (!last || !parse_iso8601(last->cursor_time, t)) {
            return true;
        }
        return ctx_.clock.now() - t
               >= std::chrono::seconds(ctx_.config.procore.sweep_every_seconds);
    }

    std::string sweep_stream() const { return std::string(costs.stream) + ".sweep"; }

    std::string since_of(const std::string& stream) const
    {
        if (options_.full) {
            return k_beginning;
        }
        if (!options_.since.empty()) {
            return options_.since;
        }
        if (const auto w = watermarks_.get(stream); w) {
            Clock::time_point at;
            if (parse_iso8601(w->cursor_time, at)) {
                return format_iso8601(
                    at - std::chrono::seconds(ctx_.config.oracle.poll_overlap_seconds));
            }
        }
        return k_beginning;
    }

    void sweep()
    {
        const bool due = sweep_due();
        if (!due && sweep_projects_.empty()) {
            return;
        }
        std::vector<std::int64_t> projects = ctx_.config.mapping.project_ids();
        if (due && ctx_.config.mapping.projects.contains("default")) {
            auto all = ctx_.connections.procore().project_ids();
            if (!all) {
                engine::stop("procore", "listing projects for the cost sweep", all.error());
            }
            projects = *all;
        }
        if (!due) {
            projects.assign(sweep_projects_.begin(), sweep_projects_.end());
        }
        const std::string until = now_;
        for (const auto project : projects) {
            if (!in_scope(project)) {
                continue;
            }
            sweep_direct_costs(project, until);
            if (jm().change_orders && due) {
                sweep_change_orders(project, until);
            }
        }
        if (due && costs_.projects.empty()) { // a --project sweep is not the company's sweep
            swept_[sweep_stream()] = until;
        }
    }

    // Listed with the stamp we last saw (or caused): unchanged, not read again.
    bool unchanged_since_seen(const procore::CostDocument& d) const
    {
        const auto link = links_.find_by_procore(k_kind, cost_key(d));
        return link && link->remote_updated_at && *link->remote_updated_at == d.updated_at;
    }

    // A project's direct costs from the two list endpoints: the headers and the lines changed
    // since the watermark (1,000 a page). From the beginning, the lines list holds every line of
    // every listed direct cost, so nothing is read one by one; after that, a direct cost whose
    // lines are not all in the list is read with its lines (one GET per changed document).
    void sweep_direct_costs(std::int64_t project, const std::string& until)
    {
        const std::string stream = fmt::format("{}:direct_costs:{}", costs.stream, project);
        const std::string since = since_of(stream);
        const bool complete = since == k_beginning;
        std::map<std::int64_t, std::vector<procore::CostLine>> lines;
        auto listed_lines = procore_.list_lines_updated(
            project, since, until, [&](std::vector<procore::CostLineOf>& page) {
                for (auto& l : page) {
                    lines[l.document_id].push_back(std::move(l.line));
                }
            });
        if (!listed_lines) {
            engine::stop("procore",
                         "sweeping the direct cost lines of project " + std::to_string(project),
                         listed_lines.error());
        }
        auto listed =
            procore_.list_updated(CostKind::direct_cost, project, since, until,
                                  [&](std::vector<procore::CostDocument>& page) {
                                      for (auto& d : page) {
                                          const auto key = cost_key(d);
                                          if (wanted_.contains(key) || unchanged_since_seen(d)) {
                                              continue;
                                          }
                                          wanted_.insert(key);
                                          if (!d.lines_read && complete && !d.deleted) {
                                              auto it = lines.find(d.id);
                                              if (it != lines.end()) {
                                                  d.lines = std::move(it->second);
                                              }
                                              d.lines_read = true;
                                          }
                                          if (d.lines_read || d.deleted) {
                                              ++sum_.read;
                                              process(d);
                                          } else {
                                              process_key(key);
                                          }
                                      }
                                  });
        if (!listed) {
            engine::stop("procore",
                         "sweeping the direct costs of project " + std::to_string(project),
                         listed.error());
        }
        swept_[stream] = until;
    }

    void sweep_change_orders(std::int64_t project, const std::string& until)
    {
        const std::string stream = fmt::format("{}:change_orders:{}", costs.stream, project);
        auto listed = procore_.list_updated(
            CostKind::change_order, project, since_of(stream), until,
            [&](std::vector<procore::CostDocument>& page) {
                for (auto& d : page) {
                    const auto key = cost_key(d);
                    if (wanted_.contains(key) || unchanged_since_seen(d)) {
                        continue;
                    }
                    wanted_.insert(key);
                    // Deleted, complete, or not one that posts
                    // (its listed status says so): no GET.
                    if (d.deleted || d.lines_read || !eligibility(d, jm()).empty()) {
                        ++sum_.read;
                        process(d);
                    } else {
                        process_key(key);
                    }
                }
            });
        if (!listed) {
            engine::stop("procore",
                         "sweeping the change orders of project " + std::to_string(project),
                         listed.error());
        }
        swept_[stream] = until;
    }

    // --- one document -----------------------------------------------------------------------

    void process_key(const std::string& key)
    {
        const auto ref = parse_cost_key(key);
        if (!ref) {
            return;
        }
        auto got = procore_.get(ref->kind, ref->project_id, ref->id);
        if (!got) {
            if (engine::is_fatal(got.error())) {
                engine::stop("procore", "reading " + key, got.error());
            }
            fail_record(key, engine::describe(got.error()), store::error_class::data, "");
            settle_events(key, store::inbox_status::failed, engine::describe(got.error()));
            return;
        }
        ++sum_.read;
        procore::CostDocument d;
        if (got->has_value()) {
            d = std::move(**got);
        } else {
            d.kind = ref->kind;
            d.project_id = ref->project_id;
            d.id = ref->id;
            d.deleted = true;
        }
        settle_events(key, store::inbox_status::done, process(d));
    }

    // Returns what happened, for the inbox row.
    std::string process(const procore::CostDocument& d)
    {
        const std::string key = cost_key(d);
        if (waiting_.contains(key)) {
            ++sum_.planned["waiting"];
            return "its journal is in a Journal Import not yet confirmed";
        }
        const auto link = links_.find_by_procore(k_kind, key);
        const std::string posted = link ? link->fingerprint : std::string();
        std::string why_not = d.deleted ? std::string("deleted in Procore") : eligibility(d, jm());
        if (!why_not.empty()) {
            if (!posted.empty()) {
                return reverse_posted(key, posted, why_not, std::nullopt);
            }
            return skip(key, why_not);
        }
        JournalPlan version;
        describe(d, version);
        if (posted == version.fingerprint) {
            ++sum_.planned["unchanged"];
            if (!options_.dry_run) {
                retries_.clear(std::string(costs.stream), key, store::retry_reason::failed);
            }
            write_back_if_owed(d, *link);
            note_seen(*link, d.updated_at);
            return "unchanged since journal " + link->oracle_key.value_or("?");
        }
        auto plan = plan_journal(d, ctx_.config.mapping, journal_lookups(accounts_, periods_));
        if (!plan.error.empty()) {
            fail_record(key, plan.error, plan.error_class, plan.fingerprint);
            return "failed: " + plan.error;
        }
        if (!plan.held.empty()) {
            hold(key, plan.fingerprint, plan.held);
            return "held: " + plan.held;
        }
        if (!costs_.period.empty() && plan.journal->period != costs_.period) {
            ++sum_.planned["other period"];
            return "posts in " + plan.journal->period + ", not " + costs_.period;
        }
        supersede_older(key, plan.fingerprint);
        if (!posted.empty()) {
            const auto r = reverse_posted(key, posted, "changed after it was posted",
                                          plan.journal->accounting_date);
            if (r.starts_with("failed") || r.starts_with("held")) {
                return r;
            }
        }
        add(std::move(*plan.journal), plan.fingerprint);
        return "planned";
    }

    void add(Journal j, const std::string& fingerprint)
    {
        Planned p;
        p.posting_key = posting_key_of(j);
        p.fingerprint = fingerprint;
        const char* action = j.reversal ? "reverse" : "post";
        ++sum_.planned[action];
        engine::add_sample(sum_, options_.sample_rows,
                           {action, j.record_key, j.name, j.source_document,
                            fmt::format("{} {} in {}", j.currency, j.total, j.period)});
        if (streaming()) {
            stage(j, fingerprint);
            return;
        }
        p.journal = std::move(j);
        batch_.push_back(std::move(p));
    }

    // A pass that posts records each journal as it is planned (stage); a dry run, a plan and
    // --apply keep them in memory (a table, a file, a comparison with the file) first.
    bool streaming() const { return !options_.dry_run && costs_.apply_file.empty(); }

    // The reversal of the version in the ledger: on its own date when that period is still
    // open, else on `date` (the new version's) or today, in an open period.
    std::string reverse_posted(const std::string& key, const std::string& posted_fp,
                               const std::string& why, const std::optional<std::string>& date)
    {
        const auto original =
            outbox_.postings().find(fmt::format("{}:{}:{}", k_kind, key, posted_fp.substr(0, 16)));
        const auto request = original ? parse_request(original->request) : SentRequest{};
        if (!request.journal) {
            fail_record(key,
                        "cannot reverse: the journal posted for version " + posted_fp.substr(0, 16)
                            + " is not in the state database",
                        store::error_class::config, posted_fp);
            return "failed: the posted journal is unknown";
        }
        std::string on = request.journal->accounting_date;
        const auto* p = oracle::period_of(periods_, on);
        auto enterable = [](const oracle::PeriodStatus* s) {
            return s != nullptr && (s->closing_status == "O" || s->closing_status == "F");
        };
        if (!enterable(p)) {
            on = date.value_or(today_);
            p = oracle::period_of(periods_, on);
        }
        if (!enterable(p)) {
            const std::string held =
                fmt::format("{}: {}, but no open period takes its reversal (dated {}); {}", key,
                            why, on, k_held_for_period);
            hold(key, posted_fp + ":rev", held);
            return "held: " + held;
        }
        auto r = reverse(*request.journal, on, p->name);
        r.description = r.description.substr(0, 200) + " (" + why + ")";
        add(std::move(r), posted_fp);
        return "reversal planned: " + why;
    }

    std::string skip(const std::string& key, const std::string& why)
    {
        ++sum_.planned["skip"];
        engine::add_sample(sum_, options_.sample_rows, {"skip", key, "", "", why});
        retries_clear(key);
        audit(key, std::nullopt, engine::action::skipped, why);
        return "skipped: " + why;
    }

    void note_seen(store::Link link, const std::string& updated_at)
    {
        if (options_.dry_run || updated_at.empty() || link.remote_updated_at == updated_at) {
            return;
        }
        link.remote_updated_at = updated_at;
        (void)links_.upsert(link);
    }

    // A direct cost posted but not yet carrying its journal name (the write-back failed).
    void write_back_if_owed(const procore::CostDocument& d, const store::Link& link)
    {
        if (options_.dry_run || d.kind != CostKind::direct_cost || !jm().write_back
            || !link.oracle_key || d.origin_id == *link.oracle_key) {
            return;
        }
        write_back(d.project_id, d.id, cost_key(d), *link.oracle_key);
    }

    // Queued, then written per project in sync calls of up to 1,000 (flush_write_backs): one
    // Procore call per thousand documents, not one each.
    void write_back(std::int64_t project, std::int64_t id, const std::string& key,
                    const std::string& name)
    {
        owed_[project].push_back({id, key, name});
    }

    struct OwedWriteBack {
        std::int64_t id = 0;
        std::string key;
        std::string name;
    };

    void flush_write_backs()
    {
        constexpr std::size_t k_per_call = 1000; // Procore's sync maximum
        for (auto& [project, owed] : owed_) {
            for (std::size_t start = 0; start < owed.size(); start += k_per_call) {
                const auto end = std::min(owed.size(), start + k_per_call);
                std::vector<procore::CostApi::WriteBack> items;
                for (auto i = start; i < end; ++i) {
                    items.push_back(
                        {owed[i].id, owed[i].name, "ml-connector journal " + owed[i].name});
                }
                auto wrote = procore_.write_back_many(project, items);
                ++sum_.write_calls;
                if (!wrote) {
                    const std::string why =
                        "write-back of journal names failed: " + engine::describe(wrote.error());
                    for (auto i = start; i < end; ++i) {
                        sum_.attention.push_back(
                            {"write_back", owed[i].key, owed[i].name, "", why});
                        engine::schedule_failed(retries_, ctx_.clock, costs.stream, owed[i].key,
                                                why);
                    }
                    if (engine::is_fatal(wrote.error())) {
                        engine::stop("procore", "writing back journal names", wrote.error());
                    }
                    continue;
                }
                store::Transaction tx(ctx_.db());
                for (auto i = start; i < end; ++i) {
                    const auto& o = owed[i];
                    if (const auto r = wrote->refused.find(o.id); r != wrote->refused.end()) {
                        const std::string why = "write-back of journal name refused: " + r->second;
                        sum_.attention.push_back({"write_back", o.key, o.name, "", why});
                        engine::schedule_failed(retries_, ctx_.clock, costs.stream, o.key, why);
                        continue;
                    }
                    ++sum_.updated;
                    retries_.clear(std::string(costs.stream), o.key, store::retry_reason::failed);
                    // The stamp our own write caused: the next sweep does not read it again.
                    if (const auto link = links_.find_by_procore(k_kind, o.key); link) {
                        note_seen(*link, wrote->updated_at[o.id]);
                    }
                }
                tx.commit();
            }
        }
        owed_.clear();
    }

    // --- failures and holds -----------------------------------------------------------------

    void fail_record(const std::string& key, const std::string& message,
                     const std::string& error_class, const std::string& fingerprint)
    {
        ++sum_.failed;
        sum_.failures.push_back({"failed", key, "", "", message});
        const std::string pkey = fmt::format(
            "{}:{}:{}", k_kind, key, fingerprint.empty() ? "unread" : fingerprint.substr(0, 16));
        engine::record_failed(ctx_, costs, outbox_.postings(), retries_, pkey, key, fingerprint,
                              error_class, message, "a newer version of the document failed");
    }

    void hold(const std::string& key, const std::string& fingerprint, const std::string& why)
    {
        ++sum_.held;
        ++sum_.planned["held"];
        sum_.attention.push_back({"held", key, "", "", why});
        if (options_.dry_run) {
            return;
        }
        store::Transaction tx(ctx_.db());
        const bool rev = fingerprint.ends_with(":rev");
        const std::string pkey =
            fmt::format("{}:{}:{}{}", k_kind, key, fingerprint.substr(0, 16), rev ? ":rev" : "");
        auto p = outbox_.postings().record_pending(
            pkey, k_kind, "oracle", "", {key + " " + fingerprint.substr(0, 64)}, ctx_.run.run_id());
        if (p.status == store::posting_status::pending) {
            outbox_.postings().mark_held(p.id, why);
            audit(key, std::nullopt, engine::action::held, why, std::nullopt, fingerprint);
        }
        tx.commit();
    }

    // An older version's posting that never reached Oracle (held, failed) is superseded by the
    // version planned now.
    void supersede_older(const std::string& key, const std::string& fingerprint)
    {
        if (options_.dry_run) {
            return;
        }
        const std::string prefix = fmt::format("{}:{}:", k_kind, key);
        const std::string keep = prefix + fingerprint.substr(0, 16);
        auto& postings = outbox_.postings();
        for (const auto& p : postings.list(by_status(store::posting_status::held))) {
            if (p.source_key.starts_with(prefix) && p.source_key != keep
                && !p.source_key.ends_with(":rev")) {
                postings.mark_superseded(p.id, "a newer version of the document was planned");
                ++sum_.superseded;
            }
        }
        postings.supersede_failed(k_kind, key, "a newer version of the document was planned", keep);
    }

    // --- the import -------------------------------------------------------------------------

    // --- staging: each journal recorded as it is planned -------------------------------------

    // Records the journal's posting (pending, the journal in its request) at once, so a pass of
    // any size keeps only the posting ids in memory: the file is written from the postings
    // table. The recording is committed 500 at a time, and always before anything is sent; a
    // pass that dies in between leaves pending postings, superseded and planned again next pass.
    void stage(const Journal& j, const std::string& fingerprint)
    {
        auto& postings = outbox_.postings();
        if (!staging_) {
            staging_.emplace(ctx_.db());
        }
        SentRequest req;
        req.journal = j;
        const std::string request = request_json(req);
        auto posting =
            postings.record_pending(posting_key_of(j), k_kind, "oracle", request,
                                    {j.record_key + " " + fingerprint}, ctx_.run.run_id());
        if (posting.status == store::posting_status::held) {
            postings.mark_unsent(posting.id, "released: its period is open");
            posting.status = store::posting_status::pending;
        }
        const bool due = posting.status == store::posting_status::pending
                         || posting.status == store::posting_status::failed;
        if (due && posting.attempts > 0 && !sent_before_and_absent(posting, j, fingerprint)) {
            return;
        }
        if (due) {
            // The journal planned now is what goes out: a row a failure or a hold recorded
            // carries none, and the file is written from the rows.
            if (posting.request != request) {
                postings.set_request(posting.id, request);
            }
            staged_.push_back(posting.id);
            // GROUP_ID from the set of postings, whatever order they were planned in.
            group_hash_ += std::stoull(sha256_hex(posting.source_key).substr(0, 15), nullptr, 16);
        }
        if (++staged_since_commit_ >= 500) {
            staging_->commit();
            staging_.reset();
            staged_since_commit_ = 0;
        }
    }

    // A posting sent before (a failure after a send, a lost answer) is looked up first: found,
    // confirmed without a send; could not tell, not sent (never blindly). True: definitely
    // absent, so it is sent again.
    bool sent_before_and_absent(const store::Posting& posting, const Journal& j,
                                const std::string& fingerprint)
    {
        const auto req = parse_request(posting.request);
        if (req.batch.empty()) {
            return true;
        }
        auto found = find_in_ledger(req.batch);
        if (!found) {
            outbox_.postings().note_error(posting.id,
                                          "lookup failed: " + engine::describe(found.error()));
            return false;
        }
        if (const auto it = found->find(j.name); it) {
            confirm(posting, Planned{j, posting.source_key, fingerprint}, *it, true);
            return false;
        }
        return true;
    }

    void finish_staging()
    {
        if (staging_) {
            staging_->commit();
            staging_.reset();
        }
        staged_since_commit_ = 0;
    }

    // Each staged posting with its journal, 500 postings read at a time.
    template <class Each> void each_staged(Each&& each)
    {
        for (std::size_t start = 0; start < staged_.size(); start += 500) {
            store::PostingFilter f;
            f.ids.assign(staged_.begin() + static_cast<std::ptrdiff_t>(start),
                         staged_.begin()
                             + static_cast<std::ptrdiff_t>(std::min(staged_.size(), start + 500)));
            for (const auto& p : outbox_.postings().list(f)) {
                auto req = parse_request(p.request);
                if (req.journal) {
                    each(p, req);
                }
            }
        }
    }

    // --- the import -------------------------------------------------------------------------

    void import()
    {
        finish_staging();
        crash_point("outbox.recorded");
        if (staged_.empty()) {
            return;
        }
        auto& postings = outbox_.postings();
        const std::int64_t group_id =
            100'000'000 + static_cast<std::int64_t>(group_hash_ % 900'000'000ULL);
        // A batch holds one period's journals (as Oracle's batches do): REFERENCE1 names the
        // group and the period.
        const auto batch_of = [&](const Journal& j) {
            return fmt::format("MLC {} {} {}", jm().source, group_id, j.period);
        };
        std::string body;
        try {
            body = build_import(group_id, batch_of);
        } catch (const std::exception& e) {
            // A full disk or an unwritable state folder: nothing was sent; a rerun retries.
            const std::string why = std::string("could not write the import file: ") + e.what();
            store::Transaction tx(ctx_.db());
            each_staged([&](const store::Posting& p, const SentRequest& req) {
                postings.mark_failed(p.id, store::error_class::retryable, why);
                sum_.failures.push_back({"failed", req.journal->record_key, "", "", why});
                ++sum_.failed;
            });
            tx.commit();
            return;
        }

        {
            store::Transaction tx(ctx_.db());
            each_staged([&](const store::Posting& p, SentRequest& req) {
                req.batch = batch_of(*req.journal);
                req.group_id = group_id;
                req.sent_at = now_;
                postings.set_request(p.id, request_json(req));
                postings.mark_sent(p.id);
            });
            tx.commit();
        }
        crash_point("outbox.marked_sent");
        auto answer = oracle::fbdi::submit_import(oracle_, body);
        crash_point("outbox.answered");
        ++sum_.write_calls;
        body.clear();
        body.shrink_to_fit();
        if (!answer) {
            import_refused(answer.error());
            return;
        }
        {
            store::Transaction tx(ctx_.db());
            each_staged([&](const store::Posting& p, SentRequest& req) {
                req.request_id = *answer;
                postings.set_request(p.id, request_json(req));
                const auto& j = *req.journal;
                audit(j.record_key, j.name, engine::action::posted,
                      fmt::format("sent to Journal Import request {} in batch {} ({} {})", *answer,
                                  req.batch, j.currency, j.total),
                      std::nullopt, item_fp(p));
            });
            tx.commit();
        }
        crash_point("import.requested");
        requests_.insert(*answer);
        log::info("Journal Import request {}: {} journals in group {}", *answer, staged_.size(),
                  group_id);
    }

    // The CSV, streamed to a file from the postings table, zipped, base64'd into the body.
    std::string build_import(std::int64_t group_id,
                             const std::function<std::string(const Journal&)>& batch_of)
    {
        const auto dir = ctx_.config.state.path.parent_path().empty()
                             ? std::filesystem::path(".")
                             : ctx_.config.state.path.parent_path();
        oracle::fbdi::GlInterfaceFile csv(dir.string());
        each_staged([&](const store::Posting&, const SentRequest& req) {
            const auto& j = *req.journal;
            for (const auto& l : j.lines) {
                oracle::fbdi::GlRow row;
                row.ledger_id = jm().ledger_id;
                row.accounting_date = j.accounting_date;
                row.source = jm().source;
                row.category = jm().category;
                row.currency = j.currency;
                row.date_created = today_;
                row.segments = l.segments;
                row.entered_dr = l.debit;
                row.entered_cr = l.credit;
                row.reference1 = batch_of(j);
                row.reference2 = "Procore costs posted by ml-connector";
                row.reference4 = j.name;
                row.reference5 = j.description;
                row.reference6 = j.reference;
                row.reference10 = l.description;
                row.reference21 = l.reference;
                row.group_id = group_id;
                row.ledger_name = jm().ledger_name;
                row.period_name = j.period;
                csv.add(row);
            }
        });
        const std::string csv_path = csv.finish();
        const std::string zip_path = csv_path + ".zip";
        struct Remove {
            std::string path;
            ~Remove()
            {
                std::error_code ec;
                std::filesystem::remove(path, ec);
            }
        } remove_zip{zip_path};
        if (auto zipped = oracle::fbdi::zip_gl_interface(csv_path, zip_path); !zipped) {
            throw std::runtime_error(zipped.error());
        }
        oracle::fbdi::ImportParams params;
        params.data_access_set_id = jm().data_access_set_id;
        params.source = jm().source;
        params.ledger_id = jm().ledger_id;
        params.group_id = group_id;
        params.file_name = fmt::format("MLC_{}.zip", group_id);
        auto body = oracle::fbdi::import_body(params, zip_path);
        if (!body) {
            throw std::runtime_error(body.error());
        }
        return std::move(*body);
    }

    void import_refused(const http::Error& e)
    {
        auto& postings = outbox_.postings();
        const std::string why = "Journal Import: " + engine::describe(e);
        if (engine::outcome_unknown(e)) {
            // It may have reached Oracle: the postings stay sent and are looked up by batch name.
            store::Transaction tx(ctx_.db());
            each_staged([&](const store::Posting& p, const SentRequest&) {
                postings.note_error(p.id, why);
            });
            tx.commit();
            sum_.attention.push_back({"unknown", "", "", "",
                                      why
                                          + " (the journals are looked up "
                                            "in journalBatches next pass)"});
            return;
        }
        if (engine::is_fatal(e)) {
            store::Transaction tx(ctx_.db());
            each_staged([&](const store::Posting& p, const SentRequest&) {
                postings.mark_unsent(p.id, why);
            });
            tx.commit();
            engine::stop("oracle", "submitting the Journal Import", e);
        }
        const std::string cls = e.status == 200 || e.status == 201 ? store::error_class::config
                                                                   : store::error_class::data;
        store::Transaction tx(ctx_.db());
        each_staged([&](const store::Posting& p, const SentRequest& req) {
            const auto& key = req.journal->record_key;
            postings.mark_failed(p.id, cls, why);
            ++sum_.failed;
            sum_.failures.push_back({"failed", key, "", "", why});
            audit(key, std::nullopt, engine::action::failed, why);
            engine::schedule_failed(retries_, ctx_.clock, costs.stream, key, why);
        });
        tx.commit();
    }

    // --- confirming -------------------------------------------------------------------------

    // What confirming needs of a journal in the ledger, kept small: a batch can hold tens of
    // thousands of them.
    struct InLedger {
        std::int64_t header_id = 0;
        std::string total_dr, total_cr, period;
    };
    struct Ledger {
        std::string batch;
        std::unordered_map<std::string, InLedger> journals; // journal name -> journal
        // The journal named `name` as oracle::LedgerJournal, or nullopt.
        std::optional<oracle::LedgerJournal> find(const std::string& name) const
        {
            const auto it = journals.find(name);
            if (it == journals.end()) {
                return std::nullopt;
            }
            oracle::LedgerJournal j;
            j.batch_name = batch;
            j.journal_name = name;
            j.header_id = it->second.header_id;
            j.total_dr = it->second.total_dr;
            j.total_cr = it->second.total_cr;
            j.period = it->second.period;
            return j;
        }
    };

    std::expected<Ledger, http::Error> find_in_ledger(const std::string& batch)
    {
        Ledger out;
        out.batch = batch;
        auto read = oracle::find_journals_each(oracle_, batch, [&out](oracle::LedgerJournal&& j) {
            out.journals.emplace(std::move(j.journal_name),
                                 InLedger{j.header_id, std::move(j.total_dr), std::move(j.total_cr),
                                          std::move(j.period)});
        });
        if (!read) {
            return std::unexpected(read.error());
        }
        return out;
    }

    // Postings an earlier pass left: pending and never sent are superseded (their documents are
    // planned again); sent ones are resolved by their job and journalBatches.
    void resolve_unconfirmed()
    {
        sum_.superseded += outbox_.postings().supersede_unsent({k_kind});
        std::set<std::int64_t> requests;
        each_posting(outbox_.postings(), store::posting_status::sent, [&](const store::Posting& p) {
            const auto req = parse_request(p.request);
            if (req.request_id != 0) {
                requests.insert(req.request_id);
            } else {
                resolve_without_request(p, req);
            }
            if (req.journal) {
                waiting_.insert(req.journal->record_key);
            }
        });
        for (const auto r : requests) {
            requests_.insert(r);
        }
        poll_once();
    }

    // Sent, but Oracle's request id never reached us (a crash or a lost answer during the
    // upload): the journal is looked up by its batch; absent, it is held for a person once
    // posting.settle_seconds have passed, since the job may still be running.
    void resolve_without_request(const store::Posting& p, const SentRequest& req)
    {
        if (!req.journal || req.batch.empty()) {
            return;
        }
        auto found = find_in_ledger(req.batch);
        if (!found) {
            if (engine::is_fatal(found.error())) {
                engine::stop("oracle", "looking up journal batch " + req.batch, found.error());
            }
            return;
        }
        Planned planned{*req.journal, p.source_key, p.records.empty() ? "" : item_fp(p)};
        if (const auto it = found->find(req.journal->name); it) {
            confirm(p, planned, *it, true);
            return;
        }
        Clock::time_point sent;
        if (parse_iso8601(req.sent_at, sent)
            && ctx_.clock.now() - sent
                   >= std::chrono::seconds(ctx_.config.posting.settle_seconds)) {
            const std::string why = fmt::format(
                "sent to Journal Import in batch {} at {}, but Oracle's request id was lost and "
                "the journal is not in journalBatches: check the Import Journals job in Oracle, "
                "then `replay {}` sends it again",
                req.batch, req.sent_at, p.id);
            outbox_.postings().mark_held(p.id, why);
            audit(req.journal->record_key, std::nullopt, engine::action::held, why);
            sum_.attention.push_back({"held", req.journal->record_key, "", "", why});
            ++sum_.held;
            return;
        }
        ++sum_.planned["waiting"];
    }

    static std::string item_fp(const store::Posting& p)
    {
        const auto refs = engine::item_refs(p.records);
        return refs.empty() ? std::string() : refs.front().fingerprint;
    }

    // One status read of every open request; finished ones are confirmed.
    bool poll_once()
    {
        for (auto it = requests_.begin(); it != requests_.end();) {
            auto status = oracle::fbdi::job_status(oracle_, *it);
            if (!status) {
                if (engine::is_fatal(status.error())) {
                    engine::stop("oracle", "reading Journal Import request " + std::to_string(*it),
                                 status.error());
                }
                ++it;
                continue;
            }
            if (oracle::fbdi::job_finished(*status)) {
                confirm_request(*it, *status);
                it = requests_.erase(it);
            } else {
                last_status_[*it] = *status;
                ++it;
            }
        }
        return requests_.empty();
    }

    // Polls with backoff, never past posting.wait_seconds; a job still running is left sent for
    // the next pass to confirm.
    void wait_and_confirm()
    {
        if (requests_.empty()) {
            return;
        }
        const auto deadline =
            ctx_.clock.now() + std::chrono::seconds(ctx_.config.posting.wait_seconds);
        std::chrono::milliseconds delay{200};
        while (!poll_once()) {
            if (ctx_.clock.now() + delay > deadline) {
                break;
            }
            ctx_.clock.sleep_for(delay);
            delay = std::min(delay * 2, std::chrono::milliseconds{10'000});
        }
        for (const auto r : requests_) {
            const std::string why =
                fmt::format("Journal Import request {} is still {} after {} s: its journals stay "
                            "sent and the next pass confirms them",
                            r, last_status_[r], ctx_.config.posting.wait_seconds);
            sum_.attention.push_back({"waiting", "", std::to_string(r), "", why});
        }
    }

    void confirm_request(std::int64_t request_id, const std::string& status)
    {
        // Reversals first, so a document's link ends on its newest version; only the ids are
        // kept, each posting is read again when its turn comes.
        std::vector<std::int64_t> reversals;
        std::vector<std::int64_t> journals;
        const std::string marker = fmt::format("\"request_id\":{}", request_id);
        each_posting(outbox_.postings(), store::posting_status::sent, [&](const store::Posting& p) {
            if (p.request.find(marker) != std::string::npos
                && parse_request(p.request).request_id == request_id) {
                (p.source_key.ends_with(":rev") ? reversals : journals).push_back(p.id);
            }
        });
        reversals.insert(reversals.end(), journals.begin(), journals.end());
        journals.clear();
        std::map<std::string, Ledger> ledgers;
        std::optional<std::vector<oracle::fbdi::RejectedLine>> rejected;
        for (const auto id : reversals) {
            const auto stored = outbox_.postings().find(id);
            if (!stored) {
                continue;
            }
            const auto& p = *stored;
            const auto req = parse_request(p.request);
            if (!req.journal) {
                continue;
            }
            auto ledger = ledgers.find(req.batch);
            if (ledger == ledgers.end()) {
                auto found = find_in_ledger(req.batch);
                if (!found) {
                    if (engine::is_fatal(found.error())) {
                        engine::stop("oracle", "looking up journal batch " + req.batch,
                                     found.error());
                    }
                    outbox_.postings().note_error(p.id, "lookup failed: "
                                                            + engine::describe(found.error()));
                    continue;
                }
                ledger = ledgers.emplace(req.batch, std::move(*found)).first;
            }
            Planned planned{*req.journal, p.source_key, item_fp(p)};
            if (const auto it = ledger->second.find(req.journal->name); it) {
                confirm(p, planned, *it, false);
                continue;
            }
            if (!rejected) {
                auto lines = oracle::fbdi::rejected_lines(oracle_, request_id);
                rejected = lines ? std::move(*lines) : std::vector<oracle::fbdi::RejectedLine>{};
            }
            std::string why = fmt::format("Journal Import request {} ({}) did not import journal "
                                          "{} of batch {}",
                                          request_id, status, req.journal->name, req.batch);
            // The row that caused it: Journal Import marks the journal's other rows too
            // ("another line of the same journal has an error").
            const oracle::fbdi::RejectedLine* cause = nullptr;
            for (const auto& r : *rejected) {
                if (r.journal_name == req.journal->name
                    && (cause == nullptr || cause->code == "EU03")) {
                    cause = &r;
                }
            }
            if (cause != nullptr) {
                why += fmt::format(": {} {}", cause->code, cause->reason);
            }
            reject(p, *req.journal, why, planned.fingerprint);
        }
    }

    void reject(const store::Posting& p, const Journal& j, const std::string& why,
                const std::string& fingerprint)
    {
        store::Transaction tx(ctx_.db());
        outbox_.postings().mark_failed(p.id, store::error_class::data, why);
        audit(j.record_key, std::nullopt, engine::action::rejected, why, std::nullopt, fingerprint);
        engine::schedule_failed(retries_, ctx_.clock, costs.stream, j.record_key, why);
        tx.commit();
        ++sum_.failed;
        sum_.failures.push_back({"failed", j.record_key, j.name, j.source_document, why});
        waiting_.erase(j.record_key);
    }

    // The journal is in the ledger: confirmed, linked, audited; then the write-back.
    void confirm(const store::Posting& p, const Planned& planned, const oracle::LedgerJournal& lj,
                 bool found_by_lookup)
    {
        const auto& j = planned.journal;
        const auto dr = dec(lj.total_dr);
        const auto cr = dec(lj.total_cr);
        const auto total = dec(j.total);
        if (!dr || !cr || !total || !(*dr == *total) || !(*cr == *total)) {
            const std::string why = fmt::format(
                "journal {} is in batch {} with debits {} and credits {}, not {}: check it in "
                "Oracle (it is not sent again)",
                j.name, lj.batch_name, lj.total_dr, lj.total_cr, j.total);
            outbox_.postings().mark_held(p.id, why);
            audit(j.record_key, j.name, engine::action::held, why);
            sum_.attention.push_back({"held", j.record_key, j.name, "", why});
            ++sum_.held;
            return;
        }
        const std::string remote = std::to_string(lj.header_id);
        {
            store::Transaction tx(ctx_.db());
            outbox_.postings().mark_confirmed(p.id, remote);
            store::Link link;
            link.kind = k_kind;
            link.procore_key = j.record_key;
            link.oracle_key = j.name;
            link.origin = "procore";
            link.fingerprint = j.reversal ? std::string() : planned.fingerprint;
            link.summary = fmt::format("{} {} {} in {} (batch {}, journal {})",
                                       j.reversal ? "reversed" : "posted", j.currency, j.total,
                                       lj.period, lj.batch_name, remote);
            // Each version (and its reversal) is its own journal: the link follows the newest.
            links_.rekey_oracle(k_kind, j.record_key, j.name);
            if (auto linked = links_.upsert(link); !linked) {
                log::warn("{}: {}", j.record_key, linked.error().message);
            }
            audit(j.record_key, j.name,
                  found_by_lookup ? engine::action::confirmed : engine::action::created,
                  fmt::format("journal {} {} in batch {} ({}), period {}: {} {}", j.name,
                              j.reversal ? "reverses the earlier version" : "is in the ledger",
                              lj.batch_name, remote, lj.period, j.currency, j.total),
                  std::nullopt, planned.fingerprint);
            retries_.clear(std::string(costs.stream), j.record_key, store::retry_reason::failed);
            if (owes_write_back(j)) {
                // Owed until it is made: a crash before it leaves the document due next pass.
                retries_.schedule(std::string(costs.stream), j.record_key,
                                  store::retry_reason::failed, now_, "write-back owed", false);
            }
            tx.commit();
        }
        crash_point("outbox.confirmed");
        waiting_.erase(j.record_key);
        ++sum_.created;
        if (found_by_lookup) {
            ++sum_.resolved;
        }
        if (owes_write_back(j)) {
            const auto ref = parse_cost_key(j.record_key);
            write_back(ref->project_id, ref->id, j.record_key, j.name);
        }
    }

    bool owes_write_back(const Journal& j) const
    {
        const auto ref = parse_cost_key(j.record_key);
        return !j.reversal && ref && ref->kind == CostKind::direct_cost && jm().write_back;
    }

    // --- replay, plan files -----------------------------------------------------------------

    void replay(const store::Posting& p)
    {
        const auto refs = engine::item_refs(p.records);
        if (refs.empty()) {
            return;
        }
        const auto req = parse_request(p.request);
        if ((p.status == store::posting_status::sent || p.attempts > 0) && !req.batch.empty()) {
            auto found = find_in_ledger(req.batch);
            if (!found) {
                engine::stop("oracle", "looking up journal batch " + req.batch, found.error());
            }
            if (req.journal) {
                if (const auto it = found->find(req.journal->name); it) {
                    confirm(p, Planned{*req.journal, p.source_key, item_fp(p)}, *it, true);
                    sum_.replayed[p.id] = "found in the ledger: confirmed, nothing sent";
                    return;
                }
            }
            if (p.status == store::posting_status::sent
                || p.status == store::posting_status::held) {
                // Definitely not in its batch: a person released it; it is planned again.
                outbox_.postings().mark_failed(p.id, store::error_class::retryable,
                                               "replayed: not in journalBatches");
            }
        } else if (p.status == store::posting_status::held) {
            outbox_.postings().mark_unsent(p.id, "replayed");
        }
        for (const auto& r : refs) {
            want(r.key);
            audit(r.key, p.remote_id, engine::action::replayed,
                  fmt::format("posting {} ({}) re-read and planned again", p.id, p.status));
        }
        sum_.replayed[p.id] = "re-read and planned again";
    }

    std::vector<Journal> read_plan()
    {
        std::ifstream in(costs_.apply_file);
        if (!in) {
            throw UsageError("cannot read the plan file " + costs_.apply_file);
        }
        std::stringstream text;
        text << in.rdbuf();
        auto journals = parse_plan_file(text.str());
        for (const auto& j : journals) {
            if (!j.reversal) {
                want(j.record_key);
            } else if (const auto ref = parse_cost_key(j.record_key); ref) {
                want(j.record_key);
            }
        }
        return journals;
    }

    // --apply: exactly the plan's journals post; any difference refuses the whole plan.
    void keep_only(const std::vector<Journal>& plan)
    {
        std::map<std::string, const Journal*> wanted;
        for (const auto& j : plan) {
            wanted.emplace(posting_key_of(j), &j);
        }
        std::vector<std::string> changed;
        std::set<std::string> seen;
        for (const auto& p : batch_) {
            const auto it = wanted.find(p.posting_key);
            if (it == wanted.end()) {
                continue;
            }
            seen.insert(p.posting_key);
            if (journal_json(*it->second) != journal_json(p.journal)) {
                changed.push_back(it->second->name + " (" + it->second->source_document
                                  + "): the journal planned now differs from the plan");
            }
        }
        for (const auto& [key, j] : wanted) {
            if (!seen.contains(key)) {
                changed.push_back(j->name + " (" + j->source_document
                                  + "): the document changed (or posted) since the plan was made");
            }
        }
        if (!changed.empty()) {
            std::string list;
            for (const auto& c : changed) {
                list += "\n  " + c;
            }
            throw UsageError("the plan " + costs_.apply_file
                                 + " is out of date; nothing was posted:" + list,
                             "make a new plan with --plan and have it approved again");
        }
        std::erase_if(batch_, [&](const Planned& p) { return !wanted.contains(p.posting_key); });
    }

    void write_plan()
    {
        std::vector<Journal> journals;
        for (const auto& p : batch_) {
            journals.push_back(p.journal);
        }
        const std::string tmp = costs_.plan_file + ".tmp";
        {
            std::ofstream out(tmp, std::ios::trunc);
            out << plan_file_json(journals, now_);
            out.flush();
            if (!out) {
                throw UsageError("cannot write the plan file " + costs_.plan_file);
            }
        }
        std::filesystem::rename(tmp, costs_.plan_file);
    }

    // --- bookkeeping ------------------------------------------------------------------------

    void audit(const std::string& key, const std::optional<std::string>& oracle_key,
               std::string_view action, const std::string& message,
               const std::optional<std::string>& before = std::nullopt,
               const std::optional<std::string>& after = std::nullopt)
    {
        engine::audit_record(ctx_, costs, {oracle_key, key, action, message, before, after});
    }

    void retries_clear(const std::string& key)
    {
        if (!options_.dry_run) {
            retries_.clear_all(std::string(costs.stream), key);
        }
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
    }

    engine::Context& ctx_;
    const engine::PassOptions& options_;
    const engine::FlowScope& scope_;
    const CostScope& costs_;
    CostOutput* out_;
    store::Links links_;
    store::Retries retries_;
    store::Watermarks watermarks_;
    engine::Outbox outbox_;
    procore::CostApi procore_;
    procore::CommitmentApi commitments_;
    oracle::Client& oracle_;
    engine::CostAccounts accounts_;
    std::string now_;
    std::string today_;
    engine::FlowSummary sum_;
    std::vector<oracle::PeriodStatus> periods_;

    std::vector<std::string> order_;
    std::set<std::string> wanted_;
    std::set<std::string> waiting_; // records with a journal sent and not yet confirmed
    std::set<std::int64_t> sweep_projects_;
    std::map<std::string, std::vector<std::int64_t>> event_rows_;
    std::vector<std::tuple<std::int64_t, const char*, std::string>> inbox_outcome_;
    std::map<std::string, std::string> swept_;
    std::vector<Planned> batch_;                // a dry run's, a plan's or --apply's journals
    std::vector<std::int64_t> staged_;          // postings to send in this pass's import
    std::uint64_t group_hash_ = 0;              // of their keys: GROUP_ID
    std::optional<store::Transaction> staging_; // open while journals are being staged
    int staged_since_commit_ = 0;
    std::set<std::int64_t> requests_;
    std::map<std::int64_t, std::vector<OwedWriteBack>> owed_; // project -> write-backs
    std::map<std::int64_t, std::string> last_status_;
};

} // namespace

engine::FlowSummary post_cost_journals(engine::Context& ctx, const engine::PassOptions& options,
                                       const engine::FlowScope& scope, const CostScope& costs,
                                       CostOutput* out)
{
    CostFlow flow(ctx, options, scope, costs, out);
    return flow.run();
}

std::string journal_table(const std::vector<Journal>& journals, char delimiter)
{
    std::string out = fmt::format("{:<12} {:<8} {:<28} {:>14} {:>14}  {}\n", "project", "cost ctr",
                                  "account", "debit", "credit", "source document");
    Decimal dr;
    Decimal cr;
    for (const auto& j : journals) {
        for (const auto& l : j.lines) {
            out += fmt::format("{:<12} {:<8} {:<28} {:>14} {:>14}  {}{}\n", j.project_id,
                               j.cost_center, engine::join_account(l.segments, delimiter), l.debit,
                               l.credit, j.source_document, j.reversal ? " (reversal)" : "");
            dr += dec(l.debit).value_or(Decimal{});
            cr += dec(l.credit).value_or(Decimal{});
        }
    }
    out += fmt::format("{:<12} {:<8} {:<28} {:>14} {:>14}  {} journals\n", "total", "", "",
                       dr.fixed(2), cr.fixed(2), journals.size());
    return out;
}

std::string plan_file_json(const std::vector<Journal>& journals, const std::string& planned_at)
{
    json::Writer w;
    w.begin_object()
        .field("kind", "ml-connector post-costs plan")
        .field("planned_at", planned_at)
        .key("journals")
        .begin_array();
    for (const auto& j : journals) {
        w.raw_json(journal_json(j));
    }
    w.end_array().end_object();
    return w.str() + "\n";
}

std::vector<Journal> parse_plan_file(const std::string& text)
{
    auto doc = json::parse(text);
    if (!doc || !doc->IsObject()
        || json::get_string(*doc, "kind").value_or("") != "ml-connector post-costs plan") {
        throw UsageError("the file is not a post-costs plan (made with --plan)");
    }
    std::vector<Journal> out;
    const auto* journals = json::find(*doc, "journals");
    if (journals == nullptr || !journals->IsArray()) {
        throw UsageError("the plan has no journals array");
    }
    for (const auto& j : journals->GetArray()) {
        auto parsed = parse_journal(json::to_string(j));
        if (!parsed) {
            throw UsageError("the plan holds a journal that cannot be read");
        }
        out.push_back(std::move(*parsed));
    }
    return out;
}

} // namespace mlc::flows
