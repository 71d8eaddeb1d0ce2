#include "sync/suppliers.hpp"

#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "oracle/suppliers.hpp"
#include "procore/vendors.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/due_dates.hpp"
#include "store/links.hpp"
#include "sync/connections.hpp"
#include "sync/cost_codes.hpp"
#include "sync/flow.hpp"
#include "sync/pass.hpp"
#include "sync/vendor_plan.hpp"

#include <fmt/format.h>

#include <set>

namespace mlc::sync {

namespace {

// The due_dates kind for a supplier's InactiveDate still to come.
constexpr const char* k_due_kind = "vendor";

FlowNames vendor_names()
{
    return FlowNames{.flow = "vendors",
                     .stream = k_suppliers_stream,
                     .link_kind = "vendor",
                     .audit_kind = "supplier",
                     .record_label = "supplier",
                     .endpoint = "vendors/sync"};
}

FlowRecord record_of(const VendorDecision& d)
{
    return FlowRecord{.action = std::string(to_string(d.action)),
                      .oracle_key = d.item.origin_id,
                      .procore_id = d.procore_id,
                      .sent_id = d.item.id,
                      .fingerprint = d.fingerprint,
                      .before_fp = d.before_fp,
                      .name = d.item.name,
                      .message = d.message,
                      .item_json = procore::vendor_sync_item_json(d.item)};
}

// Suppliers -> vendors: read (incrementally, then the suppliers whose InactiveDate has come),
// plan each with plan_vendor, apply through the shared IncrementalFlow.
class VendorFlow {
public:
    VendorFlow(const Config& config, Connections& connections, store::Database& db,
               store::AuditLog& audit, std::optional<std::int64_t> run_id, Clock& clock,
               const SyncPassOptions& options)
        : connections_(connections), db_(db), options_(options), links_(db), due_dates_(db),
          api_(connections.procore().http(), config.procore.base_url, config.procore.company_id),
          flow_(
              vendor_names(), connections, db, audit, run_id, clock, options,
              config.oracle.poll_overlap_seconds,
              [this](const std::vector<std::string>& items) {
                  return procore::sync_body(api_.company_id(), {}, items);
              },
              [this](const std::string& body) { return api_.sync_body_text(body); }),
          today_(format_iso8601(clock.now()).substr(0, 10))
    {}

    FlowSummary run()
    {
        for (const auto& d : due_dates_.all(k_due_kind)) {
            pending_.insert(d.oracle_key);
        }
        const auto from = flow_.start();
        auto sink = [this](bool advance) {
            return [this, advance](oracle::SupplierPage& page) {
                for (const auto& supplier : page.suppliers) {
                    on_supplier(supplier, advance);
                }
                flow_.page_done();
                return true;
            };
        };
        auto read =
            oracle::read_suppliers(connections_.oracle(), from, sink(true), options_.page_size);
        if (read) {
            if (auto due = read_due(sink(false)); !due) {
                read = std::unexpected(due.error());
            }
        }
        flow_.finish(read, "oracle: reading suppliers failed",
                     "check `ml-connector ping`; a rerun resumes at the watermark");
        // Only now, with every planned write applied: a due day is forgotten once the vendor
        // change it stood for has been written (a crash before this re-reads the supplier).
        if (!options_.dry_run && !to_clear_.empty()) {
            store::Transaction tx(db_);
            for (const auto& key : to_clear_) {
                due_dates_.clear(k_due_kind, key);
            }
            tx.commit();
        }
        return std::move(flow_.summary());
    }

private:
    // The suppliers whose InactiveDate has come since they were last read (and that the
    // incremental read did not just bring): re-read by id, a few per GET, and planned like any
    // other (their vendor then updates to inactive). No GET at all when none is due.
    std::expected<oracle::SupplierReadStats, http::Error>
    read_due(const oracle::SupplierPageSink& sink)
    {
        std::vector<std::int64_t> ids;
        for (const auto& d : due_dates_.due(k_due_kind, today_)) {
            if (seen_pending_.contains(d.oracle_key)) {
                continue;
            }
            try {
                ids.push_back(std::stoll(d.oracle_key));
            } catch (const std::exception&) {
                to_clear_.push_back(d.oracle_key); // not a SupplierId: never asked for
            }
        }
        if (ids.empty()) {
            return oracle::SupplierReadStats{};
        }
        log::info("suppliers: {} InactiveDate{} due; re-reading {}", ids.size(),
                  ids.size() == 1 ? "" : "s", ids.size() == 1 ? "it" : "them");
        auto read = oracle::read_suppliers_by_id(connections_.oracle(), ids, sink);
        if (read) {
            // Gone from Oracle (purged): nothing left to re-read on later passes.
            for (const auto id : ids) {
                if (!seen_pending_.contains(std::to_string(id))) {
                    to_clear_.push_back(std::to_string(id));
                }
            }
        }
        return read;
    }

