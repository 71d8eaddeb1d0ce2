#include "sync/flows/invoices/invoices.hpp"

#include "core/clock.hpp"
#include "oracle/invoices.hpp"
#include "oracle/purchase_orders.hpp"
#include "procore/commitments.hpp"
#include "procore/requisitions.hpp"
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
#include "sync/flows/invoices/invoice_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace mlc::flows {

namespace {

using engine::flow::invoices;

constexpr const char* k_follow_up = "follow_up"; // retry reason: the write-back is owed
constexpr const char* k_commitment_kind = "commitment";

std::string iso(const Clock& clock)
{
    return format_iso8601(clock.now());
}

store::PostingFilter by_status(const std::string& status)
{
    store::PostingFilter f;
    f.kinds = {std::string(invoices.link_kind)};
    f.statuses = {status};
    return f;
}

class InvoiceFlow {
public:
    InvoiceFlow(engine::Context& ctx, const engine::PassOptions& options,
                const engine::FlowScope& scope, const InvoiceScope& inv_scope)
        : ctx_(ctx), options_(options), scope_(scope), inv_scope_(inv_scope), links_(ctx.db()),
          retries_(ctx.db()), watermarks_(ctx.db()), outbox_(ctx.db(), ctx.run.run_id()),
          procore_(ctx.connections.procore().http(), ctx.config.procore.base_url),
          commitments_(ctx.connections.procore().http(), ctx.config.procore.base_url,
                       ctx.config.procore.company_id),
          oracle_(ctx.connections.oracle()), now_(iso(ctx.clock)), today_(now_.substr(0, 10))
    {
        sum_.flow = std::string(invoices.name);
        sum_.title = std::string(invoices.title);
        sum_.stream = std::string(invoices.stream);
    }

    engine::FlowSummary run()
    {
        if (!ctx_.config.mapping.invoices.enabled) {
            sum_.skipped_reason = "mapping.invoices is not configured (or enabled is false)";
            return sum_;
        }
        if (!options_.dry_run) {
            resolve_unconfirmed();
        }
        for (const auto& p : scope_.replay) {
            replay(p);
        }
        for (const auto& k : scope_.keys) {
            want(k);
        }
        if (scope_.incremental) {
            for (const auto& r : retries_.due(std::string(invoices.stream), now_)) {
                want(r.record_key);
            }
        }
        for (const auto& key : order_) {
            process_key(key);
        }
        if (scope_.incremental) {
            sweep();
        }
        if (!options_.dry_run) {
            for (const auto& [stream, until] : swept_) {
                watermarks_.set(store::Watermark{stream, until, "", ""});
            }
        }
        sum_.replayed = replayed_;
        return sum_;
    }

private:
    // --- what to read ---------------------------------------------------------------------

    bool in_scope(std::int64_t project_id) const
    {
        const auto& p = inv_scope_.projects;
        return p.empty() || std::ranges::find(p, project_id) != p.end();
    }

    void want(const std::string& key)
    {
        const auto ref = parse_requisition_key(key);
        if (!ref || !in_scope(ref->project_id)) {
            return;
        }
        if (wanted_.insert(key).second) {
            order_.push_back(key);
        }
    }

    std::string project_stream(std::int64_t project) const
    {
        return fmt::format("{}:{}", invoices.stream, project);
    }

    // A project is swept when its last sweep is older than mapping.invoices.sweep_every, on
    // --full or --since, when it was never swept, and when one of its commitments had an event
    // in this pass (a new commitment or a change is when a new invoice is likely).
    bool sweep_due(std::int64_t project, std::optional<store::Watermark>& last) const
    {
        last = watermarks_.get(project_stream(project));
        if (options_.full || !options_.since.empty() || !last
            || inv_scope_.commitment_events.contains(project)) {
            return true;
        }
        Clock::time_point t;
        if (!parse_iso8601(last->cursor_time, t)) {
            return true;
        }
        return ctx_.clock.now() - t
               >= std::chrono::seconds(ctx_.config.mapping.invoices.sweep_every_seconds);
    }

