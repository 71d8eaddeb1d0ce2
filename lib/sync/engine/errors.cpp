#include "sync/engine/errors.hpp"

#include "core/error.hpp"
#include "store/postings.hpp"

#include <fmt/format.h>

namespace mlc::engine {

bool is_fatal(const http::Error& e)
{
    switch (e.kind) {
    case http::ErrorKind::transport:
    case http::ErrorKind::unauthorized:
        return true;
    case http::ErrorKind::shape:
        return false;
    case http::ErrorKind::status:
        return e.status >= 500 || e.status == 401 || e.status == 403 || e.status == 429
               || e.status == 408;
    }
    return true;
}

bool outcome_unknown(const http::Error& e)
{
    switch (e.kind) {
    case http::ErrorKind::transport:
        // A refused connection never carried the request; every other break may have come
        // after the server read it.
        return e.transport != http::TransportErrorKind::connect;
    case http::ErrorKind::shape:
        return true;
    case http::ErrorKind::unauthorized:
        return false;
    case http::ErrorKind::status:
        // 503 is refused before anything is done (overload, maintenance), like 429.
        return (e.status >= 500 && e.status != 503) || e.status == 408;
    }
    return true;
}

std::string error_class_of(const http::Error& e)
{
    if (e.kind == http::ErrorKind::shape) {
        return store::error_class::shape;
    }
    return is_fatal(e) ? store::error_class::retryable : store::error_class::data;
}

std::string describe(const http::Error& e)
{
    switch (e.kind) {
    case http::ErrorKind::transport:
        return "transport: " + e.message;
    case http::ErrorKind::shape:
        return fmt::format("HTTP {}: {}", e.status, e.message);
    case http::ErrorKind::unauthorized:
    case http::ErrorKind::status:
        return e.message.empty() ? fmt::format("HTTP {}", e.status)
                                 : fmt::format("HTTP {}: {}", e.status, e.message);
    }
    return e.message;
}

void stop(std::string_view system, std::string_view what, const http::Error& e, std::string hint)
{
    const std::string text = fmt::format("{}: {} failed: {}", system, what, describe(e));
    if (!is_fatal(e)) {
        throw Fatal(ExitCode::usage, text, std::move(hint));
    }
    if (hint.empty()) {
        if (e.kind == http::ErrorKind::transport) {
            hint = fmt::format("check {}.base_url and the network (`ml-connector ping`); a rerun "
                               "resumes where this pass stopped",
                               system);
        } else if (e.kind == http::ErrorKind::unauthorized || e.status == 401) {
            hint = fmt::format("check {}.client_id and its secret (`ml-connector ping`)", system);
        } else if (e.status == 403) {
            hint = system == "oracle"
                       ? "the Fusion user mapped to the client id lacks a role or privilege"
                       : "the app is not connected to this company, or lacks a permission";
        } else if (e.status == 429) {
            hint = "the rate limit is spent; the next pass resumes where this one stopped";
        } else {
            hint = "the system is failing; a rerun resumes where this pass stopped";
        }
    }
    throw UnreachableError(text, std::move(hint));
}

} // namespace mlc::engine