    // Keeps the supplier's due day (a future InactiveDate) or marks it for clearing.
    void note_due(const oracle::Supplier& supplier, const std::string& key)
    {
        if (pending_.contains(key)) {
            seen_pending_.insert(key);
        }
        if (options_.dry_run) {
            return;
        }
        if (auto day = vendor_due_on(supplier, today_)) {
            due_dates_.set(store::DueDate{
                .kind = k_due_kind, .oracle_key = key, .due_on = *day, .reason = "InactiveDate"});
            pending_.insert(key);
        } else if (pending_.contains(key)) {
            to_clear_.push_back(key);
        }
    }

    std::optional<VendorLinkState> link_state(std::int64_t supplier_id)
    {
        auto link = links_.find_by_oracle("vendor", std::to_string(supplier_id));
        if (!link) {
            return std::nullopt;
        }
        return VendorLinkState{link->procore_key, link->fingerprint, link->origin};
    }

    // The pre-existing vendors, active and inactive (Procore lists those apart): a vendor that
    // carries our origin_id but is inactive is ours and must be linked, not re-created, and a
    // hand-made inactive vendor is as much a duplicate risk as an active one. Listed once per
    // pass, and only when some supplier has no link.
    const VendorIndex* index_for_matching()
    {
        if (!index_) {
            index_.emplace();
            auto add = [this](std::vector<procore::Vendor>& page) {
                for (const auto& v : page) {
                    index_->add(v);
                }
            };
            auto listed = api_.list(add);
            if (listed) {
                listed = api_.list_inactive(add);
            }
            if (!listed) {
                throw UnreachableError("procore: listing vendors failed: " + listed.error().message,
                                       "check `ml-connector ping`");
            }
            log::info("procore: {} existing vendors listed for matching", index_->size());
        }
        return &*index_;
    }

    void on_supplier(const oracle::Supplier& supplier, bool advance)
    {
        const std::string key = std::to_string(supplier.id);
        flow_.saw(supplier.last_update_date, key, advance);
        note_due(supplier, key);
        // Seen again while this batch is still open (updated while we paged): the newer
        // content replaces the queued item, keeping the decision already taken.
        if (auto* queued = flow_.queued(key)) {
            auto item = map_supplier(supplier, today_);
            item.id = queued->sent_id;
            queued->fingerprint = vendor_fingerprint(item);
            queued->name = item.name;
            queued->item_json = procore::vendor_sync_item_json(item);
            return;
        }
        const auto link = link_state(supplier.id);
        const VendorIndex* index = nullptr;
        if (!link || !link->procore_key) {
            index = index_for_matching();
        }
        VendorDecision d = plan_vendor(supplier, link, index, today_);
        if (d.action == VendorAction::link && d.procore_id && index_) {
            index_->claim(*d.procore_id);
        }
        auto record = record_of(d);
        flow_.planned(record);
        switch (d.action) {
        case VendorAction::skip:
        case VendorAction::echo:
        case VendorAction::ambiguous:
            if (d.action == VendorAction::ambiguous) {
                log::warn("supplier {} \"{}\": {}", supplier.id, supplier.name, d.message);
            }
            flow_.audit_later(record, applied_action(record.action),
                              d.action == VendorAction::skip ? std::string("unchanged")
                                                             : d.message);
            return;
        case VendorAction::create:
        case VendorAction::update:
        case VendorAction::link:
            flow_.enqueue(std::move(record));
            return;
        }
    }

