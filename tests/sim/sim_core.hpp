#pragma once
// Shared machinery of the two simulators: options, a virtual clock, request statistics,
// fault injection, and an RAII HTTP listener on port 0. The Oracle side (oracle_sim.*) and
// the Procore side (procore_sim.*) each mount their routes on their own listener; the admin
// API under /_sim/ is mounted on both (sim_core.cpp: mount_admin).
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace mlc::sim {

struct SimOptions {
    std::uint64_t seed = 1;
    int suppliers = 50;
    int accounts = 40;
    int projects = 3;
    int commitments_per_project = 5;
    int costs_per_project = 10;
    int subcontracts_per_project = 0; // work order contracts per project (first one Approved)

    std::string bind = "127.0.0.1";
    int oracle_port = 0; // 0 = any free port
    int procore_port = 0;

    std::string oracle_client_id = "ml-connector-oracle";
    std::string oracle_client_secret = "oracle-sim-secret-5f2b9c";
    std::string procore_client_id = "ml-connector-procore";
    std::string procore_client_secret = "procore-sim-secret-8d41e7";
    std::int64_t company_id = 4264807;

    int oracle_token_ttl = 3600;  // seconds
    int procore_token_ttl = 5400; // seconds
    int procore_hourly_limit = 3600;
    int procore_spike_limit = 100;   // per 10 s window; tests raise both
    bool webhook_duplicates = false; // deliver some events twice and out of order
    int ess_polls_to_finish = 3;     // ESS job status polls before a terminal state
    int ess_seconds = 60; // virtual seconds after submission when a job finishes unpolled
    // accountCombinationsLOV as public clients written against live pods show it: segments
    // named by the chart's segment codes (entity, department, account, subAccount, future1),
    // "Y"/"N" flags with DetailPostingAllowedFlag, no LastUpdateDate and no segment
    // descriptions (an orderBy or q naming LastUpdateDate is a 400). Off: Segment1..5,
    // _SegmentNDescription, DetailPostingAllowed and LastUpdateDate.
    bool accounts_pod_shape = false;
    // Procore trigger records (POST answers and GET …/triggers) carry only id, resource_name
    // and event_type: all the reference confirms. Off: also company_id, project_id,
    // api_version, webhook_hook_id and created_at.
    bool minimal_trigger_records = false;
};

// The first day of the Procore seed (2025-01-06T08:00:00Z). Seeded Procore dates count from it,
// and the Oracle side opens its GL periods from its month, so journals for seeded costs post.
constexpr std::int64_t k_seed_base_ms = 1736150400000;

// Virtual time: real time plus an offset that POST /_sim/clock advances. Token expiry,
// LastUpdateDate/updated_at stamps and rate-limit windows all read this clock.
class VirtualClock {
public:
    std::int64_t now_ms() const; // unix epoch milliseconds
    std::int64_t now_s() const { return now_ms() / 1000; }
    void advance_seconds(std::int64_t seconds);

private:
    std::atomic<std::int64_t> offset_ms_{0};
};

// Counts requests per method + path template (runs of digits in path segments -> {id}).
class Stats {
public:
    void record(const std::string& method, const std::string& path);
    std::string to_json() const; // {"total":N,"requests":[{"method","path","count"}…]}
    void reset();
    std::int64_t count(const std::string& method, const std::string& path_template) const;

private:
    mutable std::mutex mutex_;
    std::vector<std::tuple<std::string, std::string, std::int64_t>> rows_;
};

std::string path_template(const std::string& path);

// One injected fault: requests whose path matches `path` (ECMAScript regex, searched) and,
// when set, whose method equals `method`, get this behaviour `count` times (-1 = forever).
struct Fault {
    std::string path;
    std::string method; // empty = any
    int status = 0;     // 0 = don't replace the status (use with delay_ms)
    int count = 1;
    int retry_after = -1;  // seconds, adds Retry-After
    int delay_ms = 0;      // sleep before answering
    bool drop = false;     // send headers, then close without the body
    bool truncate = false; // send half the real body, then close
    std::regex compiled;
};

class Faults {
public:
    // Parses {"path","method","status","count","retry_after","delay_ms","drop","truncate"}.
    // Returns an error message, empty on success.
    std::string add_json(const std::string& body);
    void clear();
    // Takes one use of the first matching fault.
    std::optional<Fault> take(const std::string& method, const std::string& path);

private:
    std::mutex mutex_;
    std::vector<Fault> faults_;
};

// What each side provides to the admin API.
class SimSide {
public:
    virtual ~SimSide() = default;
    // GET /_sim/data/<collection>: a JSON array, or nullopt for an unknown collection.
    virtual std::optional<std::string> data_json(const std::string& collection) = 0;
    // POST /_sim/mutate: returns {status, JSON body}.
    virtual std::pair<int, std::string> mutate(const std::string& body) = 0;
};

// Mounts /_sim/stats, /_sim/stats/reset, /_sim/data/<c>, /_sim/faults, /_sim/mutate,
// /_sim/clock on `server`, and installs the pre-routing hook that records stats (admin
// requests are not counted) and applies faults before the real handler runs.
void mount_admin(httplib::Server& server, SimSide& side, Stats& stats, Faults& faults,
                 VirtualClock& clock);

// An httplib::Server listening on bind:port (0 = any) in its own thread; start() returns
// once it accepts connections, the destructor stops and joins it.
class Listener {
public:
    Listener();
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    httplib::Server& server() { return *server_; }
    void start(const std::string& bind, int port); // throws std::runtime_error if it cannot bind
    void stop();
    int port() const { return port_; }
    std::string url() const; // http://127.0.0.1:<port>

private:
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    std::string bind_;
    int port_ = 0;
};

// Deterministic pseudo-random data from the seed (splitmix64), for realistic names,
// numbers, addresses, tax ids, dates and amounts. Same seed, same data.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next();
    std::int64_t between(std::int64_t lo, std::int64_t hi); // inclusive
    template <typename T> const T& pick(const std::vector<T>& v)
    {
        return v[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(v.size()) - 1))];
    }

private:
    std::uint64_t state_;
};

// ISO-8601 for Oracle ("2026-11-27T16:15:49.123+00:00") and Procore ("2026-11-27T16:15:49Z").
std::string oracle_timestamp(std::int64_t epoch_ms);
std::string procore_timestamp(std::int64_t epoch_ms);
// Parses either form (and date-only YYYY-MM-DD); false if malformed.
bool parse_timestamp(const std::string& text, std::int64_t& epoch_ms);

} // namespace mlc::sim
