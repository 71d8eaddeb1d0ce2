#pragma once
// The outbox: the only way the engine writes to a remote system. post() records the posting
// (pending, with its request and the records it carries) *before* anything is sent, marks it
// sent, sends, and stores the answer together with the caller's own effects (links, audit rows)
// in one transaction. On any later attempt for the same key, in this pass or any other, it
// first asks `lookup` whether the remote already has the record and sends again only when the
// answer is a definite "no". So a crash or a lost answer between send and confirm can never make
// a second purchase order, invoice, journal or vendor: the money is posted once by construction.
//
//   pending --send--> sent --answer--> confirmed
//      |                |--refused (4xx)--> failed (data)      --next attempt: lookup first
//      |                |--unknown (dropped, 5xx, 2xx unreadable): stays sent --lookup--> ...
//      |--never reached (connect, 401, 403, 429): pending again, attempts unchanged
//      `--interrupted before sending, records re-planned: superseded (reopened by the same key)
//
// `attempts` counts the sends that may have reached the remote; only such a posting needs a
// lookup before the next send.
#include "http/client.hpp"
#include "store/postings.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlc::store {
class Database;
}

namespace mlc::engine {

// What a lookup found: the remote id of the record (or a summary of a batch's ids).
struct Found {
    std::string remote_id;
};
// A lookup's answer: found, definitely absent (nullopt), or could not tell (the error).
using LookupResult = std::expected<std::optional<Found>, http::Error>;

struct PostingSpec {
    std::string key;                  // unique: names the record(s) and their content version
    std::string kind;                 // postings.kind (a FlowInfo posting kind)
    std::string target;               // "oracle" or "procore"
    std::string request;              // what is sent; never a secret
    std::vector<std::string> records; // the source records it carries
};

// What the caller provides for one posting.
struct PostHandlers {
    // Sends the request; the remote id (or a summary) on success.
    std::function<std::expected<std::string, http::Error>()> send;
    // Asks the remote whether it already has what this posting carries.
    std::function<LookupResult()> lookup;
    // Called inside the transaction that marks the posting confirmed, so the caller's links and
    // audit rows commit with it; `found` is true when a lookup found it (nothing was sent).
    std::function<void(const std::string& remote_id, bool found)> confirmed;
    // Optional: called inside the transaction that marks the posting failed (a refusal, or a
    // lost write the lookup did not find), so the caller's failure records commit with it.
    std::function<void(const std::string& error_class, const std::string& message)> failed;
};

enum class PostOutcome {
    sent,       // sent now; the answer confirmed it
    found,      // an earlier attempt's write was found by lookup: confirmed, nothing sent now
    already,    // confirmed before: nothing done
    refused,    // the target refused the content (failed: data or shape): the pass goes on
    lost,       // an earlier attempt's write is not there (resolve only): failed, retryable
    unknown,    // may or may not have been applied; stays sent until a lookup can tell
    not_sent,   // a fatal error before the target acted (connect, 401, 403, 429): pending again
    held,       // waiting on a person: not sent
    superseded, // replaced by a newer version: never sent again
    send,       // begin() only: recorded and marked sent; the caller sends, then complete()s
};
std::string_view to_string(PostOutcome outcome);

struct PostResult {
    PostOutcome outcome = PostOutcome::unknown;
    store::Posting posting;           // as it stands after the call
    std::optional<http::Error> error; // refused, unknown, not_sent (and a failed lookup)
    std::string remote_id;            // sent, found, already
};

class Outbox {
public:
    Outbox(store::Database& db, std::optional<std::int64_t> run_id);

    // Records, then (lookup first when an earlier attempt may have reached the remote) sends,
    // then stores the answer. See the header comment for every path. The same as begin(), the
    // send, then complete().
    PostResult post(const PostingSpec& spec, const PostHandlers& handlers);
    // The two halves of post(), for a caller that sends on another thread while it goes on
    // with its own work (a batch in flight while the next one is planned). begin() records,
    // looks up when owed, and either settles the posting (any outcome but `send`) or marks it
    // sent and answers `send`: the caller then makes the request and hands its answer to
    // complete(), on this thread, which stores it exactly as post() would.
    PostResult begin(const PostingSpec& spec, const PostHandlers& handlers);
    PostResult complete(const store::Posting& sent,
                        const std::expected<std::string, http::Error>& answer,
                        const PostHandlers& handlers);
    // Resolves a posting an earlier attempt left `sent` (or any posting that may have reached the
    // remote): lookup; found -> confirmed; absent -> failed (retryable, "lost"), for the caller
    // to send its records again (with `mark_lost` false, `replay`'s case, the posting is left
    // as it is and the outcome is still `lost`); could not tell -> unknown, with the error.
    PostResult resolve(const store::Posting& posting, const PostHandlers& handlers,
                       bool mark_lost = true);

    store::Postings& postings() { return postings_; }

private:
    PostResult look_up(store::Posting posting, const PostHandlers& handlers, bool resolving);

    store::Database& db_;
    store::Postings postings_;
    std::optional<std::int64_t> run_id_;
};

} // namespace mlc::engine
