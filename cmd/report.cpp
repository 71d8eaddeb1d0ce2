// `ml-connector report`: the month-end close report of one GL period, an HTML page and the
// reconcile JSON it shows, written side by side into a folder. Reads only (no lock); exit 0 when
// everything agrees, 1 when differences remain, as reconcile.
#include "admin/report.hpp"

#include "commands.hpp"
#include "sync/engine/connections.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_report_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand(
        "report", "The month-end close report of a GL period: one self-contained HTML page and "
                  "its numbers as JSON; exit 0 when everything agrees, 1 when differences remain");
    struct Options {
        admin::ReconcileOptions reconcile;
        std::string out;
    };
    auto opts = std::make_shared<Options>();
    sub->add_option("--period", opts->reconcile.period, "The GL period name, e.g. Nov-26")
        ->required();
    sub->add_option("--out", opts->out,
                    "The folder to write close-<period>.html and reconcile-<period>.json into "
                    "(created when missing)")
        ->required();
    sub->add_option("--project", opts->reconcile.projects,
                    "Only this Procore project (repeatable)");
    sub->callback([&ctx, opts] {
        const Config config = ctx.load_config();
        engine::Connections connections(config, system_clock());
        const auto report = admin::write_period_report(config, connections, system_clock(),
                                                       opts->reconcile, opts->out);
        ctx.exit_code =
            static_cast<int>(report.reconciliation.agrees() ? ExitCode::ok : ExitCode::partial);
        // The path alone on stdout, for a script to attach; the verdict on stderr (not under -q).
        fmt::print("{}\n", report.files.html.string());
        std::fflush(stdout);
        if (!ctx.global.quiet) {
            const auto& r = report.reconciliation;
            fmt::print(stderr, "{}: {}; numbers in {}\n", r.period, admin::close_report_verdict(r),
                       report.files.json.string());
        }
    });
}

} // namespace mlc::cmd
