#include "admin/reconcile.hpp"

#include "admin/audit_render.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/json_writer.hpp"
#include "oracle/invoices.hpp"
#include "oracle/journals.hpp"
#include "oracle/purchase_orders.hpp"
#include "procore/commitments.hpp"
#include "procore/costs.hpp"
#include "procore/requisitions.hpp"
#include "store/database.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/cost_accounts.hpp"
#include "sync/engine/errors.hpp"
#include "sync/engine/names.hpp"
#include "sync/flows/commitments/commitment_plan.hpp"
#include "sync/flows/invoices/invoice_plan.hpp"
#include "sync/flows/journals/journal_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

namespace mlc::admin {

namespace {

// GL account -> net debit.
using ReconAmounts = std::map<std::string, Decimal>;

// Sources people enter journals with: a journal from one of them on a project's cost center
// is money in the project's accounts that did not come from Procore through us.
const std::vector<std::string> k_recon_manual_sources{"Manual", "Spreadsheet"};

// "Since the beginning" for Procore's updated_at ranges, which must have both ends.
const std::string k_recon_beginning = "1970-01-01T00:00:00Z";

// What is known of one Procore document (a record key) from the three places.
struct ReconRecord {
    std::int64_t project_id = 0;
    std::string document;
    ReconAmounts procore, posted, oracle;
    bool in_procore = false; // approved, of a type that posts, dated in the period
    std::string version;     // its current content version (16 hex), when in_procore
    std::string plan_error;  // why it cannot be planned (no account, …)
    std::string not_here;    // why it no longer counts here (deleted, not approved, moved)
    std::vector<const store::Posting*> postings; // every journal posting of the record
    std::set<std::string> journals;              // "name in batch b" as Oracle holds them
    std::set<std::string> other_periods;         // periods its other confirmed journals posted in
};

// A journal line of someone else's on a project's cost center.
struct ForeignKey {
    std::int64_t project_id = 0;
    std::string account, journal, batch, source;
    auto operator<=>(const ForeignKey&) const = default;
};

Decimal recon_decimal(const std::string& text)
{
    return Decimal::parse_or_zero(text).value_or(Decimal{});
}

Decimal recon_net(const std::string& debit, const std::string& credit)
{
    return recon_decimal(debit) - recon_decimal(credit);
}

std::string recon_money(const Decimal& d)
{
    return d.fixed(2);
}

// The record key a journal posting carries ("dc:1:2 <fingerprint>" -> "dc:1:2").
std::string recon_record_of(const store::Posting& p)
{
    if (!p.records.empty()) {
        const auto& r = p.records.front();
        return r.substr(0, r.find(' '));
    }
    return {};
}

class Reconciler {
public:
    Reconciler(const Config& config, engine::Connections& connections, Clock& clock,
               const ReconcileOptions& options, store::Database& db)
        : config_(config), jm_(config.mapping.journal), connections_(connections), clock_(clock),
          options_(options), links_(db), postings_(db),
          costs_(connections.procore().http(), config.procore.base_url, config.procore.company_id),
          commitments_(connections.procore().http(), config.procore.base_url,
                       config.procore.company_id),
          accounts_(config.mapping, links_, connections.oracle(), commitments_),
          requisitions_(connections.procore().http(), config.procore.base_url)
    {}

    Reconciliation run()
    {
        r_.period = options_.period;
        r_.generated_at = format_iso8601(clock_.now());
        find_period();
        scope_projects();
        read_procore();
        read_postings();
        read_ledger();
        compose();
        read_commitments();
        r_.api_calls = connections_.calls().snapshot();
        return std::move(r_);
    }

private:
    // --- the period and the projects -----------------------------------------------------

    void find_period()
    {
        auto periods = oracle::read_periods(connections_.oracle(), jm_.ledger_id);
        if (!periods) {
            engine::stop("oracle", "reading the ledger's accounting periods", periods.error());
        }
        std::string names;
        for (const auto& p : *periods) {
            if (p.name == options_.period) {
                r_.start_date = p.start_date;
                r_.end_date = p.end_date;
                r_.period_status = p.closing_status;
            }
            names += (names.empty() ? "" : ", ") + p.name;
        }
        if (r_.start_date.empty()) {
            throw UsageError("reconcile: ledger " + std::to_string(jm_.ledger_id)
                                 + " has no period \"" + options_.period + "\"",
                             names.empty() ? std::string("the ledger lists no GL periods")
                                           : "its periods: " + names);
        }
        // Plan every document in its own date's period, as if every period were open: a
        // document dated in a closed period belongs to that period here, whatever the
        // closed-period policy did with its journal (a difference then says where it went).
        open_periods_ = std::move(*periods);
        for (auto& p : open_periods_) {
            p.closing_status = "O";
        }
        r_.currency = jm_.currency.empty() ? "USD" : jm_.currency;
        if (jm_.currency.empty()) {
            if (auto d = config_.mapping.project(0); d && !d->currency.empty()) {
                r_.currency = d->currency;
            }
        }
    }

