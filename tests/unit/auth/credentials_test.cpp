// Secret resolution: the environment overrides the vault, a missing secret is a clear Fatal,
// secrets read from stdin are trimmed once and never empty, and every secret is redacted.
#include "auth/credentials.hpp"
#include "auth/vault.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "support/env_guard.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>

using mlc::test::EnvGuard;

namespace {

mlc::Config config_in(const std::filesystem::path& dir)
{
    mlc::Config cfg;
    cfg.state.path = dir / "state.db";
    cfg.state.key_file = dir / "ml-connector.key";
    return cfg;
}

} // namespace

TEST_CASE("environment variable names per secret", "[auth][credentials]")
{
    CHECK(mlc::auth::secret_env_name("oracle") == "ML_CONNECTOR_ORACLE_CLIENT_SECRET");
    CHECK(mlc::auth::secret_env_name("procore") == "ML_CONNECTOR_PROCORE_CLIENT_SECRET");
    CHECK(mlc::auth::secret_env_name("webhook") == "ML_CONNECTOR_WEBHOOK_SECRET");
    CHECK_THROWS_AS(mlc::auth::secret_env_name("aws"), mlc::UsageError);
}

TEST_CASE("the environment overrides the vault, the vault is used otherwise", "[auth][credentials]")
{
    mlc::test::TempDir dir;
    EnvGuard no_key("ML_CONNECTOR_KEY", nullptr);
    EnvGuard no_oracle("ML_CONNECTOR_ORACLE_CLIENT_SECRET", nullptr);
    const auto cfg = config_in(dir.path());
    mlc::auth::create_key_file(cfg.state.key_file);
    mlc::auth::store_secret("oracle", mlc::Secret("from-the-vault-1"), cfg);
    CHECK(mlc::auth::vault_path(cfg) == dir.path() / "credentials.vault");

    CHECK(mlc::auth::resolve_secret("oracle", cfg).reveal() == "from-the-vault-1");
    {
        EnvGuard env("ML_CONNECTOR_ORACLE_CLIENT_SECRET", "from-the-env-2");
        CHECK(mlc::auth::resolve_secret("oracle", cfg).reveal() == "from-the-env-2");
    }
    // The env alone suffices: no key file, no vault needed.
    mlc::test::TempDir empty;
    EnvGuard env("ML_CONNECTOR_PROCORE_CLIENT_SECRET", "procore-env-3");
    CHECK(mlc::auth::resolve_secret("procore", config_in(empty.path())).reveal()
          == "procore-env-3");
}

TEST_CASE("a missing secret is a Fatal that says how to add it", "[auth][credentials]")
{
    mlc::test::TempDir dir;
    EnvGuard no_env("ML_CONNECTOR_PROCORE_CLIENT_SECRET", nullptr);
    EnvGuard no_key("ML_CONNECTOR_KEY", nullptr);
    auto cfg = config_in(dir.path());
    for (int with_vault = 0; with_vault < 2; ++with_vault) {
        if (with_vault == 1) {
            mlc::auth::create_key_file(cfg.state.key_file);
            mlc::auth::store_secret("oracle", mlc::Secret("only-oracle"), cfg);
        }
        try {
            (void)mlc::auth::resolve_secret("procore", cfg);
            FAIL("resolved a missing secret");
        } catch (const mlc::Fatal& e) {
            CHECK(e.code() == mlc::ExitCode::usage);
            CHECK(std::string(e.what()) == "credentials: no secret for procore");
            CHECK(e.hint()
                  == "ml-connector creds set procore < secret.txt, or set "
                     "ML_CONNECTOR_PROCORE_CLIENT_SECRET");
        }
    }
}

TEST_CASE("resolved secrets are redacted from logs and messages", "[auth][credentials]")
{
    mlc::test::TempDir dir;
    EnvGuard env("ML_CONNECTOR_WEBHOOK_SECRET", "wh-unique-secret-98765");
    (void)mlc::auth::resolve_secret("webhook", config_in(dir.path()));
    CHECK(mlc::log::redact("header was wh-unique-secret-98765 here").find("wh-unique-secret-98765")
          == std::string::npos);
}

TEST_CASE("secrets read from a stream lose one trailing newline and are never empty",
          "[auth][credentials]")
{
    std::istringstream one("abc123\n");
    CHECK(mlc::auth::read_secret(one).reveal() == "abc123");
    std::istringstream crlf("abc123\r\n");
    CHECK(mlc::auth::read_secret(crlf).reveal() == "abc123");
    std::istringstream two("abc123\n\n");
    CHECK(mlc::auth::read_secret(two).reveal() == "abc123\n");
    std::istringstream none("abc123");
    CHECK(mlc::auth::read_secret(none).reveal() == "abc123");
    std::istringstream empty("");
    CHECK_THROWS_AS(mlc::auth::read_secret(empty), mlc::UsageError);
    std::istringstream newline("\n");
    CHECK_THROWS_WITH(mlc::auth::read_secret(newline),
                      "credentials: the secret read from stdin is empty");
}
