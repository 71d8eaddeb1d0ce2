#include "admin/listen.hpp"

#include "auth/credentials.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "listen/listener.hpp"
#include "spool/spool.hpp"

#include <fmt/format.h>

namespace mlc::admin {

void run_listen(const Config& config, const ListenOverrides& overrides, const ListenReady& ready)
{
    const std::filesystem::path spool_dir =
        overrides.spool.empty() ? config.state.spool_dir : std::filesystem::path(overrides.spool);
    Secret secret = auth::resolve_secret("webhook", config);
    auto options = listen::listen_options(config.webhooks, spool_dir, std::move(secret));
    if (!overrides.addr.empty()) {
        auto addr = listen::parse_listen_addr(overrides.addr);
        if (!addr) {
            throw UsageError("--addr: " + addr.error(), "use host:port, e.g. 127.0.0.1:8787");
        }
        options.host = addr->host;
        options.port = addr->port;
    }
    const std::string host =
        options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
    const std::string path = options.path;
    // A listener that died mid-write leaves files in tmp/: never acknowledged, so Procore
    // delivered them again. Those older than a few minutes (no live writer takes that long)
    // go now rather than wait for the next ingest.
    if (const auto removed =
            spool::SpoolReader(spool_dir).prune_tmp(system_clock().now(), std::chrono::minutes{5});
        removed > 0) {
        log::info("listen: removed {} unfinished spool file{} from {}", removed,
                  removed == 1 ? "" : "s", (spool_dir / "tmp").string());
    }
    listen::Listener listener(std::move(options));
    listener.run_until_signal(
        [&](int port) { ready(fmt::format("http://{}:{}{}", host, port, path), spool_dir); });
}

} // namespace mlc::admin
