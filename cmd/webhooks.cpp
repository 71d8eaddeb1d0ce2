// `ml-connector webhooks install|check`: the Procore side of our webhooks. install makes the
// hook and its triggers what we need (idempotent); check exits 1 when Procore discarded events
// that are not in our inbox.
#include "sync/webhooks.hpp"

#include "auth/credentials.hpp"
#include "commands.hpp"
#include "sync/connections.hpp"
#include "sync/pass.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_webhooks_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand("webhooks", "Create/update the Procore hook and triggers; find "
                                               "lost deliveries");
    sub->require_subcommand(1);

    struct InstallOpts {
        sync::InstallOptions install;
        bool json = false;
    };
    auto iopts = std::make_shared<InstallOpts>();
    auto* install = sub->add_subcommand("install", "Create or update our hook (by namespace) and "
                                                   "its triggers; safe to run again");
    install->add_option("--destination-url", iopts->install.destination_url,
                        "Public URL Procore delivers to (default webhooks.destination_url)");
    install->add_flag("--dry-run", iopts->install.dry_run,
                      "Show what would change; change nothing");
    install->add_flag("--json", iopts->json, "Print the result as JSON");
    install->callback([&ctx, iopts] {
        const Config config = ctx.load_config();
        const Secret secret = auth::resolve_secret("webhook", config);
        sync::Connections connections(config, system_clock());
        auto result =
            sync::install_webhooks(config, connections.procore().http(), secret, iopts->install);
        result.calls = connections.calls().snapshot();
        fmt::print("{}", iopts->json ? sync::to_json(result) + "\n" : sync::to_text(result));
        std::fflush(stdout);
        ctx.exit_code = static_cast<int>(ExitCode::ok);
    });

    auto cjson = std::make_shared<bool>(false);
    auto* check = sub->add_subcommand("check", "Report events Procore gave up on that are not in "
                                               "our inbox (exit 1 when there is a gap)");
    check->add_flag("--json", *cjson, "Print the result as JSON");
    check->callback([&ctx, cjson] {
        const Config config = ctx.load_config();
        // Procore echoes the hook's destination_headers (our secret) when we list hooks: make
        // sure the redactor knows it before anything is logged. check works without it.
        try {
            auth::resolve_secret("webhook", config);
        } catch (const Fatal&) {
        }
        sync::Connections connections(config, system_clock());
        // A pass like the others: the spool is taken in first (by the pass run), so a delivery
        // that reached us but was not ingested yet is not reported as lost.
        sync::PassRun run(config, "webhooks check", /*dry_run=*/false, system_clock());
        auto result = sync::check_webhooks(config, connections.procore().http(), run.db());
        result.calls = connections.calls().snapshot();
        const auto code = result.gap() ? ExitCode::partial : ExitCode::ok;
        run.finish(static_cast<int>(code), sync::to_json(result));
        fmt::print("{}", *cjson ? sync::to_json(result) + "\n" : sync::to_text(result));
        std::fflush(stdout);
        ctx.exit_code = static_cast<int>(code);
    });
}

} // namespace mlc::cmd
