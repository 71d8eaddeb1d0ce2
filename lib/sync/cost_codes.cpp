#include "sync/cost_codes.hpp"

#include "auth/fingerprint.hpp"
#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "store/database.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "sync/connections.hpp"
#include "sync/flow.hpp"
#include "sync/pass.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace mlc::sync {

namespace {

constexpr const char* k_link_kind = "cost_code";
constexpr const char* k_audit_kind = "gl_account";

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

CostCodeDecision plan_cost_code(const oracle::AccountCombination& a,
                                const std::optional<VendorLinkState>& link,
                                const CostCodeMapping& mapping, std::string_view today)
{
    CostCodeDecision d;
    d.item.origin_id = std::to_string(a.id);
    d.item.origin_data = "{\"LastUpdateDate\":\"" + a.last_update_date + "\"}";
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
    d.fingerprint = fingerprint(
        {{"origin_id", d.item.origin_id}, {"code", d.item.code}, {"name", d.item.name}});
    if (link) {
        d.before_fp = link->fingerprint;
        if (link->procore_key) {
            try {
                d.procore_id = std::stoll(*link->procore_key);
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
        if (link && link->procore_key && link->origin != "procore") {
            auto retired = d.item;
            retired.name = std::string(k_retired_prefix) + d.item.name;
            const auto retired_fp = fingerprint(
                {{"origin_id", retired.origin_id}, {"code", retired.code}, {"name", retired.name}});
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
    if (link && link->procore_key) {
        d.action = link->fingerprint == d.fingerprint ? "skip" : "update";
        return d;
    }
    d.action = "create";
    return d;
}

namespace {

FlowNames cost_code_names()
{
    return FlowNames{.flow = "cost_codes",
                     .stream = k_accounts_stream,
                     .link_kind = "cost_code",
                     .audit_kind = "gl_account",
                     .record_label = "GL account",
                     .endpoint = "standard_cost_codes/sync"};
}

// GL account combinations -> standard cost codes: read incrementally, plan each with
// plan_cost_code, apply through the shared IncrementalFlow into the ERP list.
class CostCodeFlow {
public:
    CostCodeFlow(const Config& config, Connections& connections, store::Database& db,
                 store::AuditLog& audit, std::optional<std::int64_t> run_id, Clock& clock,
                 const SyncPassOptions& options, CostCodeMapping mapping)
        : connections_(connections), db_(db), run_id_(run_id), options_(options),
          mapping_(std::move(mapping)), links_(db),
          api_(connections.procore().http(), config.procore.base_url, config.procore.company_id),
          flow_(
              cost_code_names(), connections, db, audit, run_id, clock, options,
              config.oracle.poll_overlap_seconds,
              [this](const std::vector<std::string>& items) {
                  return procore::sync_body(api_.company_id(),
                                            {{"standard_cost_code_list_id", list_id()}}, items);
              },
              [this](const std::string& body) { return api_.sync_body_text(body); }),
          today_(format_iso8601(clock.now()).substr(0, 10))
    {}

    FlowSummary run()
    {
        const auto from = flow_.start();
        auto read = oracle::read_account_combinations(
            connections_.oracle(), from,
            [this](oracle::AccountPage& page) {
                for (const auto& a : page.accounts) {
                    on_account(a);
                }
                flow_.page_done();
                return true;
            },
            options_.page_size);
        flow_.finish(read, "oracle: reading accountCombinationsLOV failed",
                     "check `ml-connector ping` and the GL enterprise-structures privilege");
        return std::move(flow_.summary());
    }

private:
    void on_account(const oracle::AccountCombination& a)
    {
        const std::string key = std::to_string(a.id);
        flow_.saw(a.last_update_date, key);
        std::optional<VendorLinkState> link;
        if (auto l = links_.find_by_oracle("cost_code", key)) {
            link = VendorLinkState{l->procore_key, l->fingerprint, l->origin};
        }
        auto d = plan_cost_code(a, link, mapping_, today_);
        FlowRecord record{.action = d.action,
                          .oracle_key = d.item.origin_id,
                          .procore_id = d.procore_id,
                          .sent_id = std::nullopt,
                          .fingerprint = d.fingerprint,
                          .before_fp = d.before_fp,
                          .name = d.item.code + " " + d.item.name,
                          .message = d.message,
                          .item_json = procore::standard_cost_code_item_json(d.item)};
        flow_.planned(record);
        if (d.action != "create" && d.action != "update" && d.action != "retire") {
            if (d.action != "filtered") {
                flow_.audit_later(record, "skipped", d.action == "skip" ? "unchanged" : d.message);
            }
            return;
        }
        if (auto* queued = flow_.queued(key)) {
            *queued = std::move(record);
            return;
        }
        flow_.enqueue(std::move(record));
    }

    // The ERP list's id, found by name, else created. The create is a POST that is not
    // idempotent: it is recorded as a posting before it is sent and, when it fails (the answer
    // may be lost after Procore made the list), the list is looked up by name again before any
    // resend; a crash in between is resolved the same way by the next pass's lookup. So there
    // is never a second list, whatever fails where.
    std::int64_t list_id()
    {
        if (list_id_ != 0) {
            return list_id_;
        }
        const std::string& name = mapping_.list_name;
        store::Postings postings(db_);
        const std::string key = "cost_code_list:" + name;
        auto lookup = [&]() -> std::optional<std::int64_t> {
            auto found = api_.find_list(name);
            if (!found) {
                throw UnreachableError("procore: listing standard cost code lists failed: "
                                           + found.error().message,
                                       "check `ml-connector ping`");
            }
            if (*found) {
                if (auto p = postings.find(key);
                    p && p->status != store::posting_status::confirmed) {
                    postings.mark_confirmed(p->id, std::to_string(**found));
                }
            }
            return *found;
        };
        if (auto found = lookup()) {
            return list_id_ = *found;
        }
        const auto posting = postings.record_pending(
            key, "cost_code_list", "procore", "{\"name\":" + json::quote(name) + "}", run_id_);
        for (int attempt = 1;; ++attempt) {
            postings.mark_sent(posting.id);
            auto created = api_.create_list(name);
            ++flow_.summary().write_calls;
            if (created) {
                postings.mark_confirmed(posting.id, std::to_string(*created));
                log::info("procore: created standard cost code list \"{}\" ({})", name, *created);
                return list_id_ = *created;
            }
            if (auto found = lookup()) {
                log::info("procore: standard cost code list \"{}\" ({}) was made by the request "
                          "whose answer was lost",
                          name, *found);
                return list_id_ = *found;
            }
            // Not there: resend once when the request may never have arrived; a 4xx about the
            // data would only be refused again.
            if (attempt >= 2 || !is_fatal_write_error(created.error())) {
                postings.mark_failed(posting.id, created.error().message);
                throw UnreachableError("procore: creating the standard cost code list \"" + name
                                           + "\" failed: " + created.error().message,
                                       "a rerun looks the list up by name before creating it");
            }
        }
    }

    Connections& connections_;
    store::Database& db_;
    std::optional<std::int64_t> run_id_;
    const SyncPassOptions& options_;
    CostCodeMapping mapping_;
    store::Links links_;
    procore::CostCodeApi api_;
    IncrementalFlow flow_;
    std::string today_;
    std::int64_t list_id_ = 0;
};

} // namespace

FlowSummary sync_cost_codes(const Config& config, Connections& connections, store::Database& db,
                            store::AuditLog& audit, std::optional<std::int64_t> run_id,
                            Clock& clock, const SyncPassOptions& options)
{
    const auto& mapping = config.mapping.cost_codes;
    if (!mapping) {
        FlowSummary sum;
        sum.flow = "cost_codes";
        sum.stream = k_accounts_stream;
        sum.skipped_reason = "no mapping.cost_codes section in the config";
        return sum;
    }
    CostCodeFlow flow(config, connections, db, audit, run_id, clock, options, *mapping);
    return flow.run();
}

} // namespace mlc::sync
