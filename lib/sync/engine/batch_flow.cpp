#include "sync/engine/batch_flow.hpp"

#include "auth/sha256.hpp"
#include "core/crash_point.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "store/database.hpp"
#include "sync/engine/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <set>
#include <utility>

namespace mlc::engine {

namespace {

bool is_write_action(std::string_view action)
{
    return action == "create" || action == "update" || action == "link" || action == "retire";
}

// The reasons a re-read by id settles once the record is applied or needs nothing any more.
// (InactiveDate belongs to the flow that set it.)
constexpr const char* k_settled_reasons[] = {store::retry_reason::ambiguous,
                                             store::retry_reason::failed, store::retry_reason::lost,
                                             store::retry_reason::drift};

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

std::vector<std::string> record_lines(const std::vector<ItemRef>& refs)
{
    std::vector<std::string> out;
    out.reserve(refs.size());
    for (const auto& r : refs) {
        out.push_back(r.fingerprint.empty() ? r.key : r.key + " " + r.fingerprint);
    }
    return out;
}

std::vector<ItemRef> item_refs(const std::vector<std::string>& lines)
{
    std::vector<ItemRef> out;
    out.reserve(lines.size());
    for (const auto& line : lines) {
        const auto space = line.find(' ');
        if (space == std::string::npos) {
            out.push_back(ItemRef{line, {}});
        } else {
            out.push_back(ItemRef{line.substr(0, space), line.substr(space + 1)});
        }
    }
    return out;
}

BatchFlow::BatchFlow(const FlowInfo& info, Context& ctx, const PassOptions& options,
                     BatchTarget& target, int overlap_seconds)
    : info_(info), ctx_(ctx), options_(options), target_(target), overlap_seconds_(overlap_seconds),
      links_(ctx.db()), watermarks_(ctx.db()), retries_(ctx.db()),
      outbox_(ctx.db(), ctx.run.run_id()), progress_(options.progress),
      now_(format_iso8601(ctx.clock.now()))
{
    sum_.flow = std::string(info_.name);
    sum_.title = std::string(info_.title);
    sum_.stream = std::string(info_.stream);
}

std::string BatchFlow::item_key(const std::string& key, const std::string& fingerprint) const
{
    return fmt::format("{}:{}:{}", info_.link_kind, key, fingerprint.substr(0, 16));
}

store::Link BatchFlow::link_of(const std::string& key, const std::string& target_id,
                               const std::string& fingerprint) const
{
    store::Link link;
    link.kind = std::string(info_.link_kind);
    if (info_.source == "oracle") {
        link.oracle_key = key;
        link.procore_key = target_id;
    } else {
        link.procore_key = key;
        link.oracle_key = target_id;
    }
    link.fingerprint = fingerprint;
    link.origin = std::string(info_.source);
    return link;
}

store::AuditEntry BatchFlow::entry(const FlowRecord& r, std::string_view action,
                                   std::optional<int> status, const std::string& message) const
{
    store::AuditEntry e;
    e.run_id = ctx_.run.run_id();
    e.command = ctx_.run.command();
    e.record_kind = std::string(info_.audit_kind);
    std::optional<std::string> source = r.key;
    std::optional<std::string> target = r.target_id;
    if (info_.source == "oracle") {
        e.oracle_key = source;
        e.procore_key = target;
    } else {
        e.procore_key = source;
        e.oracle_key = target;
    }
    e.remote_id = target;
    e.action = std::string(action);
    e.before_fp = r.before_fp;
    e.after_fp = r.fingerprint;
    e.remote_status = status;
    if (!message.empty()) {
        e.message = message;
    }
    return e;
}

std::string BatchFlow::backoff_due(int attempts) const
{
    // Exactly this content was refused: re-read after 1 h, 2 h, 4 h … at most a day apart, in
    // case a fix elsewhere (the mapping, the target's own state) makes it go through.
    Clock::time_point now{};
    parse_iso8601(now_, now);
    const int exponent = std::clamp(attempts - 1, 0, 5);
    const auto hours = std::min(24, 1 << exponent);
    return format_iso8601(now + std::chrono::hours{hours});
}

std::unordered_set<std::string>& BatchFlow::unsettled()
{
    // The records with something to settle: a re-read queued for a failure, a lost write or a
    // drift, or a failed posting. Usually a handful, so the common record (applied, nothing
    // pending) costs no query at all.
    if (!unsettled_) {
        unsettled_.emplace();
        for (const auto& r : retries_.all(std::string(info_.stream))) {
            if (r.reason != store::retry_reason::inactive_date) {
                unsettled_->insert(r.record_key);
            }
        }
        store::PostingFilter f;
        f.kinds = {std::string(info_.link_kind)};
        f.statuses = {store::posting_status::failed};
        for (const auto& p : outbox_.postings().list(f)) {
            for (const auto& ref : item_refs(p.records)) {
                unsettled_->insert(ref.key);
            }
        }
    }
    return *unsettled_;
}

void BatchFlow::queue(const std::string& key, const std::string& reason, const std::string& message,
                      std::chrono::hours delay)
{
    std::string due = now_;
    if (delay.count() > 0) {
        Clock::time_point now{};
        parse_iso8601(now_, now);
        due = format_iso8601(now + delay);
    }
    retries_.schedule(std::string(info_.stream), key, reason, due, message);
    unsettled().insert(key);
}

void BatchFlow::settle(const std::string& key)
{
    auto& pending = unsettled();
    const auto it = pending.find(key);
    if (it == pending.end()) {
        return;
    }
    pending.erase(it);
    for (const char* reason : k_settled_reasons) {
        retries_.clear(std::string(info_.stream), key, reason);
    }
    outbox_.postings().supersede_failed(std::string(info_.link_kind), key,
                                        "a newer version of the record was applied");
}

// ---- resolving what earlier passes left ----

void BatchFlow::resolve_unconfirmed()
{
    const auto kinds = info_.posting_kinds();
    auto& postings = outbox_.postings();
    store::PostingFilter filter;
    filter.kinds = {std::string(info_.link_kind)};
    if (!info_.batch_kind.empty()) {
        filter.kinds.emplace_back(info_.batch_kind);
    }
    filter.statuses = {store::posting_status::sent, store::posting_status::pending};
    if (options_.dry_run) {
        for (const auto& p : postings.list(filter)) {
            if (p.attempts > 0) {
                sum_.attention.push_back(PlanRow{"unresolved",
                                                 p.source_key,
                                                 {},
                                                 {},
                                                 "left sent by an earlier pass; the next real "
                                                 "pass looks it up before anything else"});
            }
        }
        return;
    }
    {
        store::Transaction tx(ctx_.db());
        sum_.superseded += postings.supersede_unsent(kinds);
        tx.commit();
    }
    supersede_settled_batches();
    for (const auto& p : postings.list(filter)) {
        if (p.attempts > 0) {
            resolve_posting(p);
        }
    }
}

void BatchFlow::resolve_posting(const store::Posting& posting)
{
    const auto refs = item_refs(posting.records);
    std::map<std::string, std::string> found;
    PostHandlers h;
    h.lookup = [&]() -> LookupResult {
        auto f = target_.find(refs);
        if (!f) {
            return std::unexpected(f.error());
        }
        found = std::move(*f);
        const bool all = std::all_of(refs.begin(), refs.end(),
                                     [&](const ItemRef& r) { return found.contains(r.key); });
        if (!all) {
            return std::optional<Found>{};
        }
        return std::optional<Found>{Found{fmt::format("{} items found by lookup", refs.size())}};
    };
    auto adopt = [&](const ItemRef& ref, const std::string& message) {
        FlowRecord r;
        r.key = ref.key;
        r.fingerprint = ref.fingerprint;
        if (auto l = info_.source == "oracle"
                         ? links_.find_by_oracle(std::string(info_.link_kind), ref.key)
                         : links_.find_by_procore(std::string(info_.link_kind), ref.key)) {
            r.before_fp = l->fingerprint;
        }
        apply_written(r, found.at(ref.key), action::confirmed, std::nullopt, message);
    };
    h.confirmed = [&](const std::string&, bool) {
        for (const auto& ref : refs) {
            adopt(ref, fmt::format("posting {}: written by an earlier attempt whose answer was "
                                   "lost; found by lookup, not sent again",
                                   posting.id));
        }
    };
    h.failed = [&](const std::string&, const std::string& message) {
        for (const auto& ref : refs) {
            if (found.contains(ref.key)) {
                adopt(ref,
                      fmt::format("posting {}: found by lookup after a lost answer", posting.id));
                continue;
            }
            queue(ref.key, store::retry_reason::lost, message);
            FlowRecord r;
            r.key = ref.key;
            r.fingerprint = ref.fingerprint;
            ctx_.audit().append(entry(r, action::failed, std::nullopt,
                                      fmt::format("posting {}: {}", posting.id, message)));
        }
    };
    const auto result = outbox_.resolve(posting, h);
    switch (result.outcome) {
    case PostOutcome::found:
        ++sum_.resolved;
        log::info("{}: posting {} ({} record{}) resolved by lookup: applied before, not sent again",
                  info_.name, posting.id, refs.size(), refs.size() == 1 ? "" : "s");
        break;
    case PostOutcome::lost:
        ++sum_.lost;
        log::warn("{}: posting {} was lost in transit ({} does not have it); its records are "
                  "re-read and sent again",
                  info_.name, posting.id, info_.target);
        break;
    case PostOutcome::already:
        break;
    default:
        stop(info_.target,
             fmt::format("looking up posting {} ({}) left unconfirmed by an earlier pass",
                         posting.id, posting.source_key),
             result.error.value_or(http::Error{}),
             "nothing of this flow is sent while one of its writes is unresolved; run again "
             "when the system answers");
    }
}

// ---- replay ----

void BatchFlow::replay(const std::vector<store::Posting>& selected)
{
    for (const auto& chosen : selected) {
        // As it stands now: resolve_unconfirmed() may have settled it already.
        const auto current = outbox_.postings().find(chosen.id);
        const store::Posting& p = current ? *current : chosen;
        if (!info_.extra_kind.empty() && p.kind == info_.extra_kind) {
            continue; // the flow resolves its own extra postings when it runs
        }
        if (p.status == store::posting_status::confirmed
            || p.status == store::posting_status::superseded) {
            replayed_[p.id] =
                p.status != chosen.status && p.status == store::posting_status::confirmed
                    ? fmt::format("{} already has it: confirmed by lookup, nothing sent",
                                  info_.target)
                    : fmt::format("already {}; nothing to do", p.status);
            continue;
        }
        const auto refs = item_refs(p.records);
        std::vector<std::string> keys;
        for (const auto& ref : refs) {
            keys.push_back(ref.key);
        }
        if (options_.dry_run) {
            force(keys, true);
            replayed_[p.id] = fmt::format("would look it up, then re-read and re-plan {} record{}",
                                          keys.size(), keys.size() == 1 ? "" : "s");
            continue;
        }
        std::map<std::string, std::string> found;
        PostHandlers h;
        h.lookup = [&]() -> LookupResult {
            auto f = target_.find(refs);
            if (!f) {
                return std::unexpected(f.error());
            }
            found = std::move(*f);
            const bool all = std::all_of(refs.begin(), refs.end(),
                                         [&](const ItemRef& r) { return found.contains(r.key); });
            if (!all) {
                return std::optional<Found>{};
            }
            return std::optional<Found>{
                Found{fmt::format("{} items found by lookup", refs.size())}};
        };
        auto adopt = [&](const ItemRef& ref) {
            FlowRecord r;
            r.key = ref.key;
            r.fingerprint = ref.fingerprint;
            // Already linked with exactly this content (this pass's resolution adopted it):
            // nothing to record twice.
            const auto link = info_.source == "oracle"
                                  ? links_.find_by_oracle(std::string(info_.link_kind), ref.key)
                                  : links_.find_by_procore(std::string(info_.link_kind), ref.key);
            if (link && link->fingerprint == ref.fingerprint) {
                return;
            }
            apply_written(r, found.at(ref.key), action::replayed, std::nullopt,
                          fmt::format("posting {}: {} already has it; confirmed, nothing sent",
                                      p.id, info_.target));
        };
        h.confirmed = [&](const std::string&, bool) {
            for (const auto& ref : refs) {
                adopt(ref);
            }
        };
        const auto result = outbox_.resolve(p, h, /*mark_lost=*/false);
        switch (result.outcome) {
        case PostOutcome::found:
            replayed_[p.id] =
                fmt::format("{} already has it: confirmed by lookup, nothing sent", info_.target);
            break;
        case PostOutcome::lost: {
            std::vector<std::string> again;
            store::Transaction tx(ctx_.db());
            for (const auto& ref : refs) {
                if (found.contains(ref.key) && !ref.fingerprint.empty()) {
                    adopt(ref);
                } else {
                    again.push_back(ref.key);
                    replay_of_[ref.key].push_back(p.id);
                }
            }
            tx.commit();
            remaining_[p.id] = static_cast<int>(again.size());
            force(again, true);
            replayed_[p.id] = fmt::format("not in {}: {} record{} re-read and posted again",
                                          info_.target, again.size(), again.size() == 1 ? "" : "s");
            break;
        }
        default:
            stop(info_.target, fmt::format("looking up posting {} for replay", p.id),
                 result.error.value_or(http::Error{}));
        }
    }
}

void BatchFlow::note_replayed(const FlowRecord& r, const std::string& outcome, bool applied)
{
    const auto it = replay_of_.find(r.key);
    if (it == replay_of_.end()) {
        return;
    }
    const std::vector<std::int64_t> old_ids = std::move(it->second);
    replay_of_.erase(it);
    std::optional<std::int64_t> new_id;
    if (!current_batch_key_.empty()) {
        if (const auto p = outbox_.postings().find(current_batch_key_)) {
            new_id = p->id;
        }
    }
    // One row per replayed posting the record belonged to (a failed batch and a failed
    // single-record posting can share it).
    for (const auto old_id : old_ids) {
        const std::string message =
            fmt::format("posting {} replayed: {}{}", old_id, outcome,
                        new_id ? fmt::format(" (posting {})", *new_id) : std::string{});
        audit_row(entry(r, action::replayed, std::nullopt, message));
        replayed_[old_id] = message;
        if (!applied) {
            failed_replays_.insert(old_id);
        }
        if (--remaining_[old_id] <= 0 && !failed_replays_.contains(old_id)) {
            const auto old = outbox_.postings().find(old_id);
            if (old && old->status != store::posting_status::confirmed
                && old->status != store::posting_status::superseded) {
                outbox_.postings().mark_superseded(
                    old_id, new_id ? fmt::format("replayed as posting {}", *new_id)
                                   : std::string("replayed"));
            }
        }
    }
}

// ---- reading ----

ReadFrom BatchFlow::start()
{
    if (auto wm = watermarks_.get(std::string(info_.stream))) {
        stored_ = Cursor{wm->cursor_time, wm->cursor_key};
    }
    processed_ = stored_;
    sum_.watermark_before = cursor_text(stored_);

    ReadFrom from;
    if (!options_.since.empty()) {
        Clock::time_point t{};
        if (!parse_iso8601(options_.since, t)) {
            throw UsageError("--since '" + options_.since + "' is not an ISO-8601 time",
                             "e.g. --since 2026-01-31T00:00:00Z");
        }
        from.since = format_iso8601(t);
    } else if (!options_.full && !stored_.empty()) {
        from.since = minus_seconds(stored_.time, overlap_seconds_);
        from.after = stored_;
    }
    return from;
}

std::vector<std::string> BatchFlow::due_keys(bool queue)
{
    std::vector<std::string> out;
    std::set<std::string> seen;
    if (queue) {
        for (const auto& r : retries_.due(std::string(info_.stream), now_)) {
            if (seen.insert(r.record_key).second) {
                out.push_back(r.record_key);
            }
        }
    }
    for (const auto& [key, resend] : forced_) {
        if (seen.insert(key).second) {
            out.push_back(key);
        }
    }
    return out;
}

void BatchFlow::force(const std::vector<std::string>& keys, bool resend_unchanged)
{
    for (const auto& k : keys) {
        auto& flag = forced_[k];
        flag = flag || resend_unchanged;
    }
}

bool BatchFlow::forced(const std::string& key) const
{
    const auto it = forced_.find(key);
    return it != forced_.end() && it->second;
}

void BatchFlow::saw(const Cursor& cursor, bool advance)
{
    ++sum_.read;
    if (!advance) {
        ++sum_.reread;
        return;
    }
    if (cursor_less(processed_, cursor)) {
        processed_ = cursor;
    }
}

void BatchFlow::planned(const FlowRecord& r)
{
    ++sum_.planned[r.action];
    ++planned_total_;
    PlanRow row{r.action, r.key, r.target_id.value_or(""), r.name, r.message};
    if (r.action == "ambiguous") {
        sum_.attention.push_back(row);
    }
    auto& rows = sum_.samples[r.action];
    if (static_cast<int>(rows.size()) < options_.sample_rows) {
        rows.push_back(std::move(row));
    }
    // A record that needs no write settles any re-read queued for it (a lost write whose
    // content is back to what the target has, a failure made moot by a later change).
    if (!options_.dry_run && !is_write_action(r.action)) {
        settle(r.key);
    }
}

void BatchFlow::audit_later(const FlowRecord& record, std::string_view action, std::string message)
{
    if (options_.dry_run) {
        return;
    }
    deferred_.push_back(entry(record, action, std::nullopt, message));
}

void BatchFlow::page_done()
{
    ++sum_.pages;
    write_deferred_audit();
    progress_.update(fmt::format("{}: {} pages, {} read, {} planned, {} written", info_.name,
                                 sum_.pages, sum_.read, planned_total_, written_));
}

void BatchFlow::write_deferred_audit()
{
    if (deferred_.empty()) {
        return;
    }
    store::Transaction tx(ctx_.db());
    for (auto& e : deferred_) {
        ctx_.audit().append(std::move(e));
    }
    tx.commit();
    deferred_.clear();
}

// ---- writing ----

bool BatchFlow::worth_sending(const FlowRecord& r)
{
    if (forced(r.key) || !unsettled().contains(r.key)) {
        return true;
    }
    // Only a refusal of this very content (`data`) holds it back: a batch refused as a whole
    // (a wrong list, a bad URL: `config`) or a lost write is worth sending once its re-read
    // comes due.
    const auto p = outbox_.postings().find(item_key(r.key, r.fingerprint));
    if (!p || p->status != store::posting_status::failed
        || p->error_class.value_or("") != store::error_class::data) {
        return true;
    }
    // Exactly this content was refused before: sending it again unchanged would be refused
    // again. It waits for a change (in the source, the mapping) or for `replay`.
    ++sum_.still_failing;
    sum_.attention.push_back(PlanRow{
        "failing", r.key, r.target_id.value_or(""), r.name,
        "refused before, unchanged since: " + p->last_error.value_or("")
            + " (fix it, then `ml-connector replay --posting " + std::to_string(p->id) + "`)"});
    if (!options_.dry_run) {
        const auto queued =
            retries_.find(std::string(info_.stream), r.key, store::retry_reason::failed);
        retries_.schedule(std::string(info_.stream), r.key, store::retry_reason::failed,
                          backoff_due(queued ? queued->attempts + 1 : 1), p->last_error,
                          /*count_attempt=*/true);
    }
    return false;
}

void BatchFlow::enqueue(FlowRecord record)
{
    if (options_.dry_run) {
        return;
    }
    batch_pos_[record.key] = batch_.size();
    batch_.push_back(std::move(record));
    if (static_cast<int>(batch_.size()) >= options_.batch_size) {
        flush();
    }
}

FlowRecord* BatchFlow::queued(const std::string& key)
{
    const auto it = batch_pos_.find(key);
    return it == batch_pos_.end() ? nullptr : &batch_[it->second];
}

void BatchFlow::audit_row(store::AuditEntry e)
{
    if (collecting_ != nullptr) {
        collecting_->push_back(std::move(e));
    } else {
        ctx_.audit().append(std::move(e));
    }
}

void BatchFlow::apply_written(const FlowRecord& r, const std::string& target_id,
                              std::string_view action, std::optional<int> status,
                              const std::string& message)
{
    if (auto up = links_.upsert(link_of(r.key, target_id, r.fingerprint)); !up) {
        fail(r, status, up.error().message, store::error_class::data);
        return;
    }
    FlowRecord applied = r;
    applied.target_id = target_id;
    audit_row(entry(applied, action, status, message));
    settle(r.key);
    if (action != engine::action::replayed) {
        note_replayed(applied, "applied", true);
    }
    ++written_;
    if (action == "created") {
        ++sum_.created;
    } else if (action == "updated") {
        ++sum_.updated;
    } else if (action == "linked") {
        ++sum_.linked;
    } else if (action == "retired") {
        ++sum_.retired;
    }
}

void BatchFlow::apply_answers(const std::vector<FlowRecord>& batch, const ItemAnswers& answers)
{
    // The batch's audit rows go in with one chain-head read (AuditLog::append_many), in the
    // transaction that confirms the posting.
    std::vector<store::AuditEntry> rows;
    rows.reserve(batch.size());
    collecting_ = &rows;
    struct Stop {
        std::vector<store::AuditEntry>*& target;
        ~Stop() { target = nullptr; }
    } stop_collecting{collecting_};
    for (const auto& r : batch) {
        if (const auto it = answers.written.find(r.key); it != answers.written.end()) {
            apply_written(r, it->second, applied_action(r.action), 200, r.message);
            continue;
        }
        const auto refused = answers.refused.find(r.key);
        fail(r, 200,
             refused != answers.refused.end()
                 ? refused->second
                 : std::string(info_.endpoint) + " returned no entity and no error for this item",
             store::error_class::data);
    }
    collecting_ = nullptr;
    ctx_.audit().append_many(std::move(rows));
}

// A batch sent on a worker thread while the next one is planned. Its future is declared last,
// so destroying an InFlight (an exception unwinding the pass) waits for the send to end before
// the records it points into go: the answer is then simply never stored, the posting stays
// sent, and the next pass looks it up.
struct BatchFlow::InFlight {
    std::vector<FlowRecord> batch;
    std::vector<ItemRef> refs;
    Cursor cursor; // where the watermark may move once this batch is applied
    std::string key;
    std::string body;
    store::Posting posting;
    std::future<std::expected<ItemAnswers, http::Error>> answer;
};

BatchFlow::~BatchFlow() = default;

void BatchFlow::quiesce()
{
    complete_in_flight();
}

void BatchFlow::flush()
{
    if (batch_.empty() || options_.dry_run) {
        return;
    }
    // One batch in flight at a time, and the next one goes out as soon as the previous answer
    // is in (so Procore applies them in order); the previous answer is then stored while the
    // next request is on its way. Only when this batch may need a lookup (an earlier attempt of
    // the same content) is the previous answer stored first, so that nothing runs ahead of it.
    std::unique_ptr<InFlight> previous = std::move(in_flight_);
    std::optional<std::expected<ItemAnswers, http::Error>> previous_answer;
    if (previous) {
        previous_answer = previous->answer.get(); // see InFlight on an exception here
    }
    auto store_previous = [&] {
        if (previous) {
            auto landed = std::move(previous);
            store_answer(*landed, std::move(*previous_answer));
        }
    };
    write_deferred_audit();
    auto flight = std::make_unique<InFlight>();
    flight->batch = std::move(batch_);
    batch_.clear();
    batch_pos_.clear();
    flight->cursor = processed_;
    std::vector<const FlowRecord*> items;
    items.reserve(flight->batch.size());
    flight->refs.reserve(flight->batch.size());
    // The same content over the same prior state is the same write: a rerun after a crash
    // finds this row again (and looks it up) instead of recording a second one. The key names
    // the write by what it changes: each record's key, its content and the content it replaces,
    // plus the target's scope (a cost code list). Hashing these rather than the request body
    // (300 KB for 1000 vendors) gives the same identity for a tenth of the work.
    std::string key_material = target_.scope_text();
    key_material += '\n';
    for (const auto& r : flight->batch) {
        items.push_back(&r);
        flight->refs.push_back(ItemRef{r.key, r.fingerprint});
        key_material += r.key;
        key_material += ' ';
        key_material += r.fingerprint;
        key_material += ' ';
        key_material += r.before_fp.value_or("-");
        key_material += '\n';
    }
    flight->body = target_.body(items);
    // Unique per batch (the run and its sequence, then the content): the same content can
    // legitimately be written again later (A -> B -> A -> B, a second hand edit), and must not
    // meet an old posting of the same name. Nothing relies on finding a batch again by its
    // content: a batch left sent is found by the next pass's resolution, and one never sent is
    // superseded and its records planned afresh.
    flight->key = fmt::format("{}:{}.{}:{}", info_.batch_kind, ctx_.run.run_id().value_or(0),
                              ++batch_seq_, sha256_hex(key_material).substr(0, 16));
    PostingSpec spec{.key = flight->key,
                     .kind = std::string(info_.batch_kind),
                     .target = std::string(info_.target),
                     .request = flight->body,
                     .records = record_lines(flight->refs)};

    std::map<std::string, std::string> found;
    PostHandlers h;
    h.lookup = [&]() -> LookupResult {
        auto f = target_.find(flight->refs);
        if (!f) {
            return std::unexpected(f.error());
        }
        found = std::move(*f);
        const bool all = std::all_of(flight->refs.begin(), flight->refs.end(),
                                     [&](const ItemRef& r) { return found.contains(r.key); });
        if (!all) {
            return std::optional<Found>{};
        }
        return std::optional<Found>{
            Found{fmt::format("{} items found by lookup", flight->refs.size())}};
    };
    h.confirmed = [&](const std::string&, bool) {
        // Only a lookup confirms in begin(): an earlier attempt's write is there.
        for (const auto& r : flight->batch) {
            apply_written(r, found.at(r.key), applied_action(r.action), std::nullopt,
                          "written by an earlier attempt; found by lookup, not sent again");
        }
        set_watermark(flight->cursor);
    };

    // An error answer (the system failing, a refusal) is dealt with before anything else goes
    // out; so is a batch an earlier attempt may have sent (its lookup must not run ahead).
    if (previous_answer && !*previous_answer) {
        store_previous();
    }
    if (const auto known = outbox_.postings().find(flight->key);
        known && known->status != store::posting_status::confirmed) {
        store_previous();
    }
    current_batch_key_ = flight->key;
    const auto begun = outbox_.begin(spec, h);
    current_batch_key_.clear();
    if (begun.outcome != PostOutcome::send) {
        store_previous();
    }
    switch (begun.outcome) {
    case PostOutcome::send: {
        flight->posting = begun.posting;
        ++sum_.write_calls;
        InFlight* f = flight.get();
        flight->answer = std::async(std::launch::async, [this, f, items] {
            target_.before_write();
            auto a = target_.send(items, f->body);
            target_.after_write();
            return a;
        });
        in_flight_ = std::move(flight);
        store_previous();
        return;
    }
    case PostOutcome::found:
        return;
    case PostOutcome::already: {
        // Confirmed before, yet its records were planned again (their links are gone): adopt
        // what the target holds, queue the rest, send nothing twice.
        auto f = target_.find(flight->refs);
        if (!f) {
            stop(info_.target, "looking up an applied batch", f.error());
        }
        found = std::move(*f);
        store::Transaction tx(ctx_.db());
        for (const auto& r : flight->batch) {
            if (found.contains(r.key)) {
                apply_written(r, found.at(r.key), action::confirmed, std::nullopt,
                              "applied by an earlier pass; linked again by lookup");
            } else {
                queue(r.key, store::retry_reason::lost, "applied earlier but not found by lookup");
            }
        }
        set_watermark(flight->cursor);
        tx.commit();
        return;
    }
    case PostOutcome::unknown:
        // The lookup owed before a resend could not tell: nothing is sent.
        stop(info_.target, fmt::format("looking up posting {} before a resend", begun.posting.id),
             begun.error.value_or(http::Error{}),
             "nothing is sent twice: the next pass looks this batch up again");
    default: {
        // Not sent (held, superseded): its records must not be lost behind the watermark.
        log::warn("{}: posting {} is {}; its records are queued for a re-read", info_.name,
                  begun.posting.id, to_string(begun.outcome));
        store::Transaction tx(ctx_.db());
        for (const auto& r : flight->batch) {
            queue(r.key, store::retry_reason::lost,
                  fmt::format("posting {} is {}", begun.posting.id, to_string(begun.outcome)));
        }
        set_watermark(flight->cursor);
        tx.commit();
        return;
    }
    }
}

void BatchFlow::complete_in_flight()
{
    if (!in_flight_) {
        return;
    }
    auto flight = std::move(in_flight_);
    auto answer = flight->answer.get(); // an exception here leaves the posting sent: see InFlight
    store_answer(*flight, std::move(answer));
}

void BatchFlow::store_answer(InFlight& landed, std::expected<ItemAnswers, http::Error> answer)
{
    InFlight* flight = &landed;
    std::expected<std::string, http::Error> summary = std::unexpected(http::Error{});
    ItemAnswers answers;
    if (answer) {
        answers = std::move(*answer);
        summary = fmt::format("{} written, {} refused", answers.written.size(),
                              flight->batch.size() - answers.written.size());
    } else {
        summary = std::unexpected(answer.error());
    }
    PostHandlers h;
    h.confirmed = [&](const std::string&, bool) {
        apply_answers(flight->batch, answers);
        set_watermark(flight->cursor);
    };
    h.failed = [&](const std::string& cls, const std::string& message) {
        // A refusal of the whole request is about the request (the list, the URL, the scope),
        // not about any one record's content: `config`, re-read with backoff, resent once due.
        const std::string record_class =
            cls == store::error_class::data ? std::string(store::error_class::config) : cls;
        for (const auto& r : flight->batch) {
            fail(r, std::nullopt, fmt::format("{} refused the batch: {}", info_.endpoint, message),
                 record_class);
        }
        set_watermark(flight->cursor);
    };
    current_batch_key_ = flight->key;
    const auto result = outbox_.complete(flight->posting, summary, h);
    current_batch_key_.clear();
    switch (result.outcome) {
    case PostOutcome::unknown: {
        const http::Error err = result.error.value_or(http::Error{});
        if (!is_fatal(err)) {
            // A 2xx we could not read: the write may well be there. Ask at once.
            log::warn("{}: {} answered with a body we cannot read ({}); looking the batch up",
                      info_.name, info_.endpoint, describe(err));
            resolve_posting(result.posting);
            store::Transaction tx(ctx_.db());
            set_watermark(flight->cursor);
            tx.commit();
            return;
        }
        store::Transaction tx(ctx_.db());
        for (const auto& r : flight->batch) {
            ctx_.audit().append(
                entry(r, action::failed, err.status == 0 ? std::nullopt : std::optional(err.status),
                      fmt::format("{} failed, outcome unknown (posting {} stays sent until a "
                                  "lookup settles it): {}",
                                  info_.endpoint, result.posting.id, describe(err))));
        }
        tx.commit();
        stop(info_.target, info_.endpoint, err,
             "nothing is sent twice: the next pass looks this batch up before any resend");
    }
    case PostOutcome::not_sent:
        stop(info_.target, info_.endpoint, result.error.value_or(http::Error{}));
    default:
        return;
    }
}

void BatchFlow::fail(const FlowRecord& r, std::optional<int> status, const std::string& message,
                     const std::string& error_class)
{
    auto& postings = outbox_.postings();
    store::Transaction tx(ctx_.db());
    const auto posting = postings.record_pending(
        item_key(r.key, r.fingerprint), std::string(info_.link_kind), std::string(info_.target),
        r.item_json, record_lines({ItemRef{r.key, r.fingerprint}}), ctx_.run.run_id());
    if (posting.status != store::posting_status::confirmed) {
        // It went out in a batch: the attempt reached the target, which refused it.
        postings.mark_sent(posting.id);
        postings.mark_failed(posting.id, error_class, message);
    }
    audit_row(entry(r, action::failed, status, message));
    const auto queued =
        retries_.find(std::string(info_.stream), r.key, store::retry_reason::failed);
    const int attempts = queued ? queued->attempts + 1 : 1;
    retries_.schedule(std::string(info_.stream), r.key, store::retry_reason::failed,
                      error_class == store::error_class::retryable ? now_ : backoff_due(attempts),
                      message, /*count_attempt=*/true);
    unsettled().insert(r.key);
    note_replayed(r, "failed again: " + message, false);
    tx.commit();
    ++sum_.failed;
    sum_.failures.push_back(PlanRow{"failed", r.key, r.target_id.value_or(""), r.name, message});
    log::warn("{} {} \"{}\" not synced: {}", info_.record_label, r.key, r.name, message);
}

void BatchFlow::supersede_settled_batches()
{
    // A failed batch (lost in transit, or refused as a whole) has its records queued or failed
    // one by one; once none of them has anything pending any more (each was written again, or
    // needs nothing), the batch itself is done with: superseded, so that `status` and `replay`
    // no longer show it.
    auto& postings = outbox_.postings();
    store::PostingFilter f;
    f.kinds = {std::string(info_.batch_kind)};
    f.statuses = {store::posting_status::failed};
    auto& pending = unsettled();
    for (const auto& p : postings.list(f)) {
        const auto refs = item_refs(p.records);
        const bool settled = std::none_of(
            refs.begin(), refs.end(), [&](const ItemRef& r) { return pending.contains(r.key); });
        if (settled) {
            postings.mark_superseded(p.id, "its records were written or settled since");
        }
    }
}

void BatchFlow::set_watermark(const Cursor& c)
{
    if (c.empty() || !cursor_less(stored_, c)) {
        return; // never moves back
    }
    watermarks_.set(store::Watermark{.stream = std::string(info_.stream),
                                     .cursor_time = c.time,
                                     .cursor_key = c.key,
                                     .updated_at = {}});
    stored_ = c;
}

void BatchFlow::finish(const std::expected<void, http::Error>& read, const std::string& what,
                       const std::string& hint)
{
    // Whatever was planned before a read error is still applied: the watermark then stops at
    // the last record applied, and the rerun resumes there.
    flush();
    complete_in_flight();
    write_deferred_audit();
    progress_.done();
    if (!options_.dry_run) {
        store::Transaction tx(ctx_.db());
        set_watermark(processed_);
        tx.commit();
        crash_point("flow.watermark");
    }
    sum_.watermark_after = cursor_text(stored_);
    if (!options_.dry_run) {
        supersede_settled_batches();
    }
    for (const auto& [key, old_ids] : replay_of_) {
        for (const auto old_id : old_ids) {
            replayed_[old_id] = "record " + key + " not found in " + std::string(info_.source)
                                + " (deleted?): nothing sent";
        }
    }
    if (!read) {
        throw UnreachableError(
            fmt::format("{}: {} failed: {}", info_.source, what, describe(read.error())), hint);
    }
}

} // namespace mlc::engine
