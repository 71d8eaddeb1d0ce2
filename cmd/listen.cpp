// `ml-connector listen`: the webhook companion. Options in, the listener run until SIGTERM or
// SIGINT, exit 0. It never opens the state database.
#include "auth/credentials.hpp"
#include "commands.hpp"
#include "listen/listener.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_listen_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand("listen", "Accept Procore webhooks and write them to the spool");
    struct Options {
        std::string addr;
        std::string spool;
    };
    auto opts = std::make_shared<Options>();
    sub->add_option(
        "--addr", opts->addr,
        "HOST:PORT to listen on (default webhooks.listen_addr; port 0 picks a free one)");
    sub->add_option("--spool", opts->spool, "Spool directory (default state.spool_dir)");
    sub->callback([&ctx, opts] {
        const Config config = ctx.load_config();
        const std::filesystem::path spool_dir =
            opts->spool.empty() ? config.state.spool_dir : std::filesystem::path(opts->spool);
        Secret secret = auth::resolve_secret("webhook", config);
        auto options = listen::listen_options(config.webhooks, spool_dir, std::move(secret));
        if (!opts->addr.empty()) {
            auto addr = listen::parse_listen_addr(opts->addr);
            if (!addr) {
                throw UsageError("--addr: " + addr.error(), "use host:port, e.g. 127.0.0.1:8787");
            }
            options.host = addr->host;
            options.port = addr->port;
        }
        const std::string host =
            options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
        const std::string path = options.path;
        listen::Listener listener(std::move(options));
        listener.run_until_signal([&](int port) {
            // Scripts and tests wait for this line: it is printed once the socket accepts.
            fmt::print("listening on http://{}:{}{} (spool {})\n", host, port, path,
                       spool_dir.string());
            std::fflush(stdout);
        });
        ctx.exit_code = static_cast<int>(ExitCode::ok);
    });
}

} // namespace mlc::cmd
