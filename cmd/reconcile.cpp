// `ml-connector reconcile`: Procore vs what was posted vs the ledger, for one GL period, per
// project and account, with every difference explained by documents. Reads only: no lock.
#include "admin/reconcile.hpp"

#include "commands.hpp"
#include "core/file.hpp"
#include "sync/engine/connections.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_reconcile_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand(
        "reconcile", "Procore vs the ledger for a GL period, per project and account: exit 0 when "
                     "they agree, 1 with every difference explained by its documents");
    struct Options {
        admin::ReconcileOptions reconcile;
        std::string format = "table";
        bool json = false;
        std::string out;
    };
    auto opts = std::make_shared<Options>();
    sub->add_option("--period", opts->reconcile.period, "The GL period name, e.g. Nov-26")
        ->required();
    sub->add_option("--project", opts->reconcile.projects,
                    "Only this Procore project (repeatable)");
    sub->add_option("--format", opts->format, "Output format")
        ->check(CLI::IsMember({"table", "json", "csv"}));
    sub->add_flag("--json", opts->json, "The same as --format json");
    sub->add_option("--out", opts->out,
                    "Write the output to FILE (atomically) and print a one-line summary");
    sub->callback([&ctx, opts] {
        const Config config = ctx.load_config();
        engine::Connections connections(config, system_clock());
        const auto r = admin::reconcile(config, connections, system_clock(), opts->reconcile);
        const std::string format = opts->json ? "json" : opts->format;
        const std::string text = format == "json"  ? admin::to_json(r) + "\n"
                                 : format == "csv" ? admin::to_csv(r)
                                                   : admin::to_table(r);
        ctx.exit_code = static_cast<int>(r.agrees() ? ExitCode::ok : ExitCode::partial);
        if (opts->out.empty()) {
            fmt::print("{}", text);
        } else {
            write_file_atomically(opts->out, text);
            fmt::print("{} written to {}: {}\n", r.period, opts->out,
                       r.agrees() ? std::string("the ledger agrees with Procore")
                                  : fmt::format("{} differences", r.differences.size()));
        }
        std::fflush(stdout);
    });
}

} // namespace mlc::cmd