    void scope_projects()
    {
        if (!options_.projects.empty()) {
            projects_ = options_.projects;
        } else if (config_.mapping.projects.contains("default")) {
            auto all = connections_.procore().project_ids();
            if (!all) {
                engine::stop("procore", "listing the company's projects", all.error());
            }
            projects_ = std::move(*all);
        } else {
            projects_ = config_.mapping.project_ids();
        }
        std::ranges::sort(projects_);
        projects_.erase(std::ranges::unique(projects_).begin(), projects_.end());
        for (const auto p : projects_) {
            in_scope_.insert(p);
        }
        // Cost centers are told to projects over every project the mapping covers, not only
        // those asked for: a cost center another project shares stays shared under --project.
        std::vector<std::int64_t> mapped = projects_;
        if (!options_.projects.empty()) {
            if (config_.mapping.projects.contains("default")) {
                auto all = connections_.procore().project_ids();
                if (!all) {
                    engine::stop("procore", "listing the company's projects", all.error());
                }
                mapped = std::move(*all);
            } else {
                mapped = config_.mapping.project_ids();
            }
            mapped.insert(mapped.end(), projects_.begin(), projects_.end());
            std::ranges::sort(mapped);
            mapped.erase(std::ranges::unique(mapped).begin(), mapped.end());
        }
        for (const auto p : mapped) {
            if (auto m = config_.mapping.project(p); m && !m->cost_center.empty()) {
                by_cost_center_[m->cost_center].push_back(p);
            }
        }
    }

    bool in_scope(std::int64_t project) const { return in_scope_.contains(project); }

    std::string cost_center_of(std::int64_t project) const
    {
        if (auto m = config_.mapping.project(project)) {
            return m->cost_center;
        }
        return {};
    }

    // The one project in scope whose cost center this account carries; 0 when none is, or
    // when several share it (the line cannot be told to one of them).
    std::pair<std::int64_t, std::string> project_of_account(const std::string& account) const
    {
        const auto segments = engine::split_account(account, config_.mapping.chart.delimiter);
        const auto at = static_cast<std::size_t>(config_.mapping.chart.cost_center_segment - 1);
        if (at >= segments.size()) {
            return {0, {}};
        }
        const auto it = by_cost_center_.find(segments[at]);
        if (it == by_cost_center_.end()) {
            return {0, {}};
        }
        if (it->second.size() > 1) {
            return {0, fmt::format("cost center {} is shared by {} projects", segments[at],
                                   it->second.size())};
        }
        if (!in_scope(it->second.front())) {
            return {0, {}}; // another project's, left out
        }
        return {it->second.front(), {}};
    }

    // --- Procore: what should be in the ledger ------------------------------------------

    void read_procore()
    {
        const std::string until = format_iso8601(clock_.now());
        for (const auto project : projects_) {
            std::map<std::int64_t, std::vector<procore::CostLine>> lines;
            auto listed_lines = costs_.list_lines_updated(
                project, "", until, [&](std::vector<procore::CostLineOf>& page) {
                    for (auto& l : page) {
                        lines[l.document_id].push_back(std::move(l.line));
                    }
                });
            if (!listed_lines) {
                engine::stop("procore",
                             "reading the direct cost lines of project " + std::to_string(project),
                             listed_lines.error());
            }
            auto listed =
                costs_.list_updated(procore::CostKind::direct_cost, project, "", until,
                                    [&](std::vector<procore::CostDocument>& page) {
                                        for (auto& d : page) {
                                            if (!d.lines_read && !d.deleted) {
                                                if (auto it = lines.find(d.id); it != lines.end()) {
                                                    d.lines = std::move(it->second);
                                                }
                                                d.lines_read = true;
                                            }
                                            consider(d);
                                        }
                                    });
            if (!listed) {
                engine::stop("procore",
                             "reading the direct costs of project " + std::to_string(project),
                             listed.error());
            }
            if (!jm_.change_orders) {
                continue;
            }
            std::vector<procore::CostDocument> to_read;
            auto orders =
                costs_.list_updated(procore::CostKind::change_order, project, "", until,
                                    [&](std::vector<procore::CostDocument>& page) {
                                        for (auto& d : page) {
                                            if (!d.lines_read && !d.deleted && counts(d)) {
                                                to_read.push_back(std::move(d));
                                            } else {
                                                consider(d);
                                            }
                                        }
                                    });
            if (!orders) {
                engine::stop("procore",
                             "reading the change orders of project " + std::to_string(project),
                             orders.error());
            }
            for (const auto& d : to_read) {
                auto got = costs_.get(d.kind, d.project_id, d.id);
                if (!got) {
                    engine::stop("procore", "reading change order " + std::to_string(d.id),
                                 got.error());
                }
                if (got->has_value()) {
                    consider(**got);
                }
            }
        }
    }

