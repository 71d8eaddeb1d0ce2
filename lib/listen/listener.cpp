#include "listen/listener.hpp"

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "spool/event.hpp"
#include "spool/spool.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <thread>

namespace mlc::listen {
namespace {

constexpr const char* k_ok_body = R"({"ok":true})";
constexpr const char* k_json = "application/json";
constexpr int k_backlog = 512;

// httplib routes are regular expressions; the configured path is a literal.
std::string regex_escape(std::string_view text)
{
    std::string out;
    for (const char c : text) {
        if (std::string_view(R"(\^$.|?*+()[]{}-)").find(c) != std::string_view::npos) {
            out.push_back('\\');
        }
        out.push_back(c);
    }
    return out;
}

std::string error_body(std::string_view message)
{
    return fmt::format(R"({{"ok":false,"error":"{}"}})", message);
}

// A request path is client-controlled: keep log lines short and printable.
std::string loggable(std::string_view text)
{
    std::string out;
    for (const char c : text.substr(0, std::min<std::size_t>(text.size(), 120))) {
        out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out;
}

// The self-pipe that turns SIGTERM/SIGINT into a read() the waiting thread returns from.
int g_signal_pipe_write = -1;
std::atomic<bool> g_waiting{false};

extern "C" void on_stop_signal(int sig)
{
    const char c = static_cast<char>(sig);
    [[maybe_unused]] const auto n = ::write(g_signal_pipe_write, &c, 1);
}

} // namespace

std::expected<HostPort, std::string> parse_listen_addr(std::string_view addr)
{
    HostPort hp{"127.0.0.1", 0};
    std::string_view port_text = addr;
    if (!addr.empty() && addr.front() == '[') {
        const auto close = addr.find(']');
        if (close == std::string_view::npos || close + 1 >= addr.size() || addr[close + 1] != ':') {
            return std::unexpected(
                fmt::format("listen address \"{}\": expected [v6-address]:port", addr));
        }
        hp.host = std::string(addr.substr(1, close - 1));
        port_text = addr.substr(close + 2);
    } else if (const auto colon = addr.rfind(':'); colon != std::string_view::npos) {
        hp.host = std::string(addr.substr(0, colon));
        port_text = addr.substr(colon + 1);
    }
    if (hp.host.empty()) {
        return std::unexpected(fmt::format("listen address \"{}\": the host is empty", addr));
    }
    if (port_text.empty() || port_text.size() > 5
        || !std::all_of(port_text.begin(), port_text.end(),
                        [](char c) { return c >= '0' && c <= '9'; })) {
        return std::unexpected(fmt::format("listen address \"{}\": expected host:port", addr));
    }
    int port = 0;
    for (const char c : port_text) {
        port = port * 10 + (c - '0');
    }
    if (port > 65535) {
        return std::unexpected(fmt::format("listen address \"{}\": port out of range", addr));
    }
    hp.port = port;
    return hp;
}

ListenOptions listen_options(const WebhookConfig& webhooks, const std::filesystem::path& spool_dir,
                             Secret secret)
{
    auto addr = parse_listen_addr(webhooks.listen_addr);
    if (!addr) {
        throw ConfigError("/webhooks/listen_addr: " + addr.error(),
                          "use host:port, e.g. 127.0.0.1:8787");
    }
    ListenOptions o;
    o.host = addr->host;
    o.port = addr->port;
    o.path = webhooks.path;
    o.header = webhooks.header;
    o.spool_dir = spool_dir;
    o.secret = std::move(secret);
    return o;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept
{
    const std::size_t n = std::max(a.size(), b.size());
    unsigned diff = a.size() == b.size() ? 0U : 1U;
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
        const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
        diff |= static_cast<unsigned>(x ^ y);
        // Keeps the optimiser from turning the loop into a compare that stops at a difference.
        __asm__ __volatile__("" : "+r"(diff));
    }
    return diff == 0;
}

struct Listener::Impl {
    ListenOptions options;
    spool::SpoolWriter writer;
    httplib::Server server;
    std::thread thread;
    std::mutex lifecycle;
    std::atomic<int> bound_port{0};
    int listen_fd = -1;
    bool started = false;

    std::atomic<std::uint64_t> received{0}, accepted{0}, unauthorized{0}, too_large{0},
        bad_request{0}, spool_failures{0};

