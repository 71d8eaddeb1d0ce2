#include "sync/flows/suppliers/suppliers.hpp"

#include "core/log.hpp"
#include "oracle/suppliers.hpp"
#include "procore/vendors.hpp"
#include "store/database.hpp"
#include "store/inbox.hpp"
#include "store/links.hpp"
#include "store/retries.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/errors.hpp"
#include "sync/engine/procore_sync_target.hpp"
#include "sync/engine/read_ahead.hpp"
#include "sync/flows/suppliers/vendor_plan.hpp"

#include <fmt/format.h>

#include <map>
#include <set>
#include <unordered_map>

namespace mlc::flows {

namespace {

const engine::FlowInfo& k_flow = engine::flow::vendors;

engine::FlowRecord record_of(const VendorDecision& d)
{
    return engine::FlowRecord{
        .action = std::string(to_string(d.action)),
        .key = d.item.origin_id,
        .target_id = d.procore_id ? std::optional(std::to_string(*d.procore_id)) : std::nullopt,
        .sent_id = d.item.id,
        .fingerprint = d.fingerprint,
        .before_fp = d.before_fp,
        .name = d.item.name,
        .message = d.message,
        .item_json = d.item_json.empty() ? procore::vendor_sync_item_json(d.item) : d.item_json};
}

// A page of suppliers with each one already mapped (on the reader thread).
struct MappedPage {
    oracle::SupplierPage page;
    std::vector<MappedVendor> mapped;
};

// Suppliers -> vendors: read, plan each with plan_vendor, apply through the engine.
class VendorFlow {
public:
    VendorFlow(engine::Context& ctx, const engine::PassOptions& options,
               const engine::FlowScope& scope)
        : ctx_(ctx), options_(options), scope_(scope), links_(ctx.db()), retries_(ctx.db()),
          api_(ctx.connections.procore().http(), ctx.config.procore.base_url,
               ctx.config.procore.company_id),
          target_(
              ctx.connections.procore().http(), ctx.config.procore.base_url,
              ctx.config.procore.company_id, "/rest/v1.0/vendors/sync", nullptr,
              [this]() { return listing(); }, ctx.clock),
          flow_(k_flow, ctx, options, target_, ctx.config.oracle.poll_overlap_seconds),
          today_(format_iso8601(ctx.clock.now()).substr(0, 10))
    {}

    engine::FlowSummary run()
    {
        flow_.resolve_unconfirmed();
        if (!options_.dry_run && scope_.incremental) {
            take_vendor_events();
        }
        flow_.replay(scope_.replay);
        flow_.force(scope_.keys, scope_.resend_unchanged);
        // The records due for a re-read by id; only these are remembered as seen (so a record
        // the incremental read just brought is not read twice), which keeps memory flat.
        for (auto& key : flow_.due_keys(scope_.incremental)) {
            due_.insert(std::move(key));
        }
        for (const auto& r :
             retries_.all(std::string(k_flow.stream), store::retry_reason::inactive_date)) {
            pending_due_.insert(r.record_key);
        }
        const auto from = flow_.start();
        auto sink = [this](bool advance) {
            return [this, advance](oracle::SupplierPage& page) {
                prefetch_links(page);
                for (const auto& supplier : page.suppliers) {
                    on_supplier(supplier, map_vendor(supplier, today_), advance);
                }
                page_links_.clear();
                flow_.page_done();
                return true;
            };
        };
        std::expected<void, http::Error> read;
        if (scope_.incremental) {
            // Oracle's pages are fetched and parsed on a worker thread while this one plans and
            // writes the pages already read (engine/read_ahead.hpp).
            const oracle::IncrementalCursor cursor{from.since, from.after.time, from.after.key};
            // Mapping each supplier to its vendor item and fingerprint needs no state, so it
            // is done there too; this thread only decides and writes.
            auto changed = engine::read_ahead<MappedPage, oracle::ReadStats>(
                [&](const std::function<bool(MappedPage&)>& ahead) {
                    return oracle::read_suppliers(
                        ctx_.connections.oracle(), cursor,
                        [&](oracle::SupplierPage& page) {
                            MappedPage mp;
                            mp.mapped.reserve(page.suppliers.size());
                            for (const auto& supplier : page.suppliers) {
                                mp.mapped.push_back(map_vendor(supplier, today_));
                            }
                            mp.page = std::move(page);
                            return ahead(mp);
                        },
                        options_.page_size);
                },
                [&](MappedPage& mp) {
                    prefetch_links(mp.page);
                    for (std::size_t i = 0; i < mp.page.suppliers.size(); ++i) {
                        on_supplier(mp.page.suppliers[i], std::move(mp.mapped[i]), true);
                    }
                    page_links_.clear();
                    flow_.page_done();
                });
            if (!changed) {
                read = std::unexpected(changed.error());
            }
        }
        if (read) {
            read = read_due(sink(false));
        }
        flow_.finish(read, "reading suppliers",
                     "check `ml-connector ping`; a rerun resumes at the watermark");
        // Only now, with every planned write applied: a due day is forgotten once the vendor
        // change it stood for has been written (a crash before this re-reads the supplier).
        if (!options_.dry_run && !to_clear_.empty()) {
            store::Transaction tx(ctx_.db());
            for (const auto& [key, all] : to_clear_) {
                if (all) {
                    retries_.clear_all(std::string(k_flow.stream), key);
                } else {
                    retries_.clear(std::string(k_flow.stream), key,
                                   store::retry_reason::inactive_date);
                }
            }
            tx.commit();
        }
        replayed_ = flow_.replayed();
        return std::move(flow_.summary());
    }

