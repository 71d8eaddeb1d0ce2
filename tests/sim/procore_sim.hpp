#pragma once
// The Procore side of ml-connector-sim: OAuth client credentials, the /rest/v1.0 resources the
// connector uses (vendors, cost codes, commitments, requisitions, direct costs, change orders,
// payments), rate limits, and the webhooks API with a background delivery thread. Built from
// ../shared/reference/procore.md, not from our client; tests/sim/README.md lists every choice
// made where the reference says "unconfirmed".
#include "sim_core.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlc::sim {

class ProcoreSim : public SimSide {
public:
    // How failed webhook deliveries are retried. The real service backs off from 1 s to 1 h and
    // discards after 12 h; the simulator keeps the shape but runs it in milliseconds.
    struct WebhookPolicy {
        int max_attempts = 5;                          // then the event is discarded
        std::chrono::milliseconds initial_backoff{50}; // doubled after every failure
        std::chrono::milliseconds max_backoff{1000};
        std::chrono::milliseconds timeout{5000}; // per attempt, as the real one
    };

    ProcoreSim(const SimOptions& options, VirtualClock& clock);
    ~ProcoreSim() override; // stops the delivery thread
    ProcoreSim(const ProcoreSim&) = delete;
    ProcoreSim& operator=(const ProcoreSim&) = delete;

    // All Procore routes, /oauth/token included, GET /_sim/webhooks/wait?timeout_ms=N, and the
    // shared admin API (mount_admin with this object as the SimSide and its stats/faults).
    void mount(httplib::Server& server);
    void stop(); // stops the webhook delivery thread; idempotent

    Stats& stats();
    Faults& faults();

    // SimSide: GET /_sim/data/<collection> and POST /_sim/mutate (shape documented in
    // procore_sim.cpp above ProcoreSim::mutate).
    std::optional<std::string> data_json(const std::string& collection) override;
    std::pair<int, std::string> mutate(const std::string& body) override;

    // Blocks until no webhook event is queued or in flight (true), or the timeout passes (false).
    bool wait_idle(std::chrono::milliseconds timeout);
    void set_webhook_policy(const WebhookPolicy& policy);

    std::int64_t company_id() const;
    std::vector<std::int64_t> project_ids() const;
    // Adds `count` synthetic vendors (origin_id "SUP-<n>" when with_origin_id), for benchmarks
    // and the performance tests; fires no webhooks.
    void add_bulk_vendors(int count, bool with_origin_id);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace mlc::sim
