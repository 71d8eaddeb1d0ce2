#pragma once
// The webhook companion (`ml-connector listen`): a small HTTP server that checks Procore's
// static header secret in constant time, bounds the body, writes each delivery durably to the
// spool and answers 2xx in milliseconds. It never opens the database and never calls a remote
// system; passes take the spool in later. The only user of the HTTP server library in lib/
// (Boost.Beast over Asio).
//
// Slow or hostile clients cannot starve it: connections are served by one event-loop thread,
// so an idle or trickling connection costs a socket and a few kilobytes, never a thread; each
// request must arrive whole within a total deadline; and connections are capped, overall and
// per remote address. Only complete requests reach the worker threads that write the spool.
#include "core/config.hpp"
#include "core/secret.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mlc::listen {

struct ListenOptions {
    std::string host = "127.0.0.1";
    int port = 8787; // 0: any free port (tests); see Listener::port()
    std::string path = "/webhooks/procore";
    std::string header = "Authorization"; // the header Procore sends from destination_headers
    Secret secret;                        // its expected value; must not be empty
    std::filesystem::path spool_dir;
    std::size_t max_body = 1 << 20; // larger bodies get 413
    // A request must arrive whole, headers and body, within this of its first byte, and its
    // answer be taken within it too. A total, not a per-read, deadline: a client trickling a
    // byte a second is cut off (closed without an answer), never waited for.
    std::chrono::milliseconds request_timeout{10000};
    // How long a connection may stay silent before its first request and between requests.
    std::chrono::milliseconds idle_timeout{5000};
    // Connections open at once, and from one remote address; one over a cap is closed as soon
    // as it is accepted. Behind a reverse proxy every connection comes from the proxy's address.
    std::size_t max_connections = 512;
    std::size_t max_connections_per_address = 64;
    // Workers that check and spool complete requests (the fsyncs happen there); connections
    // themselves are served by one event-loop thread whatever this is.
    int threads = 8;
};

// Counters since start(), for the log line at shutdown and for tests.
struct ListenStats {
    std::uint64_t received = 0;       // requests whose headers were read (any path, any outcome)
    std::uint64_t accepted = 0;       // spooled and answered 200
    std::uint64_t unauthorized = 0;   // 401
    std::uint64_t too_large = 0;      // 413: a declared or a chunked body over max_body
    std::uint64_t bad_request = 0;    // 400: malformed HTTP, or a body that is not a JSON object
    std::uint64_t spool_failures = 0; // 503: the spool write failed
    std::uint64_t refused = 0;        // connections closed at once: a connection cap was reached
    std::uint64_t timed_out = 0;      // connections cut off: no complete request within a deadline
    std::uint64_t connections = 0;    // connections open now
};

// "127.0.0.1:8787", "[::1]:8787", "0.0.0.0:9000" -> host and port. A bare port means loopback.
struct HostPort {
    std::string host;
    int port = 0;
};
std::expected<HostPort, std::string> parse_listen_addr(std::string_view addr);

// Options from the config's webhooks section and spool directory (what `listen` starts from
// before applying --addr/--spool). Throws ConfigError naming /webhooks/listen_addr when the
// address does not parse.
ListenOptions listen_options(const WebhookConfig& webhooks, const std::filesystem::path& spool_dir,
                             Secret secret);

// Compares without an early exit: the time taken depends only on the lengths, never on where
// the first difference is, so a client cannot guess the secret byte by byte from timings.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

class Listener {
public:
    // Validates the options and prepares the spool (created 0700). Throws mlc::Fatal (usage) on
    // an empty secret, a bad path, thread count, timeout or cap, or a spool that cannot be
    // created. A spool deleted later is re-created on demand; GET /healthz answers 503 with a
    // short reason while it cannot be written, 200 "ok" otherwise.
    explicit Listener(ListenOptions options);
    ~Listener(); // stops if still running
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    // Binds and starts accepting; returns once the server is accepting. Throws mlc::Fatal when
    // the address cannot be bound. A second call does nothing; a stopped listener stays stopped.
    void start();
    // The bound port (the real one when options.port was 0). Valid after start().
    int port() const;
    // Stops accepting, closes idle connections, lets requests already begun finish (each within
    // its deadline), joins the threads. Idempotent.
    void stop();
    // Installs SIGTERM/SIGINT handlers, start()s if needed, calls on_ready(port) (the command
    // prints "listening on ..."; a test learns it may now signal), then blocks until one of the
    // signals arrives and stop()s. Returns normally so the command can exit 0. The previous
    // signal handlers are restored before returning. One call at a time per process.
    void run_until_signal(const std::function<void(int port)>& on_ready = {});

    ListenStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace mlc::listen