    void sweep()
    {
        std::vector<std::int64_t> projects = ctx_.config.mapping.project_ids();
        if (ctx_.config.mapping.projects.contains("default")) {
            auto all = ctx_.connections.procore().project_ids();
            if (!all) {
                engine::stop("procore", "listing projects for the requisition sweep", all.error());
            }
            projects = *all;
        }
        const std::string until = now_;
        for (const auto project : projects) {
            std::optional<store::Watermark> last;
            if (!in_scope(project) || !sweep_due(project, last)) {
                continue;
            }
            std::string since = "2000-01-01T00:00:00Z";
            if (!options_.since.empty()) {
                since = options_.since;
            } else if (!options_.full && last) {
                Clock::time_point at;
                if (parse_iso8601(last->cursor_time, at)) {
                    since = format_iso8601(
                        at - std::chrono::seconds(ctx_.config.oracle.poll_overlap_seconds));
                }
            }
            auto listed = procore_.list_updated(
                project, since, until, [&](std::vector<procore::Requisition>& page) {
                    for (auto& r : page) {
                        if (r.project_id == 0) {
                            r.project_id = project;
                        }
                        const auto key = requisition_key(project, r.id);
                        if (!status_sent(r.status) || wanted_.contains(key)) {
                            continue;
                        }
                        // Listed with the stamp we last saw (or caused): unchanged.
                        const auto link =
                            links_.find_by_procore(std::string(invoices.link_kind), key);
                        if (link && link->remote_updated_at
                            && *link->remote_updated_at == r.updated_at) {
                            continue;
                        }
                        ++sum_.read;
                        process(r);
                    }
                });
            if (!listed) {
                engine::stop("procore",
                             "sweeping the requisitions of project " + std::to_string(project),
                             listed.error());
            }
            swept_[project_stream(project)] = until;
        }
    }

    bool status_sent(const std::string& status) const
    {
        const auto& st = ctx_.config.mapping.invoices.statuses;
        return std::ranges::find(st, status) != st.end();
    }

    // --- one requisition ------------------------------------------------------------------

    void process_key(const std::string& key)
    {
        const auto ref = parse_requisition_key(key);
        if (!ref) {
            return;
        }
        auto got = procore_.get(ref->project_id, ref->id);
        if (!got) {
            if (engine::is_fatal(got.error())) {
                engine::stop("procore", "reading requisition " + key, got.error());
            }
            fail_record(key, key, engine::describe(got.error()), store::error_class::data, {});
            return;
        }
        ++sum_.read;
        ++sum_.reread;
        if (!got->has_value()) {
            audit(key, std::nullopt, engine::action::skipped, "deleted in Procore");
            retries_clear(key);
            return;
        }
        process(**got);
    }

    void process(procore::Requisition& r)
    {
        const std::string key = requisition_key(r.project_id, r.id);
        const std::string name =
            fmt::format("requisition {}{}", r.number,
                        r.invoice_number.empty() ? "" : " (invoice " + r.invoice_number + ")");
        if (!status_sent(r.status)) {
            skip(key, name, "status " + r.status + " is not sent");
            return;
        }
        const auto link = links_.find_by_procore(std::string(invoices.link_kind), key);
        if (!r.origin_id.empty() && (!link || link->oracle_key != r.origin_id)) {
            skip(key, name,
                 "origin_id " + r.origin_id
                     + " was set by another integration or by hand: not ours to post");
            return;
        }
        if (!read_lines(r, key, name)) {
            return;
        }
        if (link && link->oracle_key) {
            InvoicePlan version;
            describe(r, version);
            note_seen(*link, r.updated_at);
            if (link->fingerprint == version.fingerprint) {
                ++sum_.planned["skip"];
                follow_up_if_owed(r, *link);
                retries_.clear(std::string(invoices.stream), key, store::retry_reason::failed);
                return;
            }
            revise(r, key, name, *link);
            return;
        }
        const auto po = po_of(r, key, name);
        if (!po) {
            return;
        }
        auto plan = plan_invoice(r, *po, ctx_.config.mapping, account_of(), today_);
        if (!plan.invoice) {
            fail_record(key, name, plan.error, plan.error_class, plan.fingerprint);
            return;
        }
        ++sum_.planned["create"];
        add_sample("create", key, name, "",
                   fmt::format("invoice {} for {} ({} lines)", plan.invoice->invoice_number,
                               plan.invoice->amount, plan.invoice->lines.size()));
        if (!plan.retainage_on_line && plan.retainage != "0.00") {
            sum_.attention.push_back(
                {"retainage", key, "", name,
                 fmt::format("retainage {} withheld: invoice {} is for the net amount (set "
                             "mapping.invoices.retainage_account to carry it as a line)",
                             plan.retainage, plan.invoice->invoice_number)});
        }
        if (options_.dry_run) {
            return;
        }
        post(r, name, plan);
    }