    const std::map<std::int64_t, std::string>& replayed() const { return replayed_; }

private:
    // ---- reading ----

    // The suppliers due for a re-read (failed, lost, drifted, an InactiveDate come, or asked for
    // by replay) that the incremental read did not just bring: by id, a few per GET. No GET at
    // all when none is due.
    std::expected<void, http::Error> read_due(const oracle::SupplierPageSink& sink)
    {
        std::vector<std::int64_t> ids;
        for (const auto& key : due_) {
            if (seen_.contains(key)) {
                continue;
            }
            try {
                ids.push_back(std::stoll(key));
            } catch (const std::exception&) {
                to_clear_[key] = true; // not a SupplierId: never asked for
            }
        }
        if (ids.empty()) {
            return {};
        }
        log::info("suppliers: re-reading {} by id (retry queue, due dates, replay)", ids.size());
        auto read = oracle::read_suppliers_by_id(ctx_.connections.oracle(), ids, sink);
        if (!read) {
            return std::unexpected(read.error());
        }
        // Gone from Oracle (purged): nothing left to re-read on later passes.
        for (const auto id : ids) {
            if (!seen_.contains(std::to_string(id))) {
                to_clear_[std::to_string(id)] = true;
            }
        }
        return {};
    }

    // Keeps the supplier's due day (a future InactiveDate) or marks it for clearing.
    void note_due(const oracle::Supplier& supplier, const std::string& key)
    {
        if (options_.dry_run) {
            return;
        }
        if (auto day = vendor_due_on(supplier, today_)) {
            retries_.schedule(std::string(k_flow.stream), key, store::retry_reason::inactive_date,
                              *day + "T00:00:00Z", std::string("InactiveDate"));
            pending_due_.insert(key);
        } else if (pending_due_.contains(key)) {
            to_clear_.try_emplace(key, false);
        }
    }

    // The page's links in a few queries instead of one per supplier.
    void prefetch_links(const oracle::SupplierPage& page)
    {
        std::vector<std::string> keys;
        keys.reserve(page.suppliers.size());
        for (const auto& s : page.suppliers) {
            keys.push_back(std::to_string(s.id));
        }
        page_links_ = links_.find_many_by_oracle(std::string(k_flow.link_kind), keys);
    }

    std::optional<VendorLinkState> link_state(const std::string& key) const
    {
        const auto it = page_links_.find(key);
        if (it == page_links_.end()) {
            return std::nullopt;
        }
        const auto& link = it->second;
        return VendorLinkState{link.procore_key, link.fingerprint, link.origin};
    }

    // Every Procore vendor, active and inactive (Procore lists them apart).
    std::expected<std::vector<procore::Vendor>, http::Error> list_vendors()
    {
        std::vector<procore::Vendor> all;
        auto add = [&all](std::vector<procore::Vendor>& page) {
            all.insert(all.end(), std::make_move_iterator(page.begin()),
                       std::make_move_iterator(page.end()));
        };
        auto listed = api_.list(add);
        if (listed) {
            listed = api_.list_inactive(add);
        }
        if (!listed) {
            return std::unexpected(listed.error());
        }
        return all;
    }

