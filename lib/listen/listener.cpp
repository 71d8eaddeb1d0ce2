#include "listen/listener.hpp"

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "spool/event.hpp"
#include "spool/spool.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace mlc::listen {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr const char* k_ok_body = R"({"ok":true})";
constexpr const char* k_json = "application/json";
constexpr const char* k_text = "text/plain";
constexpr int k_backlog = 512;
// The first read of a request: enough for a whole typical delivery in one call.
constexpr std::size_t k_first_read = 4096;
// After an answer that ends the connection, unread input is drained (not reset) for at most
// this long, so the client reads the answer instead of a connection reset.
constexpr std::chrono::milliseconds k_linger{2000};
// A failed accept (out of descriptors) is retried after this rather than in a tight loop.
constexpr std::chrono::milliseconds k_accept_retry{50};

std::string error_body(std::string_view message)
{
    return fmt::format(R"({{"ok":false,"error":"{}"}})", message);
}

// The path of a request target, without its query.
std::string_view path_of(std::string_view target)
{
    return target.substr(0, target.find('?'));
}

// The tail of a spool error ("spool: cannot create /x: No space left on device" -> "No space
// left on device"): /healthz is unauthenticated and names no path.
std::string_view short_reason(std::string_view message)
{
    const auto colon = message.rfind(": ");
    return colon == std::string_view::npos ? message : message.substr(colon + 2);
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
    // What the worker decided for one request; written back by the connection's own thread.
    struct Answer {
        http::status status = http::status::ok;
        std::string body;
        const char* content_type = k_json;
        bool retry_after = false;
    };
    static Answer answer(http::status status, std::string body, const char* content_type = k_json,
                         bool retry_after = false)
    {
        Answer a;
        a.status = status;
        a.body = std::move(body);
        a.content_type = content_type;
        a.retry_after = retry_after;
        return a;
    }

    ListenOptions options;
    spool::SpoolWriter writer;
    asio::io_context ioc{1};
    tcp::acceptor acceptor{ioc};
    asio::steady_timer accept_retry{ioc};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::optional<asio::thread_pool> workers;
    std::thread io_thread;
    std::mutex lifecycle;
    std::atomic<int> bound_port{0};
    bool started = false;
    std::atomic<bool> stopping{false};

    class Session;
    // Open connections, overall and per remote address; every session, to close idle ones on
    // stop(). Touched by the I/O thread and by stop().
    std::mutex sessions_mutex;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
    std::unordered_map<std::string, std::size_t> per_address;

    std::atomic<std::uint64_t> received{0}, accepted{0}, unauthorized{0}, too_large{0},
        bad_request{0}, spool_failures{0}, refused{0}, timed_out{0}, open{0};
    std::atomic<bool> spool_healthy{true};

    explicit Impl(ListenOptions o) : options(std::move(o)), writer(options.spool_dir) {}

    void accept();
    void admit(tcp::socket socket);
    void forget(Session* session, const std::string& address);

    // Runs on a worker: the whole decision for one complete request.
    Answer handle(const http::request<http::string_body>& req, const std::string& address);
    Answer deliver(const http::request<http::string_body>& req, const std::string& address);
    Answer health();
};

// One connection: waits for a request (idle deadline), reads it whole (total deadline), hands
// it to a worker, writes the answer, and either waits for the next or closes. Every handler
// runs on the connection's strand.
class Listener::Impl::Session : public std::enable_shared_from_this<Session> {
public:
    Session(Impl& impl, tcp::socket socket, std::string address)
        : impl_(impl), stream_(std::move(socket)), address_(std::move(address))
    {}
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session() { impl_.forget(this, address_); }

    void start()
    {
        asio::dispatch(stream_.get_executor(),
                       beast::bind_front_handler(&Session::wait_for_request, shared_from_this()));
    }

    // From stop(): a connection between requests (or lingering) is closed now; one whose
    // request has begun is let finish and closed after its answer.
    void stop()
    {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            if (self->phase_ != Phase::request) {
                self->stream_.cancel();
            }
        });
    }

