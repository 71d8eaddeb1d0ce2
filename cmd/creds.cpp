// `ml-connector creds set NAME`: a secret from stdin into the encrypted vault.
// `ml-connector creds list`: which secrets are set and where a pass would take each from.
#include "auth/credentials.hpp"
#include "auth/vault.hpp"
#include "commands.hpp"
#include "core/json_writer.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace mlc::cmd {
namespace {

std::string secret_source_text(const auth::SecretSource& s)
{
    if (s.in_environment) {
        return fmt::format("set in the environment ({}){}", s.env_name,
                           s.in_vault ? ", which overrides the vault's" : "");
    }
    if (!s.in_vault) {
        return fmt::format("not set (ml-connector creds set {}, or {})", s.name, s.env_name);
    }
    if (!s.vault_opens) {
        return fmt::format("in the vault, but no key to open it: {}", s.key_problem);
    }
    return *s.vault_opens ? std::string("set in the vault")
                          : std::string("in the vault, under another key: this key cannot open it");
}

} // namespace

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

    auto* list = creds->add_subcommand(
        "list", "Which secrets are set and where from (vault or environment); never their values");
    auto json = std::make_shared<bool>(false);
    list->add_flag("--json", *json, "Machine-readable output");
    list->callback([&ctx, json] {
        const Config config = ctx.load_config();
        const auto sources = auth::list_secrets(config);
        std::string out;
        if (*json) {
            json::Writer w;
            w.begin_object().field("vault", auth::vault_path(config).string());
            w.key("secrets").begin_array();
            for (const auto& s : sources) {
                w.begin_object()
                    .field("name", s.name)
                    .field("from", s.used())
                    .field("environment", s.in_environment)
                    .field("in_vault", s.in_vault);
                w.key("vault_opens");
                if (s.vault_opens) {
                    w.boolean(*s.vault_opens);
                } else {
                    w.null();
                }
                w.end_object();
            }
            w.end_array().end_object();
            out = w.str() + "\n";
        } else {
            out = fmt::format("vault {}\n", auth::vault_path(config).string());
            for (const auto& s : sources) {
                out += fmt::format("{:<8} {}\n", s.name, secret_source_text(s));
            }
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
        ctx.exit_code = static_cast<int>(ExitCode::ok);
    });
}

} // namespace mlc::cmd
