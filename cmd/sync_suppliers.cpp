// `ml-connector sync-suppliers`: Oracle suppliers -> Procore vendors and GL accounts -> cost
// codes. Options in, one library call, the summary and the exit code out.
#include "sync/passes/sync_suppliers.hpp"

#include "commands.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_sync_suppliers_command(CLI::App& app, Context& ctx)
{
    auto* sub =
        app.add_subcommand(std::string(engine::command::sync_suppliers),
                           "Oracle suppliers -> Procore vendors; GL accounts -> cost codes");
    struct Options {
        passes::SyncSuppliersOptions sync;
        bool json = false;
        bool only_vendors = false;
        bool only_cost_codes = false;
    };
    auto opts = std::make_shared<Options>();
    auto& pass = opts->sync.pass;
    sub->add_flag("--dry-run", pass.dry_run,
                  "Plan only: print what would be created, updated and linked; write nothing");
    sub->add_flag("--json", opts->json, "Print the plan or summary as JSON");
    auto* full = sub->add_flag("--full", pass.full, "Re-read everything, ignoring the watermark");
    sub->add_option("--since", pass.since, "Start reading at this ISO-8601 time")->excludes(full);
    auto* vendors_only =
        sub->add_flag("--vendors-only", opts->only_vendors, "Only the supplier -> vendor flow");
    sub->add_flag("--cost-codes-only", opts->only_cost_codes,
                  "Only the GL account -> cost code flow")
        ->excludes(vendors_only);
    sub->add_option("--batch-size", pass.batch_size, "Items per Procore sync call (max 1000)")
        ->check(CLI::Range(1, 1000));
    sub->add_option("--page-size", pass.page_size, "Oracle records per GET (max 500)")
        ->check(CLI::Range(1, 500));
    sub->callback([&ctx, opts] {
        const Config config = ctx.load_config();
        auto options = opts->sync;
        options.vendors = !opts->only_cost_codes;
        options.cost_codes = !opts->only_vendors;
        options.pass.progress = !opts->json && engine::stderr_is_tty();
        engine::Connections connections(config, system_clock());
        const auto result =
            passes::run_sync_suppliers(config, connections, system_clock(), options);
        ctx.exit_code = static_cast<int>(result.exit_code);
        ctx.report(opts->json ? passes::to_json(result) + "\n" : passes::to_text(result),
                   opts->json);
    });
}

} // namespace mlc::cmd
