// The vault: round trip, nothing readable at rest, wrong and malformed keys refused clearly,
// key file permissions enforced.
#include "auth/vault.hpp"
#include "core/error.hpp"
#include "support/env_guard.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace auth_vault_test {

using mlc::test::EnvGuard;

namespace {

std::string read_all(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

unsigned mode_of(const std::filesystem::path& p)
{
    struct stat st {};
    REQUIRE(stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// 32 bytes of 'A' and of 'B', base64.
const char* k_key_a = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=";
const char* k_key_b = "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=";

} // namespace

TEST_CASE("vault round trip, names and replacement", "[auth][vault]")
{
    mlc::test::TempDir dir;
    const auto path = dir.path() / "credentials.vault";
    mlc::auth::Vault vault(path, mlc::auth::key_from_base64(k_key_a, "test"));
    CHECK_FALSE(vault.get("oracle").has_value());
    CHECK(vault.names().empty());
    vault.set("oracle", mlc::Secret("oracle-s3cret-value"));
    vault.set("webhook", mlc::Secret("hook secret with spaces\nand a newline"));
    CHECK(vault.get("oracle")->reveal() == "oracle-s3cret-value");
    CHECK(vault.get("webhook")->reveal() == "hook secret with spaces\nand a newline");
    CHECK(vault.names() == std::vector<std::string>{"oracle", "webhook"});
    vault.set("oracle", mlc::Secret("rotated-value-2"));
    // A fresh Vault object reads what the first wrote.
    mlc::auth::Vault reopened(path, mlc::auth::key_from_base64(k_key_a, "test"));
    CHECK(reopened.get("oracle")->reveal() == "rotated-value-2");
    CHECK(mode_of(path) == 0600);
    CHECK_FALSE(std::filesystem::exists(path.string() + ".tmp." + std::to_string(getpid())));
}

TEST_CASE("the stored vault contains no plaintext and a fresh nonce per secret", "[auth][vault]")
{
    mlc::test::TempDir dir;
    const auto path = dir.path() / "credentials.vault";
    mlc::auth::Vault vault(path, mlc::auth::key_from_base64(k_key_a, "test"));
    const std::string secret = "PLAINTEXT-CLIENT-SECRET-1234";
    vault.set("procore", mlc::Secret(secret));
    const std::string first = read_all(path);
    CHECK(first.find(secret) == std::string::npos);
    CHECK(first.find("PLAINTEXT") == std::string::npos);
    CHECK(first.find("procore ") != std::string::npos); // the name is not secret
    vault.set("procore", mlc::Secret(secret));
    CHECK(read_all(path) != first); // same secret, new nonce: different bytes
}

TEST_CASE("a wrong key is a Fatal, never garbage", "[auth][vault]")
{
    mlc::test::TempDir dir;
    const auto path = dir.path() / "credentials.vault";
    mlc::auth::Vault(path, mlc::auth::key_from_base64(k_key_a, "test"))
        .set("oracle", mlc::Secret("value-one"));
    mlc::auth::Vault other(path, mlc::auth::key_from_base64(k_key_b, "test"));
    try {
        (void)other.get("oracle");
        FAIL("decrypted with the wrong key");
    } catch (const mlc::Fatal& e) {
        CHECK(e.code() == mlc::ExitCode::usage);
        CHECK(std::string(e.what()) == "credentials: cannot decrypt oracle with this key");
        CHECK(e.hint() == "is ML_CONNECTOR_KEY / the key file the one used by `creds set`?");
    }
}

TEST_CASE("a tampered entry or an entry moved under another name does not decrypt", "[auth][vault]")
{
    mlc::test::TempDir dir;
    const auto path = dir.path() / "credentials.vault";
    mlc::auth::Vault vault(path, mlc::auth::key_from_base64(k_key_a, "test"));
    vault.set("oracle", mlc::Secret("value-one"));
    std::string text = read_all(path);
    // Move the oracle entry under the procore name.
    const auto pos = text.find("oracle ");
    REQUIRE(pos != std::string::npos);
    text.replace(pos, 7, "procore ");
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    CHECK_THROWS_WITH(vault.get("procore"), "credentials: cannot decrypt procore with this key");
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        << "ml-connector-vault 1\noracle !!!notbase64\n";
    CHECK_THROWS_WITH(vault.get("oracle"), Catch::Contains("is damaged"));
    std::ofstream(path, std::ios::binary | std::ios::trunc) << "something else\n";
    CHECK_THROWS_WITH(vault.get("oracle"), Catch::Contains("is not an ml-connector vault"));
}

TEST_CASE("only oracle, procore and webhook are accepted names", "[auth][vault]")
{
    mlc::test::TempDir dir;
    mlc::auth::Vault vault(dir.path() / "v", mlc::auth::key_from_base64(k_key_a, "test"));
    CHECK_THROWS_AS(vault.set("github", mlc::Secret("x")), mlc::UsageError);
    CHECK_THROWS_AS(vault.get("ORACLE"), mlc::UsageError);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "v"));
}

TEST_CASE("a malformed ML_CONNECTOR_KEY is refused without echoing it", "[auth][vault]")
{
    mlc::Config cfg;
    cfg.state.key_file = "/nonexistent/key";
    for (const char* bad : {"not base64 at all!!", "QUFBQUFBQUFBQUFBQUFBQQ==" /* 16 bytes */,
                            "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ==" /* 33 bytes */}) {
        EnvGuard env("ML_CONNECTOR_KEY", bad);
        try {
            (void)mlc::auth::load_vault_key(cfg);
            FAIL("accepted " << bad);
        } catch (const mlc::Fatal& e) {
            CHECK(e.code() == mlc::ExitCode::usage);
            CHECK(std::string(e.what())
                  == "credentials: ML_CONNECTOR_KEY is not a valid key: expected base64 of exactly "
                     "32 bytes");
            CHECK(std::string(e.what()).find(bad) == std::string::npos);
            CHECK(e.hint().find(bad) == std::string::npos);
        }
    }
    EnvGuard good("ML_CONNECTOR_KEY", k_key_a);
    CHECK_NOTHROW(mlc::auth::load_vault_key(cfg)); // the env wins over a missing key file
}

TEST_CASE("a systemd credential vault.key comes before the key file, after ML_CONNECTOR_KEY",
          "[auth][vault]")
{
    mlc::test::TempDir dir;
    EnvGuard no_env("ML_CONNECTOR_KEY", nullptr);
    const auto write_key = [](const std::filesystem::path& path, const char* base64) {
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path) << base64 << "\n";
        REQUIRE(chmod(path.c_str(), 0400) == 0);
    };
    mlc::Config cfg;
    cfg.state.key_file = dir.path() / "ml-connector.key";
    write_key(cfg.state.key_file, k_key_a);
    write_key(dir.path() / "credentials" / "vault.key", k_key_b);
    mlc::auth::Vault(dir.path() / "v", mlc::auth::key_from_base64(k_key_b, "test"))
        .set("oracle", mlc::Secret("from-b"));
    {
        EnvGuard creds("CREDENTIALS_DIRECTORY", (dir.path() / "credentials").c_str());
        REQUIRE(mlc::auth::systemd_credential_key_file());
        CHECK(mlc::auth::Vault(dir.path() / "v", mlc::auth::load_vault_key(cfg))
                  .get("oracle")
                  ->reveal()
              == "from-b");
        EnvGuard env_key("ML_CONNECTOR_KEY", k_key_a);
        CHECK_THROWS_AS(
            (void)mlc::auth::Vault(dir.path() / "v", mlc::auth::load_vault_key(cfg)).get("oracle"),
            mlc::Fatal);
    }
    {
        // A credentials folder without our credential (another unit's): the key file.
        EnvGuard creds("CREDENTIALS_DIRECTORY", dir.path().c_str());
        CHECK(!mlc::auth::systemd_credential_key_file());
        CHECK_THROWS_AS(
            (void)mlc::auth::Vault(dir.path() / "v", mlc::auth::load_vault_key(cfg)).get("oracle"),
            mlc::Fatal);
    }
    EnvGuard no_creds("CREDENTIALS_DIRECTORY", nullptr);
    CHECK(!mlc::auth::systemd_credential_key_file());
}

