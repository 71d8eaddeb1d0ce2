// `ml-connector pull-pos`: Procore commitments -> Oracle purchase orders. Options in, one
// library call, the summary and the exit code out.
#include "sync/passes/pull_pos.hpp"

#include "commands.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_pull_pos_command(CLI::App& app, Context& ctx)
{
    auto* sub =
        app.add_subcommand(std::string(engine::command::pull_pos),
                           "Procore commitments -> Oracle purchase orders; Oracle POs -> Procore; "
                           "approved subcontractor invoices -> Oracle Payables invoices (with "
                           "mapping.invoices); their Oracle payments -> Procore contract payments");
    struct Options {
        passes::PullPosOptions pull;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    auto& pass = opts->pull.pass;
    sub->add_flag("--dry-run", pass.dry_run,
                  "Plan only: print what would be posted; write nothing anywhere");
    sub->add_flag("--json", opts->json, "Print the plan or summary as JSON");
    auto* full = sub->add_flag("--full", pass.full,
                               "Sweep every project's commitments and requisitions, ignoring the "
                               "watermarks");
    sub->add_option("--since", pass.since,
                    "Sweep commitments and requisitions updated since this ISO-8601 time")
        ->excludes(full);
    sub->add_option("--project", opts->pull.projects, "Only this Procore project (repeatable)");
    sub->callback([&ctx, opts] {
        const Config config = ctx.load_config();
        auto options = opts->pull;
        options.pass.progress = !opts->json && engine::stderr_is_tty();
        engine::Connections connections(config, system_clock());
        const auto result = passes::run_pull_pos(config, connections, system_clock(), options);
        ctx.exit_code = static_cast<int>(result.exit_code);
        ctx.report(opts->json ? passes::to_json(result) + "\n" : passes::to_text(result),
                   opts->json);
    });
}

} // namespace mlc::cmd
