#pragma once
// Builds, from the config and the resolved secrets, everything a pass needs to talk to the two
// systems: one transport per system (keep-alive per host), the OAuth authenticators, the HTTP
// clients with their default headers, the API clients, and the shared call counter.
#include "auth/oauth.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "http/client.hpp"
#include "oracle/client.hpp"
#include "procore/client.hpp"

#include <memory>

namespace mlc::engine {

class Connections {
public:
    // Resolves the oracle and procore client secrets (env, else vault); throws Fatal if missing.
    Connections(const Config& config, Clock& clock);
    // For tests: with given transports (e.g. fakes) instead of libcurl.
    Connections(const Config& config, Clock& clock,
                std::unique_ptr<http::Transport> oracle_transport,
                std::unique_ptr<http::Transport> procore_transport);
    ~Connections();

    oracle::Client& oracle() { return *oracle_; }
    procore::Client& procore() { return *procore_; }
    auth::ClientCredentialsAuth& oracle_auth() { return *oracle_auth_; }
    auth::ClientCredentialsAuth& procore_auth() { return *procore_auth_; }
    http::CallCounter& calls() { return calls_; }
    const http::CallCounter& calls() const { return calls_; }
    // The last Procore rate-limit headers seen (-1: none yet).
    const http::RateLimit& procore_rate_limit() const { return procore_http_->rate_limit(); }

private:
    void build(const Config& config, Clock& clock);

    http::CallCounter calls_;
    std::unique_ptr<http::Transport> oracle_transport_;
    std::unique_ptr<http::Transport> procore_transport_;
    std::unique_ptr<auth::ClientCredentialsAuth> oracle_auth_;
    std::unique_ptr<auth::ClientCredentialsAuth> procore_auth_;
    std::unique_ptr<http::Client> oracle_http_;
    std::unique_ptr<http::Client> procore_http_;
    std::unique_ptr<oracle::Client> oracle_;
    std::unique_ptr<procore::Client> procore_;
};

http::TransportOptions transport_options(const Config& config);

} // namespace mlc::engine