    bool read_lines(procore::Requisition& r, const std::string& key, const std::string& name)
    {
        auto lines = procore_.detail(r.project_id, r.id);
        if (!lines) {
            if (engine::is_fatal(lines.error())) {
                engine::stop("procore", "reading the detail of requisition " + key, lines.error());
            }
            fail_record(key, name, "reading its detail lines: " + engine::describe(lines.error()),
                        store::error_class::data, {});
            return false;
        }
        r.lines = std::move(*lines);
        return true;
    }

    // The Oracle PO of the requisition's commitment (either kind), read once per pass.
    std::optional<InvoicePo> po_of(const procore::Requisition& r, const std::string& key,
                                   const std::string& name)
    {
        std::optional<store::Link> link;
        procore::CommitmentType type = procore::CommitmentType::purchase_order;
        for (const auto t :
             {procore::CommitmentType::purchase_order, procore::CommitmentType::work_order}) {
            const std::string ckey =
                fmt::format("{}:{}:{}", t == procore::CommitmentType::purchase_order ? "po" : "wo",
                            r.project_id, r.commitment_id);
            link = links_.find_by_procore(k_commitment_kind, ckey);
            if (link && link->oracle_key) {
                type = t;
                break;
            }
            link.reset();
        }
        if (!link) {
            fail_record(key, name,
                        fmt::format("commitment {} has no Oracle purchase order: pull-pos sends "
                                    "approved commitments first (approve it in Procore, or "
                                    "replay its failure)",
                                    r.commitment_id),
                        store::error_class::data, {});
            return std::nullopt;
        }
        std::int64_t po_id = 0;
        try {
            po_id = std::stoll(*link->oracle_key);
        } catch (const std::exception&) {
            po_id = 0;
        }
        auto it = pos_.find(po_id);
        if (it == pos_.end()) {
            std::optional<oracle::PurchaseOrder> found;
            auto read = oracle::PurchaseOrderApi(oracle_).read_by_ids(
                {po_id}, [&found](oracle::PurchaseOrderPage& page) {
                    if (!page.orders.empty()) {
                        found = std::move(page.orders.front());
                    }
                    return true;
                });
            if (!read) {
                engine::stop("oracle", "reading purchase order " + *link->oracle_key, read.error());
            }
            if (!found) {
                fail_record(key, name,
                            fmt::format("purchase order {} of commitment {} is not in Oracle",
                                        *link->oracle_key, r.commitment_id),
                            store::error_class::data, {});
                return std::nullopt;
            }
            InvoicePo po{.number = found->number,
                         .supplier = found->supplier,
                         .supplier_site = found->supplier_site,
                         .commitment_number = {}};
            // The commitment's own number names a requisition without an invoice number.
            if (r.invoice_number.empty()) {
                auto c = commitments_.get(type, r.project_id, r.commitment_id);
                if (!c && engine::is_fatal(c.error())) {
                    engine::stop("procore", "reading commitment " + std::to_string(r.commitment_id),
                                 c.error());
                }
                if (c && *c) {
                    po.commitment_number = (*c)->number;
                }
            }
            it = pos_.emplace(po_id, std::move(po)).first;
        }
        return it->second;
    }

    AccountOf account_of()
    {
        return [this](std::int64_t project, std::int64_t cost_code_id) {
            return accounts_.of(project, cost_code_id);
        };
    }

