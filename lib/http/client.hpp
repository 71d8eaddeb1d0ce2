#pragma once
// The HTTP client both API clients use: authentication, retries with capped exponential
// backoff and full jitter (honouring Retry-After and X-Rate-Limit-Reset), one token refresh
// on 401, per-endpoint call counting, and request logging with secrets redacted.
#include "core/clock.hpp"
#include "http/transport.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlc::http {

// Adds credentials to a request; refresh() drops the cached token so the next apply()
// fetches a new one. Implemented in auth/ (OAuth client credentials for each system).
class Authenticator {
public:
    virtual ~Authenticator() = default;
    virtual void
    apply(Request& request) = 0; // may throw UnreachableError (token endpoint down/refused)
    virtual void refresh() = 0;
};

// Counts calls per "METHOD /path/{id}/template" for the run summary (--json too), and how each
// ended (the HTTP status, or "transport" when no answer came) for the metrics file.
class CallCounter {
public:
    void count(const std::string& method, const std::string& path_template);
    // `outcome`: "200", "429", … or "transport".
    void count_outcome(const std::string& method, const std::string& path_template,
                       const std::string& outcome);
    std::map<std::string, std::int64_t> snapshot() const; // key "GET /suppliers"
    // key ("GET /suppliers", "200")
    std::map<std::pair<std::string, std::string>, std::int64_t> outcomes() const;
    std::int64_t total() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::int64_t> counts_;
    std::map<std::pair<std::string, std::string>, std::int64_t> outcomes_;
};

struct RetryPolicy {
    int max_attempts = 6;
    std::chrono::milliseconds base_delay{500};
    std::chrono::milliseconds max_delay{60'000};
};

// The last rate-limit headers seen (Procore sends them on every response).
struct RateLimit {
    std::int64_t limit = -1;
    std::int64_t remaining = -1;
    std::int64_t reset_epoch = -1; // unix seconds
};

struct CallOptions {
    std::string path_template; // for counting and logs, e.g. "/rest/v1.0/vendors/{id}"
    bool idempotent = false;   // GETs always are; writes only when the caller says so
};

enum class ErrorKind {
    transport,    // never completed (after retries if idempotent)
    status,       // the server answered with a non-2xx status
    unauthorized, // 401 again after one refresh
    shape,        // the server answered 2xx, but the body is not what was expected
};

struct Error {
    ErrorKind kind = ErrorKind::status;
    int status = 0;      // 0 for transport errors
    std::string message; // parsed from the body (JSON message/errors/o:errorDetails) or raw text,
                         // truncated, redacted
    std::string body;    // raw body, redacted
    int attempts = 0;
    // For transport errors: how the exchange broke. `connect` means the request never left
    // (nothing can have been applied); the others may have reached the server.
    TransportErrorKind transport = TransportErrorKind::other;
};

// The error for a 2xx answer whose body is not the expected shape ("unexpected response: …").
Error shape_error(int status, const std::string& what);

using Result = std::expected<Response, Error>;

struct ClientOptions {
    std::string system;      // "oracle" or "procore", for logs and messages
    Headers default_headers; // e.g. Procore-Company-Id, REST-Framework-Version
    RetryPolicy retry;
};

class Client {
public:
    Client(Transport& transport, Authenticator* auth, CallCounter& counter, Clock& clock,
           ClientOptions options);

    // Sends with retries: transport errors, 429, 502, 503, 504 are retried when the request is
    // idempotent (GET is always idempotent); a 401 refreshes the token once and retries once.
    // A 429 or 503 is retried for any method: the server refused it before doing anything. A
    // non-idempotent request is never resent after a transport error or another 5xx (it may
    // have been applied); the caller gets the error. Authenticator::apply may throw
    // UnreachableError.
    Result send(Request request, const CallOptions& options);

    const RateLimit& rate_limit() const { return rate_limit_; }

    // The delay before retry number `attempt` (1-based) after `response` (may be null):
    // Retry-After, else X-Rate-Limit-Reset on a 429, else full jitter over capped exponential.
    std::chrono::milliseconds backoff(int attempt, const Response* response);

private:
    Transport& transport_;
    Authenticator* auth_;
    CallCounter& counter_;
    Clock& clock_;
    ClientOptions options_;
    RateLimit rate_limit_;
    std::mt19937_64 rng_;
};

// A short human message from an error body: JSON `message`, `error_description`, `error`,
// `errors` (object or string), Oracle `o:errorDetails[].detail`, `title`; else the text itself.
std::string summarize_error_body(const std::string& body, std::size_t max_len = 300);

// "/rest/v1.0/projects/{id}/vendors" from an absolute URL or a path: query dropped, every
// all-digit segment replaced by {id}. Used for counting when the caller gives no template.
std::string derive_path_template(std::string_view url);

// Query-string encoding (RFC 3986 unreserved kept; space -> %20, '+' -> %2B).
std::string url_encode(std::string_view text);
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

} // namespace mlc::http