private:
    enum class Phase { idle, request, linger };

    using Parser = http::request_parser<http::string_body>;

    void wait_for_request()
    {
        parser_.emplace();
        parser_->body_limit(impl_.options.max_body);
        if (impl_.stopping) {
            return; // the last handler: the connection closes with the session
        }
        if (buffer_.size() > 0) { // a pipelined request already read
            begin_request();
            return;
        }
        phase_ = Phase::idle;
        stream_.expires_after(impl_.options.idle_timeout);
        stream_.async_read_some(
            buffer_.prepare(k_first_read),
            beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
    }

    void on_first_bytes(error_code ec, std::size_t n)
    {
        if (ec) {
            if (ec == beast::error::timeout && served_ == 0) {
                cut_off("sent no request");
            }
            return;
        }
        buffer_.commit(n);
        begin_request();
    }

    void begin_request()
    {
        // The deadline starts at the request's first byte and covers headers and body: a
        // trickle cannot extend it.
        phase_ = Phase::request;
        stream_.expires_after(impl_.options.request_timeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Session::on_header, shared_from_this()));
    }

    void on_header(error_code ec, std::size_t)
    {
        if (ec) {
            read_failed(ec);
            return;
        }
        impl_.received.fetch_add(1, std::memory_order_relaxed);
        const auto& req = parser_->get();
        if (beast::iequals(req[http::field::expect], "100-continue")) {
            // The client waits for this before sending the body.
            continue_.emplace(http::status::continue_, req.version());
            http::async_write(stream_, *continue_,
                              beast::bind_front_handler(&Session::on_continue, shared_from_this()));
            return;
        }
        read_body();
    }

    void on_continue(error_code ec, std::size_t)
    {
        if (ec) {
            read_failed(ec);
            return;
        }
        read_body();
    }

    void read_body()
    {
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::on_body, shared_from_this()));
    }

    void on_body(error_code ec, std::size_t)
    {
        if (ec) {
            read_failed(ec);
            return;
        }
        stream_.expires_never(); // the worker's time is not the client's
        auto req = std::make_shared<http::request<http::string_body>>(parser_->release());
        // The spool's fsync blocks: it runs on a worker, and this connection's thread goes on
        // serving the others. The work guard keeps the I/O loop alive until the answer is back.
        asio::post(*impl_.workers, [self = shared_from_this(), req,
                                    guard = asio::make_work_guard(impl_.ioc)]() mutable {
            Answer reply = self->impl_.handle(*req, self->address_);
            asio::post(self->stream_.get_executor(),
                       [self, req, reply = std::move(reply)]() mutable {
                           self->respond(req->method_string(), req->target(), req->body().size(),
                                         req->version(), std::move(reply), req->keep_alive());
                       });
            guard.reset();
        });
    }

    void read_failed(error_code ec)
    {
        if (ec == beast::error::timeout) {
            cut_off("did not send a whole request in time");
            return;
        }
        if (ec == http::error::body_limit) {
            impl_.too_large.fetch_add(1, std::memory_order_relaxed);
            respond_error(http::status::payload_too_large, "body too large");
            return;
        }
        if (ec == http::error::header_limit) {
            impl_.bad_request.fetch_add(1, std::memory_order_relaxed);
            respond_error(http::status::request_header_fields_too_large, "headers too large");
            return;
        }
        if (ec.category() == http::make_error_code(http::error::end_of_stream).category()
            && ec != http::error::end_of_stream && ec != http::error::partial_message) {
            impl_.bad_request.fetch_add(1, std::memory_order_relaxed);
            respond_error(http::status::bad_request, "malformed request");
            return;
        }
        // The client went away (end of stream, reset) or stop() cancelled: nothing to answer.
    }

    void cut_off(const char* what)
    {
        impl_.timed_out.fetch_add(1, std::memory_order_relaxed);
        log::debug("listen: closed a connection from {}: it {}", address_, what);
    }

    // An answer to a request that could not be read whole: the connection cannot be reused.
    void respond_error(http::status status, std::string_view message)
    {
        const bool head = parser_->is_header_done();
        const auto& req = parser_->get();
        respond(head ? req.method_string() : "-", head ? req.target() : "-", req.body().size(),
                head ? req.version() : 11, answer(status, error_body(message)), false);
    }

    void respond(std::string_view method, std::string_view target, std::size_t body_bytes,
                 unsigned version, Answer reply, bool keep_alive)
    {
        log::debug("listen: {} {} -> {} ({} bytes) from {}", loggable(method),
                   loggable(path_of(target)), static_cast<unsigned>(reply.status), body_bytes,
                   address_);
        keep_alive = keep_alive && !impl_.stopping;
        res_.emplace(reply.status, version == 10 ? 10U : 11U);
        res_->set(http::field::content_type, reply.content_type);
        if (reply.retry_after) {
            res_->set(http::field::retry_after, "5");
        }
        res_->body() = std::move(reply.body);
        res_->keep_alive(keep_alive);
        res_->prepare_payload();
        ++served_;
        phase_ = Phase::request;
        stream_.expires_after(impl_.options.request_timeout);
        http::async_write(stream_, *res_,
                          [self = shared_from_this(), keep_alive](error_code ec, std::size_t) {
                              self->on_written(ec, keep_alive);
                          });
    }

    void on_written(error_code ec, bool keep_alive)
    {
        res_.reset();
        if (ec) {
            if (ec == beast::error::timeout) {
                cut_off("did not take its answer in time");
            }
            return;
        }
        if (keep_alive) {
            wait_for_request();
            return;
        }
        // Closing with unread input would reset the connection and could destroy the answer
        // before the client reads it: half-close, then drain for a short while (not when
        // stopping: stop() does not wait on a client that keeps its end open).
        phase_ = Phase::linger;
        error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        if (impl_.stopping) {
            return;
        }
        stream_.expires_after(std::min(k_linger, impl_.options.request_timeout));
        drain();
    }

    void drain()
    {
        stream_.async_read_some(asio::buffer(drain_),
                                [self = shared_from_this()](error_code ec, std::size_t) {
                                    if (!ec) {
                                        self->drain();
                                    }
                                });
    }

    Impl& impl_;
    beast::tcp_stream stream_;
    std::string address_;
    beast::flat_buffer buffer_;
    std::optional<Parser> parser_;
    std::optional<http::response<http::empty_body>> continue_;
    std::optional<http::response<http::string_body>> res_;
    std::array<char, 1024> drain_{};
    Phase phase_ = Phase::idle;
    std::uint64_t served_ = 0;
};

