#pragma once
// A batch flow: records read from a source (incrementally from the watermark, or by id from the
// retry queue and `replay`), planned one by one by the flow, and written to a target that takes
// many items per call and answers per item (Procore's …/sync endpoints). The engine part is
// everything around the flow's planning:
//   - before reading: postings an interrupted pass recorded but never sent are superseded, and
//     those left `sent` (a crash or a lost answer) are resolved by looking their items up;
//     nothing of the flow is planned while a write of it is unresolved;
//   - where to read from (--since, --full, else the watermark minus the overlap, past the
//     compound cursor) and which records are due for a re-read by id;
//   - each batch is one posting through the Outbox (recorded before it is sent, looked up before
//     any resend); per-item links, audit rows, failures (a failed posting per record, queued in
//     the retry queue) commit with the answer, and the watermark with them;
//   - the summary.
// The flow knows its two systems; the engine knows neither (see BatchTarget).
#include "http/client.hpp"
#include "store/audit_log.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/retries.hpp"
#include "store/watermarks.hpp"
#include "sync/engine/cursor.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/outbox.hpp"
#include "sync/engine/pass.hpp"
#include "sync/engine/summary.hpp"

#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace mlc::engine {

// One planned record as the engine sees it.
struct FlowRecord {
    std::string action;                   // planned: create, update, link, retire, skip, …
    std::string key;                      // the source record's id (the item's origin_id)
    std::optional<std::string> target_id; // known target id (link, update, skip)
    std::optional<std::int64_t> sent_id;  // the `id` sent in the item (errors may echo only it)
    std::string fingerprint;              // the content as planned
    std::optional<std::string> before_fp; // from the link, if any
    std::string name;                     // for reports
    std::string message;                  // why (link, ambiguous, retire …)
    std::string item_json;                // the item as sent
};

// What one run of a flow reads: in a pass, incrementally from the watermark plus the records
// due for a re-read; in `replay`, only the given records (re-read by id), sent even when their
// content is unchanged or failed before.
struct FlowScope {
    bool incremental = true;
    std::vector<std::string> keys;
    bool resend_unchanged = false;
    // `replay`: postings of this flow to resolve by lookup first; the records of those the
    // target does not have are re-read by id, re-planned and posted again.
    std::vector<store::Posting> replay;
};

// A record a posting carries, as the posting's `records` column keeps it ("key fingerprint").
struct ItemRef {
    std::string key;
    std::string fingerprint;
};

// The target's answer to one batch write, per item.
struct ItemAnswers {
    std::map<std::string, std::string> written; // record key -> target id
    std::map<std::string, std::string> refused; // record key -> the target's message
};

// Where a batch flow writes. It knows its system; the engine knows only this interface.
class BatchTarget {
public:
    virtual ~BatchTarget() = default;
    // The request body for these items (at most the pass's batch size).
    virtual std::string body(const std::vector<const FlowRecord*>& items) = 0;
    // What, besides the items, a write's identity depends on (e.g. the list it writes into).
    virtual std::string scope_text() { return {}; }
    // Sends the body; the per-item answer. An item the answer does not mention is refused.
    virtual std::expected<ItemAnswers, http::Error>
    send(const std::vector<const FlowRecord*>& items, const std::string& body) = 0;
    // Which of these records the target holds with exactly this content: key -> target id. An
    // error means it could not tell.
    virtual std::expected<std::map<std::string, std::string>, http::Error>
    find(const std::vector<ItemRef>& items) = 0;
    // Called before each write (rate-limit pacing).
    virtual void before_write() {}
    // Called after each write: what find() may have cached is stale.
    virtual void after_write() {}
};

class BatchFlow {
public:
    BatchFlow(const FlowInfo& info, Context& ctx, const PassOptions& options, BatchTarget& target,
              int overlap_seconds);
    ~BatchFlow();
    BatchFlow(const BatchFlow&) = delete;
    BatchFlow& operator=(const BatchFlow&) = delete;

    // Resolves what earlier passes left (see the header comment). Stops the pass (exit 3) when
    // a lookup cannot tell whether a write was applied.
    void resolve_unconfirmed();
    // Reads the watermark; where an incremental read starts.
    ReadFrom start();
    // The keys of records due for a re-read by id (the retry queue unless `queue` is false,
    // and any forced), oldest first.
    std::vector<std::string> due_keys(bool queue = true);
    // `replay`: resolves each posting by lookup (found: confirmed, nothing sent); the records
    // of the others are forced (re-read, re-planned, sent even when unchanged), and each is
    // audited `replayed` with the posting that replaced it once that is known.
    void replay(const std::vector<store::Posting>& selected);
    // Re-read these records by id in this pass although the queue does not say so (replay,
    // drift); with `resend_unchanged` they are sent even when their content is unchanged or
    // failed before.
    void force(const std::vector<std::string>& keys, bool resend_unchanged);
    bool forced(const std::string& key) const;

    // One record read: counted, and the cursor of what this pass has seen moves up to it.
    // Records re-read by id pass `advance` false: they never move the cursor.
    void saw(const Cursor& cursor, bool advance = true);
    // Counts a planned action and keeps its row among the first of its kind; ambiguous ones
    // are listed in full (attention).
    void planned(const FlowRecord& record);
    // An audit row for a record not sent (skipped, echo, ambiguous), written with the next
    // batch or page; nothing in a dry run.
    void audit_later(const FlowRecord& record, std::string_view action, std::string message);
    // A page read: writes the deferred audit rows, updates the progress line.
    void page_done();

