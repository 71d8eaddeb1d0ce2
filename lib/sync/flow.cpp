#include "sync/flow.hpp"

#include "auth/sha256.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "store/database.hpp"
#include "sync/connections.hpp"

#include <fmt/format.h>

#include <utility>

namespace mlc::sync {

namespace {

std::string cursor_text(const Cursor& c)
{
    return c.empty() ? std::string{} : c.time + "|" + c.key;
}

std::string id_text(const std::optional<std::int64_t>& id)
{
    return id ? std::to_string(*id) : std::string{};
}

} // namespace

std::string applied_action(const std::string& planned)
{
    if (planned == "create") {
        return "created";
    }
    if (planned == "update") {
        return "updated";
    }
    if (planned == "link") {
        return "linked";
    }
    if (planned == "retire") {
        return "retired";
    }
    if (planned == "skip" || planned == "echo") {
        return "skipped";
    }
    return planned;
}

IncrementalFlow::IncrementalFlow(FlowNames names, Connections& connections, store::Database& db,
                                 store::AuditLog& audit, std::optional<std::int64_t> run_id,
                                 Clock& clock, const SyncPassOptions& options, int overlap_seconds,
                                 BodyBuilder body, Sender send)
    : names_(std::move(names)), connections_(connections), db_(db), audit_(audit), run_id_(run_id),
      clock_(clock), options_(options), overlap_seconds_(overlap_seconds), body_(std::move(body)),
      send_(std::move(send)), links_(db), watermarks_(db), postings_(db),
      progress_(options.progress)
{
    sum_.flow = names_.flow;
    sum_.stream = names_.stream;
}

oracle::IncrementalCursor IncrementalFlow::start()
{
    if (auto wm = watermarks_.get(names_.stream)) {
        stored_ = Cursor{wm->cursor_time, wm->cursor_key};
    }
    processed_ = stored_;
    sum_.watermark_before = cursor_text(stored_);

    oracle::IncrementalCursor from;
    if (!options_.since.empty()) {
        Clock::time_point t{};
        if (!parse_iso8601(options_.since, t)) {
            throw UsageError("--since '" + options_.since + "' is not an ISO-8601 time",
                             "e.g. --since 2026-01-31T00:00:00Z");
        }
        from.since = format_iso8601(t);
    } else if (!options_.full && !stored_.empty()) {
        from.since = minus_seconds(stored_.time, overlap_seconds_);
        from.after_time = stored_.time;
        from.after_key = stored_.key;
    }
    return from;
}

void IncrementalFlow::saw(const std::string& last_update_date, const std::string& key, bool advance)
{
    ++sum_.read;
    const Cursor cursor{last_update_date, key};
    if (advance && cursor_less(processed_, cursor)) {
        processed_ = cursor;
    }
}

void IncrementalFlow::planned(const FlowRecord& r)
{
    ++sum_.planned[r.action];
    ++planned_;
    PlanRow row{r.action, r.oracle_key, id_text(r.procore_id), r.name, r.message};
    if (r.action == "ambiguous") {
        sum_.attention.push_back(row);
    }
    auto& rows = sum_.samples[r.action];
    if (static_cast<int>(rows.size()) < options_.sample_rows) {
        rows.push_back(std::move(row));
    }
}

void IncrementalFlow::audit_later(const FlowRecord& record, const std::string& action,
                                  std::string message)
{
    if (options_.dry_run) {
        return;
    }
    deferred_.push_back(entry(record, action, std::nullopt, message));
}

void IncrementalFlow::page_done()
{
    ++sum_.pages;
    write_deferred_audit();
    progress_.update(fmt::format("{}: {} pages, {} read, {} planned, {} written", names_.flow,
                                 sum_.pages, sum_.read, planned_, written_));
}

store::AuditEntry IncrementalFlow::entry(const FlowRecord& r, const std::string& action,
                                         std::optional<int> status,
                                         const std::string& message) const
{
    store::AuditEntry e;
    e.run_id = run_id_;
    e.command = k_sync_suppliers_command;
    e.record_kind = names_.audit_kind;
    e.oracle_key = r.oracle_key;
    if (r.procore_id) {
        e.procore_key = std::to_string(*r.procore_id);
        e.remote_id = e.procore_key;
    }
    e.action = action;
    e.before_fp = r.before_fp;
    e.after_fp = r.fingerprint;
    e.remote_status = status;
    if (!message.empty()) {
        e.message = message;
    }
    return e;
}

void IncrementalFlow::write_deferred_audit()
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

void IncrementalFlow::fail(const FlowRecord& r, std::optional<int> status,
                           const std::string& message)
{
    const std::string key =
        names_.link_kind + ":" + r.oracle_key + ":" + r.fingerprint.substr(0, 16);
    auto posting = postings_.record_pending(key, names_.link_kind, "procore", r.item_json, run_id_);
    postings_.mark_failed(posting.id, message);
    audit_.append(entry(r, "failed", status, message));
    ++sum_.failed;
    sum_.failures.push_back(
        PlanRow{"failed", r.oracle_key, id_text(r.procore_id), r.name, message});
    log::warn("{} {} \"{}\" not synced: {}", names_.record_label, r.oracle_key, r.name, message);
}

void IncrementalFlow::enqueue(FlowRecord record)
{
    if (options_.dry_run) {
        return;
    }
    batch_pos_[record.oracle_key] = batch_.size();
    batch_.push_back(std::move(record));
    if (static_cast<int>(batch_.size()) >= options_.batch_size) {
        flush();
    }
}

FlowRecord* IncrementalFlow::queued(const std::string& oracle_key)
{
    const auto it = batch_pos_.find(oracle_key);
    return it == batch_pos_.end() ? nullptr : &batch_[it->second];
}

void IncrementalFlow::flush()
{
    if (batch_.empty() || options_.dry_run) {
        return;
    }
    write_deferred_audit();
    std::vector<std::string> items;
    items.reserve(batch_.size());
    std::string key_material;
    for (const auto& r : batch_) {
        items.push_back(r.item_json);
        key_material += r.before_fp.value_or("-");
        key_material += '\n';
    }
    const std::string body = body_(items);
    key_material += body;
    // Same content over the same prior state is the same write: a rerun after a crash finds
    // this row again instead of recording a second one.
    const std::string batch_kind = names_.link_kind + "_batch";
    const auto posting = postings_.record_pending(batch_kind + ":" + sha256_hex(key_material),
                                                  batch_kind, "procore", body, run_id_);
    pace_writes(connections_.procore().http(), clock_);
    postings_.mark_sent(posting.id);
    auto result = send_(body);
    ++sum_.write_calls;

    if (!result) {
        const auto& err = result.error();
        postings_.mark_failed(posting.id, err.message);
        store::Transaction tx(db_);
        if (is_fatal_write_error(err)) {
            for (const auto& r : batch_) {
                audit_.append(entry(r, "failed",
                                    err.status == 0 ? std::nullopt : std::optional(err.status),
                                    names_.endpoint + " failed: " + err.message));
            }
            tx.commit();
            batch_.clear();
            batch_pos_.clear();
            throw UnreachableError("procore: " + names_.endpoint + " failed: " + err.message,
                                   "a rerun resends from the last applied batch; nothing "
                                   "is created twice (the sync is keyed by origin_id)");
        }
        for (const auto& r : batch_) {
            fail(r, err.status, names_.endpoint + " refused the batch: " + err.message);
        }
        set_watermark(processed_);
        tx.commit();
    } else {
        store::Transaction tx(db_);
        apply_result(*result);
        postings_.mark_confirmed(
            posting.id,
            fmt::format("{} entities, {} errors", result->entities.size(), result->errors.size()));
        set_watermark(processed_);
        tx.commit();
    }
    batch_.clear();
    batch_pos_.clear();
}

void IncrementalFlow::apply_result(const procore::SyncResult& result)
{
    std::unordered_map<std::string, const procore::SyncEntity*> by_origin;
    for (const auto& e : result.entities) {
        by_origin[e.origin_id] = &e;
    }
    std::unordered_map<std::string, const procore::SyncItemError*> errors_by_origin;
    std::unordered_map<std::int64_t, const procore::SyncItemError*> errors_by_id;
    for (const auto& e : result.errors) {
        if (!e.origin_id.empty()) {
            errors_by_origin[e.origin_id] = &e;
        }
        if (e.id) {
            errors_by_id[*e.id] = &e;
        }
    }
    for (auto& r : batch_) {
        if (const auto ent = by_origin.find(r.oracle_key); ent != by_origin.end()) {
            r.procore_id = ent->second->id;
            store::Link link{.kind = names_.link_kind,
                             .oracle_key = r.oracle_key,
                             .procore_key = std::to_string(ent->second->id),
                             .fingerprint = r.fingerprint,
                             .origin = "oracle",
                             .updated_at = {}};
            if (auto up = links_.upsert(link); !up) {
                fail(r, 200, up.error().message);
                continue;
            }
            audit_.append(entry(r, applied_action(r.action), 200, r.message));
            ++written_;
            if (r.action == "create") {
                ++sum_.created;
            } else if (r.action == "update") {
                ++sum_.updated;
            } else if (r.action == "link") {
                ++sum_.linked;
            } else if (r.action == "retire") {
                ++sum_.retired;
            }
            continue;
        }
        const procore::SyncItemError* err = nullptr;
        if (auto it = errors_by_origin.find(r.oracle_key); it != errors_by_origin.end()) {
            err = it->second;
        } else if (r.sent_id) {
            if (auto jt = errors_by_id.find(*r.sent_id); jt != errors_by_id.end()) {
                err = jt->second;
            }
        }
        fail(r, 200,
             err != nullptr ? err->message
                            : names_.endpoint + " returned no entity and no error for this item");
    }
}

void IncrementalFlow::set_watermark(const Cursor& c)
{
    if (c.empty() || !cursor_less(stored_, c)) {
        return; // never moves back
    }
    watermarks_.set(store::Watermark{
        .stream = names_.stream, .cursor_time = c.time, .cursor_key = c.key, .updated_at = {}});
    stored_ = c;
}

void IncrementalFlow::finish(const std::expected<oracle::ReadStats, http::Error>& read,
                             const std::string& what, const std::string& hint)
{
    // Whatever was planned before a read error is still applied: the watermark then stops at
    // the last record applied, and the rerun resumes there.
    flush();
    write_deferred_audit();
    progress_.done();
    if (!options_.dry_run) {
        store::Transaction tx(db_);
        set_watermark(processed_);
        tx.commit();
    }
    sum_.watermark_after = cursor_text(stored_);
    if (!read) {
        throw UnreachableError(what + ": " + read.error().message, hint);
    }
}

} // namespace mlc::sync