    void note_seen(store::Link link, const std::string& updated_at)
    {
        if (options_.dry_run || updated_at.empty() || link.remote_updated_at == updated_at) {
            return;
        }
        link.remote_updated_at = updated_at;
        (void)links_.upsert(link);
    }

    void skip(const std::string& key, const std::string& name, const std::string& why)
    {
        ++sum_.planned["skip"];
        add_sample("skip", key, name, "", why);
        retries_clear(key);
        if (!options_.dry_run) {
            audit(key, std::nullopt, engine::action::skipped, why);
        }
    }

    // A requisition changed after its invoice exists, and the invoice cannot be corrected from
    // here (validated or paid, or gone): never posted twice, a person's call.
    void hold(const std::string& key, const std::string& name, const store::Link& link,
              const InvoicePlan& version, const std::string& why)
    {
        ++sum_.held;
        sum_.attention.push_back({"held", key, link.oracle_key.value_or(""), name, why});
        if (options_.dry_run) {
            return;
        }
        store::Transaction tx(ctx_.db());
        const std::string pkey = item_key(key, version.fingerprint);
        auto p =
            outbox_.postings().record_pending(pkey, std::string(invoices.link_kind), "oracle", "",
                                              {key + " " + version.fingerprint}, ctx_.run.run_id());
        if (p.status == store::posting_status::pending) {
            outbox_.postings().mark_held(p.id, why);
        }
        audit(key, link.oracle_key, engine::action::held, why, link.fingerprint,
              version.fingerprint);
        tx.commit();
    }

    // A requisition revised after its invoice exists. Before Oracle validates or pays it, the
    // invoice is corrected in place: a PATCH (Upsert-Mode) of exactly the header attributes that
    // changed and every line and distribution explicitly, since Oracle's PATCH does not cascade
    // defaults. A validated or paid invoice is never changed: the revision is held.
    void revise(procore::Requisition& r, const std::string& key, const std::string& name,
                const store::Link& link)
    {
        InvoicePlan version;
        describe(r, version);
        std::int64_t invoice_id = 0;
        try {
            invoice_id = std::stoll(link.oracle_key.value_or(""));
        } catch (const std::exception&) {
            invoice_id = 0;
        }
        auto current = oracle::InvoiceApi(oracle_).get(invoice_id);
        if (!current) {
            if (engine::is_fatal(current.error())) {
                engine::stop("oracle", "reading invoice " + *link.oracle_key, current.error());
            }
            fail_record(key, name,
                        "reading its invoice " + *link.oracle_key + ": "
                            + engine::describe(current.error()),
                        store::error_class::retryable, version.fingerprint);
            return;
        }
        if (!*current) {
            hold(key, name, link, version,
                 fmt::format("changed after its invoice, and Oracle invoice {} is no longer there "
                             "(not sent again: a person decides, then replay)",
                             *link.oracle_key));
            return;
        }
        const auto& inv = **current;
        if (inv.locked()) {
            hold(key, name, link, version,
                 fmt::format("changed after its invoice, and Oracle invoice {} ({}) is {}: a "
                             "validated or paid invoice is never changed (correct it in Payables, "
                             "then replay)",
                             inv.number, inv.id,
                             inv.paid.empty() || inv.paid == "Unpaid" ? inv.validation : inv.paid));
            return;
        }
        const auto po = po_of(r, key, name);
        if (!po) {
            return;
        }
        auto plan = plan_invoice(r, *po, ctx_.config.mapping, account_of(), today_);
        if (!plan.invoice) {
            fail_record(key, name, plan.error, plan.error_class, plan.fingerprint);
            return;
        }
        // The invoice keeps its number in Oracle: renumbering a Payables invoice is a person's
        // call (the requisition's new number, if any, shows in the summary).
        plan.invoice->invoice_number = inv.number;
        const std::string body = oracle::invoice_correction_json(inv, *plan.invoice);
        ++sum_.planned["update"];
        add_sample("update", key, name, *link.oracle_key,
                   fmt::format("invoice {} corrected: {} -> {}", inv.number, inv.amount,
                               plan.invoice->amount));
        if (options_.dry_run) {
            return;
        }
        correct(key, name, inv, plan, body);
    }