    // Whether a record planned for a write is sent: false (counted as still failing) when
    // exactly this content was refused before and nothing asks to resend it unchanged.
    bool worth_sending(const FlowRecord& record);
    // Queues a record for the next batch write (not in a dry run); sends a full batch.
    void enqueue(FlowRecord record);
    // The record with this key in the open batch, to replace its content; null if none.
    FlowRecord* queued(const std::string& key);
    // Sends the open batch as one posting. The request goes out on a worker thread while the
    // next batch is planned; its answer is stored (links, audit, watermark) before the next
    // batch is recorded, or by finish(). One batch is in flight at most.
    void flush();
    // Waits for the batch in flight and stores its answer. A flow calls it before it uses the
    // target's client itself (listing vendors for matching), which the send is using.
    void quiesce();

    // Ends the flow: sends the rest, writes the audit, advances the watermark past what was
    // applied; when `read` failed, stops the pass (exit 3) with `what` after that.
    void finish(const std::expected<void, http::Error>& read, const std::string& what,
                const std::string& hint);

    // Queues a record for a re-read by id (reason: store::retry_reason), due after `delay`
    // (the next pass by default).
    void queue(const std::string& key, const std::string& reason, const std::string& message,
               std::chrono::hours delay = std::chrono::hours{0});

    // A failed record: a failed posting for it (key and content version), an audit row, a
    // re-read queued with backoff, the report.
    void fail(const FlowRecord& record, std::optional<int> status, const std::string& message,
              const std::string& error_class);
    store::AuditEntry entry(const FlowRecord& record, std::string_view action,
                            std::optional<int> status, const std::string& message) const;

    // The per-record posting key: "<link kind>:<key>:<first 16 of the fingerprint>".
    std::string item_key(const std::string& key, const std::string& fingerprint) const;

    // The outcome of each replayed posting, once the flow has run: its id -> what happened.
    const std::map<std::int64_t, std::string>& replayed() const { return replayed_; }

    FlowSummary& summary() { return sum_; }
    const FlowInfo& info() const { return info_; }
    Context& context() { return ctx_; }
    bool dry_run() const { return options_.dry_run; }
    // The pass's "now" (ISO-8601 UTC), fixed when the flow starts.
    const std::string& now() const { return now_; }

private:
    void write_deferred_audit();
    void set_watermark(const Cursor& c);
    void apply_written(const FlowRecord& r, const std::string& target_id, std::string_view action,
                       std::optional<int> status, const std::string& message);
    void apply_answers(const std::vector<FlowRecord>& batch, const ItemAnswers& answers);
    void audit_row(store::AuditEntry e);
    void complete_in_flight();
    struct InFlight;
    void store_answer(InFlight& landed, std::expected<ItemAnswers, http::Error> answer);
    void settle(const std::string& key);
    std::unordered_set<std::string>& unsettled();
    void resolve_posting(const store::Posting& posting);
    void supersede_settled_batches();
    void note_replayed(const FlowRecord& r, const std::string& outcome, bool applied);
    store::Link link_of(const std::string& key, const std::string& target_id,
                        const std::string& fingerprint) const;
    std::string backoff_due(int attempts) const;

    const FlowInfo& info_;
    Context& ctx_;
    const PassOptions& options_;
    BatchTarget& target_;
    int overlap_seconds_;
    store::Links links_;
    store::Watermarks watermarks_;
    store::Retries retries_;
    Outbox outbox_;
    Progress progress_;
    std::string now_;

    FlowSummary sum_;
    Cursor stored_;
    Cursor processed_;
    std::vector<FlowRecord> batch_;
    std::unordered_map<std::string, std::size_t> batch_pos_;
    std::vector<store::AuditEntry> deferred_;
    std::map<std::string, bool> forced_; // key -> resend even when unchanged
    std::map<std::string, std::vector<std::int64_t>>
        replay_of_;                                // record key -> postings it replays
    std::map<std::int64_t, std::string> replayed_; // posting id -> outcome
    std::map<std::int64_t, int> remaining_;        // replayed posting -> records not yet done
    std::set<std::int64_t> failed_replays_;        // replayed postings a record failed again in
    std::string current_batch_key_;                // the batch posting being sent
    std::int64_t batch_seq_ = 0;                   // batches posted by this flow in this run
    std::optional<std::unordered_set<std::string>> unsettled_; // see unsettled()
    std::vector<store::AuditEntry>* collecting_ = nullptr; // a batch's audit rows, see audit_row
    std::unique_ptr<InFlight> in_flight_; // declared last: destroyed (and waited for) first
    std::int64_t planned_total_ = 0;
    std::int64_t written_ = 0;
};

// "key fingerprint" lines <-> ItemRefs (the postings' records column).
std::vector<std::string> record_lines(const std::vector<ItemRef>& refs);
std::vector<ItemRef> item_refs(const std::vector<std::string>& lines);

// The audit word for an applied planned action: create -> created, update -> updated,
// link -> linked, retire -> retired; skip and echo -> skipped; others unchanged.
std::string applied_action(const std::string& planned);

} // namespace mlc::engine