    // Approved, of a type that posts, and dated in the period (or undated: the plan decides).
    bool counts(const procore::CostDocument& d) const
    {
        if (d.deleted || !flows::eligibility(d, jm_).empty()) {
            return false;
        }
        return d.date.empty() || (d.date >= r_.start_date && d.date <= r_.end_date);
    }

    void consider(const procore::CostDocument& d)
    {
        const std::string key = flows::cost_key(d);
        if (d.deleted) {
            not_here_[key] = "deleted in Procore";
            return;
        }
        if (auto why = flows::eligibility(d, jm_); !why.empty()) {
            not_here_[key] = why;
            return;
        }
        if (!counts(d)) {
            not_here_[key] = "dated " + d.date + ", outside " + r_.period;
            if (const auto* p = oracle::period_of(open_periods_, d.date)) {
                dated_in_[key] = p->name;
            }
            return;
        }
        auto plan = flows::plan_journal(d, config_.mapping,
                                        flows::journal_lookups(accounts_, open_periods_));
        auto& rec = records_[key];
        rec.project_id = d.project_id;
        if (rec.document.empty()) {
            rec.document = d.kind == procore::CostKind::direct_cost
                               ? fmt::format("direct cost {} ({})", d.id, d.number)
                               : fmt::format("change order {} ({})", d.id, d.number);
        }
        if (!plan.error.empty() || !plan.held.empty()) {
            rec.in_procore = true;
            rec.plan_error = plan.error.empty() ? plan.held : plan.error;
            rec.procore.clear();
            rec.procore[""] = recon_decimal(d.grand_total);
            return;
        }
        if (!plan.journal) {
            not_here_[key] = plan.skip;
            records_.erase(key);
            return;
        }
        if (plan.journal->period != r_.period) {
            not_here_[key] = "posts in " + plan.journal->period;
            return;
        }
        rec.in_procore = true;
        rec.version = plan.fingerprint.substr(0, 16);
        rec.document = plan.journal->source_document;
        rec.procore.clear(); // a document listed twice (paging while it changes) counts once
        for (const auto& line : plan.journal->lines) {
            rec.procore[engine::join_account(line.segments, config_.mapping.chart.delimiter)] +=
                recon_net(line.debit, line.credit);
        }
    }

    // --- our postings ---------------------------------------------------------------------

    void read_postings()
    {
        store::PostingFilter filter;
        filter.kinds = {std::string(engine::flow::costs.link_kind)};
        all_postings_ = postings_.list(filter);
        for (const auto& p : all_postings_) {
            const std::string key = recon_record_of(p);
            if (key.empty() || p.status == store::posting_status::superseded) {
                continue;
            }
            auto j = flows::parse_request(p.request).journal;
            const auto ref = flows::parse_cost_key(key);
            const std::int64_t project = j ? j->project_id : ref ? ref->project_id : 0;
            if (j) {
                // Known whatever the scope: a journal of ours for a project left out is ours,
                // not someone else's on a shared cost center.
                our_names_[j->name] = key;
            }
            if (!in_scope(project)) {
                continue;
            }
            auto& rec = records_[key];
            rec.project_id = project;
            rec.postings.push_back(&p);
            if (!j) {
                continue;
            }
            if (rec.document.empty()) {
                rec.document = j->source_document;
            }
            if (p.status != store::posting_status::confirmed) {
                continue;
            }
            if (j->period != r_.period) {
                // Where the document's journal went when it is not in its own date's period
                // (closed_period: next_open), or where it came from.
                rec.other_periods.insert(j->period);
                continue;
            }
            Decimal debits;
            for (const auto& line : j->lines) {
                rec.posted[engine::join_account(line.segments, config_.mapping.chart.delimiter)] +=
                    recon_net(line.debit, line.credit);
                debits += recon_decimal(line.debit);
            }
            auto& day = r_.posted_by_day[j->accounting_date];
            day = j->reversal ? day - debits : day + debits;
        }
    }

    // --- the ledger -----------------------------------------------------------------------

    void read_ledger()
    {
        const auto wanted = [this](const std::string& source) {
            return source.empty() || source == jm_.source
                   || std::ranges::find(k_recon_manual_sources, source)
                          != k_recon_manual_sources.end();
        };
        auto read = oracle::read_period_lines(
            connections_.oracle(), r_.period, jm_.ledger_name, wanted,
            [this, &wanted](oracle::LedgerLine&& l) {
                const Decimal net = recon_net(l.debit, l.credit);
                if (auto it = our_names_.find(l.journal_name); it != our_names_.end()) {
                    const auto found = records_.find(it->second);
                    if (found == records_.end()) {
                        return; // ours, of a project left out
                    }
                    auto& rec = found->second;
                    rec.oracle[l.account] += net;
                    rec.journals.insert(l.journal_name + " in batch " + l.batch_name);
                    return;
                }
                if (!l.source.empty() && !wanted(l.source)) {
                    return; // a subledger's journal whose source only its header names
                }
                const auto [project, shared] = project_of_account(l.account);
                if (project == 0 && shared.empty()) {
                    return; // not on a project's cost center
                }
                ForeignKey k{project, l.account, l.journal_name, l.batch_name,
                             l.source.empty() ? std::string("unknown") : l.source};
                foreign_[k] += net;
                if (!shared.empty()) {
                    shared_[k] = shared;
                }
            });
        if (!read) {
            engine::stop("oracle", "reading the journals of " + r_.period, read.error());
        }
    }

