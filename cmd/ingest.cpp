// `ml-connector ingest`: takes the webhook spool into the state store on its own (every pass
// also does this first). Exit 1 when a spool file had to be rejected.
#include "sync/ingest.hpp"

#include "commands.hpp"
#include "sync/pass.hpp"

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
        // Taking the spool in is what every pass does first: the pass run alone does the work.
        sync::PassRun run(config, "ingest", /*dry_run=*/false, system_clock());
        const sync::IngestSummary& summary = run.ingested();
        const auto code = summary.rejected > 0 ? ExitCode::partial : ExitCode::ok;
        run.finish(static_cast<int>(code), sync::to_json(summary));
        fmt::print("{}\n", *json ? sync::to_json(summary) : sync::to_text(summary));
        std::fflush(stdout);
        ctx.exit_code = static_cast<int>(code);
    });
}

} // namespace mlc::cmd
