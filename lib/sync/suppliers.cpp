#include "sync/suppliers.hpp"

#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "oracle/suppliers.hpp"
#include "procore/vendors.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/watermarks.hpp"
#include "sync/connections.hpp"
#include "sync/cost_codes.hpp"
#include "sync/pass.hpp"
#include "sync/vendor_plan.hpp"

#include <fmt/format.h>

#include <unordered_map>

namespace mlc::sync {

namespace {

constexpr const char* k_link_kind = "vendor";
constexpr const char* k_audit_kind = "supplier";

std::string cursor_text(const Cursor& c)
{
    return c.empty() ? std::string{} : c.time + "|" + c.key;
}

std::string today_of(const Clock& clock)
{
    return format_iso8601(clock.now()).substr(0, 10);
}

void add_sample(FlowSummary& sum, const std::string& action, PlanRow row, int limit)
{
    auto& rows = sum.samples[action];
    if (static_cast<int>(rows.size()) < limit) {
        rows.push_back(std::move(row));
    }
}

// The applied action's audit word for a planned action.
const char* applied_action(VendorAction a)
{
    switch (a) {
    case VendorAction::create:
        return "created";
    case VendorAction::update:
        return "updated";
    case VendorAction::link:
        return "linked";
    case VendorAction::skip:
        return "skipped";
    case VendorAction::echo:
        return "skipped";
    case VendorAction::ambiguous:
        return "ambiguous";
    }
    return "unknown";
}

class VendorFlow {
public:
    VendorFlow(const Config& config, Connections& connections, store::Database& db,
               store::AuditLog& audit, std::optional<std::int64_t> run_id, Clock& clock,
               const SyncPassOptions& options)
        : config_(config), connections_(connections), db_(db), audit_(audit), run_id_(run_id),
          clock_(clock), options_(options), links_(db), watermarks_(db), postings_(db),
          api_(connections.procore().http(), config.procore.base_url, config.procore.company_id),
          progress_(options.progress)
    {
        sum_.flow = "vendors";
        sum_.stream = k_suppliers_stream;
        today_ = today_of(clock);
    }

    FlowSummary run()
    {
        if (auto wm = watermarks_.get(k_suppliers_stream)) {
            stored_ = Cursor{wm->cursor_time, wm->cursor_key};
        }
        processed_ = stored_;
        sum_.watermark_before = cursor_text(stored_);

        oracle::SupplierCursor from;
        if (!options_.since.empty()) {
            Clock::time_point t{};
            if (!parse_iso8601(options_.since, t)) {
                throw UsageError("--since '" + options_.since + "' is not an ISO-8601 time",
                                 "e.g. --since 2026-01-31T00:00:00Z");
            }
            from.since = format_iso8601(t);
        } else if (!options_.full && !stored_.empty()) {
            from.since = minus_seconds(stored_.time, config_.oracle.poll_overlap_seconds);
            from.after_time = stored_.time;
            from.after_key = stored_.key;
        }

        auto read = oracle::read_suppliers(
            connections_.oracle(), from,
            [this](oracle::SupplierPage& page) {
                on_page(page);
                return true;
            },
            options_.page_size);
        // Whatever was planned before a read error is still applied: the watermark then
        // stops at the last record applied, and the rerun resumes there.
        flush();
        write_deferred_audit();
        progress_.done();
        if (!read) {
            advance_watermark();
            throw UnreachableError("oracle: reading suppliers failed: " + read.error().message,
                                   "check `ml-connector ping`; a rerun resumes at the watermark");
        }
        advance_watermark();
        sum_.watermark_after = cursor_text(options_.dry_run ? stored_ : max_cursor());
        return std::move(sum_);
    }

private:
    void on_page(oracle::SupplierPage& page)
    {
        ++sum_.pages;
        for (auto& supplier : page.suppliers) {
            on_supplier(supplier);
        }
        write_deferred_audit();
        progress_.update(fmt::format("suppliers: {} pages, {} read, {} planned, {} written",
                                     sum_.pages, sum_.read, planned_, written_));
    }

