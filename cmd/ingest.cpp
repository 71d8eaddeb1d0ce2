// `ml-connector ingest`: takes the webhook spool into the state store on its own (every pass
// also does this first). Exit 1 when a spool file had to be rejected.
#include "sync/passes/ingest.hpp"

#include "commands.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_ingest_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand("ingest", "Take the webhook spool into the state store");
    auto json = std::make_shared<bool>(false);
    sub->add_flag("--json", *json, "Print the summary as JSON");
    sub->callback([&ctx, json] {
        const Config config = ctx.load_config();
        const auto outcome = passes::run_ingest(config, system_clock());
        ctx.exit_code = static_cast<int>(outcome.code);
        ctx.report((*json ? engine::to_json(outcome.summary) : engine::to_text(outcome.summary))
                       + "\n",
                   *json);
    });
}

} // namespace mlc::cmd