    // --- putting it together ---------------------------------------------------------------

    AccountRow& row(std::int64_t project, const std::string& account)
    {
        auto [it, added] = rows_.try_emplace({project, account});
        if (added) {
            it->second.project_id = project;
            it->second.account = account;
            it->second.cost_center = cost_center_of(project);
            it->second.offset =
                !account.empty()
                && (account == jm_.offset_direct_cost || account == jm_.offset_change_order);
        }
        return it->second;
    }

    // The newest posting of the record still waiting on something (held, failed, unsent or
    // unconfirmed), or nullptr.
    static const store::Posting* waiting_posting(const ReconRecord& rec)
    {
        const store::Posting* newest = nullptr;
        for (const auto* p : rec.postings) {
            if (p->status == store::posting_status::confirmed) {
                continue;
            }
            if (newest == nullptr || p->id > newest->id) {
                newest = p;
            }
        }
        return newest;
    }

    static bool has_confirmed(const ReconRecord& rec)
    {
        return std::ranges::any_of(rec.postings, [](const store::Posting* p) {
            return p->status == store::posting_status::confirmed;
        });
    }

    void explain_posting_side(const std::string& key, const ReconRecord& rec, Difference& d) const
    {
        namespace dk = difference_kind;
        const std::string flow(engine::flow::costs.name);
        if (!rec.plan_error.empty()) {
            d.kind = dk::failed;
            d.why = rec.plan_error;
            d.action = "fix what the reason names (the document in Procore or the mapping), then "
                       "ml-connector post-costs";
            return;
        }
        if (const auto* p = waiting_posting(rec)) {
            d.why = p->last_error.value_or("");
            if (p->status == store::posting_status::held) {
                d.kind = dk::held;
                d.action = "settle it, then ml-connector replay --kind " + flow + " --held";
            } else if (p->status == store::posting_status::failed) {
                d.kind = dk::failed;
                d.action =
                    p->error_class && *p->error_class == store::error_class::retryable
                        ? "nothing: the next post-costs pass retries it"
                        : "fix the cause, then ml-connector replay --kind " + flow + " --failed";
            } else {
                d.kind = dk::in_flight;
                d.why = fmt::format("posting {} is {}", p->id, p->status);
                d.action = "nothing yet: the next post-costs pass finds it in journalBatches and "
                           "confirms it, or sends it if Oracle does not have it";
            }
            return;
        }
        // closed_period next_open: a document dated in a closed period posts in the first open
        // one, so each period shows it on one side only.
        if (d.posted.is_zero() && !d.procore.is_zero() && !rec.other_periods.empty()) {
            std::string periods;
            for (const auto& p : rec.other_periods) {
                periods += (periods.empty() ? "" : ", ") + p;
            }
            d.kind = dk::other_period;
            d.why = "posted in " + periods + ": this period was closed when it posted";
            d.action = "nothing: closed_period next_open posted it in the first open period";
            return;
        }
        if (const auto it = dated_in_.find(key);
            it != dated_in_.end() && d.procore.is_zero() && !d.posted.is_zero()) {
            d.kind = dk::other_period;
            d.why = "dated in " + it->second + ", posted here";
            d.action = "nothing when " + it->second
                       + " was closed as it posted (closed_period next_open); if the document "
                         "was re-dated since, post-costs posts its reversal";
            return;
        }
        if (!rec.in_procore) {
            d.kind = dk::withdrawn;
            const auto it = not_here_.find(key);
            d.why = it != not_here_.end() ? it->second : "no longer in Procore";
            d.action = "ml-connector post-costs posts its reversal";
            return;
        }
        if (has_confirmed(rec)) {
            d.kind = dk::changed;
            d.why = "changed in Procore after it was posted";
            d.action = "ml-connector post-costs posts the reversal and the new version";
            return;
        }
        d.kind = dk::not_posted;
        d.why = "approved in Procore after the last post-costs pass";
        d.action = "ml-connector post-costs posts it";
    }

