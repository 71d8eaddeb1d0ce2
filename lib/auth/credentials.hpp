#pragma once
// Where a secret comes from at run time: the environment first (containers, tests:
// ML_CONNECTOR_ORACLE_CLIENT_SECRET, ML_CONNECTOR_PROCORE_CLIENT_SECRET,
// ML_CONNECTOR_WEBHOOK_SECRET), else the encrypted vault. Every secret handed out is registered
// with the log redactor first, so it cannot reach a log line or a message afterwards.
#include "core/config.hpp"
#include "core/secret.hpp"

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace mlc::auth {

// The environment variable that overrides the vault for `name` (oracle, procore, webhook).
std::string secret_env_name(const std::string& name);

// The secret for `name`, from the environment or the vault. Throws UsageError for an unknown
// name and Fatal (exit 2) "credentials: no secret for <name>" when neither has it; the vault
// key is only needed (and only checked) when the environment does not supply the secret.
Secret resolve_secret(const std::string& name, const Config& config);

// Where each secret would come from now, for `creds list`: never a value.
struct SecretSource {
    std::string name;     // oracle, procore, webhook
    std::string env_name; // the variable that overrides the vault
    bool in_environment = false;
    bool in_vault = false; // an entry exists
    // The entry opens with the key at hand; nullopt when there is no entry or no key to try.
    std::optional<bool> vault_opens;
    std::string key_problem; // why no key could be loaded (empty when one was, or not needed)
    // "environment", "vault", or "" when a pass would find none.
    std::string used() const;
};
std::vector<SecretSource> list_secrets(const Config& config);

// `creds set`: stores `secret` under `name` in the vault of `config`'s state folder.
void store_secret(const std::string& name, const Secret& secret, const Config& config);

// Reads a secret from `in`: strips one trailing newline (\n or \r\n), refuses an empty one.
Secret read_secret(std::istream& in);
// The same from stdin; when stdin is a terminal, echo is turned off while typing.
Secret read_secret_from_stdin();

} // namespace mlc::auth