    explicit Impl(ListenOptions o) : options(std::move(o)), writer(options.spool_dir) {}

    void deliver(const httplib::Request& req, httplib::Response& res)
    {
        // Exactly one header, equal to the secret: a second copy could smuggle a guess past a
        // proxy that checks only the first.
        const bool authorized =
            req.get_header_value_count(options.header) == 1
            && constant_time_equal(req.get_header_value(options.header), options.secret.reveal());
        if (!authorized) {
            unauthorized.fetch_add(1, std::memory_order_relaxed);
            log::warn("listen: 401 for {} from {}: {} header {}", loggable(req.path),
                      req.remote_addr, options.header,
                      req.has_header(options.header) ? "does not match" : "missing");
            res.status = 401;
            res.set_content(error_body("unauthorized"), k_json);
            return;
        }
        // The server refuses a declared Content-Length above the limit before reading it; this
        // catches a chunked body that grew past it.
        if (req.body.size() > options.max_body) {
            too_large.fetch_add(1, std::memory_order_relaxed);
            res.status = 413;
            res.set_content(error_body("body too large"), k_json);
            return;
        }
        if (!spool::is_json_object(req.body)) {
            bad_request.fetch_add(1, std::memory_order_relaxed);
            res.status = 400;
            res.set_content(error_body("body is not a JSON object"), k_json);
            return;
        }
        auto written = writer.write(req.body, system_clock().now());
        if (!written) {
            spool_failures.fetch_add(1, std::memory_order_relaxed);
            log::error("listen: {} (answered 503; Procore will retry)", written.error());
            res.status = 503;
            res.set_header("Retry-After", "5");
            res.set_content(error_body("spool unavailable"), k_json);
            return;
        }
        accepted.fetch_add(1, std::memory_order_relaxed);
        res.status = 200;
        res.set_content(k_ok_body, k_json);
    }

    void configure()
    {
        const auto n = static_cast<std::size_t>(options.threads);
        server.new_task_queue = [n] { return new httplib::ThreadPool(n); };
        // Plain SO_REUSEADDR and TCP_NODELAY (httplib's default adds SO_REUSEPORT, which would let
        // a second listener share the port silently); and remember the socket to widen its backlog.
        server.set_socket_options([this](socket_t sock) {
            int yes = 1;
            ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
            // Accepted sockets inherit it: without it Nagle holds the second write of a
            // response until the client's delayed ACK, ~40 ms per delivery.
            ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
            listen_fd = sock;
        });
        server.set_payload_max_length(options.max_body);
        server.set_read_timeout(options.read_timeout);
        server.set_write_timeout(options.read_timeout);
        // An idle keep-alive connection holds a worker: keep that short (httplib counts seconds).
        const auto idle =
            std::chrono::duration_cast<std::chrono::seconds>(options.read_timeout).count();
        server.set_keep_alive_timeout(static_cast<time_t>(std::clamp<long long>(idle, 1, 5)));
        server.set_keep_alive_max_count(1000);

        // Runs once the headers are read, before the body: counts requests in progress.
        server.set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
            received.fetch_add(1, std::memory_order_relaxed);
            return httplib::Server::HandlerResponse::Unhandled;
        });
        server.Post(
            regex_escape(options.path),
            [this](const httplib::Request& req, httplib::Response& res) { deliver(req, res); });
        server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
            res.set_content("ok", "text/plain");
        });
        server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
            log::debug("listen: {} {} -> {} ({} bytes) from {}", loggable(req.method),
                       loggable(req.path), res.status, req.body.size(), req.remote_addr);
        });
    }
};