    void compose()
    {
        namespace dk = difference_kind;
        for (const auto& [key, rec] : records_) {
            if (!in_scope(rec.project_id)) {
                continue;
            }
            std::set<std::string> accounts;
            for (const auto* side : {&rec.procore, &rec.posted, &rec.oracle}) {
                for (const auto& [a, _] : *side) {
                    accounts.insert(a);
                }
            }
            const bool oracle_empty =
                std::ranges::all_of(rec.oracle, [](const auto& kv) { return kv.second.is_zero(); });
            for (const auto& account : accounts) {
                const auto amount = [&account](const ReconAmounts& side) {
                    const auto it = side.find(account);
                    return it == side.end() ? Decimal{} : it->second;
                };
                const Decimal p = amount(rec.procore);
                const Decimal s = amount(rec.posted);
                const Decimal o = amount(rec.oracle);
                auto& r = row(rec.project_id, account);
                r.procore += p;
                r.posted += s;
                r.oracle += o;
                if (p == s && s == o) {
                    continue;
                }
                Difference d;
                d.project_id = rec.project_id;
                d.account = account;
                d.record_key = key;
                d.document = rec.document;
                d.procore = p;
                d.posted = s;
                d.oracle = o;
                std::string journals;
                for (const auto& j : rec.journals) {
                    journals += (journals.empty() ? "" : "; ") + j;
                }
                d.journal = journals;
                if (p != s) {
                    explain_posting_side(key, rec, d);
                } else if (oracle_empty) {
                    d.kind = dk::missing_in_oracle;
                    d.why =
                        "posted and confirmed, but the ledger has no journal of it in " + r_.period;
                    d.batch = batch_of(rec);
                    d.action = "find batch " + (d.batch.empty() ? std::string("?") : d.batch)
                               + " in Oracle (deleted? reversed?); ml-connector never posts a "
                                 "confirmed journal again on its own";
                } else {
                    d.kind = dk::edited_in_oracle;
                    d.why = "the ledger's lines differ from the journal that was imported";
                    d.action = "correct the journal in Oracle, or settle the document in Procore";
                }
                r_.differences.push_back(std::move(d));
            }
        }
        for (const auto& [k, amount] : foreign_) {
            if (amount.is_zero()) {
                continue;
            }
            auto& r = row(k.project_id, k.account);
            r.oracle += amount;
            Difference d;
            d.kind = dk::not_from_us;
            d.project_id = k.project_id;
            d.account = k.account;
            d.document = fmt::format("journal {} (source {})", k.journal, k.source);
            d.journal = k.journal;
            d.batch = k.batch;
            d.oracle = amount;
            d.why = k.source == jm_.source
                        ? "from our journal source, but no posting of this state database"
                        : "entered in Oracle, not posted from Procore";
            if (auto it = shared_.find(k); it != shared_.end()) {
                d.why += "; " + it->second;
            }
            d.action = k.project_id == 0
                           ? "tell which project it belongs to; post it through Procore if it is "
                             "a project cost"
                           : "confirm it belongs to project " + std::to_string(k.project_id)
                                 + ", or enter it in Procore so both sides agree";
            r_.differences.push_back(std::move(d));
        }
        for (auto& [_, r] : rows_) {
            r_.rows.push_back(std::move(r));
        }
        std::ranges::stable_sort(r_.rows, [](const AccountRow& a, const AccountRow& b) {
            return std::make_tuple(a.agrees(), a.project_id, a.account)
                   < std::make_tuple(b.agrees(), b.project_id, b.account);
        });
        std::ranges::stable_sort(r_.differences, [](const Difference& a, const Difference& b) {
            return std::tie(a.project_id, a.account, a.record_key, a.document)
                   < std::tie(b.project_id, b.account, b.record_key, b.document);
        });
    }

    // --- committed and invoiced -----------------------------------------------------------

