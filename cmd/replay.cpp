// `ml-connector replay`: re-resolve and re-post failed, held, unconfirmed or selected postings,
// never twice. Options in, one library call, the summary and the exit code out.
#include "sync/passes/replay.hpp"

#include "commands.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_replay_command(CLI::App& app, Context& ctx)
{
    auto* sub =
        app.add_subcommand(std::string(engine::command::replay),
                           "Re-resolve and re-post failed, held or selected postings, never twice");
    sub->footer("Each selected posting is first looked up in the target system: when it is "
                "already there it is confirmed and nothing is sent. Otherwise its source "
                "records are re-read by id (picking up fixes made since), planned again and "
                "posted. Without a selector: every failed posting and every one left sent.");
    struct Options {
        passes::ReplayOptions replay;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    auto& r = opts->replay;
    sub->add_option("--posting", r.postings, "Replay these postings (ids from `status`)");
    sub->add_option("--kind", r.kinds,
                    "Only postings of this flow (vendors, cost_codes) or posting kind");
    sub->add_flag("--failed", r.failed, "Failed postings");
    sub->add_flag("--held", r.held, "Held postings (waiting on a person)");
    sub->add_option("--since", r.since, "Only postings updated at or after this ISO-8601 time");
    sub->add_flag("--dry-run", r.pass.dry_run,
                  "Plan only: list what would be looked up and re-read; write nothing");
    sub->add_flag("--json", opts->json, "Print the summary as JSON");
    sub->callback([&ctx, opts] {
        const Config config = ctx.load_config();
        auto options = opts->replay;
        options.pass.progress = !opts->json && engine::stderr_is_tty();
        engine::Connections connections(config, system_clock());
        const auto result = passes::run_replay(config, connections, system_clock(), options);
        ctx.exit_code = static_cast<int>(result.pass.exit_code);
        ctx.report(opts->json ? passes::to_json(result) + "\n" : passes::to_text(result),
                   opts->json);
    });
}

} // namespace mlc::cmd
