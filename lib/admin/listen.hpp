#pragma once
// `listen` as a library call: the listener's options from the config, the command line's
// overrides and the webhook secret, then the listener run until SIGTERM or SIGINT. It never
// opens the state database and never calls a remote system.
#include "core/config.hpp"

#include <filesystem>
#include <functional>
#include <string>

namespace mlc::admin {

struct ListenOverrides {
    std::string addr;  // HOST:PORT, empty: webhooks.listen_addr (port 0 picks a free one)
    std::string spool; // empty: state.spool_dir
};

// Called once the socket accepts connections, with the URL deliveries go to and the spool.
using ListenReady = std::function<void(const std::string& url, const std::filesystem::path& spool)>;

// Throws UsageError for a bad --addr and Fatal when the webhook secret is missing.
void run_listen(const Config& config, const ListenOverrides& overrides, const ListenReady& ready);

} // namespace mlc::admin
