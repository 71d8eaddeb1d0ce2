// mlc_listen_bench: how fast the webhook listener acknowledges deliveries with fsync on.
// Starts a Listener in a child process (its own process, as in production) on loopback port 0,
// drives it from concurrent keep-alive clients for a fixed time, and prints deliveries/s and
// p50/p90/p99/max acknowledgement latency. It then checks every acknowledged delivery is in
// spool/new byte for byte. With --addr it drives an already running listener instead.
//
// With --slow-clients N, N more connections (from 127.0.1.x, 16 per address, so the per-address
// cap does not refuse them) each send a request line and then one byte a second for the whole
// run, as the hostile clients of issue 14 did; one cut off at the listener's deadline connects
// again, so N are held throughout. The latency figures are then those of real deliveries made
// while they hold their connections.
//
//   mlc_listen_bench [--quick] [--seconds N] [--connections N] [--workers N] [--body-bytes N]
//                    [--slow-clients N] [--request-timeout-ms N]
//                    [--spool DIR] [--addr HOST:PORT --path P]   (secret:
//                    $ML_CONNECTOR_WEBHOOK_SECRET)
// Exit status: 0 when every delivery was acknowledged and found; 1 otherwise; 2 on bad usage.
#include "core/log.hpp"
#include "listen/listener.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
    double seconds = 20;
    int connections = 8;
    int workers = 8; // ListenOptions::threads default
    std::size_t body_bytes = 600;
    int slow_clients = 0;
    int request_timeout_ms = 10000; // ListenOptions::request_timeout default
    fs::path spool;
    std::string addr; // external listener
    std::string path = "/webhooks/procore";
    bool keep_spool = false;
};

[[noreturn]] void usage(const std::string& why)
{
    fmt::print(stderr, "mlc_listen_bench: {}\n", why);
    std::exit(2);
}

int to_int(const std::string& s, const char* what)
{
    int v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v <= 0) {
        usage(fmt::format("{} must be a positive integer, not \"{}\"", what, s));
    }
    return v;
}

Args parse(int argc, char** argv)
{
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage(arg + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--quick") {
            a.seconds = 5;
        } else if (arg == "--seconds") {
            a.seconds = to_int(value(), "--seconds");
        } else if (arg == "--connections") {
            a.connections = to_int(value(), "--connections");
        } else if (arg == "--workers") {
            a.workers = to_int(value(), "--workers");
        } else if (arg == "--body-bytes") {
            a.body_bytes = static_cast<std::size_t>(to_int(value(), "--body-bytes"));
        } else if (arg == "--slow-clients") {
            a.slow_clients = to_int(value(), "--slow-clients");
        } else if (arg == "--request-timeout-ms") {
            a.request_timeout_ms = to_int(value(), "--request-timeout-ms");
        } else if (arg == "--spool") {
            a.spool = value();
        } else if (arg == "--keep-spool") {
            a.keep_spool = true;
        } else if (arg == "--addr") {
            a.addr = value();
        } else if (arg == "--path") {
            a.path = value();
        } else if (arg == "-h" || arg == "--help") {
            fmt::print("see the comment at the top of tests/bench/listen_bench.cpp\n");
            std::exit(0);
        } else {
            usage("unknown argument " + arg);
        }
    }
    return a;
}

// A Procore v2-shaped delivery padded to about `bytes`, unique per (connection, sequence).
std::string delivery(int connection, int seq, std::size_t bytes)
{
    std::string body = fmt::format(
        R"({{"id":{},"ulid":"01BENCH{:08}{:011}","timestamp":"2026-11-27T16:15:49.123456Z","metadata":{{"source_user_id":42,)"
        R"("source_application_id":null}},"user_id":42,"company_id":6452,"project_id":2468013579,"api_version":"v2.0",)"
        R"("event_type":"update","resource_name":"Direct Costs","resource_id":5982324300946918154,"pad":")",
        static_cast<long long>(connection) * 100'000'000 + seq, connection, seq);
    if (body.size() + 2 < bytes) {
        body.append(bytes - body.size() - 2, 'x');
    }
    body += "\"}";
    return body;
}

