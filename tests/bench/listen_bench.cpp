// mlc_listen_bench: how fast the webhook listener acknowledges deliveries with fsync on.
// Starts a Listener in a child process (its own process, as in production) on loopback port 0,
// drives it from concurrent keep-alive clients for a fixed time, and prints deliveries/s and
// p50/p90/p99/max acknowledgement latency. It then checks every acknowledged delivery is in
// spool/new byte for byte. With --addr it drives an already running listener instead.
//
//   mlc_listen_bench [--quick] [--seconds N] [--connections N] [--workers N] [--body-bytes N]
//                    [--spool DIR] [--addr HOST:PORT --path P]   (secret:
//                    $ML_CONNECTOR_WEBHOOK_SECRET)
// Exit status: 0 when every delivery was acknowledged and found; 1 otherwise; 2 on bad usage.
#include "core/log.hpp"
#include "listen/listener.hpp"

#include <fmt/format.h>
#include <httplib.h>
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
    fmt::print("target: >= 1000/s {}, p99 < 50 ms {}\n", rate >= 1000 ? "MET" : "NOT MET",
               p99 < 50 ? "MET" : "NOT MET");

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