    // The pre-existing vendors for matching: a vendor that carries our origin_id but is
    // inactive is ours and must be linked, not re-created, and a hand-made inactive vendor is
    // as much a duplicate risk as an active one. Listed once per pass, and only when some
    // supplier has no link.
    const VendorIndex* index_for_matching()
    {
        if (!index_) {
            flow_.quiesce(); // the batch in flight is using the Procore client

            auto all = list_vendors();
            if (!all) {
                engine::stop("procore", "listing vendors", all.error());
            }
            index_.emplace();
            for (const auto& v : *all) {
                index_->add(v);
            }
            log::info("procore: {} existing vendors listed for matching", index_->size());
        }
        return &*index_;
    }

    // What Procore holds, by origin_id, for looking up a batch whose answer was lost.
    std::expected<engine::ProcoreSyncTarget::Listing, http::Error> listing()
    {
        auto all = list_vendors();
        if (!all) {
            return std::unexpected(all.error());
        }
        engine::ProcoreSyncTarget::Listing out;
        for (const auto& v : *all) {
            if (!v.origin_id.empty()) {
                out[v.origin_id] = engine::ProcoreSyncTarget::Held{
                    std::to_string(v.id), vendor_fingerprint(vendor_item_of(v))};
            }
        }
        return out;
    }

    // ---- webhook events: hand edits of our vendors ----

    // "Company Vendors" events from the inbox. A vendor we own whose fields (those we write)
    // no longer match what we wrote is drift: its supplier is re-read and the vendor restored
    // in this pass, and the drift is audited with what differed. Other events are done with
    // the reason. The vendor is fetched by id: a webhook only says *what* changed.
    void take_vendor_events()
    {
        store::Inbox inbox(ctx_.db());
        const auto events = inbox.list(store::inbox_status::fresh,
                                       engine::resources_of_pass(engine::command::sync_suppliers));
        if (events.empty()) {
            return;
        }
        std::set<std::string> done_vendors;
        for (const auto& e : events) {
            auto outcome = vendor_event(e, done_vendors);
            inbox.set_status(e.id, outcome.first, outcome.second);
        }
    }

    std::pair<std::string, std::string> vendor_event(const store::InboxEvent& e,
                                                     std::set<std::string>& done_vendors)
    {
        const auto link = links_.find_by_procore(std::string(k_flow.link_kind), e.resource_id);
        if (!link || !link->oracle_key) {
            return {store::inbox_status::done, "not a vendor this connector owns"};
        }
        if (link->origin == "procore") {
            return {store::inbox_status::done, "the vendor came from Procore"};
        }
        const std::string supplier = *link->oracle_key;
        if (!done_vendors.insert(e.resource_id).second) {
            return {store::inbox_status::done, "vendor already checked in this pass"};
        }
        std::int64_t vendor_id = 0;
        try {
            vendor_id = std::stoll(e.resource_id);
        } catch (const std::exception&) {
            return {store::inbox_status::failed, "the event's resource id is not a vendor id"};
        }
        auto held = api_.get(vendor_id);
        if (!held) {
            if (engine::is_fatal(held.error())) {
                engine::stop("procore", "reading vendor " + e.resource_id, held.error());
            }
            return {store::inbox_status::failed,
                    "reading vendor " + e.resource_id + ": " + engine::describe(held.error())};
        }
        std::string what;
        if (!*held) {
            what = "deleted in Procore";
            drifted_[supplier] = std::nullopt;
        } else {
            const auto item = vendor_item_of(**held);
            if (vendor_fingerprint(item) == link->fingerprint) {
                return {store::inbox_status::done, "no change to the fields we own"};
            }
            what = "edited in Procore";
            drifted_[supplier] = item;
        }
        // Make the supplier plan an update (the link no longer claims the content is there),
        // keep it due until restored, and re-read it in this pass.
        store::Transaction tx(ctx_.db());
        auto l = *link;
        l.fingerprint = "drift:" + e.event_id; // never the fingerprint of real content
        l.drift = fmt::format("{} (event {} {})", what, e.event_type, e.event_id);
        if (auto up = links_.upsert(l); !up) {
            return {store::inbox_status::failed, up.error().message};
        }
        flow_.queue(supplier, store::retry_reason::drift, *l.drift);
        tx.commit();
        flow_.force({supplier}, /*resend_unchanged=*/true);
        return {store::inbox_status::done, "drift: vendor " + e.resource_id + " " + what
                                               + "; supplier " + supplier + " restores it"};
    }

