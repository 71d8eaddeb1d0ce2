// `ml-connector run`: every pass in dependency order under one lock, one summary, one exit code
// (the worst). Options in, one library call, the summary, an error line per pass that failed
// and the exit code out.
#include "sync/passes/run.hpp"

#include "commands.hpp"
#include "core/log.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

namespace mlc::cmd {

void set_run_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand(
        std::string(engine::command::run),
        "Every pass in order under one lock (ingest, sync-suppliers, pull-pos, post-costs): one "
        "summary, one exit code (the worst), for one crontab line");
    struct Options {
        passes::RunOptions run;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    std::string names;
    for (const auto name : passes::run_pass_names()) {
        names += (names.empty() ? "" : ", ") + std::string(name);
    }
    sub->add_flag("--dry-run", opts->run.dry_run,
                  "Plan only: every pass prints what it would do; nothing is written anywhere");
    sub->add_flag("--json", opts->json,
                  "Print one JSON object: each pass's summary, the skipped ones, the exit code");
    sub->add_flag("--full", opts->run.full, "Every pass sweeps everything, ignoring watermarks");
    auto* only =
        sub->add_option("--only", opts->run.only, "Run only this pass (repeatable): " + names);
    sub->add_option("--skip", opts->run.skip, "Leave this pass out (repeatable): " + names)
        ->excludes(only);
    sub->callback([&ctx, opts] {
        const Config config = ctx.load_config();
        auto options = opts->run;
        options.progress = !opts->json && engine::stderr_is_tty();
        const auto result = passes::run_all(config, system_clock(), options);
        ctx.exit_code = static_cast<int>(result.exit_code);
        // Each pass that stopped says so on stderr, as it would run alone (main's one line).
        bool signal_said = false;
        for (const auto& p : result.passes) {
            if (p.state == passes::RunPassOutcome::State::failed) {
                const std::string what = fmt::format("{}: {}", p.name, p.error);
                const std::string line = p.hint.empty()
                                             ? fmt::format("error: {}\n", what)
                                             : fmt::format("error: {} ({})\n", what, p.hint);
                std::fputs(log::redact(line).c_str(), stderr);
                signal_said = signal_said || static_cast<int>(p.exit_code) >= 128;
            }
        }
        if (result.stop_signal != 0 && !signal_said) {
            // The signal came between two passes: none of them was cut short.
            std::fputs(fmt::format("error: run stopped by {} between two passes (the passes "
                                   "not begun are left for the next run)\n",
                                   result.stop_signal == SIGINT ? "SIGINT" : "SIGTERM")
                           .c_str(),
                       stderr);
        }
        ctx.report(opts->json ? passes::to_json(result) + "\n" : passes::to_text(result),
                   opts->json);
    });
}

} // namespace mlc::cmd
