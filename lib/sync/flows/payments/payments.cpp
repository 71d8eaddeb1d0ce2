#include "sync/flows/payments/payments.hpp"

#include "auth/fingerprint.hpp"
#include "core/clock.hpp"
#include "core/decimal.hpp"
#include "oracle/invoices.hpp"
#include "oracle/payments.hpp"
#include "procore/payments.hpp"
#include "procore/requisitions.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/retries.hpp"
#include "store/watermarks.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/errors.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/outbox.hpp"
#include "sync/engine/record_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace mlc::flows {

namespace {

using engine::flow::payments;

constexpr const char* k_invoice_kind = "invoice";

// A payment of one invoice: "<CheckId>:<InvoiceId>" (a check can pay several invoices).
std::string payment_key(std::int64_t check_id, std::int64_t invoice_id)
{
    return fmt::format("{}:{}", check_id, invoice_id);
}

std::optional<std::int64_t> check_id_of(const std::string& key)
{
    const auto colon = key.find(':');
    try {
        return std::stoll(key.substr(0, colon));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The requisition an invoice link names: its Procore key, "req:<project>:<requisition id>"
// (the invoices flow's requisition_key).
std::optional<std::pair<std::int64_t, std::int64_t>> requisition_of(const store::Link& invoice)
{
    if (!invoice.procore_key || !invoice.procore_key->starts_with("req:")) {
        return std::nullopt;
    }
    const auto k = invoice.procore_key->substr(4);
    const auto colon = k.find(':');
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    try {
        return std::pair{std::stoll(k.substr(0, colon)), std::stoll(k.substr(colon + 1))};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

store::PostingFilter by_status(const std::string& status)
{
    store::PostingFilter f;
    f.kinds = {std::string(payments.link_kind)};
    f.statuses = {status};
    return f;
}

class PaymentFlow {
public:
    PaymentFlow(engine::Context& ctx, const engine::PassOptions& options,
                const engine::FlowScope& scope, const PaymentScope& pay_scope)
        : ctx_(ctx), options_(options), scope_(scope), pay_scope_(pay_scope), links_(ctx.db()),
          retries_(ctx.db()), watermarks_(ctx.db()), outbox_(ctx.db(), ctx.run.run_id()),
          requisitions_(ctx.connections.procore().http(), ctx.config.procore.base_url),
          procore_(ctx.connections.procore().http(), ctx.config.procore.base_url),
          oracle_(ctx.connections.oracle()), now_(format_iso8601(ctx.clock.now()))
    {
        sum_.flow = std::string(payments.name);
        sum_.title = std::string(payments.title);
        sum_.stream = std::string(payments.stream);
    }

    engine::FlowSummary run()
    {
        const auto& inv = ctx_.config.mapping.invoices;
        if (!inv.enabled || !inv.payments) {
            sum_.skipped_reason = inv.enabled ? "mapping.invoices.payments is false"
                                              : "mapping.invoices is not configured (or enabled "
                                                "is false): no invoice of ours to be paid";
            return sum_;
        }
        if (!options_.dry_run) {
            resolve_unconfirmed();
        }
        oracle::PaymentApi api(oracle_);
        const auto sink = [this](oracle::PaymentPage& page) {
            ++sum_.pages;
            for (const auto& p : page.payments) {
                process(p);
                if (p.last_update_date > seen_time_
                    || (p.last_update_date == seen_time_ && p.check_id > seen_id_)) {
                    seen_time_ = p.last_update_date;
                    seen_id_ = p.check_id;
                }
            }
            return true;
        };
        // Re-reads by id first (the retry queue, replay), then the incremental read.
        std::vector<std::int64_t> ids;
        for (const auto& k : scope_.keys) {
            if (const auto id = check_id_of(k); id) {
                ids.push_back(*id);
            }
        }
        for (const auto& p : scope_.replay) {
            replay(p, ids);
        }
        if (scope_.incremental) {
            for (const auto& r : retries_.due(std::string(payments.stream), now_)) {
                if (const auto id = check_id_of(r.record_key); id) {
                    ids.push_back(*id);
                }
            }
        }
        if (!ids.empty()) {
            std::ranges::sort(ids);
            ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
            const auto saved_time = seen_time_;
            const auto saved_id = seen_id_;
            if (auto r = api.read_by_ids(ids, sink); !r) {
                engine::stop("oracle", "reading payments by id", r.error());
            }
            seen_time_ = saved_time; // a re-read never moves the cursor
            seen_id_ = saved_id;
        }
        if (scope_.incremental) {
            read_changed(api, sink);
        }
        sum_.replayed = replayed_;
        return sum_;
    }

private:
    void read_changed(oracle::PaymentApi& api, const oracle::PaymentPageSink& sink)
    {
        if (links_.count(k_invoice_kind) == 0) {
            sum_.read_mode = "not read: no invoice has been created in Oracle yet";
            return;
        }
        oracle::IncrementalCursor cursor;
        const auto w = watermarks_.get(std::string(payments.stream));
        if (w) {
            sum_.watermark_before = w->cursor_time + "|" + w->cursor_key;
        }
        if (!options_.since.empty()) {
            cursor.since = options_.since;
        } else if (w && !options_.full) {
            Clock::time_point t;
            if (parse_iso8601(w->cursor_time, t)) {
                cursor.since = format_iso8601(
                    t - std::chrono::seconds(ctx_.config.oracle.poll_overlap_seconds));
                cursor.after_time = w->cursor_time;
                cursor.after_key = w->cursor_key;
            }
        } else if (!w) {
            sum_.read_mode = "whole: the first read of Oracle's payments (--since starts later)";
        }
        if (auto r = api.read_changed(cursor, sink); !r) {
            engine::stop("oracle", "reading payments", r.error());
        }
        sum_.watermark_after = sum_.watermark_before;
        // A --project pass skips other projects' payments: it must not move the watermark.
        if (!options_.dry_run && !seen_time_.empty() && pay_scope_.projects.empty()) {
            const bool newer =
                !w || seen_time_ > w->cursor_time
                || (seen_time_ == w->cursor_time && std::to_string(seen_id_) != w->cursor_key);
            if (newer) {
                watermarks_.set(
                    {std::string(payments.stream), seen_time_, std::to_string(seen_id_), ""});
                sum_.watermark_after = seen_time_ + "|" + std::to_string(seen_id_);
            }
        }
    }

    // --- one payment ------------------------------------------------------------------------

    void process(const oracle::Payment& p)
    {
        for (const auto& paid : p.invoices) {
            const auto invoice = our_invoice(p, paid);
            if (!invoice) {
                continue; // not an invoice pull-pos created
            }
            ++sum_.read;
            handle(p, paid, invoice->first, invoice->second);
        }
    }

    // The invoice link a paid invoice names, with its InvoiceId. A related invoice without
    // InvoiceId (the attribute is unconfirmed) is found by its number and the payment's
    // supplier, once per pass.
    std::optional<std::pair<std::int64_t, store::Link>> our_invoice(const oracle::Payment& p,
                                                                    const oracle::PaidInvoice& paid)
    {
        std::int64_t id = paid.invoice_id;
        if (id == 0) {
            const std::string k = paid.invoice_number + "\n" + p.supplier;
            auto it = invoice_ids_.find(k);
            if (it == invoice_ids_.end()) {
                auto found = oracle::InvoiceApi(oracle_).find(paid.invoice_number, p.supplier);
                if (!found) {
                    engine::stop("oracle", "looking up invoice " + paid.invoice_number,
                                 found.error());
                }
                it = invoice_ids_.emplace(k, *found ? (*found)->id : 0).first;
            }
            id = it->second;
        }
        if (id == 0) {
            return std::nullopt;
        }
        auto link = links_.find_by_oracle(k_invoice_kind, std::to_string(id));
        if (!link) {
            return std::nullopt;
        }
        return std::pair{id, std::move(*link)};
    }

    void handle(const oracle::Payment& p, const oracle::PaidInvoice& paid, std::int64_t invoice_id,
                const store::Link& invoice)
    {
        const std::string key = payment_key(p.check_id, invoice_id);
        const std::string name = fmt::format(
            "payment {} of invoice {}", p.number,
            paid.invoice_number.empty() ? std::to_string(invoice_id) : paid.invoice_number);
        const auto req = requisition_of(invoice);
        if (req && !in_scope(req->first)) {
            return;
        }
        std::string amount = paid.amount;
        if (amount.empty() && p.invoices.size() == 1) {
            amount = p.amount; // the whole payment pays this one invoice
        }
        const auto dec = Decimal::parse(amount);
        if (!dec) {
            fail_record(key, name,
                        fmt::format("Oracle gives no amount paid on invoice {} (payment {} pays {} "
                                    "invoices)",
                                    invoice_id, p.number, p.invoices.size()),
                        store::error_class::data, {});
            return;
        }
        amount = dec->fixed(2);
        const std::string fp = fingerprint({{"amount", amount},
                                            {"date", p.date},
                                            {"number", p.number},
                                            {"invoice", std::to_string(invoice_id)}});
        const auto link = links_.find_by_oracle(std::string(payments.link_kind), key);
        if (link && link->procore_key) {
            already_in_procore(p, key, name, amount, fp, *link);
            return;
        }
        if (p.voided()) {
            ++sum_.planned["skip"];
            add_sample("skip", key, name, "", "voided in Oracle before it reached Procore");
            retries_clear(key);
            return;
        }
        if (!req) {
            fail_record(key, name,
                        fmt::format("invoice {} has no requisition on record", invoice_id),
                        store::error_class::data, fp);
            return;
        }
        const auto r = requisition(req->first, req->second, key, name, fp);
        if (!r) {
            return;
        }
        procore::NewContractPayment cp{
            .project_id = req->first,
            .contract_id = r->commitment_id,
            .amount = amount,
            .date = p.date,
            .check_number = p.number,
            .invoice_number = paid.invoice_number.empty() ? r->invoice_number : paid.invoice_number,
            .draw_request_number = r->number,
            .payment_method = p.method,
            .notes = fmt::format("Oracle payment {} of AP invoice {}{}", p.number,
                                 paid.invoice_number.empty() ? std::to_string(invoice_id)
                                                             : paid.invoice_number,
                                 p.invoices.size() > 1 ? " (one of several invoices paid)" : ""),
            .origin_id = paid.invoice_payment_id != 0
                             ? std::to_string(paid.invoice_payment_id)
                             : fmt::format("{}-{}", p.check_id, invoice_id),
            .origin_data = fmt::format("ml-connector: Oracle payablesPayments CheckId {}, "
                                       "InvoiceId {}",
                                       p.check_id, invoice_id)};
        ++sum_.planned["create"];
        add_sample("create", key, name, "",
                   fmt::format("contract payment {} on {} {} (commitment {})", amount, p.date,
                               r->invoice_number.empty() ? "" : "for " + r->invoice_number,
                               r->commitment_id));
        if (options_.dry_run) {
            return;
        }
        post(key, name, fp, cp);
    }

    // A payment Procore has: immutable there. A void or a change in Oracle is reported once.
    void already_in_procore(const oracle::Payment& p, const std::string& key,
                            const std::string& name, const std::string& amount,
                            const std::string& fp, const store::Link& link)
    {
        std::string what;
        if (p.voided()) {
            what = fmt::format("voided in Oracle{}: Procore contract payment {} is left in place "
                               "(synced payments are locked there); remove it in Procore by hand",
                               p.void_date.empty() ? "" : " on " + p.void_date.substr(0, 10),
                               link.procore_key.value_or("?"));
        } else if (link.fingerprint != fp) {
            what = fmt::format("changed in Oracle after it reached Procore (now {} on {}): Procore "
                               "contract payment {} is locked and not changed",
                               amount, p.date, link.procore_key.value_or("?"));
        }
        if (what.empty()) {
            ++sum_.planned["skip"];
            retries_clear(key);
            return;
        }
        sum_.attention.push_back({"drift", key, link.procore_key.value_or(""), name, what});
        if (options_.dry_run || link.drift == what) {
            return;
        }
        links_.set_drift_by_procore(std::string(payments.link_kind), *link.procore_key, what);
        audit(key, link.procore_key, engine::action::drift, what, link.fingerprint, fp);
    }

    std::optional<procore::Requisition> requisition(std::int64_t project, std::int64_t id,
                                                    const std::string& key, const std::string& name,
                                                    const std::string& fp)
    {
        const auto k = std::pair{project, id};
        if (auto it = requisitions_read_.find(k); it != requisitions_read_.end()) {
            return it->second;
        }
        auto got = requisitions_.get(project, id);
        if (!got) {
            if (engine::is_fatal(got.error())) {
                engine::stop("procore", fmt::format("reading requisition {}:{}", project, id),
                             got.error());
            }
            fail_record(
                key, name,
                fmt::format("reading requisition {}: {}", id, engine::describe(got.error())),
                store::error_class::retryable, fp);
            return std::nullopt;
        }
        if (!*got) {
            fail_record(key, name,
                        fmt::format("requisition {} of project {} is no longer in Procore: the "
                                    "payment has no commitment to go on",
                                    id, project),
                        store::error_class::data, fp);
            return std::nullopt;
        }
        requisitions_read_.emplace(k, **got);
        return **got;
    }

    bool in_scope(std::int64_t project) const
    {
        const auto& p = pay_scope_.projects;
        return p.empty() || std::ranges::find(p, project) != p.end();
    }

    // --- posting ----------------------------------------------------------------------------

    std::string item_key(const std::string& key, const std::string& fp) const
    {
        return fmt::format("{}:{}:{}", payments.link_kind, key, fp.substr(0, 16));
    }

    engine::PostHandlers handlers(const std::string& key, const std::string& fp,
                                  const procore::ContractPaymentIdentity& id,
                                  const std::string& body)
    {
        engine::PostHandlers h;
        h.send = [this, body, id]() -> std::expected<std::string, http::Error> {
            auto created = procore_.create(body);
            if (created) {
                return std::to_string(created->id);
            }
            if (!procore::is_duplicate_origin(created.error())) {
                return std::unexpected(created.error());
            }
            // "origin_id has already been taken": ours from an earlier attempt.
            auto found = procore_.find_by_origin(id.project_id, id.contract_id, id.origin_id);
            if (found && *found) {
                return std::to_string((*found)->id);
            }
            return std::unexpected(created.error());
        };
        h.lookup = [this, id]() -> engine::LookupResult {
            auto found = procore_.find_by_origin(id.project_id, id.contract_id, id.origin_id);
            if (!found) {
                return std::unexpected(found.error());
            }
            if (*found) {
                return std::optional<engine::Found>{engine::Found{std::to_string((*found)->id)}};
            }
            return std::optional<engine::Found>{};
        };
        h.confirmed = [this, key, fp, id](const std::string& remote_id, bool found) {
            engine::record_posted(
                ctx_, payments, links_, outbox_.postings(), retries_, key, remote_id, fp,
                std::nullopt, found,
                fmt::format("{} Procore contract payment {} (origin_id {}) on commitment {}",
                            found ? "found" : "created", remote_id, id.origin_id, id.contract_id),
                nullptr, now_);
        };
        h.failed = [this, key, fp](const std::string& /*error_class*/, const std::string& message) {
            engine::record_refused(ctx_, payments, outbox_.postings(), retries_, key, fp,
                                   item_key(key, fp), message);
        };
        return h;
    }

    void post(const std::string& key, const std::string& name, const std::string& fp,
              const procore::NewContractPayment& cp)
    {
        const std::string body = procore::new_contract_payment_json(cp);
        const procore::ContractPaymentIdentity id{
            .project_id = cp.project_id, .contract_id = cp.contract_id, .origin_id = cp.origin_id};
        const engine::PostingSpec spec{.key = item_key(key, fp),
                                       .kind = std::string(payments.link_kind),
                                       .target = "procore",
                                       .request = body,
                                       .records = {key + " " + fp}};
        const auto res = outbox_.post(spec, handlers(key, fp, id, body));
        engine::count_post(sum_, res, key, name, "procore",
                           "creating the contract payment for " + name);
    }

    // --- engine chores ----------------------------------------------------------------------

    void resolve_unconfirmed()
    {
        auto& postings = outbox_.postings();
        for (const auto& p : postings.list(by_status("pending"))) {
            for (const auto& ref : engine::item_refs(p.records)) {
                retries_.schedule(std::string(payments.stream), ref.key, store::retry_reason::lost,
                                  now_);
            }
        }
        sum_.superseded += postings.supersede_unsent({std::string(payments.link_kind)});
        for (const auto& p : postings.list(by_status("sent"))) {
            resolve(p, true);
        }
    }

    bool resolve(const store::Posting& p, bool mark_lost)
    {
        const auto refs = engine::item_refs(p.records);
        const auto id = procore::new_contract_payment_identity(p.request);
        if (refs.empty() || !id) {
            return false;
        }
        const auto res = outbox_.resolve(
            p, handlers(refs.front().key, refs.front().fingerprint, *id, p.request), mark_lost);
        using engine::PostOutcome;
        if (res.outcome == PostOutcome::found) {
            ++sum_.resolved;
            return true;
        }
        if (res.outcome == PostOutcome::lost) {
            ++sum_.lost;
            return false;
        }
        engine::stop("procore", "looking up the contract payment of " + refs.front().key,
                     res.error.value_or(http::Error{}));
    }

    void replay(const store::Posting& p, std::vector<std::int64_t>& ids)
    {
        if (p.status == store::posting_status::sent || p.attempts > 0) {
            if (resolve(p, false)) {
                replayed_[p.id] = "found in Procore: confirmed, nothing sent";
                return;
            }
        }
        for (const auto& ref : engine::item_refs(p.records)) {
            if (const auto id = check_id_of(ref.key); id) {
                ids.push_back(*id);
            }
            audit(ref.key, p.remote_id, engine::action::replayed,
                  fmt::format("posting {} ({}) re-read and planned again", p.id, p.status));
        }
        replayed_[p.id] = "re-read and planned again";
    }

    void fail_record(const std::string& key, const std::string& name, const std::string& message,
                     const std::string& error_class, const std::string& fp)
    {
        ++sum_.failed;
        sum_.failures.push_back({"failed", key, "", name, message});
        engine::record_failed(ctx_, payments, outbox_.postings(), retries_,
                              item_key(key, fp.empty() ? "unread" : fp), key, fp, error_class,
                              message, "a newer version of the payment failed");
    }

    void retries_clear(const std::string& key)
    {
        if (!options_.dry_run) {
            retries_.clear_all(std::string(payments.stream), key);
        }
    }

    void audit(const std::string& key, const std::optional<std::string>& procore_key,
               std::string_view action, const std::string& message,
               std::optional<std::string> before = std::nullopt,
               std::optional<std::string> after = std::nullopt)
    {
        engine::audit_record(
            ctx_, payments,
            {key, procore_key, action, message, std::move(before), std::move(after)});
    }

    void add_sample(const std::string& action, const std::string& key, const std::string& name,
                    const std::string& target, const std::string& message)
    {
        engine::add_sample(sum_, options_.sample_rows, {action, key, target, name, message});
    }

    engine::Context& ctx_;
    const engine::PassOptions& options_;
    const engine::FlowScope& scope_;
    const PaymentScope& pay_scope_;
    store::Links links_;
    store::Retries retries_;
    store::Watermarks watermarks_;
    engine::Outbox outbox_;
    procore::RequisitionApi requisitions_;
    procore::ContractPaymentApi procore_;
    oracle::Client& oracle_;
    std::string now_;
    engine::FlowSummary sum_;

    std::string seen_time_;
    std::int64_t seen_id_ = 0;
    std::map<std::string, std::int64_t> invoice_ids_;
    std::map<std::pair<std::int64_t, std::int64_t>, procore::Requisition> requisitions_read_;
    std::map<std::int64_t, std::string> replayed_;
};

} // namespace

engine::FlowSummary sync_payments(engine::Context& ctx, const engine::PassOptions& options,
                                  const engine::FlowScope& scope, const PaymentScope& pay_scope)
{
    PaymentFlow flow(ctx, options, scope, pay_scope);
    return flow.run();
}

} // namespace mlc::flows
