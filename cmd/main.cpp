// ml-connector: parses the command line once, runs one subcommand, and turns every error
// into one line `error: <what> (<hint>)` and a documented exit code.
#include "commands.hpp"
#include "context.hpp"
#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "core/version.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>

namespace {

// True when the command given asked for --json (at any depth: `webhooks check --json`).
bool wants_json(const CLI::App& app)
{
    for (const auto* sub : app.get_subcommands()) {
        const auto* opt = sub->get_option_no_throw("--json");
        if ((opt != nullptr && opt->count() > 0) || wants_json(*sub)) {
            return true;
        }
    }
    return false;
}

// The one-line error on stderr; under --json also {"error", "hint", "exit"} on stdout, so a
// script reading stdout sees the failure as JSON too.
int print_error(const CLI::App& app, const std::string& what, const std::string& hint,
                mlc::ExitCode code)
{
    const std::string line = hint.empty() ? fmt::format("error: {}\n", what)
                                          : fmt::format("error: {} ({})\n", what, hint);
    const std::string clean = mlc::log::redact(line);
    std::fputs(clean.c_str(), stderr);
    if (wants_json(app)) {
        mlc::json::Writer w;
        w.begin_object().field("error", mlc::log::redact(what));
        if (!hint.empty()) {
            w.field("hint", mlc::log::redact(hint));
        }
        w.field("exit", static_cast<int>(code)).end_object();
        std::fputs((w.str() + "\n").c_str(), stdout);
        std::fflush(stdout);
    }
    return static_cast<int>(code);
}

void configure_logging(const mlc::cmd::GlobalOptions& g)
{
    using mlc::log::Level;
    Level level = Level::info;
    if (g.quiet) {
        level = Level::warn;
    } else if (g.verbose == 1) {
        level = Level::debug;
    } else if (g.verbose >= 2) {
        level = Level::trace;
    }
    mlc::log::configure(level,
                        g.log_format == "json" ? mlc::log::Format::json : mlc::log::Format::text);
}

} // namespace

int main(int argc, char** argv)
{
    mlc::cmd::Context ctx;
    CLI::App app{"ml-connector: keeps Oracle Fusion Cloud ERP and Procore in sync"};
    app.name("ml-connector");
    app.set_version_flag("--version", mlc::k_version);
    app.require_subcommand(1);
    app.fallthrough();

    auto& g = ctx.global;
    app.add_option("--config", g.config_path,
                   "Config file (default $ML_CONNECTOR_CONFIG, else ./ml-connector.json)");
    app.add_option("--state", g.state_path, "State database (overrides state.path in the config)");
    app.add_option("--metrics-file", g.metrics_file,
                   "Prometheus text file every pass rewrites at its end (overrides metrics.file)");
    app.add_option("--log-format", g.log_format, "Log format on stderr")
        ->check(CLI::IsMember({"text", "json"}));
    app.add_flag("-v,--verbose", g.verbose, "More logging (-vv: trace, with redacted bodies)");
    app.add_flag("-q,--quiet", g.quiet,
                 "Only warnings and errors; a pass that ends with exit 0 prints no summary");
    app.parse_complete_callback([&ctx] { configure_logging(ctx.global); });

    mlc::cmd::set_init_command(app, ctx);
    mlc::cmd::set_config_command(app, ctx);
    mlc::cmd::set_creds_command(app, ctx);
    mlc::cmd::set_ping_command(app, ctx);
    mlc::cmd::set_audit_command(app, ctx);
    mlc::cmd::set_sync_suppliers_command(app, ctx);
    mlc::cmd::set_pull_pos_command(app, ctx);
    mlc::cmd::set_post_costs_command(app, ctx);
    mlc::cmd::set_run_command(app, ctx);
    mlc::cmd::set_replay_command(app, ctx);
    mlc::cmd::set_listen_command(app, ctx);
    mlc::cmd::set_ingest_command(app, ctx);
    mlc::cmd::set_status_command(app, ctx);
    mlc::cmd::set_webhooks_command(app, ctx);
    mlc::cmd::set_state_command(app, ctx);
    mlc::cmd::set_reconcile_command(app, ctx);
    mlc::cmd::set_report_command(app, ctx);
    // Last: it walks every command defined before it.
    mlc::cmd::set_completion_command(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return print_error(app, e.what(), "see ml-connector --help", mlc::ExitCode::usage);
    } catch (const mlc::Fatal& e) {
        return print_error(app, e.what(), e.hint(), e.code());
    } catch (const std::exception& e) {
        return print_error(app, std::string("internal: ") + e.what(), "please report this",
                           mlc::ExitCode::usage);
    }
    return ctx.exit_code;
}
