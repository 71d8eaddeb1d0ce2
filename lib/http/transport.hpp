#pragma once
// The wire: one request in, one outcome out. A TransportError means the exchange never
// completed (refused, timed out, TLS failed, connection dropped mid-body); a Response means the
// server answered, whatever its status. Callers keep the two apart (the cpr habit).
// Only curl_transport.cpp includes libcurl.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mlc::http {

// Header names compare case-insensitively; order and duplicates are kept.
struct Headers {
    std::vector<std::pair<std::string, std::string>> items;

    void set(std::string name, std::string value); // replaces any with the same name
    void add(std::string name, std::string value);
    std::optional<std::string> get(std::string_view name) const;
};

struct Request {
    std::string method = "GET";
    std::string url; // absolute
    Headers headers;
    std::string body;
};

struct Response {
    int status = 0;
    Headers headers;
    std::string body;
};

enum class TransportErrorKind {
    connect, // DNS, refused, unreachable
    timeout, // connect or total timeout
    tls,     // certificate or handshake
    dropped, // connection closed or reset mid-exchange, partial body
    other,
};

struct TransportError {
    TransportErrorKind kind = TransportErrorKind::other;
    std::string message; // curl's description, no secrets
};

using Outcome = std::variant<Response, TransportError>;

struct TransportOptions {
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds total_timeout{120'000};
    std::string ca_bundle;  // optional extra CA file; verification is always on
    std::string user_agent; // "ml-connector/<version>"; empty means exactly that default
    // A response body larger than this fails as TransportError(other): a runaway or hostile
    // server must not exhaust memory.
    std::size_t max_response_bytes = 256u * 1024u * 1024u;
};

class Transport {
public:
    virtual ~Transport() = default;
    virtual Outcome perform(const Request& request) = 0;
};

// libcurl: keep-alive connection reuse, gzip accepted, TLS peer and host verification always
// on. http:// URLs are refused unless the host is loopback.
std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options);

std::string_view to_string(TransportErrorKind kind);

// True for 127.0.0.0/8, "localhost" and ::1 (with or without brackets): the only hosts plain
// http:// may reach (the simulators).
bool is_loopback_host(std::string_view host);

} // namespace mlc::http
