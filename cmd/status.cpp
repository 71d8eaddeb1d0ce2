// `ml-connector status`: spool, inbox, webhook coverage, watermarks, last runs and postings.
// Read-only.
#include "admin/status.hpp"

#include "commands.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_status_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand("status",
                                   "Watermarks, spool, inbox, webhook triggers and what relies on "
                                   "the sweep, retry queue, drift, postings per flow, last runs");
    struct Options {
        bool json = false;
        int runs = 10;
    };
    auto opts = std::make_shared<Options>();
    sub->add_flag("--json", opts->json, "Print the report as JSON");
    sub->add_option("--runs", opts->runs, "How many recent runs to show")
        ->check(CLI::Range(0, 1000));
    sub->callback([&ctx, opts] {
        const Config config = ctx.load_config();
        const auto report = admin::read_status(config, opts->runs);
        fmt::print("{}", opts->json ? admin::to_json(report) + "\n" : admin::to_text(report));
        std::fflush(stdout);
        ctx.exit_code = static_cast<int>(ExitCode::ok);
    });
}

} // namespace mlc::cmd