    Connections& connections_;
    store::Database& db_;
    const SyncPassOptions& options_;
    store::Links links_;
    store::DueDates due_dates_;
    procore::VendorApi api_;
    IncrementalFlow flow_;
    std::string today_;
    std::optional<VendorIndex> index_;
    std::set<std::string> pending_;      // suppliers with a due day stored
    std::set<std::string> seen_pending_; // … of those, the ones read in this pass
    std::vector<std::string> to_clear_;  // due days to forget once the writes are applied
};

void write_rows(json::Writer& w, const std::vector<PlanRow>& rows)
{
    w.begin_array();
    for (const auto& r : rows) {
        w.begin_object();
        w.field("action", r.action);
        w.field("oracle_key", r.oracle_key);
        if (!r.procore_key.empty()) {
            w.field("procore_key", r.procore_key);
        }
        w.field("name", r.name);
        if (!r.message.empty()) {
            w.field("message", r.message);
        }
        w.end_object();
    }
    w.end_array();
}

} // namespace

FlowSummary sync_vendors(const Config& config, Connections& connections, store::Database& db,
                         store::AuditLog& audit, std::optional<std::int64_t> run_id, Clock& clock,
                         const SyncPassOptions& options)
{
    VendorFlow flow(config, connections, db, audit, run_id, clock, options);
    return flow.run();
}

SyncPassResult run_sync_suppliers(const Config& config, Connections& connections, Clock& clock,
                                  const SyncPassOptions& options)
{
    if (options.batch_size < 1 || options.batch_size > 1000) {
        throw UsageError("batch size must be 1..1000 (Procore's sync limit)");
    }
    if (options.page_size < 1 || options.page_size > 500) {
        throw UsageError("page size must be 1..500 (Oracle's limit)");
    }
    PassRun run(config, k_sync_suppliers_command, options.dry_run, clock);
    SyncPassResult result;
    result.dry_run = options.dry_run;
    result.run_id = run.run_id();
    if (options.vendors) {
        result.flows.push_back(
            sync_vendors(config, connections, run.db(), run.audit(), run.run_id(), clock, options));
    }
    if (options.cost_codes) {
        result.flows.push_back(sync_cost_codes(config, connections, run.db(), run.audit(),
                                               run.run_id(), clock, options));
    }
    result.api_calls = connections.calls().snapshot();
    for (const auto& f : result.flows) {
        if (f.failed > 0) {
            result.exit_code = ExitCode::partial;
        }
    }
    run.finish(static_cast<int>(result.exit_code), to_json(result));
    return result;
}

std::string to_json(const SyncPassResult& result)
{
    json::Writer w;
    w.begin_object();
    w.field("command", k_sync_suppliers_command);
    w.field("dry_run", result.dry_run);
    if (result.run_id) {
        w.field("run_id", *result.run_id);
    }
    w.field("exit_code", static_cast<int>(result.exit_code));
    for (const auto& f : result.flows) {
        w.key(f.flow).begin_object();
        if (!f.skipped_reason.empty()) {
            w.field("skipped", f.skipped_reason);
        }
        w.field("pages", f.pages);
        w.field("read", f.read);
        w.key("planned").begin_object();
        for (const char* a :
             {"create", "update", "link", "skip", "echo", "ambiguous", "filtered", "retire"}) {
            const auto it = f.planned.find(a);
            w.field(a, it == f.planned.end() ? std::int64_t{0} : it->second);
        }
        w.end_object();
        w.key("applied").begin_object();
        w.field("created", f.created);
        w.field("updated", f.updated);
        w.field("linked", f.linked);
        w.field("retired", f.retired);
        w.field("failed", f.failed);
        w.end_object();
        w.field("write_calls", f.write_calls);
        w.key("watermark").begin_object();
        w.field("stream", f.stream);
        w.field("before", f.watermark_before);
        w.field("after", f.watermark_after);
        w.end_object();
        w.key("samples").begin_object();
        for (const auto& [action, rows] : f.samples) {
            w.key(action);
            write_rows(w, rows);
        }
        w.end_object();
        w.key("failures");
        write_rows(w, f.failures);
        w.key("attention");
        write_rows(w, f.attention);
        w.end_object();
    }
    w.key("api_calls").begin_object();
    std::int64_t total = 0;
    for (const auto& [endpoint, n] : result.api_calls) {
        w.field(endpoint, n);
        total += n;
    }
    w.end_object();
    w.field("api_calls_total", total);
    w.end_object();
    return w.str();
}

std::string to_text(const SyncPassResult& result)
{
    std::string out;
    auto planned = [](const FlowSummary& f, const char* a) {
        const auto it = f.planned.find(a);
        return it == f.planned.end() ? std::int64_t{0} : it->second;
    };
    for (const auto& f : result.flows) {
        const char* title =
            f.flow == "vendors" ? "suppliers -> vendors" : "GL accounts -> cost codes";
        if (!f.skipped_reason.empty()) {
            out += fmt::format("{}: skipped ({})\n", title, f.skipped_reason);
            continue;
        }
        const bool codes = f.flow == "cost_codes";
        out += fmt::format("{}{}: read {} in {} page{}; create {}, update {}, link {}, skip {}, "
                           "echo {}, ambiguous {}, filtered {}{}\n",
                           title, result.dry_run ? " (dry run, nothing written)" : "", f.read,
                           f.pages, f.pages == 1 ? "" : "s", planned(f, "create"),
                           planned(f, "update"), planned(f, "link"), planned(f, "skip"),
                           planned(f, "echo"), planned(f, "ambiguous"), planned(f, "filtered"),
                           codes ? fmt::format(", retire {}", planned(f, "retire")) : "");
        if (!result.dry_run) {
            out += fmt::format("  applied: {} created, {} updated, {} linked, {}{} failed in {} "
                               "write call{}; watermark {}\n",
                               f.created, f.updated, f.linked,
                               codes ? fmt::format("{} retired, ", f.retired) : "", f.failed,
                               f.write_calls, f.write_calls == 1 ? "" : "s",
                               f.watermark_after.empty() ? "(none)" : f.watermark_after);
        }
        auto row_line = [](const PlanRow& r) {
            return fmt::format("  {:<9} {} \"{}\"{}{}\n", r.action, r.oracle_key, r.name,
                               r.procore_key.empty() ? "" : " -> " + r.procore_key,
                               r.message.empty() ? "" : "  (" + r.message + ")");
        };
        for (const char* a : {"create", "update", "link", "retire"}) {
            const auto it = f.samples.find(a);
            if (it == f.samples.end()) {
                continue;
            }
            for (const auto& r : it->second) {
                out += row_line(r);
            }
            const auto n = planned(f, a);
            if (n > static_cast<std::int64_t>(it->second.size())) {
                out += fmt::format("  … and {} more to {}\n",
                                   n - static_cast<std::int64_t>(it->second.size()), a);
            }
        }
        // Every ambiguous record, not a sample: each needs someone to link it by hand.
        for (const auto& r : f.attention) {
            out += row_line(r);
        }
        for (const auto& r : f.failures) {
            out += fmt::format("  failed    {} \"{}\": {}\n", r.oracle_key, r.name, r.message);
        }
    }
    std::string calls;
    for (const auto& [endpoint, count] : result.api_calls) {
        calls += fmt::format("{}{} x{}", calls.empty() ? "" : ", ", endpoint, count);
    }
    out += "API calls: " + (calls.empty() ? std::string("none") : calls) + "\n";
    return out;
}

} // namespace mlc::sync
