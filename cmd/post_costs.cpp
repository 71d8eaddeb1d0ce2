// `ml-connector post-costs`: Procore direct costs and change orders -> Oracle GL journals.
// Options in, one library call, the controller's table, the summary and the exit code out.
#include "sync/passes/post_costs.hpp"

#include "commands.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_post_costs_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand(
        std::string(engine::command::post_costs),
        "Procore direct costs and approved change orders -> Oracle GL journals (Journal Import)");
    struct Options {
        passes::PostCostsOptions post;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    auto& pass = opts->post.pass;
    auto& scope = opts->post.scope;
    auto* dry = sub->add_flag("--dry-run", pass.dry_run,
                              "Plan only: print the journals as a table; write nothing anywhere");
    sub->add_flag("--json", opts->json, "Print the summary as JSON");
    auto* full =
        sub->add_flag("--full", pass.full, "Sweep every project's costs, ignoring the watermarks");
    sub->add_option("--since", pass.since, "Sweep costs updated since this ISO-8601 time")
        ->excludes(full);
    sub->add_option("--project", scope.projects,
                    "Only this Procore project (repeatable; watermarks do not move)");
    sub->add_option("--period", scope.period,
                    "Only documents that post in this GL period, e.g. Jul-26 (watermarks do not "
                    "move)");
    auto* plan = sub->add_option("--plan", scope.plan_file,
                                 "Write the journals the pass would post to FILE (JSON) and print "
                                 "the table; post nothing")
                     ->excludes(dry);
    sub->add_option("--apply", scope.apply_file,
                    "Post exactly the journals of a plan FILE; refuse (exit 2) if any source "
                    "document changed since")
        ->excludes(plan)
        ->excludes(dry)
        ->check(CLI::ExistingFile);
    sub->callback([&ctx, opts] {
        const Config config = ctx.load_config();
        auto options = opts->post;
        if (!options.scope.plan_file.empty()) {
            options.pass.dry_run = true; // a plan writes its file and nothing else
        }
        options.pass.progress = !opts->json && engine::stderr_is_tty();
        engine::Connections connections(config, system_clock());
        const auto result = passes::run_post_costs(config, connections, system_clock(), options);
        ctx.exit_code = static_cast<int>(result.pass.exit_code);
        if (opts->json) {
            ctx.report(passes::to_json(result.pass) + "\n", true);
            return;
        }
        std::string text;
        if (options.pass.dry_run && !result.journals.empty()) {
            // The controller's table is what a dry run or a plan is asked for: shown even
            // under -q.
            fmt::print("{}\n",
                       flows::journal_table(result.journals, config.mapping.chart.delimiter));
        }
        if (!options.scope.plan_file.empty()) {
            fmt::print("plan written to {} ({} journals): post it with --apply {}\n\n",
                       options.scope.plan_file, result.journals.size(), options.scope.plan_file);
        }
        std::fflush(stdout);
        ctx.report(passes::to_text(result.pass), false);
    });
}

} // namespace mlc::cmd
