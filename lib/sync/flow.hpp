#pragma once
// What the incremental flows of sync-suppliers (suppliers -> vendors, GL accounts -> cost
// codes) share around their own planning, so each flow reads as read -> plan -> apply ->
// report: the compound watermark (where to read from, the overlap, advanced only past what was
// applied), the plan counts and sample rows, audit rows deferred to the next transaction, and
// applying a batch to a Procore sync endpoint as one posting (recorded before it is sent),
// per-item links, audit rows and failures queued for replay.
#include "core/clock.hpp"
#include "http/client.hpp"
#include "oracle/incremental.hpp"
#include "procore/vendors.hpp"
#include "store/audit_log.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/watermarks.hpp"
#include "sync/pass.hpp"
#include "sync/suppliers.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mlc::sync {

class Connections;

// What a flow is called in the state, the audit trail and its messages.
struct FlowNames {
    std::string flow;         // "vendors": the summary's name
    std::string stream;       // "oracle.suppliers": the watermark stream
    std::string link_kind;    // "vendor": links.kind and the postings' kind prefix
    std::string audit_kind;   // "supplier": audit.record_kind
    std::string record_label; // "supplier": log lines ("supplier 12 not synced: …")
    std::string endpoint;     // "vendors/sync": messages
};

// One planned record as the shared part sees it. Queued ones also carry the sync item.
struct FlowRecord {
    std::string action;                     // planned action: create, update, link, …
    std::string oracle_key;                 // = the item's origin_id
    std::optional<std::int64_t> procore_id; // known remote id (link, update, skip)
    std::optional<std::int64_t> sent_id;    // the `id` sent in the item, if any (errors echo it)
    std::string fingerprint;                // after
    std::optional<std::string> before_fp;   // from the link, if any
    std::string name;                       // for reports
    std::string message;                    // why (link, ambiguous, retire …)
    std::string item_json;                  // the sync item as sent; empty when not queued
};

// The audit word for an applied planned action: create -> created, update -> updated,
// link -> linked, retire -> retired; skip and echo -> skipped; ambiguous stays.
std::string applied_action(const std::string& planned);

class IncrementalFlow {
public:
    // Builds a sync body from the queued items' JSON texts; sends a body.
    using BodyBuilder = std::function<std::string(const std::vector<std::string>& item_jsons)>;
    using Sender =
        std::function<std::expected<procore::SyncResult, http::Error>(const std::string& body)>;

    IncrementalFlow(FlowNames names, Connections& connections, store::Database& db,
                    store::AuditLog& audit, std::optional<std::int64_t> run_id, Clock& clock,
                    const SyncPassOptions& options, int overlap_seconds, BodyBuilder body,
                    Sender send);

    // Reads the stored watermark; where to read from: --since, everything with --full, else
    // the watermark minus the overlap, past the compound cursor.
    oracle::IncrementalCursor start();

    // One record read: counted, and the cursor of what this pass has seen moves up to it.
    // Records re-read out of order (by id) pass `advance` false: they never move the cursor,
    // which would skip records read by neither read.
    void saw(const std::string& last_update_date, const std::string& key, bool advance = true);
    // Counts a planned action and keeps its row among the first of its kind; ambiguous
    // records are also listed in full (summary.attention), since someone has to act on each.
    void planned(const FlowRecord& record);
    // An audit row for a record not sent (skipped, echo, ambiguous), written with the next
    // batch or page; nothing in a dry run.
    void audit_later(const FlowRecord& record, const std::string& action, std::string message);
    // A page read: writes the deferred audit rows, updates the progress line.
    void page_done();

    // Queues a record for the next sync call (not in a dry run); sends a full batch.
    void enqueue(FlowRecord record);
    // The record with this key in the open batch, to replace its content; null if none.
    FlowRecord* queued(const std::string& oracle_key);
    // Sends the open batch as one posting (see the header comment). A write error that stops
    // the pass (is_fatal_write_error) audits the batch and throws UnreachableError; a refused
    // batch fails its items and the pass goes on.
    void flush();

    // Ends the flow: sends the rest, writes the audit, advances the watermark past what was
    // applied; when `read` failed, throws UnreachableError("<what>: <error>", hint) after that.
    void finish(const std::expected<oracle::ReadStats, http::Error>& read, const std::string& what,
                const std::string& hint);

    store::AuditEntry entry(const FlowRecord& record, const std::string& action,
                            std::optional<int> status, const std::string& message) const;
    // A failed record: a failed posting (queued for replay), an audit row, the report.
    void fail(const FlowRecord& record, std::optional<int> status, const std::string& message);

    FlowSummary& summary() { return sum_; }
    bool dry_run() const { return options_.dry_run; }
    store::Database& db() { return db_; }
    store::AuditLog& audit() { return audit_; }
    std::optional<std::int64_t> run_id() const { return run_id_; }

private:
    void write_deferred_audit();
    void set_watermark(const Cursor& c);
    void apply_result(const procore::SyncResult& result);

    FlowNames names_;
    Connections& connections_;
    store::Database& db_;
    store::AuditLog& audit_;
    std::optional<std::int64_t> run_id_;
    Clock& clock_;
    const SyncPassOptions& options_;
    int overlap_seconds_;
    BodyBuilder body_;
    Sender send_;
    store::Links links_;
    store::Watermarks watermarks_;
    store::Postings postings_;
    Progress progress_;

    FlowSummary sum_;
    Cursor stored_;
    Cursor processed_;
    std::vector<FlowRecord> batch_;
    std::unordered_map<std::string, std::size_t> batch_pos_;
    std::vector<store::AuditEntry> deferred_;
    std::int64_t planned_ = 0;
    std::int64_t written_ = 0;
};

} // namespace mlc::sync
