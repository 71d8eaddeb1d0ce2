// `ml-connector init`: starter config, state database and key file.
#include "admin/setup.hpp"
#include "commands.hpp"

#include <fmt/format.h>

namespace mlc::cmd {

void set_init_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand(
        "init", "Write a commented starter config and create the state database and key file");
    auto force = std::make_shared<bool>(false);
    sub->add_flag("--force", *force, "Overwrite an existing config file with the starter config");
    sub->callback([&ctx, force] {
        const auto r = admin::initialize(ctx.config_file(), *force, ctx.global.state_path);
        fmt::print("config    {} ({})\n", r.config_path.string(),
                   r.config_written ? "written: edit it" : "kept as it was");
        fmt::print("state     {} (schema version {})\n", r.state_path.string(), r.schema_version);
        if (r.key_path.empty()) {
            fmt::print("key       from ML_CONNECTOR_KEY\n");
        } else {
            fmt::print("key       {} ({})\n", r.key_path.string(),
                       r.key_written ? "created, mode 0600: back it up" : "kept as it was");
        }
        fmt::print("next      ml-connector creds set oracle < oracle-secret.txt\n"
                   "          ml-connector creds set procore < procore-secret.txt\n"
                   "          ml-connector ping\n");
    });
}

} // namespace mlc::cmd