    std::string correction_key(const std::string& key, const std::string& fp) const
    {
        return fmt::format("{}:{}:{}", invoices.extra_kind, key, fp.substr(0, 16));
    }

    engine::PostHandlers correction_handlers(const std::string& key,
                                             const oracle::PayablesInvoice& inv,
                                             const std::string& fingerprint,
                                             const std::optional<std::string>& summary,
                                             const std::string& body, const std::string& what)
    {
        engine::PostHandlers h;
        h.send = [this, inv, body]() -> std::expected<std::string, http::Error> {
            auto done = oracle::InvoiceApi(oracle_).correct(inv, body);
            if (!done) {
                return std::unexpected(done.error());
            }
            return std::to_string(inv.id);
        };
        h.lookup = [this, id = inv.id, body]() -> engine::LookupResult {
            auto now = oracle::InvoiceApi(oracle_).get(id);
            if (!now) {
                return std::unexpected(now.error());
            }
            if (*now && oracle::correction_applied(**now, body)) {
                return std::optional<engine::Found>{engine::Found{std::to_string(id)}};
            }
            return std::optional<engine::Found>{}; // not applied: the PATCH is sent (again)
        };
        h.confirmed = [this, key, fingerprint, summary, what](const std::string& remote_id,
                                                              bool found) {
            engine::record_posted(ctx_, invoices, links_, outbox_.postings(), retries_, key,
                                  remote_id, fingerprint, summary, found,
                                  (found ? "found corrected: " : "corrected: ") + what, nullptr,
                                  now_);
        };
        h.failed = [this, key, fingerprint](const std::string& /*error_class*/,
                                            const std::string& message) {
            engine::record_refused(ctx_, invoices, outbox_.postings(), retries_, key, fingerprint,
                                   correction_key(key, fingerprint), message);
        };
        return h;
    }

    void correct(const std::string& key, const std::string& name,
                 const oracle::PayablesInvoice& inv, const InvoicePlan& plan,
                 const std::string& body)
    {
        const std::string what = fmt::format(
            "AP invoice {} (InvoiceId {}) {} -> {}, {} lines sent explicitly", inv.number, inv.id,
            inv.amount, plan.invoice->amount, plan.invoice->lines.size());
        const engine::PostingSpec spec{.key = correction_key(key, plan.fingerprint),
                                       .kind = std::string(invoices.extra_kind),
                                       .target = "oracle",
                                       .request = body,
                                       .records = {key + " " + plan.fingerprint}};
        const auto res = outbox_.post(
            spec, correction_handlers(key, inv, plan.fingerprint, plan.summary, body, what));
        if (engine::count_post(sum_, res, key, name, "oracle",
                               "correcting the AP invoice of requisition " + key)) {
            // count_post counts a created record; this one was updated.
            --sum_.created;
            ++sum_.updated;
        }
    }

    // A correction found `sent` (a crash or a lost answer): applied (the invoice says what it
    // set) is confirmed; not applied is sent again (the PATCH sets values, so a resend is safe).
    void resolve_correction(const store::Posting& p)
    {
        const auto refs = engine::item_refs(p.records);
        if (refs.empty()) {
            return;
        }
        const auto link = links_.find_by_procore(std::string(invoices.link_kind), refs.front().key);
        std::int64_t invoice_id = 0;
        try {
            invoice_id = std::stoll(link && link->oracle_key ? *link->oracle_key : "");
        } catch (const std::exception&) {
            return;
        }
        auto current = oracle::InvoiceApi(oracle_).get(invoice_id);
        if (!current) {
            engine::stop("oracle", "reading invoice " + std::to_string(invoice_id),
                         current.error());
        }
        if (!*current) {
            return;
        }
        const auto res = outbox_.resolve(
            p,
            correction_handlers(
                refs.front().key, **current, refs.front().fingerprint, std::nullopt, p.request,
                fmt::format("AP invoice {} (InvoiceId {})", (*current)->number, invoice_id)),
            true);
        if (res.outcome == engine::PostOutcome::found) {
            ++sum_.resolved;
        } else if (res.outcome == engine::PostOutcome::lost) {
            ++sum_.lost;
            want(refs.front().key);
        }
    }

