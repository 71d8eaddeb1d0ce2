#pragma once
// `ping`: for each system obtain a token and make one cheap authenticated call, reporting
// latency, token lifetime, company and project visibility and rate-limit headroom, so a
// misconfiguration is found before the first real pass.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "http/client.hpp"
#include "sync/engine/connections.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace mlc::admin {

struct SystemPing {
    std::string system; // "oracle" or "procore"
    bool ok = false;
    std::string error;            // what failed, no secrets
    std::string hint;             // what to do about it
    std::int64_t latency_ms = -1; // the authenticated call, token excluded
    std::int64_t token_lifetime_s = -1;
    std::string company_name;   // procore
    std::int64_t projects = -1; // procore: visible projects
    http::RateLimit rate_limit; // procore headroom
};

struct PingReport {
    SystemPing oracle;
    SystemPing procore;
    std::map<std::string, std::int64_t> calls;
    bool ok() const { return oracle.ok && procore.ok; }
};

PingReport ping(const Config& config, engine::Connections& connections);
std::string to_json(const PingReport& report);

} // namespace mlc::admin