void Listener::Impl::accept()
{
    acceptor.async_accept(asio::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
            return;
        }
        if (ec) {
            // Out of descriptors or memory: try again shortly; the open ones keep being served.
            log::warn("listen: accept failed: {}", ec.message());
            accept_retry.expires_after(k_accept_retry);
            accept_retry.async_wait([this](error_code wait_ec) {
                if (!wait_ec) {
                    accept();
                }
            });
            return;
        }
        admit(std::move(socket));
        accept();
    });
}

void Listener::Impl::admit(tcp::socket socket)
{
    error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) {
        return; // already gone
    }
    std::string address = remote.address().to_string();
    {
        std::lock_guard lock(sessions_mutex);
        const auto it = per_address.find(address);
        const std::size_t from_address = it == per_address.end() ? 0 : it->second;
        if (stopping || open >= options.max_connections
            || from_address >= options.max_connections_per_address) {
            refused.fetch_add(1, std::memory_order_relaxed);
            log::debug("listen: refused a connection from {}: {} connections open, {} from it",
                       address, open.load(), from_address);
            socket.close(ec);
            return;
        }
        ++per_address[address];
        ++open;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto session = std::make_shared<Session>(*this, std::move(socket), address);
    {
        std::lock_guard lock(sessions_mutex);
        sessions.emplace(session.get(), session);
    }
    session->start();
}

void Listener::Impl::forget(Session* session, const std::string& address)
{
    std::lock_guard lock(sessions_mutex);
    sessions.erase(session);
    if (auto it = per_address.find(address); it != per_address.end() && --it->second == 0) {
        per_address.erase(it);
    }
    --open;
}

Listener::Impl::Answer Listener::Impl::handle(const http::request<http::string_body>& req,
                                              const std::string& address)
{
    const auto path = path_of(req.target());
    if (req.method() == http::verb::post && path == options.path) {
        return deliver(req, address);
    }
    if (req.method() == http::verb::get && path == "/healthz") {
        return health();
    }
    return answer(http::status::not_found, error_body("not found"));
}

Listener::Impl::Answer Listener::Impl::deliver(const http::request<http::string_body>& req,
                                               const std::string& address)
{
    // Exactly one header, equal to the secret: a second copy could smuggle a guess past a
    // proxy that checks only the first.
    const auto count = req.count(options.header);
    const bool authorized =
        count == 1 && constant_time_equal(req[options.header], options.secret.reveal());
    if (!authorized) {
        unauthorized.fetch_add(1, std::memory_order_relaxed);
        log::warn("listen: 401 for {} from {}: {} header {}", loggable(path_of(req.target())),
                  address, options.header, count > 0 ? "does not match" : "missing");
        return answer(http::status::unauthorized, error_body("unauthorized"));
    }
    // The parser refuses a larger body before reading it; kept for a parser without the limit.
    if (req.body().size() > options.max_body) {
        too_large.fetch_add(1, std::memory_order_relaxed);
        return answer(http::status::payload_too_large, error_body("body too large"));
    }
    if (!spool::is_json_object(req.body())) {
        bad_request.fetch_add(1, std::memory_order_relaxed);
        return answer(http::status::bad_request, error_body("body is not a JSON object"));
    }
    auto written = writer.write(req.body(), system_clock().now());
    if (!written) {
        spool_failures.fetch_add(1, std::memory_order_relaxed);
        log::error("listen: {} (answered 503; Procore will retry)", written.error());
        return answer(http::status::service_unavailable, error_body("spool unavailable"), k_json,
                      true);
    }
    accepted.fetch_add(1, std::memory_order_relaxed);
    return answer(http::status::ok, k_ok_body);
}