    // --- posting ----------------------------------------------------------------------------

    std::string item_key(const std::string& key, const std::string& fp) const
    {
        return fmt::format("{}:{}:{}", invoices.link_kind, key, fp.substr(0, 16));
    }

    // Oracle's answer to "does the supplier have this invoice number": ours (our tag in its
    // Description), someone else's (a collision: reported, never overwritten), or none.
    struct Lookup {
        std::optional<oracle::PayablesInvoice> ours;
        std::optional<oracle::PayablesInvoice> other;
    };
    std::expected<Lookup, http::Error> look_up(const std::string& number,
                                               const std::string& supplier, const std::string& tag)
    {
        auto found = oracle::InvoiceApi(oracle_).find(number, supplier);
        if (!found) {
            return std::unexpected(found.error());
        }
        Lookup l;
        if (*found) {
            if ((*found)->description.find(tag) != std::string::npos) {
                l.ours = **found;
            } else {
                l.other = **found;
            }
        }
        return l;
    }

    static http::Error collision(const oracle::PayablesInvoice& other, const std::string& supplier)
    {
        return http::Error{
            .kind = http::ErrorKind::status,
            .status = 400,
            .message = fmt::format("invoice number {} already belongs to a different invoice of "
                                   "supplier {} (InvoiceId {}, amount {}): not overwritten; give "
                                   "the requisition its own invoice number in Procore, then replay",
                                   other.number, supplier, other.id, other.amount),
            .body = {},
            .attempts = 1,
            .transport = http::TransportErrorKind::other};
    }

    engine::PostHandlers handlers(const std::string& key, const std::string& number,
                                  const std::string& supplier, std::int64_t requisition_id,
                                  const std::string& fingerprint,
                                  const std::optional<std::string>& summary,
                                  const std::string& body)
    {
        const std::string tag = invoice_reference_tag(requisition_id);
        engine::PostHandlers h;
        h.send = [this, body, number, supplier, tag]() -> std::expected<std::string, http::Error> {
            auto created = oracle::InvoiceApi(oracle_).create(body);
            if (created) {
                return std::to_string(created->id);
            }
            if (!oracle::is_duplicate_invoice(created.error())) {
                return std::unexpected(created.error());
            }
            // "Already exists" is a question, not a failure: ours from an earlier attempt, or
            // another invoice under the same number.
            auto l = look_up(number, supplier, tag);
            if (!l) {
                return std::unexpected(created.error());
            }
            if (l->ours) {
                return std::to_string(l->ours->id);
            }
            if (l->other) {
                return std::unexpected(collision(*l->other, supplier));
            }
            return std::unexpected(created.error());
        };
        h.lookup = [this, number, supplier, tag]() -> engine::LookupResult {
            auto l = look_up(number, supplier, tag);
            if (!l) {
                return std::unexpected(l.error());
            }
            if (l->ours) {
                return std::optional<engine::Found>{engine::Found{std::to_string(l->ours->id)}};
            }
            // Another invoice under the number is not ours: absent, and the resend's
            // "already exists" then reports the collision.
            return std::optional<engine::Found>{};
        };
        h.confirmed = [this, key, number, fingerprint, summary](const std::string& remote_id,
                                                                bool found) {
            engine::record_posted(ctx_, invoices, links_, outbox_.postings(), retries_, key,
                                  remote_id, fingerprint, summary, found,
                                  fmt::format("{} AP invoice {} (InvoiceId {})",
                                              found ? "found" : "created", number, remote_id),
                                  ctx_.config.mapping.invoices.write_back ? k_follow_up : nullptr,
                                  now_);
        };
        h.failed = [this, key, fingerprint](const std::string& /*error_class*/,
                                            const std::string& message) {
            engine::record_refused(ctx_, invoices, outbox_.postings(), retries_, key, fingerprint,
                                   item_key(key, fingerprint), message);
        };
        return h;
    }