    std::optional<VendorLinkState> link_state(std::int64_t supplier_id)
    {
        auto link = links_.find_by_oracle(k_link_kind, std::to_string(supplier_id));
        if (!link) {
            return std::nullopt;
        }
        return VendorLinkState{link->procore_key, link->fingerprint, link->origin};
    }

    const VendorIndex* index_for_matching()
    {
        if (!index_) {
            index_.emplace();
            auto listed = api_.list([this](std::vector<procore::Vendor>& page) {
                for (const auto& v : page) {
                    index_->add(v);
                }
            });
            if (!listed) {
                throw UnreachableError("procore: listing vendors failed: " + listed.error().message,
                                       "check `ml-connector ping`");
            }
            log::info("procore: {} existing vendors listed for matching", index_->size());
        }
        return &*index_;
    }

    void on_supplier(const oracle::Supplier& supplier)
    {
        ++sum_.read;
        const Cursor cursor{supplier.last_update_date, std::to_string(supplier.id)};
        if (cursor_less(processed_, cursor)) {
            processed_ = cursor;
        }
        // Seen again while this batch is still open (updated while we paged): the newer
        // content replaces the queued item, keeping the decision already taken.
        if (auto it = batch_pos_.find(supplier.id); it != batch_pos_.end()) {
            auto& queued = batch_[it->second];
            const auto id = queued.item.id;
            queued.item = map_supplier(supplier, today_);
            queued.item.id = id;
            queued.fingerprint = vendor_fingerprint(queued.item);
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
        const std::string action(to_string(d.action));
        ++sum_.planned[action];
        ++planned_;
        add_sample(sum_, action,
                   PlanRow{action, d.item.origin_id,
                           d.procore_id ? std::to_string(*d.procore_id) : std::string{},
                           d.item.name, d.message},
                   options_.sample_rows);

        switch (d.action) {
        case VendorAction::skip:
        case VendorAction::echo:
        case VendorAction::ambiguous:
            if (d.action == VendorAction::ambiguous) {
                log::warn("supplier {} \"{}\": {}", supplier.id, supplier.name, d.message);
            }
            defer_audit(d, applied_action(d.action), std::nullopt,
                        d.action == VendorAction::skip ? std::string("unchanged") : d.message);
            return;
        case VendorAction::create:
        case VendorAction::update:
        case VendorAction::link:
            break;
        }
        if (options_.dry_run) {
            return;
        }
        batch_pos_[supplier.id] = batch_.size();
        batch_.push_back(std::move(d));
        if (static_cast<int>(batch_.size()) >= options_.batch_size) {
            flush();
        }
    }

    void defer_audit(const VendorDecision& d, const char* action, std::optional<int> status,
                     std::string message)
    {
        if (options_.dry_run) {
            return;
        }
        deferred_.push_back(entry(d, action, status, std::move(message)));
    }

    store::AuditEntry entry(const VendorDecision& d, const char* action, std::optional<int> status,
                            std::string message) const
    {
        store::AuditEntry e;
        e.run_id = run_id_;
        e.command = k_sync_suppliers_command;
        e.record_kind = k_audit_kind;
        e.oracle_key = d.item.origin_id;
        if (d.procore_id) {
            e.procore_key = std::to_string(*d.procore_id);
            e.remote_id = e.procore_key;
        }
        e.action = action;
        e.before_fp = d.before_fp;
        e.after_fp = d.fingerprint;
        e.remote_status = status;
        if (!message.empty()) {
            e.message = std::move(message);
        }
        return e;
    }

    void write_deferred_audit()
    {
        if (deferred_.empty()) {
            return;
        }
        store::Transaction tx(db_);
        for (auto& e : deferred_) {
            audit_.append(std::move(e));
        }
        tx.commit();
        deferred_.clear();
    }

    // Records a per-item failure: a failed posting (queued for replay), an audit row, the report.
    void fail_item(const VendorDecision& d, std::optional<int> status, const std::string& message)
    {
        const std::string key = "vendor:" + d.item.origin_id + ":" + d.fingerprint.substr(0, 16);
        auto posting = postings_.record_pending(key, "vendor", "procore",
                                                procore::vendor_sync_item_json(d.item), run_id_);
        postings_.mark_failed(posting.id, message);
        audit_.append(entry(d, "failed", status, message));
        ++sum_.failed;
        sum_.failures.push_back(PlanRow{
            "failed", d.item.origin_id,
            d.procore_id ? std::to_string(*d.procore_id) : std::string{}, d.item.name, message});
        log::warn("supplier {} \"{}\" not synced: {}", d.item.origin_id, d.item.name, message);
    }

    void flush()
    {
        if (batch_.empty() || options_.dry_run) {
            return;
        }
        write_deferred_audit();
        std::vector<procore::VendorSyncItem> items;
        items.reserve(batch_.size());
        std::string key_material;
        for (const auto& d : batch_) {
            items.push_back(d.item);
            key_material += d.before_fp.value_or("-");
            key_material += '\n';
        }
        const std::string body = procore::vendor_sync_body(api_.company_id(), items);
        key_material += body;
        // Same content over the same prior state is the same write: a rerun after a crash
        // finds this row again instead of recording a second one.
        const std::string source_key = "vendor_batch:" + sha256_hex(key_material);
        const auto posting =
            postings_.record_pending(source_key, "vendor_batch", "procore", body, run_id_);
        pace_writes(connections_.procore().http(), clock_);
        postings_.mark_sent(posting.id);
        auto result = api_.sync(items);
        ++sum_.write_calls;

        if (!result) {
            const auto& err = result.error();
            postings_.mark_failed(posting.id, err.message);
            if (is_fatal_write_error(err)) {
                store::Transaction tx(db_);
                for (const auto& d : batch_) {
                    audit_.append(entry(d, "failed",
                                        err.status == 0 ? std::nullopt : std::optional(err.status),
                                        "vendors/sync failed: " + err.message));
                }
                tx.commit();
                batch_.clear();
                batch_pos_.clear();
                throw UnreachableError("procore: vendors/sync failed: " + err.message,
                                       "a rerun resends from the last applied batch; nothing "
                                       "is created twice (the sync is keyed by origin_id)");
            }
            store::Transaction tx(db_);
            for (const auto& d : batch_) {
                fail_item(d, err.status, "vendors/sync refused the batch: " + err.message);
            }
            set_watermark(processed_);
            tx.commit();
            batch_.clear();
            batch_pos_.clear();
            return;
        }

        std::unordered_map<std::string, const procore::SyncEntity*> by_origin;
        for (const auto& e : result->entities) {
            by_origin[e.origin_id] = &e;
        }
        std::unordered_map<std::string, const procore::SyncItemError*> errors_by_origin;
        std::unordered_map<std::int64_t, const procore::SyncItemError*> errors_by_id;
        for (const auto& e : result->errors) {
            if (!e.origin_id.empty()) {
                errors_by_origin[e.origin_id] = &e;
            }
            if (e.id) {
                errors_by_id[*e.id] = &e;
            }
        }

        store::Transaction tx(db_);
        for (auto& d : batch_) {
            const auto ent = by_origin.find(d.item.origin_id);
            if (ent != by_origin.end()) {
                d.procore_id = ent->second->id;
                store::Link link{.kind = k_link_kind,
                                 .oracle_key = d.item.origin_id,
                                 .procore_key = std::to_string(ent->second->id),
                                 .fingerprint = d.fingerprint,
                                 .origin = "oracle",
                                 .updated_at = {}};
                if (auto up = links_.upsert(link); !up) {
                    fail_item(d, 200, up.error().message);
                    continue;
                }
                audit_.append(entry(d, applied_action(d.action), 200, d.message));
                ++written_;
                switch (d.action) {
                case VendorAction::create:
                    ++sum_.created;
                    break;
                case VendorAction::update:
                    ++sum_.updated;
                    break;
                case VendorAction::link:
                    ++sum_.linked;
                    break;
                default:
                    break;
                }
                continue;
            }
            const procore::SyncItemError* err = nullptr;
            if (auto it = errors_by_origin.find(d.item.origin_id); it != errors_by_origin.end()) {
                err = it->second;
            } else if (d.item.id) {
                if (auto jt = errors_by_id.find(*d.item.id); jt != errors_by_id.end()) {
                    err = jt->second;
                }
            }
            fail_item(d, 200,
                      err != nullptr ? err->message
                                     : std::string("vendors/sync returned no entity and "
                                                   "no error for this item"));
        }
        postings_.mark_confirmed(
            posting.id,
            fmt::format("{} entities, {} errors", result->entities.size(), result->errors.size()));
        set_watermark(processed_);
        tx.commit();
        batch_.clear();
        batch_pos_.clear();
    }

    Cursor max_cursor() const { return cursor_less(stored_, processed_) ? processed_ : stored_; }

    void set_watermark(const Cursor& c)
    {
        if (c.empty() || !cursor_less(stored_, c)) {
            return; // never moves back
        }
        watermarks_.set(store::Watermark{.stream = k_suppliers_stream,
                                         .cursor_time = c.time,
                                         .cursor_key = c.key,
                                         .updated_at = {}});
        stored_ = c;
    }

    void advance_watermark()
    {
        if (options_.dry_run || !batch_.empty()) {
            return;
        }
        store::Transaction tx(db_);
        set_watermark(processed_);
        tx.commit();
    }

    const Config& config_;
    Connections& connections_;
    store::Database& db_;
    store::AuditLog& audit_;
    std::optional<std::int64_t> run_id_;
    Clock& clock_;
    const SyncPassOptions& options_;
    store::Links links_;
    store::Watermarks watermarks_;
    store::Postings postings_;
    procore::VendorApi api_;
    Progress progress_;

    FlowSummary sum_;
    std::string today_;
    Cursor stored_;
    Cursor processed_;
    std::optional<VendorIndex> index_;
    std::vector<VendorDecision> batch_;
    std::unordered_map<std::int64_t, std::size_t> batch_pos_;
    std::vector<store::AuditEntry> deferred_;
    std::int64_t planned_ = 0;
    std::int64_t written_ = 0;
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
             {"create", "update", "link", "skip", "echo", "ambiguous", "filtered"}) {
            const auto it = f.planned.find(a);
            w.field(a, it == f.planned.end() ? std::int64_t{0} : it->second);
        }
        w.end_object();
        w.key("applied").begin_object();
        w.field("created", f.created);
        w.field("updated", f.updated);
        w.field("linked", f.linked);
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
        out += fmt::format("{}{}: read {} in {} page{}; create {}, update {}, link {}, skip {}, "
                           "echo {}, ambiguous {}, filtered {}\n",
                           title, result.dry_run ? " (dry run, nothing written)" : "", f.read,
                           f.pages, f.pages == 1 ? "" : "s", planned(f, "create"),
                           planned(f, "update"), planned(f, "link"), planned(f, "skip"),
                           planned(f, "echo"), planned(f, "ambiguous"), planned(f, "filtered"));
        if (!result.dry_run) {
            out += fmt::format("  applied: {} created, {} updated, {} linked, {} failed in {} "
                               "write call{}; watermark {}\n",
                               f.created, f.updated, f.linked, f.failed, f.write_calls,
                               f.write_calls == 1 ? "" : "s",
                               f.watermark_after.empty() ? "(none)" : f.watermark_after);
        }
        for (const char* a : {"create", "update", "link", "ambiguous"}) {
            const auto it = f.samples.find(a);
            if (it == f.samples.end()) {
                continue;
            }
            for (const auto& r : it->second) {
                out += fmt::format("  {:<9} {} \"{}\"{}{}\n", r.action, r.oracle_key, r.name,
                                   r.procore_key.empty() ? "" : " -> " + r.procore_key,
                                   r.message.empty() ? "" : "  (" + r.message + ")");
            }
            const auto n = planned(f, a);
            if (n > static_cast<std::int64_t>(it->second.size())) {
                out += fmt::format("  … and {} more to {}\n",
                                   n - static_cast<std::int64_t>(it->second.size()), a);
            }
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