Listener::Impl::Answer Listener::Impl::health()
{
    // A real write test (re-creating a deleted spool on the way): "ok" means a delivery now
    // would be spooled, not merely that the process runs.
    auto writable = writer.check();
    if (!writable) {
        if (spool_healthy.exchange(false)) {
            log::warn("listen: /healthz: {} (answering 503 until it can be written)",
                      writable.error());
        }
        return answer(http::status::service_unavailable,
                      fmt::format("spool unavailable: {}", short_reason(writable.error())), k_text,
                      true);
    }
    if (!spool_healthy.exchange(true)) {
        log::info("listen: /healthz: the spool can be written again");
    }
    return answer(http::status::ok, "ok", k_text);
}

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
    if (options.max_body == 0 || options.request_timeout.count() <= 0
        || options.idle_timeout.count() <= 0) {
        throw Fatal(ExitCode::usage,
                    "listen: max_body, request_timeout and idle_timeout must be positive");
    }
    if (options.max_connections == 0 || options.max_connections_per_address == 0) {
        throw Fatal(ExitCode::usage, "listen: the connection caps must be positive");
    }
    if (options.spool_dir.empty()) {
        throw Fatal(ExitCode::usage, "listen: no spool directory",
                    "set state.spool_dir or pass --spool");
    }
    log::register_secret(options.secret.reveal());
    impl_ = std::make_unique<Impl>(std::move(options));
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
    auto& im = *impl_;
    const auto& o = im.options;
    auto cannot_listen = [&](const std::string& why) {
        return Fatal(ExitCode::usage,
                     fmt::format("listen: cannot listen on {}:{}: {}", o.host, o.port, why),
                     "is another listener running there? choose another --addr");
    };
    error_code ec;
    tcp::resolver resolver(im.ioc);
    const auto found =
        resolver.resolve(o.host, std::to_string(o.port),
                         tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || found.empty()) {
        throw cannot_listen(ec ? ec.message() : "no address");
    }
    const tcp::endpoint endpoint = found.begin()->endpoint();
    // Plain SO_REUSEADDR, never SO_REUSEPORT: a second listener on the port must fail, not
    // share it silently. A deep backlog: a burst of connections must not wait a SYN retry.
    im.acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        im.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
        im.acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        im.acceptor.listen(k_backlog, ec);
    }
    if (ec) {
        error_code ignored;
        im.acceptor.close(ignored);
        throw cannot_listen(ec.message());
    }
    const int port = im.acceptor.local_endpoint().port();
    im.bound_port = port;
    im.workers.emplace(static_cast<std::size_t>(o.threads));
    im.work.emplace(im.ioc.get_executor());
    im.accept();
    // One thread serves every connection: parsing is cheap, and the blocking spool work is on
    // the workers. The socket already accepts into its backlog before this runs.
    im.io_thread = std::thread([&im] { im.ioc.run(); });
    im.started = true;
    log::info("listen: accepting on {}:{}{} (spool {}, {} workers, {} ms per request, at most {} "
              "connections, {} per address)",
              o.host, port, o.path, o.spool_dir.string(), o.threads, o.request_timeout.count(),
              o.max_connections, o.max_connections_per_address);
}

int Listener::port() const
{
    return impl_->bound_port.load();
}

void Listener::stop()
{
    std::lock_guard lock(impl_->lifecycle);
    auto& im = *impl_;
    if (!im.io_thread.joinable()) {
        return;
    }
    std::vector<std::shared_ptr<Impl::Session>> open_sessions;
    {
        std::lock_guard sessions_lock(im.sessions_mutex);
        im.stopping = true;
        for (auto& [ptr, weak] : im.sessions) {
            if (auto s = weak.lock()) {
                open_sessions.push_back(std::move(s));
            }
        }
    }
    asio::post(im.ioc, [&im] {
        error_code ignored;
        im.acceptor.close(ignored);
        im.accept_retry.cancel();
    });
    for (auto& s : open_sessions) {
        s->stop();
    }
    open_sessions.clear();
    im.work.reset();
    im.io_thread.join(); // returns once every connection has closed
    im.workers->join();
    const auto s = stats();
    log::info("listen: stopped; {} accepted, {} unauthorized, {} bad, {} too large, {} spool "
              "failures, {} connections refused, {} cut off",
              s.accepted, s.unauthorized, s.bad_request, s.too_large, s.spool_failures, s.refused,
              s.timed_out);
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
    s.refused = impl_->refused.load();
    s.timed_out = impl_->timed_out.load();
    s.connections = impl_->open.load();
    return s;
}

} // namespace mlc::listen
