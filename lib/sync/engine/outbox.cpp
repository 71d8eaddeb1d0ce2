#include "sync/engine/outbox.hpp"

#include "core/crash_point.hpp"
#include "core/log.hpp"
#include "store/database.hpp"
#include "sync/engine/errors.hpp"

#include <fmt/format.h>

namespace mlc::engine {

std::string_view to_string(PostOutcome outcome)
{
    switch (outcome) {
    case PostOutcome::sent:
        return "sent";
    case PostOutcome::found:
        return "found";
    case PostOutcome::already:
        return "already";
    case PostOutcome::refused:
        return "refused";
    case PostOutcome::lost:
        return "lost";
    case PostOutcome::unknown:
        return "unknown";
    case PostOutcome::not_sent:
        return "not_sent";
    case PostOutcome::held:
        return "held";
    case PostOutcome::superseded:
        return "superseded";
    case PostOutcome::send:
        return "send";
    }
    return "unknown";
}

Outbox::Outbox(store::Database& db, std::optional<std::int64_t> run_id)
    : db_(db), postings_(db), run_id_(run_id)
{}

PostResult Outbox::look_up(store::Posting posting, const PostHandlers& h, bool resolving)
{
    PostResult r;
    auto answer = h.lookup();
    if (!answer) {
        // Could not tell: never send blindly. The posting keeps its state for the next attempt.
        postings_.note_error(posting.id, "lookup failed: " + describe(answer.error()));
        r.outcome = PostOutcome::unknown;
        r.error = answer.error();
        r.posting = *postings_.find(posting.id);
        return r;
    }
    if (*answer) {
        store::Transaction tx(db_);
        h.confirmed((*answer)->remote_id, true);
        postings_.mark_confirmed(posting.id, (*answer)->remote_id);
        tx.commit();
        crash_point("flow.resolved");
        log::info("posting {} ({}) was already applied remotely: confirmed by lookup, not sent "
                  "again",
                  posting.id, posting.source_key);
        r.outcome = PostOutcome::found;
        r.remote_id = (*answer)->remote_id;
        r.posting = *postings_.find(posting.id);
        return r;
    }
    // Definitely not there.
    if (resolving) {
        const std::string message = fmt::format(
            "lost: the {} answer never arrived and {} does not have it; its records are sent again",
            posting.target, posting.target);
        store::Transaction tx(db_);
        postings_.mark_failed(posting.id, store::error_class::retryable, message);
        if (h.failed) {
            h.failed(store::error_class::retryable, message);
        }
        tx.commit();
        r.outcome = PostOutcome::lost;
        r.posting = *postings_.find(posting.id);
        return r;
    }
    r.outcome = PostOutcome::lost; // the caller (post) goes on to send
    r.posting = std::move(posting);
    return r;
}

PostResult Outbox::begin(const PostingSpec& spec, const PostHandlers& h)
{
    store::Posting p;
    {
        store::Transaction tx(db_);
        p = postings_.record_pending(spec.key, spec.kind, spec.target, spec.request, spec.records,
                                     run_id_);
        tx.commit();
    }
    crash_point("outbox.recorded");

    PostResult r;
    if (p.status == store::posting_status::confirmed) {
        r.outcome = PostOutcome::already;
        r.remote_id = p.remote_id.value_or("");
        r.posting = std::move(p);
        return r;
    }
    if (p.status == store::posting_status::held) {
        r.outcome = PostOutcome::held;
        r.posting = std::move(p);
        return r;
    }
    if (p.status == store::posting_status::superseded) {
        r.outcome = PostOutcome::superseded;
        r.posting = std::move(p);
        return r;
    }
    if (p.attempts > 0) {
        // An earlier attempt may have reached the remote: ask before sending again.
        auto looked = look_up(std::move(p), h, /*resolving=*/false);
        if (looked.outcome != PostOutcome::lost) {
            return looked;
        }
        p = std::move(looked.posting);
    }

    postings_.mark_sent(p.id);
    crash_point("outbox.marked_sent");
    ++p.attempts;
    p.status = store::posting_status::sent;
    r.outcome = PostOutcome::send;
    r.posting = std::move(p);
    return r;
}

PostResult Outbox::complete(const store::Posting& sent,
                            const std::expected<std::string, http::Error>& answer,
                            const PostHandlers& h)
{
    crash_point("outbox.answered");
    PostResult r;
    if (answer) {
        store::Transaction tx(db_);
        h.confirmed(*answer, false);
        postings_.mark_confirmed(sent.id, *answer);
        tx.commit();
        crash_point("outbox.confirmed");
        r.outcome = PostOutcome::sent;
        r.remote_id = *answer;
        r.posting = *postings_.find(sent.id);
        return r;
    }

    const http::Error& err = answer.error();
    r.error = err;
    if (outcome_unknown(err)) {
        // It may have been applied: it stays sent, and only a lookup may decide a resend.
        postings_.note_error(sent.id, describe(err));
        r.outcome = PostOutcome::unknown;
    } else if (is_fatal(err)) {
        // Refused before anything was done (a refused connection, 401, 403, 429): as if never
        // sent, so no lookup is owed before the next send.
        postings_.mark_unsent(sent.id, describe(err));
        r.outcome = PostOutcome::not_sent;
    } else {
        const std::string cls = error_class_of(err);
        const std::string message = describe(err);
        store::Transaction tx(db_);
        postings_.mark_failed(sent.id, cls, message);
        if (h.failed) {
            h.failed(cls, message);
        }
        tx.commit();
        r.outcome = PostOutcome::refused;
    }
    r.posting = *postings_.find(sent.id);
    return r;
}

PostResult Outbox::post(const PostingSpec& spec, const PostHandlers& h)
{
    auto begun = begin(spec, h);
    if (begun.outcome != PostOutcome::send) {
        return begun;
    }
    return complete(begun.posting, h.send(), h);
}

PostResult Outbox::resolve(const store::Posting& posting, const PostHandlers& h, bool mark_lost)
{
    if (posting.status == store::posting_status::confirmed) {
        return PostResult{.outcome = PostOutcome::already,
                          .posting = posting,
                          .error = std::nullopt,
                          .remote_id = posting.remote_id.value_or("")};
    }
    return look_up(posting, h, /*resolving=*/mark_lost);
}

} // namespace mlc::engine