Listener::Listener(ListenOptions options)
{
    if (options.secret.empty()) {
        throw Fatal(
            ExitCode::usage, "listen: the webhook secret is empty",
            "store it with `ml-connector creds set webhook` or set ML_CONNECTOR_WEBHOOK_SECRET");
    }
    if (options.path.empty() || options.path.front() != '/') {
        throw Fatal(ExitCode::usage,
                    fmt::format("listen: path \"{}\" must start with /", loggable(options.path)));
    }
    if (options.header.empty()) {
        throw Fatal(ExitCode::usage, "listen: the header name is empty");
    }
    if (options.threads < 1 || options.threads > 256) {
        throw Fatal(ExitCode::usage,
                    fmt::format("listen: threads must be 1..256, not {}", options.threads));
    }
    if (options.max_body == 0 || options.read_timeout.count() <= 0) {
        throw Fatal(ExitCode::usage, "listen: max_body and read_timeout must be positive");
    }
    if (options.spool_dir.empty()) {
        throw Fatal(ExitCode::usage, "listen: no spool directory",
                    "set state.spool_dir or pass --spool");
    }
    log::register_secret(options.secret.reveal());
    impl_ = std::make_unique<Impl>(std::move(options));
    impl_->configure();
}

Listener::~Listener()
{
    try {
        stop();
    } catch (...) { // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
}

void Listener::start()
{
    std::lock_guard lock(impl_->lifecycle);
    if (impl_->started) {
        return;
    }
    const auto& o = impl_->options;
    int port = o.port;
    if (port == 0) {
        port = impl_->server.bind_to_any_port(o.host);
    } else if (!impl_->server.bind_to_port(o.host, port)) {
        port = -1;
    }
    if (port <= 0) {
        throw Fatal(ExitCode::usage, fmt::format("listen: cannot listen on {}:{}", o.host, o.port),
                    "is another listener running there? choose another --addr");
    }
    // httplib listens with a backlog of 5: a burst of new connections would overflow it and
    // wait a 1 s SYN retry. Calling listen() again on Linux just raises the backlog.
    if (impl_->listen_fd >= 0) {
        ::listen(impl_->listen_fd, k_backlog);
    }
    impl_->bound_port = port;
    impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
    // The socket already accepts into its backlog; wait until the accept loop runs so that a
    // stop() right after start() is seen (httplib ignores stop() before that).
    while (!impl_->server.is_running()) {
        std::this_thread::yield();
    }
    impl_->started = true;
    log::info("listen: accepting on {}:{}{} (spool {}, {} workers)", o.host, port, o.path,
              o.spool_dir.string(), o.threads);
}

int Listener::port() const
{
    return impl_->bound_port.load();
}

void Listener::stop()
{
    std::lock_guard lock(impl_->lifecycle);
    if (!impl_->thread.joinable()) {
        return;
    }
    impl_->server.stop();
    impl_->thread.join(); // the pool finishes queued and in-flight requests before this returns
    const auto s = stats();
    log::info(
        "listen: stopped; {} accepted, {} unauthorized, {} bad, {} too large, {} spool failures",
        s.accepted, s.unauthorized, s.bad_request, s.too_large, s.spool_failures);
}

void Listener::run_until_signal(const std::function<void(int port)>& on_ready)
{
    if (g_waiting.exchange(true)) {
        throw Fatal(ExitCode::usage, "listen: run_until_signal is already waiting in this process");
    }
    int fds[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        g_waiting = false;
        throw Fatal(ExitCode::usage, "listen: cannot create the signal pipe");
    }
    g_signal_pipe_write = fds[1];

    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    struct sigaction old_term {
    }, old_int{};
    ::sigaction(SIGTERM, &action, &old_term);
    ::sigaction(SIGINT, &action, &old_int);

    auto restore = [&] {
        ::sigaction(SIGTERM, &old_term, nullptr);
        ::sigaction(SIGINT, &old_int, nullptr);
        ::close(fds[0]);
        ::close(fds[1]);
        g_signal_pipe_write = -1;
        g_waiting = false;
    };

    try {
        start();
        if (on_ready) {
            on_ready(port());
        }
        char sig = 0;
        while (::read(fds[0], &sig, 1) < 0 && errno == EINTR) {
        }
        log::info("listen: signal {} received, finishing in-flight deliveries",
                  static_cast<int>(sig));
        stop();
    } catch (...) {
        restore();
        throw;
    }
    restore();
}

ListenStats Listener::stats() const
{
    ListenStats s;
    s.received = impl_->received.load();
    s.accepted = impl_->accepted.load();
    s.unauthorized = impl_->unauthorized.load();
    s.too_large = impl_->too_large.load();
    s.bad_request = impl_->bad_request.load();
    s.spool_failures = impl_->spool_failures.load();
    return s;
}

} // namespace mlc::listen
