// `ml-connector creds set NAME`: a secret from stdin into the encrypted vault.
#include "auth/credentials.hpp"
#include "auth/vault.hpp"
#include "commands.hpp"

#include <fmt/format.h>

namespace mlc::cmd {

void set_creds_command(CLI::App& app, Context& ctx)
{
    auto* creds = app.add_subcommand("creds", "Manage the encrypted credentials vault");
    creds->require_subcommand(1);
    auto* set = creds->add_subcommand(
        "set", "Read a secret from stdin and store it encrypted (oracle, procore, webhook)");
    auto name = std::make_shared<std::string>();
    set->add_option("NAME", *name, "oracle, procore or webhook")
        ->required()
        ->check(CLI::IsMember({"oracle", "procore", "webhook"}));
    set->callback([&ctx, name] {
        const Config config = ctx.load_config();
        const Secret secret = auth::read_secret_from_stdin();
        auth::store_secret(*name, secret, config);
        fmt::print("stored the {} secret in {}\n", *name, auth::vault_path(config).string());
    });
}

} // namespace mlc::cmd
