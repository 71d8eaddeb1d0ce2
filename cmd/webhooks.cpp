// `ml-connector webhooks install|check`: the Procore side of our webhooks. install makes the
// hook and its triggers what we need (idempotent); check exits 1 when Procore discarded events
// that are not in our inbox.
#include "admin/webhooks.hpp"

#include "commands.hpp"

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
        admin::InstallOptions install;
        bool json = false;
    };
    auto iopts = std::make_shared<InstallOpts>();
    auto* install = sub->add_subcommand(
        "install", "Create or update our hook (by namespace) and its triggers, only for the "
                   "resources and event types Procore offers (GET /webhooks/resources; the rest "
                   "rely on the sweep); safe to run again");
    install->add_option("--destination-url", iopts->install.destination_url,
                        "Public URL Procore delivers to (default webhooks.destination_url)");
    install->add_flag("--dry-run", iopts->install.dry_run,
                      "Show what would change; change nothing");
    install->add_flag("--json", iopts->json, "Print the result as JSON");
    install->callback([&ctx, iopts] {
        const Config config = ctx.load_config();
        const auto result = admin::run_webhooks_install(config, system_clock(), iopts->install);
        fmt::print("{}", iopts->json ? admin::to_json(result) + "\n" : admin::to_text(result));
        std::fflush(stdout);
        ctx.exit_code = static_cast<int>(ExitCode::ok);
    });

    auto cjson = std::make_shared<bool>(false);
    auto* check = sub->add_subcommand("check", "Report events Procore gave up on that are not in "
                                               "our inbox (exit 1 when there is a gap)");
    check->add_flag("--json", *cjson, "Print the result as JSON");
    auto clist = std::make_shared<bool>(false);
    check->add_flag("--list", *clist, "One line per event too, not only per resource");
    check->callback([&ctx, cjson, clist] {
        const Config config = ctx.load_config();
        const auto outcome = admin::run_webhooks_check(config, system_clock());
        ctx.exit_code = static_cast<int>(outcome.code);
        ctx.report(*cjson ? admin::to_json(outcome.result) + "\n"
                          : admin::to_text(outcome.result, *clist),
                   *cjson);
    });
}

} // namespace mlc::cmd
