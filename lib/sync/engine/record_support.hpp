#pragma once
// What every per-record flow shares around its postings: the audit row of a record, the
// failed-record retry with backoff, and the summary's sample rows.
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/retries.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/outbox.hpp"
#include "sync/engine/pass.hpp"
#include "sync/engine/summary.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace mlc::engine {

// One audit row of `flow` for a record (nothing in a dry run).
struct AuditRecord {
    std::optional<std::string> oracle_key;
    std::optional<std::string> procore_key;
    std::string_view action;
    std::string message;
    std::optional<std::string> before_fp;
    std::optional<std::string> after_fp;
};
void audit_record(Context& ctx, const FlowInfo& flow, AuditRecord row);

// A record that failed (its read, its plan, or the target's refusal) as a failed posting of
// `flow` under `posting_key`, in one transaction: recorded (unless already settled), marked
// failed with its class and message, any older failed posting of the same record superseded
// (one failure per record), audited, and queued for a re-read with backoff. Nothing in a dry
// run.
void record_failed(Context& ctx, const FlowInfo& flow, store::Postings& postings,
                   store::Retries& retries, const std::string& posting_key,
                   const std::string& record_key, const std::string& fingerprint,
                   const std::string& error_class, const std::string& message,
                   const std::string& superseded_why);

// Inside the outbox's confirm transaction, for a record now in its target: its link (kind
// flow.link_kind; `key` is the source side's key and `remote_id` the target's, so a flow whose
// records are born in Oracle links Oracle key -> Procore id; the content's fingerprint and
// summary), the
// audit row (`posted`, or `confirmed` when a lookup found it), older failed postings of the
// record superseded and its retry entries cleared; `follow_up` (a retry reason, or null) keeps
// the record due from `now` for what comes after the post (a submit, a write-back).
void record_posted(Context& ctx, const FlowInfo& flow, store::Links& links,
                   store::Postings& postings, store::Retries& retries, const std::string& key,
                   const std::string& remote_id, const std::string& fingerprint,
                   const std::optional<std::string>& summary, bool found,
                   const std::string& message, const char* follow_up, const std::string& now);
// Inside the outbox's fail transaction (a refusal, or a lost write): the audit row, a re-read
// queued with backoff, and older failed postings of the record superseded by `posting_key`.
void record_refused(Context& ctx, const FlowInfo& flow, store::Postings& postings,
                    store::Retries& retries, const std::string& key, const std::string& fingerprint,
                    const std::string& posting_key, const std::string& message);

// The summary's side of one record's outbox post: a write call; sent or found is a record
// created (found also a resolved posting); refused or lost is a failure row; a write that may
// or may not have been applied, or one a fatal error kept from being sent, stops the pass
// (engine::stop, naming `system` and `what`). True when the target now has the record (the
// caller's follow-ups are due).
bool count_post(FlowSummary& summary, const PostResult& result, const std::string& key,
                const std::string& name, std::string_view system, const std::string& what);

// Queues a failed record for a re-read with backoff: 1 h, doubling to 24 h per failure.
void schedule_failed(store::Retries& retries, const Clock& clock, std::string_view stream,
                     const std::string& key, const std::string& message);

// Keeps the row among the first `limit` of its action.
void add_sample(FlowSummary& summary, int limit, PlanRow row);

} // namespace mlc::engine
