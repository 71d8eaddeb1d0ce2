#pragma once
// The one error policy: what an http::Error from either system means for a pass. Every flow,
// the outbox and the admin commands ask here; nothing else turns an HTTP error into an exit
// code or a posting state.
//
//   fatal (the pass stops, exit 3): the exchange never completed (transport), the server failed
//   (5xx after the client's retries), our credentials were refused (401 after one refresh, 403),
//   or we were throttled past our retries (429). Nothing about the record is wrong.
//   per record (the record fails, the pass goes on, exit 1): any other 4xx with a body (the
//   target refused this content: error class `data`), or a 2xx answer whose body we cannot read
//   (error class `shape`).
//
// Separately, whether a failed *write* may have been applied anyway: a connection that broke
// after the request went out, a 5xx other than 503 (which, like 429, is a refusal before the
// server acted), or a 2xx we could not read. Such a posting stays `sent`
// and is resolved by looking the record up, never by sending it again blindly.
#include "http/client.hpp"

#include <string>
#include <string_view>

namespace mlc::engine {

// True when the error stops the pass (see above).
bool is_fatal(const http::Error& e);

// True when a write that failed this way may nevertheless have been applied remotely.
bool outcome_unknown(const http::Error& e);

// The postings error class (store/postings.hpp, error_class) of a failed write: `retryable`
// for the fatal kinds, `shape` for an unreadable 2xx, `data` for a refusal of the content.
std::string error_class_of(const http::Error& e);

// "HTTP 422: Name can't be blank", "transport: dropped: …": the error for a message.
std::string describe(const http::Error& e);

// Stops the command because `what` failed: UnreachableError (exit 3) for the fatal kinds, with a
// hint naming the likely cause; Fatal(usage) for a refusal the command cannot work around.
// `system` is "oracle" or "procore"; `hint` replaces the default hint when not empty.
[[noreturn]] void stop(std::string_view system, std::string_view what, const http::Error& e,
                       std::string hint = {});

} // namespace mlc::engine