    // Per approved commitment: its total against its Oracle PO's, and its approved
    // requisitions' net amount due against the AP invoices pull-pos created for them. Left out
    // when pull-pos has never sent a commitment (the state holds no commitment link): a
    // customer who does not use that flow would see every commitment as missing.
    void read_commitments()
    {
        const std::string commitment_kind(engine::flow::commitments.link_kind);
        const std::string invoice_kind(engine::flow::invoices.link_kind);
        if (links_.count(commitment_kind) == 0) {
            return;
        }
        const auto& cm = config_.mapping.commitments;
        const auto& im = config_.mapping.invoices;
        const std::string until = format_iso8601(clock_.now());
        std::map<std::string, CommitmentRow> rows;                  // commitment key -> row
        std::map<std::int64_t, std::string> po_of;                  // POHeaderId -> commitment key
        std::vector<std::pair<std::int64_t, std::string>> invoices; // InvoiceId, commitment key
        for (const auto project : projects_) {
            for (const auto type :
                 {procore::CommitmentType::purchase_order, procore::CommitmentType::work_order}) {
                if ((type == procore::CommitmentType::purchase_order && !cm.purchase_orders)
                    || (type == procore::CommitmentType::work_order && !cm.work_orders)) {
                    continue;
                }
                auto listed = commitments_.list_updated(
                    type, project, k_recon_beginning, until,
                    [&](std::vector<procore::Commitment>& page) {
                        for (const auto& c : page) {
                            if (c.deleted
                                || std::ranges::find(cm.statuses, c.status) == cm.statuses.end()) {
                                continue;
                            }
                            const auto key = flows::commitment_key(c);
                            auto& row = rows[key];
                            row.project_id = c.project_id;
                            row.commitment_id = c.id;
                            row.commitment = c.number + (c.title.empty() ? "" : " " + c.title);
                            row.procore_committed = recon_decimal(c.grand_total);
                            // Ours: the link pull-pos made. Born in Oracle (pulled in as a
                            // commitment): its origin_id is the POHeaderId, as is ours once
                            // written back.
                            const auto link = links_.find_by_procore(commitment_kind, key);
                            const std::string po =
                                link && link->oracle_key ? *link->oracle_key : c.origin_id;
                            if (auto id = parse_id(po)) {
                                po_of[*id] = key;
                            } else {
                                row.note = "no PO in Oracle yet";
                            }
                        }
                    });
                if (!listed) {
                    engine::stop("procore",
                                 "reading the commitments of project " + std::to_string(project),
                                 listed.error());
                }
            }
            if (!im.enabled) {
                continue;
            }
            auto listed = requisitions_.list_updated(
                project, k_recon_beginning, until, [&](std::vector<procore::Requisition>& page) {
                    for (const auto& q : page) {
                        if (std::ranges::find(im.statuses, q.status) == im.statuses.end()) {
                            continue;
                        }
                        std::string key;
                        for (const auto& [k, row] : rows) {
                            if (row.commitment_id == q.commitment_id) {
                                key = k;
                            }
                        }
                        if (key.empty()) {
                            continue; // its commitment is not one that goes to Oracle
                        }
                        rows[key].procore_invoiced += recon_decimal(q.payment_due);
                        const auto link = links_.find_by_procore(
                            invoice_kind, flows::requisition_key(q.project_id, q.id));
                        if (link && link->oracle_key) {
                            if (auto id = parse_id(*link->oracle_key)) {
                                invoices.emplace_back(*id, key);
                            }
                        }
                    }
                });
            if (!listed) {
                engine::stop("procore",
                             "reading the requisitions of project " + std::to_string(project),
                             listed.error());
            }
        }
        if (!po_of.empty()) {
            std::vector<std::int64_t> ids;
            for (const auto& [id, _] : po_of) {
                ids.push_back(id);
            }
            oracle::PurchaseOrderApi pos(connections_.oracle());
            auto read = pos.read_by_ids(ids, [&](oracle::PurchaseOrderPage& page) {
                for (const auto& po : page.orders) {
                    const auto it = po_of.find(po.id);
                    if (it == po_of.end()) {
                        continue;
                    }
                    auto& row = rows[it->second];
                    row.order_number = po.number;
                    row.oracle_ordered = po_total(po);
                }
                return true;
            });
            if (!read) {
                engine::stop("oracle", "reading the purchase orders of the commitments",
                             read.error());
            }
            for (const auto& [id, key] : po_of) {
                if (rows[key].order_number.empty()) {
                    rows[key].note =
                        "its PO (POHeaderId " + std::to_string(id) + ") is not in Oracle";
                }
            }
        }
        oracle::InvoiceApi payables(connections_.oracle());
        for (const auto& [id, key] : invoices) {
            auto got = payables.get(id);
            if (!got) {
                engine::stop("oracle", "reading invoice " + std::to_string(id), got.error());
            }
            if (got->has_value()) {
                rows[key].oracle_invoiced += recon_decimal((*got)->amount);
            }
        }
        for (auto& [key, row] : rows) {
            if (row.note.empty() && row.procore_committed != row.oracle_ordered) {
                row.note = "PO " + row.order_number + " totals " + recon_money(row.oracle_ordered)
                           + ", the commitment " + recon_money(row.procore_committed);
            }
            if (row.procore_invoiced != row.oracle_invoiced) {
                row.note += std::string(row.note.empty() ? "" : "; ") + "approved requisitions "
                            + recon_money(row.procore_invoiced) + " due, Oracle invoices "
                            + recon_money(row.oracle_invoiced);
            }
            r_.commitments.push_back(std::move(row));
        }
        std::ranges::stable_sort(
            r_.commitments, [](const CommitmentRow& a, const CommitmentRow& b) {
                return std::make_tuple(a.agrees(), a.project_id, a.commitment_id)
                       < std::make_tuple(b.agrees(), b.project_id, b.commitment_id);
            });
    }

    static std::optional<std::int64_t> parse_id(const std::string& text)
    {
        std::int64_t v = 0;
        const auto* end = text.data() + text.size();
        const auto [p, ec] = std::from_chars(text.data(), end, v);
        if (ec != std::errc{} || p != end) {
            return std::nullopt;
        }
        return v;
    }

    // The PO's total: Ordered when Oracle states it, else its lines' amounts (quantity x price
    // for goods lines without one).
    static Decimal po_total(const oracle::PurchaseOrder& po)
    {
        if (!po.ordered.empty()) {
            return recon_decimal(po.ordered);
        }
        Decimal total;
        for (const auto& line : po.lines) {
            if (!line.amount.empty()) {
                total += recon_decimal(line.amount);
            } else {
                total += (recon_decimal(line.quantity) * recon_decimal(line.price)).rounded(2);
            }
        }
        return total;
    }