std::string slurp(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A connection from `from` (a loopback address) that has sent a request line; -1 on failure.
int open_slow(const std::string& host, int port, const std::string& from, const std::string& path)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    sockaddr_in local{};
    local.sin_family = AF_INET;
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(static_cast<std::uint16_t>(port));
    const std::string line = "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Pad: ";
    if (::inet_pton(AF_INET, from.c_str(), &local.sin_addr) != 1
        || ::inet_pton(AF_INET, host.c_str(), &remote.sin_addr) != 1
        || ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0
        || ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0
        || ::send(fd, line.data(), line.size(), MSG_NOSIGNAL) < 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Holds `n` trickling connections until `stop`: one byte a second each; a connection the
// listener closes is replaced at once. Counts the replacements and failed connects.
struct SlowClients {
    std::atomic<bool> stop{false};
    std::atomic<long> cut_off{0};
    std::atomic<long> failed{0};
    std::atomic<int> held{0};
    std::thread thread;

    void start(int count, const std::string& host, int port, const std::string& path)
    {
        std::vector<pollfd> fds(static_cast<std::size_t>(count));
        std::vector<std::string> from(fds.size());
        for (std::size_t i = 0; i < fds.size(); ++i) {
            from[i] = fmt::format("127.0.1.{}", 1 + i / 16);
            fds[i] = pollfd{open_slow(host, port, from[i], path), POLLIN, 0};
            if (fds[i].fd < 0) {
                ++failed;
            }
        }
        held = static_cast<int>(
            std::count_if(fds.begin(), fds.end(), [](const pollfd& p) { return p.fd >= 0; }));
        thread = std::thread([this, fds, from, host, port, path]() mutable {
            auto next_byte = Clock::now() + std::chrono::seconds(1);
            while (!stop) {
                const int ready = ::poll(fds.data(), fds.size(), 100);
                const bool tick = Clock::now() >= next_byte;
                if (tick) {
                    next_byte += std::chrono::seconds(1);
                }
                for (std::size_t i = 0; i < fds.size(); ++i) {
                    auto& p = fds[i];
                    bool closed = p.fd < 0;
                    if (!closed && ready > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                        char buf[512];
                        const auto n = ::recv(p.fd, buf, sizeof buf, MSG_DONTWAIT);
                        closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
                    }
                    if (!closed && tick) {
                        closed = ::send(p.fd, "a", 1, MSG_NOSIGNAL) < 0;
                    }
                    if (closed) {
                        if (p.fd >= 0) {
                            ::close(p.fd);
                            ++cut_off;
                        }
                        p.fd = open_slow(host, port, from[i], path);
                        if (p.fd < 0) {
                            ++failed;
                        }
                    }
                }
            }
            for (auto& p : fds) {
                if (p.fd >= 0) {
                    ::close(p.fd);
                }
            }
        });
    }
    void finish()
    {
        stop = true;
        if (thread.joinable()) {
            thread.join();
        }
    }
};

double percentile(const std::vector<double>& sorted, double p)
{
    if (sorted.empty()) {
        return 0;
    }
    const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(i, sorted.size() - 1)];
}

} // namespace