    void post(const procore::Requisition& r, const std::string& name, const InvoicePlan& plan)
    {
        const std::string key = requisition_key(r.project_id, r.id);
        const std::string body = oracle::new_invoice_json(*plan.invoice);
        const auto h = handlers(key, plan.invoice->invoice_number, plan.invoice->supplier, r.id,
                                plan.fingerprint, plan.summary, body);
        const engine::PostingSpec spec{.key = item_key(key, plan.fingerprint),
                                       .kind = std::string(invoices.link_kind),
                                       .target = "oracle",
                                       .request = body,
                                       .records = {key + " " + plan.fingerprint}};
        const auto res = outbox_.post(spec, h);
        if (engine::count_post(sum_, res, key, name, "oracle",
                               "creating the AP invoice for requisition " + key)) {
            write_back(r, res.remote_id, plan.invoice->invoice_number);
        }
    }

    // origin_id = InvoiceId on the requisition (Procore then locks it, as its own ERP
    // integrations do). Owed until done; a refusal (the requisition is locked, or the app may
    // not edit invoices) keeps the link locally only and is not retried.
    void write_back(const procore::Requisition& r, const std::string& invoice_id,
                    const std::string& number)
    {
        const std::string key = requisition_key(r.project_id, r.id);
        if (!ctx_.config.mapping.invoices.write_back || r.origin_id == invoice_id) {
            retries_.clear(std::string(invoices.stream), key, k_follow_up);
            return;
        }
        auto wb = procore_.write_back(r.project_id, r.id, invoice_id,
                                      "ml-connector: Oracle AP invoice " + number);
        if (!wb) {
            if (engine::is_fatal(wb.error())) {
                engine::stop("procore", "writing invoice " + number + " back to " + key,
                             wb.error());
            }
            const bool refused = wb.error().kind == http::ErrorKind::status
                                 && wb.error().status >= 400 && wb.error().status < 500;
            audit(key, invoice_id, engine::action::skipped,
                  "write-back to Procore " + std::string(refused ? "refused" : "failed") + ": "
                      + engine::describe(wb.error())
                      + (refused ? " (the link is kept here only)" : ""));
            if (refused) {
                retries_.clear(std::string(invoices.stream), key, k_follow_up);
            }
            return;
        }
        if (const auto link = links_.find_by_procore(std::string(invoices.link_kind), key); link) {
            note_seen(*link, *wb);
        }
        retries_.clear(std::string(invoices.stream), key, k_follow_up);
    }

    void follow_up_if_owed(const procore::Requisition& r, const store::Link& link)
    {
        if (options_.dry_run) {
            return;
        }
        const std::string key = requisition_key(r.project_id, r.id);
        if (retries_.find(std::string(invoices.stream), key, k_follow_up).has_value()) {
            write_back(r, *link.oracle_key, link.oracle_key.value_or(""));
        }
    }

    // --- engine chores ----------------------------------------------------------------------

    void resolve_unconfirmed()
    {
        auto& postings = outbox_.postings();
        const std::string kind(invoices.link_kind);
        for (const auto& p : postings.list(by_status("pending"))) {
            for (const auto& ref : engine::item_refs(p.records)) {
                retries_.schedule(std::string(invoices.stream), ref.key, store::retry_reason::lost,
                                  now_);
            }
        }
        sum_.superseded += postings.supersede_unsent({kind, std::string(invoices.extra_kind)});
        for (const auto& p : postings.list(by_status("sent"))) {
            resolve(p, true);
        }
        store::PostingFilter corrections;
        corrections.kinds = {std::string(invoices.extra_kind)};
        corrections.statuses = {std::string(store::posting_status::pending),
                                std::string(store::posting_status::sent)};
        for (const auto& p : postings.list(corrections)) {
            if (p.status == store::posting_status::pending) {
                for (const auto& ref : engine::item_refs(p.records)) {
                    retries_.schedule(std::string(invoices.stream), ref.key,
                                      store::retry_reason::lost, now_);
                }
            } else {
                resolve_correction(p);
            }
        }
    }