    static std::string batch_of(const ReconRecord& rec)
    {
        for (const auto* p : rec.postings) {
            if (p->status == store::posting_status::confirmed) {
                if (auto b = flows::parse_request(p->request).batch; !b.empty()) {
                    return b;
                }
            }
        }
        return {};
    }

    const Config& config_;
    const JournalMappingConfig& jm_;
    engine::Connections& connections_;
    Clock& clock_;
    const ReconcileOptions& options_;
    store::Links links_;
    store::Postings postings_;
    procore::CostApi costs_;
    procore::CommitmentApi commitments_;
    engine::CostAccounts accounts_;
    procore::RequisitionApi requisitions_;

    Reconciliation r_;
    std::vector<oracle::PeriodStatus> open_periods_;
    std::vector<std::int64_t> projects_;
    std::set<std::int64_t> in_scope_;
    std::map<std::string, std::vector<std::int64_t>> by_cost_center_;
    std::map<std::string, ReconRecord> records_;
    std::map<std::string, std::string> not_here_;
    std::map<std::string, std::string> dated_in_; // record key -> the period of its date
    std::vector<store::Posting> all_postings_;
    std::map<std::string, std::string> our_names_; // journal name -> record key
    std::map<ForeignKey, Decimal> foreign_;
    std::map<ForeignKey, std::string> shared_;
    std::map<std::pair<std::int64_t, std::string>, AccountRow> rows_;
};

} // namespace

bool Reconciliation::agrees() const
{
    return differences.empty() && std::ranges::all_of(rows, &AccountRow::agrees)
           && std::ranges::all_of(commitments, &CommitmentRow::agrees);
}

Reconciliation reconcile(const Config& config, engine::Connections& connections, Clock& clock,
                         const ReconcileOptions& options)
{
    if (!config.mapping.journal.configured) {
        throw ConfigError("reconcile: the config has no mapping.journal",
                          "reconcile compares what post-costs posts; add the journal mapping");
    }
    std::error_code ec;
    if (!std::filesystem::exists(config.state.path, ec)) {
        throw UsageError("reconcile: no state database at " + config.state.path.string(),
                         "nothing has been posted from it yet: run ml-connector post-costs "
                         "first, or pass --state");
    }
    store::Database db(config.state.path);
    Reconciler reconciler(config, connections, clock, options, db);
    return reconciler.run();
}

std::string to_json(const Reconciliation& r)
{
    json::Writer w;
    w.begin_object()
        .field("period", r.period)
        .field("start_date", r.start_date)
        .field("end_date", r.end_date)
        .field("period_status", r.period_status)
        .field("currency", r.currency)
        .field("generated_at", r.generated_at)
        .field("agrees", r.agrees());
    w.key("rows").begin_array();
    for (const auto& row : r.rows) {
        w.begin_object()
            .field("project_id", row.project_id)
            .field("cost_center", row.cost_center)
            .field("account", row.account)
            .field("procore", recon_money(row.procore))
            .field("posted", recon_money(row.posted))
            .field("oracle", recon_money(row.oracle))
            .field("offset", row.offset)
            .field("agrees", row.agrees())
            .end_object();
    }
    w.end_array();
    w.key("differences").begin_array();
    for (const auto& d : r.differences) {
        w.begin_object()
            .field("kind", d.kind)
            .field("project_id", d.project_id)
            .field("account", d.account)
            .field("record_key", d.record_key)
            .field("document", d.document)
            .field("journal", d.journal)
            .field("batch", d.batch)
            .field("procore", recon_money(d.procore))
            .field("posted", recon_money(d.posted))
            .field("oracle", recon_money(d.oracle))
            .field("why", d.why)
            .field("action", d.action)
            .end_object();
    }
    w.end_array();
    w.key("commitments").begin_array();
    for (const auto& c : r.commitments) {
        w.begin_object()
            .field("project_id", c.project_id)
            .field("commitment_id", c.commitment_id)
            .field("commitment", c.commitment)
            .field("order_number", c.order_number)
            .field("procore_committed", recon_money(c.procore_committed))
            .field("oracle_ordered", recon_money(c.oracle_ordered))
            .field("procore_invoiced", recon_money(c.procore_invoiced))
            .field("oracle_invoiced", recon_money(c.oracle_invoiced))
            .field("note", c.note)
            .field("agrees", c.agrees())
            .end_object();
    }
    w.end_array();
    w.key("posted_by_day").begin_object();
    for (const auto& [day, amount] : r.posted_by_day) {
        w.field(day, recon_money(amount));
    }
    w.end_object();
    w.key("api_calls").begin_object();
    for (const auto& [call, n] : r.api_calls) {
        w.field(call, n);
    }
    w.end_object();
    w.end_object();
    return w.str();
}

std::string to_csv(const Reconciliation& r)
{
    std::string out = "section,kind,project_id,cost_center,account,record_key,document,journal,"
                      "batch,procore,posted,oracle,why,action\n";
    for (const auto& row : r.rows) {
        out +=
            fmt::format("row,{},{},{},{},,,,,{},{},{},,\n", row.agrees() ? "agrees" : "differs",
                        row.project_id, csv_field(row.cost_center), csv_field(row.account),
                        recon_money(row.procore), recon_money(row.posted), recon_money(row.oracle));
    }
    for (const auto& d : r.differences) {
        out += fmt::format("difference,{},{},,{},{},{},{},{},{},{},{},{},{}\n", d.kind,
                           d.project_id, csv_field(d.account), csv_field(d.record_key),
                           csv_field(d.document), csv_field(d.journal), csv_field(d.batch),
                           recon_money(d.procore), recon_money(d.posted), recon_money(d.oracle),
                           csv_field(d.why), csv_field(d.action));
    }
    for (const auto& c : r.commitments) {
        out += fmt::format("commitment,{},{},,,{},{},{},,{},{},{},{},\n",
                           c.agrees() ? "agrees" : "differs", c.project_id, c.commitment_id,
                           csv_field(c.commitment), csv_field(c.order_number),
                           recon_money(c.procore_committed), recon_money(c.oracle_ordered),
                           recon_money(c.procore_invoiced), csv_field(c.note));
    }
    return out;
}

namespace {

std::string commitment_note(const Reconciliation& r)
{
    if (r.commitments.empty()) {
        return {};
    }
    const auto n =
        std::ranges::count_if(r.commitments, [](const CommitmentRow& c) { return !c.agrees(); });
    return fmt::format("; {} of {} commitments differ", n, r.commitments.size());
}

} // namespace

std::string to_table(const Reconciliation& r)
{
    const auto differing =
        std::ranges::count_if(r.rows, [](const AccountRow& row) { return !row.agrees(); });
    std::string out = fmt::format("reconcile {} ({} .. {}, period status {}), {}: ", r.period,
                                  r.start_date, r.end_date, r.period_status, r.currency);
    out += r.agrees()
               ? fmt::format("the ledger agrees with Procore on all {} accounts\n", r.rows.size())
               : fmt::format("{} of {} accounts differ, {} {}{}\n", differing, r.rows.size(),
                             r.differences.size(),
                             r.differences.size() == 1 ? "difference explains it"
                                                       : "differences explain it",
                             commitment_note(r));
    if (!r.rows.empty()) {
        out += fmt::format("\n  {:<10} {:<8} {:<24} {:>14} {:>14} {:>14}\n", "project", "cc",
                           "account", "Procore", "posted", "Oracle");
        for (const auto& row : r.rows) {
            out += fmt::format(
                "{} {:<10} {:<8} {:<24} {:>14} {:>14} {:>14}\n", row.agrees() ? " " : "!",
                row.project_id, row.cost_center, row.account.empty() ? "(no account)" : row.account,
                recon_money(row.procore), recon_money(row.posted), recon_money(row.oracle));
        }
    }
    if (!r.differences.empty()) {
        out += "\ndifferences, by document:\n";
        for (const auto& d : r.differences) {
            out +=
                fmt::format("  {:<17} project {} {}: {}{}\n    Procore {}, posted {}, Oracle {}\n",
                            d.kind, d.project_id, d.account.empty() ? "(no account)" : d.account,
                            d.document, d.record_key.empty() ? "" : " [" + d.record_key + "]",
                            recon_money(d.procore), recon_money(d.posted), recon_money(d.oracle));
            if (!d.journal.empty()) {
                out +=
                    "    journal: " + d.journal + (d.batch.empty() ? "" : " in " + d.batch) + "\n";
            }
            if (!d.why.empty()) {
                out += "    why: " + d.why + "\n";
            }
            out += "    what to do: " + d.action + "\n";
        }
    }
    if (!r.commitments.empty()) {
        out += fmt::format("\ncommitments:\n  {:<10} {:<28} {:<10} {:>14} {:>14} {:>14} {:>14}\n",
                           "project", "commitment", "PO", "committed", "ordered", "req. due",
                           "invoiced");
        for (const auto& c : r.commitments) {
            out += fmt::format("{} {:<10} {:<28} {:<10} {:>14} {:>14} {:>14} {:>14}\n",
                               c.agrees() ? " " : "!", c.project_id, c.commitment.substr(0, 28),
                               c.order_number.empty() ? "-" : c.order_number,
                               recon_money(c.procore_committed), recon_money(c.oracle_ordered),
                               recon_money(c.procore_invoiced), recon_money(c.oracle_invoiced));
            if (!c.note.empty()) {
                out += "    " + c.note + "\n";
            }
        }
    }
    return out;
}

} // namespace mlc::admin
