#pragma once
// The two simulators together, as the tests, the demo and ml-connector-sim use them: one
// virtual clock, the Oracle Fusion listener and the Procore listener, each with its own
// stats, faults and admin API. start() returns once both accept connections.
#include "sim_core.hpp"

#include <memory>
#include <string>

namespace mlc::sim {

class OracleSim;
class ProcoreSim;

class Simulators {
public:
    explicit Simulators(SimOptions options);
    ~Simulators();
    Simulators(const Simulators&) = delete;
    Simulators& operator=(const Simulators&) = delete;

    void start(); // both listening (port 0 unless set)
    void stop();  // idempotent; the destructor calls it
    std::string
    oracle_base_url() const; // the "pod URL"; REST root is + /fscmRestApi/resources/11.13.18.05
    std::string oracle_token_url() const; // + /oauth2/v1/token on the same listener
    std::string procore_base_url() const;
    std::string procore_token_url() const; // + /oauth/token
    const SimOptions& options() const { return options_; }
    std::string ready_json() const; // the one JSON line ml-connector-sim prints

    OracleSim& oracle() { return *oracle_; }
    ProcoreSim& procore();
    VirtualClock& clock() { return clock_; }

private:
    SimOptions options_;
    VirtualClock clock_;
    std::unique_ptr<OracleSim> oracle_;
    std::unique_ptr<ProcoreSim> procore_;
    Listener oracle_listener_;
    Listener procore_listener_;
    bool started_ = false;
};

} // namespace mlc::sim