TEST_CASE("key files: created 0600 once, loose permissions refused", "[auth][vault]")
{
    mlc::test::TempDir dir;
    EnvGuard no_env("ML_CONNECTOR_KEY", nullptr);
    const auto key = dir.path() / "keys" / "ml-connector.key";
    mlc::auth::create_key_file(key);
    CHECK(mode_of(key) == 0600);
    CHECK_THROWS_WITH(mlc::auth::create_key_file(key), Catch::Contains("already exists"));
    mlc::Config cfg;
    cfg.state.key_file = key;
    mlc::auth::Vault vault(dir.path() / "v", mlc::auth::load_vault_key(cfg));
    vault.set("webhook", mlc::Secret("hook-value"));
    CHECK(mlc::auth::Vault(dir.path() / "v", mlc::auth::read_key_file(key)).get("webhook")->reveal()
          == "hook-value");

    // Two keys are not the same key.
    const auto key2 = dir.path() / "other.key";
    mlc::auth::create_key_file(key2);
    CHECK(read_all(key) != read_all(key2));

    REQUIRE(chmod(key.c_str(), 0644) == 0);
    try {
        (void)mlc::auth::load_vault_key(cfg);
        FAIL("accepted a 0644 key file");
    } catch (const mlc::Fatal& e) {
        CHECK_THAT(e.what(), Catch::Contains("is accessible by others (mode 0644)"));
        CHECK(e.hint() == "chmod 600 " + key.string());
    }
    REQUIRE(chmod(key.c_str(), 0400) == 0);
    CHECK_NOTHROW(mlc::auth::load_vault_key(cfg)); // stricter than 0600 is fine

    cfg.state.key_file = dir.path() / "missing.key";
    CHECK_THROWS_WITH(mlc::auth::load_vault_key(cfg), Catch::Contains("no vault key"));

    // A replaced key file is a new key.
    const std::string before = read_all(key2);
    mlc::auth::create_key_file(key2, true);
    CHECK(read_all(key2) != before);
    CHECK(mode_of(key2) == 0600);
}

} // namespace auth_vault_test