    // The audit row and report for a drifted vendor, once Oracle's values are known.
    void report_drift(const std::string& key, const procore::VendorSyncItem& wanted,
                      const engine::FlowRecord& record)
    {
        const auto it = drifted_.find(key);
        if (it == drifted_.end()) {
            return;
        }
        std::string message;
        if (!it->second) {
            message = "vendor deleted in Procore; restored from Oracle";
        } else {
            const auto diffs = vendor_differences(*it->second, wanted);
            message = "vendor edited in Procore: ";
            for (std::size_t i = 0; i < diffs.size(); ++i) {
                message += (i == 0 ? "" : "; ") + diffs[i];
            }
            if (diffs.empty()) {
                message += "no owned field differs from Oracle now";
            }
            message += "; Oracle's values are restored";
        }
        ++flow_.summary().drift;
        flow_.summary().attention.push_back(
            engine::PlanRow{"drift", key, record.target_id.value_or(""), record.name, message});
        ctx_.audit().append(flow_.entry(record, engine::action::drift, std::nullopt, message));
        drifted_.erase(it);
    }

    // ---- planning ----

    void on_supplier(const oracle::Supplier& supplier, MappedVendor mapped, bool advance)
    {
        const std::string key = std::to_string(supplier.id);
        if (!advance && seen_.contains(key)) {
            return; // the incremental read brought it already
        }
        if (due_.contains(key)) {
            seen_.insert(key);
        }
        flow_.saw(engine::Cursor{supplier.last_update_date, key}, advance);
        note_due(supplier, key);
        // Seen again while this batch is still open (updated while we paged): the newer
        // content replaces the queued item, keeping the decision already taken.
        if (auto* queued = flow_.queued(key)) {
            auto item = std::move(mapped.item);
            item.id = queued->sent_id;
            queued->fingerprint = std::move(mapped.fingerprint);
            queued->name = item.name;
            queued->item_json = procore::vendor_sync_item_json(item);
            return;
        }
        const auto link = link_state(key);
        const VendorIndex* index = nullptr;
        if (!link || !link->target_key) {
            index = index_for_matching();
        }
        VendorDecision d = plan_vendor(supplier, std::move(mapped), link, index);
        if (d.action == VendorAction::link && d.procore_id && index_) {
            index_->claim(*d.procore_id);
        }
        if (d.action == VendorAction::skip && flow_.forced(key)) {
            d.action = VendorAction::update; // replay: send it although the link says it is there
            d.message = "sent again on request";
        }
        auto record = record_of(d);
        if (!options_.dry_run) {
            report_drift(key, d.item, record);
        }
        flow_.planned(record);
        switch (d.action) {
        case VendorAction::skip:
        case VendorAction::echo:
        case VendorAction::ambiguous:
            if (d.action == VendorAction::ambiguous) {
                log::warn("supplier {} \"{}\": {}", supplier.id, supplier.name, d.message);
                // Waiting on a person (link one by hand): re-read daily until that is done, as
                // the supplier may not change in Oracle again.
                if (!options_.dry_run) {
                    flow_.queue(key, store::retry_reason::ambiguous, d.message,
                                std::chrono::hours{24});
                }
            }
            flow_.audit_later(record, engine::applied_action(record.action),
                              d.action == VendorAction::skip ? std::string("unchanged")
                                                             : d.message);
            return;
        case VendorAction::create:
        case VendorAction::update:
        case VendorAction::link:
            if (flow_.worth_sending(record)) {
                flow_.enqueue(std::move(record));
            }
            return;
        }
    }

    engine::Context& ctx_;
    const engine::PassOptions& options_;
    engine::FlowScope scope_;
    store::Links links_;
    store::Retries retries_;
    procore::VendorApi api_;
    engine::ProcoreSyncTarget target_;
    engine::BatchFlow flow_;
    std::string today_;
    std::optional<VendorIndex> index_;
    std::unordered_map<std::string, store::Link> page_links_; // links of the page being planned
    std::set<std::string> pending_due_;    // suppliers with an InactiveDate due stored
    std::set<std::string> due_;            // suppliers due for a re-read by id
    std::set<std::string> seen_;           // … of those, the ones read in this pass
    std::map<std::string, bool> to_clear_; // key -> forget every reason (else InactiveDate)
    std::map<std::string, std::optional<procore::VendorSyncItem>> drifted_; // supplier -> held
    std::map<std::int64_t, std::string> replayed_;
};

} // namespace

engine::FlowSummary sync_vendors(engine::Context& ctx, const engine::PassOptions& options,
                                 const engine::FlowScope& scope)
{
    VendorFlow flow(ctx, options, scope);
    auto summary = flow.run();
    summary.replayed = flow.replayed();
    return summary;
}

} // namespace mlc::flows
