// `ml-connector listen`: the webhook companion. Options in, the listener run until SIGTERM or
// SIGINT, exit 0. It never opens the state database.
#include "admin/listen.hpp"

#include "commands.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_listen_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand("listen", "Accept Procore webhooks and write them to the spool");
    auto overrides = std::make_shared<admin::ListenOverrides>();
    sub->add_option(
        "--addr", overrides->addr,
        "HOST:PORT to listen on (default webhooks.listen_addr; port 0 picks a free one)");
    sub->add_option("--spool", overrides->spool, "Spool directory (default state.spool_dir)");
    sub->callback([&ctx, overrides] {
        admin::run_listen(ctx.load_config(), *overrides,
                          [](const std::string& url, const std::filesystem::path& spool) {
                              // Scripts and tests wait for this line: printed once the socket
                              // accepts connections.
                              fmt::print("listening on {} (spool {})\n", url, spool.string());
                              std::fflush(stdout);
                          });
        ctx.exit_code = static_cast<int>(ExitCode::ok);
    });
}

} // namespace mlc::cmd