int main(int argc, char** argv)
{
    const Args args = parse(argc, argv);
    const char* env_secret = std::getenv("ML_CONNECTOR_WEBHOOK_SECRET");
    const std::string secret = env_secret != nullptr && *env_secret != '\0'
                                   ? env_secret
                                   : "Bearer bench-secret-0123456789";

    std::string host = "127.0.0.1";
    int port = 0;
    pid_t child = -1;
    fs::path spool = args.spool;
    bool made_spool = false;

    if (!args.addr.empty()) {
        auto hp = mlc::listen::parse_listen_addr(args.addr);
        if (!hp) {
            usage(hp.error());
        }
        host = hp->host;
        port = hp->port;
    } else {
        if (spool.empty()) {
            char tmpl[] = "/tmp/mlc-listen-bench-XXXXXX";
            if (::mkdtemp(tmpl) == nullptr) {
                usage("cannot create a temp directory");
            }
            spool = fs::path(tmpl) / "spool";
            made_spool = true;
        }
        int ready[2];
        if (::pipe(ready) != 0) {
            usage("pipe failed");
        }
        child = ::fork();
        if (child == 0) {
            ::close(ready[0]);
            mlc::log::configure(mlc::log::Level::warn, mlc::log::Format::text);
            try {
                mlc::listen::ListenOptions o;
                o.port = 0;
                o.secret = mlc::Secret(secret);
                o.spool_dir = spool;
                o.threads = args.workers;
                o.path = args.path;
                o.request_timeout = std::chrono::milliseconds(args.request_timeout_ms);
                mlc::listen::Listener listener(std::move(o));
                listener.run_until_signal(
                    [&](int p) { [[maybe_unused]] auto n = ::write(ready[1], &p, sizeof p); });
            } catch (const std::exception& e) {
                fmt::print(stderr, "listener: {}\n", e.what());
                ::_exit(3);
            }
            ::_exit(0);
        }
        ::close(ready[1]);
        if (::read(ready[0], &port, sizeof port) != static_cast<ssize_t>(sizeof port)) {
            usage("the listener did not start");
        }
        ::close(ready[0]);
    }

    fmt::print("listen bench: {} s, {} connections, {} listener workers, {}-byte deliveries, fsync "
               "on, {}:{}{}\n",
               args.seconds, args.connections,
               args.addr.empty() ? fmt::to_string(args.workers) : "?", args.body_bytes, host, port,
               args.path);
    SlowClients slow;
    if (args.slow_clients > 0) {
        slow.start(args.slow_clients, host, port, args.path);
        fmt::print("slow clients: {} connected from 127.0.1.x, each trickling one byte a second "
                   "(request deadline {} ms)\n",
                   slow.held.load(),
                   args.addr.empty() ? fmt::to_string(args.request_timeout_ms) : "?");
    }

    std::mutex mutex;
    std::vector<double> latencies_ms;
    std::vector<std::string> acknowledged;
    std::atomic<long> errors{0};
    std::atomic<long> rejected{0};
    const auto start = Clock::now();
    const auto deadline =
        start + std::chrono::milliseconds(static_cast<long long>(args.seconds * 1000));
    const bool verify = args.addr.empty();

    std::vector<std::thread> clients;
    for (int c = 0; c < args.connections; ++c) {
        clients.emplace_back([&, c] {
            httplib::Client client(host, port);
            client.set_keep_alive(true);
            client.set_tcp_nodelay(true);
            client.set_read_timeout(std::chrono::seconds(10));
            std::vector<double> mine;
            std::vector<std::string> acked;
            const httplib::Headers headers = {{"Authorization", secret}};
            for (int seq = 0; Clock::now() < deadline; ++seq) {
                std::string body = delivery(c, seq, args.body_bytes);
                const auto t0 = Clock::now();
                auto res = client.Post(args.path, headers, body, "application/json");
                const auto t1 = Clock::now();
                if (!res) {
                    ++errors;
                    continue;
                }
                if (res->status / 100 != 2) {
                    ++rejected;
                    continue;
                }
                mine.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
                if (verify) {
                    acked.push_back(std::move(body));
                }
            }
            std::lock_guard lock(mutex);
            latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
            for (auto& b : acked) {
                acknowledged.push_back(std::move(b));
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    // Before the listener stops: it would let a trickle already begun run to its deadline.
    slow.finish();

    if (child > 0) {
        ::kill(child, SIGTERM);
        int status = 0;
        ::waitpid(child, &status, 0);
    }

    std::sort(latencies_ms.begin(), latencies_ms.end());
    const double rate = static_cast<double>(latencies_ms.size()) / elapsed;
    const double p99 = percentile(latencies_ms, 0.99);
    fmt::print("deliveries acknowledged: {} in {:.1f} s = {:.0f}/s   (errors {}, non-2xx {})\n",
               latencies_ms.size(), elapsed, rate, errors.load(), rejected.load());
    fmt::print("ack latency ms: p50 {:.2f}  p90 {:.2f}  p99 {:.2f}  max {:.2f}\n",
               percentile(latencies_ms, 0.5), percentile(latencies_ms, 0.9), p99,
               latencies_ms.empty() ? 0.0 : latencies_ms.back());
    if (args.slow_clients > 0) {
        fmt::print("slow clients: {} held throughout; {} cut off at the deadline and reconnected, "
                   "{} connects failed\n",
                   args.slow_clients, slow.cut_off.load(), slow.failed.load());
        fmt::print("target with {} slow clients: every delivery acknowledged {}, p99 < 100 ms {}\n",
                   args.slow_clients,
                   errors == 0 && rejected == 0 && !latencies_ms.empty() ? "MET" : "NOT MET",
                   !latencies_ms.empty() && p99 < 100 ? "MET" : "NOT MET");
    } else {
        fmt::print("target: >= 1000/s {}, p99 < 50 ms {}\n", rate >= 1000 ? "MET" : "NOT MET",
                   p99 < 50 ? "MET" : "NOT MET");
    }

    bool ok = errors == 0 && rejected == 0 && !latencies_ms.empty();
    if (verify) {
        std::multiset<std::string> spooled;
        for (const auto& e : fs::directory_iterator(spool / "new")) {
            spooled.insert(slurp(e.path()));
        }
        std::size_t missing = 0;
        for (const auto& b : acknowledged) {
            if (spooled.count(b) != 1) {
                ++missing;
            }
        }
        fmt::print("spool check: {} acknowledged, {} files in new/, {} missing or duplicated\n",
                   acknowledged.size(), spooled.size(), missing);
        ok = ok && missing == 0 && spooled.size() == acknowledged.size();
        if (made_spool && !args.keep_spool) {
            std::error_code ec;
            fs::remove_all(spool.parent_path(), ec);
        } else {
            fmt::print("spool kept in {}\n", spool.string());
        }
    }
    return ok ? 0 : 1;
}