    bool resolve(const store::Posting& p, bool mark_lost)
    {
        const auto refs = engine::item_refs(p.records);
        if (refs.empty()) {
            return false;
        }
        const auto ref = parse_requisition_key(refs.front().key);
        const auto identity = oracle::new_invoice_identity(p.request);
        if (!ref || !identity) {
            return false;
        }
        const auto h = handlers(refs.front().key, identity->first, identity->second, ref->id,
                                refs.front().fingerprint, std::nullopt, p.request);
        const auto res = outbox_.resolve(p, h, mark_lost);
        using engine::PostOutcome;
        if (res.outcome == PostOutcome::found) {
            ++sum_.resolved;
            want(refs.front().key); // the write-back needs the requisition as Procore has it
            return true;
        }
        if (res.outcome == PostOutcome::lost) {
            ++sum_.lost;
            want(refs.front().key);
            return false;
        }
        engine::stop("oracle", "looking up the AP invoice of requisition " + refs.front().key,
                     res.error.value_or(http::Error{}));
    }

    void replay(const store::Posting& p)
    {
        if (p.status == store::posting_status::sent || p.attempts > 0) {
            if (resolve(p, false)) {
                replayed_[p.id] = "found in Oracle: confirmed, nothing sent";
                return;
            }
        }
        for (const auto& ref : engine::item_refs(p.records)) {
            want(ref.key);
            audit(ref.key, p.remote_id, engine::action::replayed,
                  fmt::format("posting {} ({}) re-read and planned again", p.id, p.status));
        }
        replayed_[p.id] = "re-read and planned again";
    }

    void fail_record(const std::string& key, const std::string& name, const std::string& message,
                     const std::string& error_class, const std::string& fingerprint)
    {
        ++sum_.failed;
        sum_.failures.push_back({"failed", key, "", name, message});
        engine::record_failed(ctx_, invoices, outbox_.postings(), retries_,
                              item_key(key, fingerprint.empty() ? "unread" : fingerprint), key,
                              fingerprint, error_class, message,
                              "a newer version of the requisition failed");
    }

    void retries_clear(const std::string& key)
    {
        if (!options_.dry_run) {
            retries_.clear_all(std::string(invoices.stream), key);
        }
    }

    void audit(const std::string& key, const std::optional<std::string>& oracle_key,
               std::string_view action, const std::string& message,
               std::optional<std::string> before = std::nullopt,
               std::optional<std::string> after = std::nullopt)
    {
        engine::audit_record(
            ctx_, invoices,
            {oracle_key, key, action, message, std::move(before), std::move(after)});
    }

    void add_sample(const std::string& action, const std::string& key, const std::string& name,
                    const std::string& target, const std::string& message)
    {
        engine::add_sample(sum_, options_.sample_rows, {action, key, target, name, message});
    }

    engine::Context& ctx_;
    const engine::PassOptions& options_;
    const engine::FlowScope& scope_;
    const InvoiceScope& inv_scope_;
    store::Links links_;
    store::Retries retries_;
    store::Watermarks watermarks_;
    engine::Outbox outbox_;
    procore::RequisitionApi procore_;
    procore::CommitmentApi commitments_;
    oracle::Client& oracle_;
    std::string now_;
    std::string today_;
    engine::FlowSummary sum_;

    std::vector<std::string> order_;
    std::set<std::string> wanted_;
    std::map<std::string, std::string> swept_;
    std::map<std::int64_t, InvoicePo> pos_;
    engine::CostAccounts accounts_{ctx_.config.mapping, links_, oracle_, commitments_};
    std::map<std::int64_t, std::string> replayed_;
};

} // namespace

engine::FlowSummary sync_invoices(engine::Context& ctx, const engine::PassOptions& options,
                                  const engine::FlowScope& scope, const InvoiceScope& inv_scope)
{
    InvoiceFlow flow(ctx, options, scope, inv_scope);
    return flow.run();
}

} // namespace mlc::flows
