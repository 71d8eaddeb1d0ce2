// The webhook listener on loopback, port 0: authentication, size and shape checks, the spool
// bytes, a stalled client, 64 trickling clients, the connection caps, a deleted spool, a
// concurrent burst, graceful stop, signals, and zero loss across a SIGKILL (in a forked child,
// so the test process survives it). Clients come from several loopback addresses (127.0.0.x)
// where the per-address cap matters.
#include "core/error.hpp"
#include "core/log.hpp"
#include "listen/listener.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace listen_listener_test {

namespace fs = std::filesystem;
using mlc::Secret;
using mlc::listen::constant_time_equal;
using mlc::listen::Listener;
using mlc::listen::ListenOptions;

namespace {

const std::string k_secret = "Bearer 7f3c9a-webhook-secret-for-tests";
const std::string k_path = "/webhooks/procore";
const std::string k_event =
    R"({"id":123456789,"ulid":"0A1B2C3D4F5G6H7I8J9K0LMN","api_version":"v2.0",)"
    R"("event_type":"update","resource_name":"Direct Costs","resource_id":5982324300946918154})";

std::vector<fs::path> files_in(const fs::path& dir)
{
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

ListenOptions options_for(const fs::path& spool)
{
    ListenOptions o;
    o.port = 0;
    o.secret = Secret(k_secret);
    o.spool_dir = spool;
    o.request_timeout = std::chrono::milliseconds(2000);
    o.threads = 4;
    return o;
}

httplib::Headers auth(const std::string& value = k_secret)
{
    return {{"Authorization", value}};
}

// A started listener on a fresh spool, and a client for it.
struct Running {
    mlc::test::TempDir tmp;
    fs::path spool = tmp.path() / "spool";
    Listener listener;
    httplib::Client client;

    explicit Running(const std::function<void(ListenOptions&)>& tweak = {})
        : listener(make(tweak, spool)), client("127.0.0.1", (listener.start(), listener.port()))
    {
        client.set_connection_timeout(std::chrono::seconds(5));
        client.set_read_timeout(std::chrono::seconds(10));
    }
    static ListenOptions make(const std::function<void(ListenOptions&)>& tweak,
                              const fs::path& spool)
    {
        auto o = options_for(spool);
        if (tweak) {
            tweak(o);
        }
        return o;
    }
    std::vector<fs::path> spooled() const { return files_in(spool / "new"); }
};

// A plain TCP connection for what httplib::Client will not do: stall, trickle, send raw chunks,
// come from another loopback address (`from`, e.g. "127.0.0.2").
struct RawConnection {
    int fd = -1;
    explicit RawConnection(int port, const char* from = nullptr)
    {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        if (from != nullptr) {
            sockaddr_in local{};
            local.sin_family = AF_INET;
            REQUIRE(::inet_pton(AF_INET, from, &local.sin_addr) == 1);
            REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0);
        }
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        timeval tv{10, 0}; // a safety net only: the test fails rather than hangs
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~RawConnection() { close(); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    void close()
    {
        if (fd >= 0) {
            ::close(fd);
            fd = -1;
        }
    }
    void send(std::string_view data)
    {
        while (!data.empty()) {
            const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
            REQUIRE(n > 0);
            data.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    // Everything until the server closes (or the safety net trips).
    std::string read_to_eof()
    {
        std::string out;
        char buf[4096];
        for (;;) {
            const auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) {
                return out;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    // Whether the server closed the connection (end of stream or reset), reading and dropping
    // whatever it sent first; false when the safety net tripped instead.
    bool closed_by_server()
    {
        char buf[4096];
        for (;;) {
            const auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n == 0 || (n < 0 && errno == ECONNRESET)) {
                return true;
            }
            if (n < 0) {
                return false;
            }
        }
    }
    // One response: headers, then Content-Length bytes of body.
    std::string read_response()
    {
        std::string out;
        char buf[4096];
        for (;;) {
            const auto end = out.find("\r\n\r\n");
            if (end != std::string::npos) {
                const auto cl = out.find("Content-Length: ");
                const std::size_t len =
                    cl == std::string::npos ? 0 : std::stoul(out.substr(cl + 16));
                if (out.size() >= end + 4 + len) {
                    return out;
                }
            }
            const auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) {
                return out;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
};

std::string request_head(std::size_t content_length, const std::string& secret = k_secret,
                         const std::string& extra = "")
{
    return "POST " + k_path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + secret
           + "\r\nContent-Type: application/json\r\n" + extra
           + "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

// One delivery on a fresh connection from `from`, closed after the answer; the status line.
std::string deliver_from(int port, const char* from, const std::string& body)
{
    RawConnection c(port, from);
    c.send(request_head(body.size(), k_secret, "Connection: close\r\n") + body);
    const auto response = c.read_response();
    return response.substr(0, response.find("\r\n"));
}

template <typename Pred> void wait_until(Pred pred)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) {
            FAIL("condition not reached within 10 s");
        }
        std::this_thread::yield();
    }
}

} // namespace

TEST_CASE("constant_time_equal: equal, unequal, different lengths", "[listen]")
{
    CHECK(constant_time_equal("", ""));
    CHECK(constant_time_equal(k_secret, k_secret));
    CHECK_FALSE(constant_time_equal(k_secret, "Bearer 7f3c9a-webhook-secret-for-testS"));
    CHECK_FALSE(constant_time_equal("xbc", "abc"));
    CHECK_FALSE(constant_time_equal(k_secret, k_secret.substr(0, k_secret.size() - 1))); // a prefix
    CHECK_FALSE(constant_time_equal(k_secret, k_secret + "x")); // an extension
    CHECK_FALSE(constant_time_equal("", "a"));
    CHECK_FALSE(constant_time_equal("a", ""));
    // A zero byte past the end of the shorter string must not make them equal.
    CHECK_FALSE(constant_time_equal(std::string_view("ab\0", 3), "ab"));
}

TEST_CASE("parse_listen_addr", "[listen]")
{
    auto a = mlc::listen::parse_listen_addr("127.0.0.1:8787");
    REQUIRE(a.has_value());
    CHECK(a->host == "127.0.0.1");
    CHECK(a->port == 8787);
    auto b = mlc::listen::parse_listen_addr("[::1]:9000");
    REQUIRE(b.has_value());
    CHECK(b->host == "::1");
    CHECK(b->port == 9000);
    auto c = mlc::listen::parse_listen_addr("8080");
    REQUIRE(c.has_value());
    CHECK(c->host == "127.0.0.1");
    CHECK(c->port == 8080);
    CHECK_FALSE(mlc::listen::parse_listen_addr("host:").has_value());
    CHECK_FALSE(mlc::listen::parse_listen_addr(":80").has_value());
    CHECK_FALSE(mlc::listen::parse_listen_addr("host:99999").has_value());
    CHECK_FALSE(mlc::listen::parse_listen_addr("host:80x").has_value());
    CHECK_FALSE(mlc::listen::parse_listen_addr("[::1]8080").has_value());
}

TEST_CASE("listen_options takes the config's webhooks section", "[listen]")
{
    mlc::WebhookConfig w;
    w.listen_addr = "0.0.0.0:9443";
    w.path = "/hooks/procore";
    w.header = "X-Hook-Token";
    auto o = mlc::listen::listen_options(w, "/var/spool/mlc", Secret("s3cret-value"));
    CHECK(o.host == "0.0.0.0");
    CHECK(o.port == 9443);
    CHECK(o.path == "/hooks/procore");
    CHECK(o.header == "X-Hook-Token");
    CHECK(o.spool_dir == fs::path("/var/spool/mlc"));
    CHECK(o.secret.reveal() == "s3cret-value");
    CHECK(o.max_body == (1U << 20));

    w.listen_addr = "nonsense";
    try {
        (void)mlc::listen::listen_options(w, "/x", Secret("s"));
        FAIL("expected a ConfigError");
    } catch (const mlc::ConfigError& e) {
        INFO(e.what());
        CHECK(std::string(e.what()).find("/webhooks/listen_addr: ") != std::string::npos);
    }
}

TEST_CASE("Listener refuses to start without a secret or with bad options", "[listen]")
{
    mlc::test::TempDir tmp;
    auto o = options_for(tmp.path() / "spool");
    o.secret = Secret();
    CHECK_THROWS_AS(Listener(o), mlc::Fatal);
    o = options_for(tmp.path() / "spool");
    o.path = "webhooks";
    CHECK_THROWS_AS(Listener(o), mlc::Fatal);
    o = options_for(tmp.path() / "spool");
    o.threads = 0;
    CHECK_THROWS_AS(Listener(o), mlc::Fatal);
    o = options_for(tmp.path() / "spool");
    o.request_timeout = std::chrono::milliseconds(0);
    CHECK_THROWS_AS(Listener(o), mlc::Fatal);
    o = options_for(tmp.path() / "spool");
    o.max_connections_per_address = 0;
    CHECK_THROWS_AS(Listener(o), mlc::Fatal);
}

TEST_CASE("A good delivery is spooled byte for byte and answered 200", "[listen]")
{
    Running r;
    auto res = r.client.Post(k_path, auth(), k_event, "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == R"({"ok":true})");
    const auto files = r.spooled();
    REQUIRE(files.size() == 1);
    CHECK(mlc::test::read_file(files[0]) == k_event);
    CHECK(files_in(r.spool / "tmp").empty());
    CHECK(r.listener.stats().accepted == 1);

    // The header name is matched case-insensitively, as HTTP requires.
    auto lower = r.client.Post(k_path, {{"authorization", k_secret}}, k_event, "application/json");
    REQUIRE(lower);
    CHECK(lower->status == 200);
    CHECK(r.spooled().size() == 2);
}

TEST_CASE("Wrong, missing or doubled secrets get 401 and nothing is written", "[listen]")
{
    Running r;
    const std::vector<httplib::Headers> bad = {
        {},
        auth("Bearer wrong"),
        auth(""),
        auth(k_secret.substr(0, k_secret.size() - 1)),
        auth(k_secret + "x"), // (trailing blanks are not a difference: HTTP strips them)
        {{"X-Other", k_secret}},
        {{"Authorization", "Bearer wrong"}, {"Authorization", k_secret}},
        {{"Authorization", k_secret}, {"Authorization", k_secret}},
    };
    for (std::size_t i = 0; i < bad.size(); ++i) {
        INFO("case " << i);
        auto res = r.client.Post(k_path, bad[i], k_event, "application/json");
        REQUIRE(res);
        CHECK(res->status == 401);
        CHECK(res->body.find(k_secret) == std::string::npos);
    }
    CHECK(r.spooled().empty());
    CHECK(files_in(r.spool / "tmp").empty());
    CHECK(r.listener.stats().unauthorized == bad.size());
}

TEST_CASE("Log lines: one per request, a warning with the address on 401, never the header value",
          "[listen]")
{
    mlc::test::TempDir logs;
    const auto previous = mlc::log::level();
    mlc::log::configure(mlc::log::Level::debug, mlc::log::Format::text);
    const int saved = ::dup(2);
    const fs::path file = logs.path() / "stderr.txt";
    {
        std::FILE* out = std::fopen(file.c_str(), "w");
        REQUIRE(out != nullptr);
        ::dup2(::fileno(out), 2);
        std::fclose(out);
    }
    const std::string wrong = "Bearer guess-0123456789abcdef";
    {
        Running r;
        auto bad = r.client.Post(k_path, auth(wrong), k_event, "application/json");
        auto good = r.client.Post(k_path, auth(), k_event, "application/json");
        REQUIRE((bad && good));
        CHECK(bad->status == 401);
        CHECK(good->status == 200);
    }
    ::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    mlc::log::configure(previous, mlc::log::Format::text);

    const std::string text = mlc::test::read_file(file);
    INFO(text);
    CHECK(text.find("listen: 401 for /webhooks/procore from 127.0.0.1") != std::string::npos);
    CHECK(text.find("POST /webhooks/procore -> 401") != std::string::npos);
    CHECK(text.find("POST /webhooks/procore -> 200") != std::string::npos);
    CHECK(text.find(k_secret) == std::string::npos);
    CHECK(text.find("7f3c9a") == std::string::npos);
    CHECK(text.find("guess-0123456789abcdef") == std::string::npos);
}

TEST_CASE("A configured custom header is the one checked", "[listen]")
{
    Running r([](ListenOptions& o) { o.header = "X-Procore-Hook-Token"; });
    auto wrong_header = r.client.Post(k_path, auth(), k_event, "application/json");
    REQUIRE(wrong_header);
    CHECK(wrong_header->status == 401);
    auto right =
        r.client.Post(k_path, {{"X-Procore-Hook-Token", k_secret}}, k_event, "application/json");
    REQUIRE(right);
    CHECK(right->status == 200);
    CHECK(r.spooled().size() == 1);
}

TEST_CASE("Oversize bodies get 413 and nothing is written", "[listen]")
{
    Running r([](ListenOptions& o) { o.max_body = 1024; });
    const std::string at_limit = "{\"pad\":\"" + std::string(1024 - 10, 'x') + "\"}";
    REQUIRE(at_limit.size() == 1024);
    auto ok = r.client.Post(k_path, auth(), at_limit, "application/json");
    REQUIRE(ok);
    CHECK(ok->status == 200);

    const std::string over = "{\"pad\":\"" + std::string(1024 - 9, 'x') + "\"}";
    auto big = r.client.Post(k_path, auth(), over, "application/json");
    REQUIRE(big);
    CHECK(big->status == 413);
    auto huge = r.client.Post(k_path, auth(), "{\"pad\":\"" + std::string(4 << 20, 'x') + "\"}",
                              "application/json");
    REQUIRE(huge);
    CHECK(huge->status == 413);

    // A chunked body declares no length: it is refused once it grows past the limit.
    RawConnection raw(r.listener.port());
    std::string chunked =
        "POST " + k_path + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + k_secret
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i) {
        chunked += "200\r\n" + std::string(0x200, ' ') + "\r\n";
    }
    chunked += "2\r\n{}\r\n0\r\n\r\n";
    raw.send(chunked);
    CHECK(raw.read_response().starts_with("HTTP/1.1 413"));

    REQUIRE(r.spooled().size() == 1);
    CHECK(mlc::test::read_file(r.spooled()[0]) == at_limit);
}

TEST_CASE("Bodies that are not a JSON object get 400 and nothing is written", "[listen]")
{
    Running r;
    for (const std::string body :
         {"", "not json", "[1,2]", "\"str\"", "{\"a\":", "{} {}", "id=1&x=2"}) {
        auto res = r.client.Post(k_path, auth(), body, "application/json");
        REQUIRE(res);
        CHECK(res->status == 400);
    }
    CHECK(r.spooled().empty());
    CHECK(r.listener.stats().bad_request == 7);

    // Any object is kept, even one ingest will reject: rejected there, never lost here.
    auto odd = r.client.Post(k_path, auth(), R"({"resource_name": 5})", "application/json");
    REQUIRE(odd);
    CHECK(odd->status == 200);
    CHECK(r.spooled().size() == 1);
}

TEST_CASE("Health check, unknown paths and methods", "[listen]")
{
    Running r([](ListenOptions& o) { o.path = "/hooks/a.b"; });
    auto health = r.client.Get("/healthz");
    REQUIRE(health);
    CHECK(health->status == 200);
    CHECK(health->body == "ok");

    auto other = r.client.Get("/nope");
    REQUIRE(other);
    CHECK(other->status == 404);
    auto get_hook = r.client.Get("/hooks/a.b");
    REQUIRE(get_hook);
    CHECK(get_hook->status == 404);
    // The configured path is a literal, not a pattern.
    auto regexy = r.client.Post("/hooks/aXb", auth(), k_event, "application/json");
    REQUIRE(regexy);
    CHECK(regexy->status == 404);
    auto deeper = r.client.Post("/hooks/a.b/more", auth(), k_event, "application/json");
    REQUIRE(deeper);
    CHECK(deeper->status == 404);
    auto right = r.client.Post("/hooks/a.b", auth(), k_event, "application/json");
    REQUIRE(right);
    CHECK(right->status == 200);
    CHECK(r.spooled().size() == 1);
}

TEST_CASE("A spool that cannot be written answers 503 so Procore retries", "[listen]")
{
    Running r;
    fs::remove(r.spool / "tmp");
    std::ofstream(r.spool / "tmp") << "not a directory";
    auto res = r.client.Post(k_path, auth(), k_event, "application/json");
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(r.spooled().empty());
    CHECK(r.listener.stats().spool_failures == 1);
    auto health = r.client.Get("/healthz");
    REQUIRE(health);
    CHECK(health->status == 503);

    fs::remove(r.spool / "tmp");
    fs::create_directory(r.spool / "tmp");
    auto again = r.client.Post(k_path, auth(), k_event, "application/json");
    REQUIRE(again);
    CHECK(again->status == 200);
    CHECK(r.spooled().size() == 1);
}

TEST_CASE("A stalled client is cut off at the request deadline without holding up others",
          "[listen]")
{
    Running r([](ListenOptions& o) {
        o.request_timeout = std::chrono::milliseconds(300);
        o.threads = 2;
    });
    const std::string body = k_event;

    // Headers and half the body, then nothing.
    RawConnection slow(r.listener.port());
    slow.send(request_head(body.size()) + body.substr(0, body.size() / 2));
    wait_until([&] { return r.listener.stats().received >= 1; }); // a worker is reading it

    // Meanwhile a good delivery goes through.
    auto res = r.client.Post(k_path, auth(), body, "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);

    // The stalled one is closed without an answer once its deadline passes (the client never
    // sends the rest, so a close before the 10 s safety net is the deadline at work).
    CHECK(slow.closed_by_server());
    // (counted just after the close the client sees)
    wait_until([&] { return r.listener.stats().timed_out == 1; });

    // Only the good delivery is in the spool.
    REQUIRE(r.spooled().size() == 1);
    CHECK(mlc::test::read_file(r.spooled()[0]) == body);
}

TEST_CASE("64 trickling clients do not hold up real deliveries and are cut off at the deadline",
          "[listen]")
{
    // Each slow client sends a request line, then one more header byte every 100 ms, forever:
    // never silent long enough for an idle timeout, so only a total deadline stops it. With a
    // thread per connection they would hold every worker and no delivery would get through.
    constexpr int k_slow = 64;
    constexpr int k_deliveries = 20;
    Running r([](ListenOptions& o) {
        o.request_timeout = std::chrono::milliseconds(1000);
        o.threads = 2;
    });
    const int port = r.listener.port();
    const char* const from[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"};
    std::vector<std::unique_ptr<RawConnection>> slow;
    for (int i = 0; i < k_slow; ++i) {
        slow.push_back(std::make_unique<RawConnection>(port, from[i % 4]));
        slow.back()->send("POST " + k_path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ");
    }
    wait_until([&] { return r.listener.stats().connections >= k_slow; });

    std::atomic<int> cut_off{0};
    std::atomic<int> gave_up{0};
    std::thread trickler([&] {
        std::vector<pollfd> fds;
        for (const auto& c : slow) {
            fds.push_back(pollfd{c->fd, POLLIN, 0});
        }
        const auto safety_net = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        std::size_t open = fds.size();
        while (open > 0) {
            if (std::chrono::steady_clock::now() > safety_net) {
                gave_up = static_cast<int>(open);
                return;
            }
            // Blocks until the server closes one of them, or 100 ms pass: time for a byte each.
            const int ready = ::poll(fds.data(), fds.size(), 100);
            for (auto& p : fds) {
                if (p.fd < 0) {
                    continue;
                }
                bool closed = false;
                if (ready > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                    char buf[512];
                    const auto n = ::recv(p.fd, buf, sizeof buf, MSG_DONTWAIT);
                    closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
                } else if (ready == 0) {
                    closed = ::send(p.fd, "a", 1, MSG_NOSIGNAL) < 0;
                }
                if (closed) {
                    p.fd = -1;
                    --open;
                    ++cut_off;
                }
            }
        }
    });

    // Meanwhile, real deliveries from another address: every one is answered and spooled.
    std::set<std::string> sent;
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_read_timeout(std::chrono::seconds(10));
    int ok = 0;
    for (int i = 0; i < k_deliveries; ++i) {
        const std::string body = R"({"id":)" + std::to_string(7000 + i)
                                 + R"(,"resource_name":"Direct Costs","resource_id":1})";
        auto res = client.Post(k_path, auth(), body, "application/json");
        if (res && res->status == 200) {
            ++ok;
            sent.insert(body);
        }
    }
    trickler.join();
    CHECK(ok == k_deliveries);
    CHECK(gave_up == 0);
    CHECK(cut_off == k_slow);
    wait_until([&] { return r.listener.stats().timed_out >= static_cast<std::uint64_t>(k_slow); });
    std::set<std::string> spooled;
    for (const auto& f : r.spooled()) {
        spooled.insert(mlc::test::read_file(f));
    }
    CHECK(spooled == sent);
}

TEST_CASE("Connections over the per-address or the overall cap are refused at once", "[listen]")
{
    // Deadlines far beyond the 10 s safety net: a close seen here is a refusal, not a timeout.
    Running r([](ListenOptions& o) {
        o.request_timeout = std::chrono::milliseconds(60000);
        o.idle_timeout = std::chrono::milliseconds(60000);
        o.max_connections = 6;
        o.max_connections_per_address = 4;
    });
    const int port = r.listener.port();
    auto connections = [&] { return r.listener.stats().connections; };

    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 4; ++i) {
        held.push_back(std::make_unique<RawConnection>(port, "127.0.0.2"));
        wait_until([&] { return connections() == static_cast<std::uint64_t>(i + 1); });
    }
    RawConnection fifth(port, "127.0.0.2");
    CHECK(fifth.closed_by_server());
    CHECK(r.listener.stats().refused == 1);

    // Another address is still served.
    CHECK(deliver_from(port, "127.0.0.1", k_event) == "HTTP/1.1 200 OK");
    wait_until([&] { return connections() == 4; });

    for (int i = 0; i < 2; ++i) {
        held.push_back(std::make_unique<RawConnection>(port, "127.0.0.3"));
        wait_until([&] { return connections() == static_cast<std::uint64_t>(5 + i); });
    }
    RawConnection seventh(port, "127.0.0.4"); // a new address, but 6 are open
    CHECK(seventh.closed_by_server());
    CHECK(r.listener.stats().refused == 2);

    // A connection that closes frees its place.
    held.front()->close();
    wait_until([&] { return connections() == 5; });
    CHECK(deliver_from(port, "127.0.0.4", k_event) == "HTTP/1.1 200 OK");
    CHECK(r.spooled().size() == 2);
}

TEST_CASE("A deleted spool folder is re-created and /healthz says when it cannot be written",
          "[listen]")
{
    Running r;
    auto post = [&] { return r.client.Post(k_path, auth(), k_event, "application/json"); };
    auto mode_of = [](const fs::path& p) {
        struct stat st {};
        REQUIRE(::stat(p.c_str(), &st) == 0);
        return st.st_mode & 07777;
    };
    REQUIRE(post()->status == 200);

    // Deleted while running: the next delivery re-creates it (0700) and is spooled there.
    fs::remove_all(r.spool);
    auto after_delete = post();
    REQUIRE(after_delete);
    CHECK(after_delete->status == 200);
    REQUIRE(r.spooled().size() == 1);
    CHECK(mlc::test::read_file(r.spooled()[0]) == k_event);
    for (const char* sub : {"", "tmp", "new", "done", "rejected"}) {
        CHECK(mode_of(r.spool / sub) == 0700);
    }

    // Deleted, and something in the way so it cannot be re-created: /healthz says so.
    fs::remove_all(r.spool);
    std::ofstream(r.spool) << "not a directory";
    auto sick = r.client.Get("/healthz");
    REQUIRE(sick);
    CHECK(sick->status == 503);
    CHECK(sick->body.starts_with("spool unavailable: "));
    CHECK(sick->body.find(r.spool.string()) == std::string::npos); // no path to strangers
    auto refused = post();
    REQUIRE(refused);
    CHECK(refused->status == 503);
    CHECK(r.listener.stats().spool_failures == 1);

    // Out of the way: it recovers by itself, no restart.
    fs::remove(r.spool);
    auto healthy = r.client.Get("/healthz");
    REQUIRE(healthy);
    CHECK(healthy->status == 200);
    CHECK(healthy->body == "ok");
    auto again = post();
    REQUIRE(again);
    CHECK(again->status == 200);
    REQUIRE(r.spooled().size() == 1);
    CHECK(files_in(r.spool / "tmp").empty()); // the health probe leaves nothing behind
}

TEST_CASE("A burst of 200 deliveries from 8 threads lands exactly once each", "[listen]")
{
    Running r([](ListenOptions& o) { o.threads = 8; });
    const int port = r.listener.port();
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            httplib::Client c("127.0.0.1", port);
            c.set_keep_alive(true);
            c.set_tcp_nodelay(true);
            for (int i = 0; i < 25; ++i) {
                const std::string body = R"({"id":)" + std::to_string(t * 1000 + i)
                                         + R"(,"resource_name":"Direct Costs","resource_id":1})";
                auto res = c.Post(k_path, auth(), body, "application/json");
                if (res && res->status == 200) {
                    ++ok;
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    CHECK(ok == 200);
    std::multiset<std::string> bodies;
    for (const auto& f : r.spooled()) {
        bodies.insert(mlc::test::read_file(f));
    }
    REQUIRE(bodies.size() == 200);
    for (int t = 0; t < 8; ++t) {
        for (int i = 0; i < 25; ++i) {
            const std::string body = R"({"id":)" + std::to_string(t * 1000 + i)
                                     + R"(,"resource_name":"Direct Costs","resource_id":1})";
            CHECK(bodies.count(body) == 1);
        }
    }
    CHECK(files_in(r.spool / "tmp").empty());
}

TEST_CASE("stop() lets an in-flight delivery finish and be spooled", "[listen]")
{
    Running r([](ListenOptions& o) { o.request_timeout = std::chrono::milliseconds(5000); });
    const std::string body = k_event;
    RawConnection conn(r.listener.port());
    conn.send(request_head(body.size()) + body.substr(0, 10));
    wait_until([&] { return r.listener.stats().received >= 1; });

    std::atomic<bool> stopped{false};
    std::thread stopper([&] {
        r.listener.stop();
        stopped = true;
    });
    conn.send(body.substr(10));
    const auto response = conn.read_response();
    stopper.join();
    CHECK(stopped);
    CHECK(response.starts_with("HTTP/1.1 200"));
    REQUIRE(r.spooled().size() == 1);
    CHECK(mlc::test::read_file(r.spooled()[0]) == body);

    // Stopped means stopped: nothing accepts any more.
    httplib::Client after("127.0.0.1", r.listener.port());
    after.set_connection_timeout(std::chrono::seconds(2));
    auto res = after.Get("/healthz");
    CHECK_FALSE(res);
}

TEST_CASE("SIGTERM finishes and returns normally from run_until_signal", "[listen]")
{
    mlc::test::TempDir tmp;
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(ready[0]);
        int code = 0;
        try {
            Listener l(options_for(tmp.path() / "spool"));
            l.run_until_signal(
                [&](int port) { [[maybe_unused]] auto n = ::write(ready[1], &port, sizeof port); });
        } catch (...) {
            code = 3;
        }
        ::_exit(code);
    }
    ::close(ready[1]);
    int port = 0;
    REQUIRE(::read(ready[0], &port, sizeof port) == static_cast<ssize_t>(sizeof port));
    ::close(ready[0]);

    {
        httplib::Client c("127.0.0.1", port);
        auto res = c.Post(k_path, auth(), k_event, "application/json");
        REQUIRE(res);
        CHECK(res->status == 200);
    }
    REQUIRE(::kill(child, SIGTERM) == 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    const auto files = files_in(tmp.path() / "spool" / "new");
    REQUIRE(files.size() == 1);
    CHECK(mlc::test::read_file(files[0]) == k_event);
}

TEST_CASE("Zero loss: every delivery acknowledged before a SIGKILL is in the spool", "[listen]")
{
    mlc::test::TempDir tmp;
    const fs::path spool = tmp.path() / "spool";
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(ready[0]);
        try {
            auto o = options_for(spool);
            o.threads = 8;
            Listener l(o);
            l.start();
            const int port = l.port();
            [[maybe_unused]] auto n = ::write(ready[1], &port, sizeof port);
            for (;;) {
                ::pause();
            }
        } catch (...) {
            ::_exit(3);
        }
    }
    ::close(ready[1]);
    int port = 0;
    REQUIRE(::read(ready[0], &port, sizeof port) == static_cast<ssize_t>(sizeof port));
    ::close(ready[0]);

    constexpr int k_threads = 8;
    constexpr int k_per_thread = 400;
    constexpr int k_kill_after = 300;
    std::mutex mutex;
    std::vector<std::string> acknowledged;
    std::atomic<int> acks{0};
    std::atomic<int> attempts{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < k_threads; ++t) {
        threads.emplace_back([&, t] {
            httplib::Client c("127.0.0.1", port);
            c.set_keep_alive(true);
            c.set_tcp_nodelay(true);
            c.set_connection_timeout(std::chrono::seconds(2));
            for (int i = 0; i < k_per_thread; ++i) {
                const std::string body =
                    R"({"id":)" + std::to_string(t * 100000 + i)
                    + R"(,"resource_name":"Direct Costs","resource_id":5982324300946918154,"pad":")"
                    + std::string(static_cast<std::size_t>(i % 97) * 7, 'p') + "\"}";
                ++attempts;
                auto res = c.Post(k_path, auth(), body, "application/json");
                if (!res) {
                    return; // the listener is gone
                }
                if (res->status >= 200 && res->status < 300) {
                    std::lock_guard lock(mutex);
                    acknowledged.push_back(body);
                    ++acks;
                }
            }
        });
    }
    wait_until([&] { return acks.load() >= k_kill_after; });
    REQUIRE(::kill(child, SIGKILL) == 0);
    for (auto& th : threads) {
        th.join();
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));

    std::multiset<std::string> spooled;
    for (const auto& f : files_in(spool / "new")) {
        spooled.insert(mlc::test::read_file(f));
    }
    INFO("acknowledged " << acknowledged.size() << " of " << attempts.load() << " attempts; "
                         << spooled.size() << " files in new/");
    CHECK(acknowledged.size() >= static_cast<std::size_t>(k_kill_after));
    CHECK(attempts.load() < k_threads * k_per_thread); // the kill really came partway
    std::size_t missing = 0;
    for (const auto& body : acknowledged) {
        if (spooled.count(body) != 1) {
            ++missing;
        }
    }
    CHECK(missing == 0);
    // Whatever else is in new/ is whole (written, its answer lost in the kill), never partial.
    for (const auto& body : spooled) {
        CHECK(body.ends_with("\"}"));
    }
}

} // namespace listen_listener_test
