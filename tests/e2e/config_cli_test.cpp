// `ml-connector config validate` and `config show` through the real binary: every error of a
// broken file at once, each on its own `error:` line with its JSON pointer; the effective
// configuration with defaults and --state applied, and secrets only by where they come from.
#include "core/json.hpp"
#include "support/e2e_env.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

using namespace mlc;
using test::E2eEnv;

TEST_CASE("config validate reports every error at once, one line each, and exit 2", "[e2e][config]")
{
    E2eEnv env;
    {
        std::ofstream out(env.config_path());
        out << R"({
  // two mistakes in oracle, one in procore, one in http
  "oracle": { "base_url": 5, "token_url": "https://idcs-1.identity.oraclecloud.com/t",
              "client_id": "oid", "pod_url": "x" },
  "procore": { "client_id": "pid", "company_id": "6452" },
  "http": { "max_atempts": 3 }
})";
    }
    auto r = env.run({"config", "validate"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("error: config /oracle/base_url: expected string, got "
                                      "integer\n"));
    CHECK_THAT(r.err, Catch::Contains("error: config /oracle/pod_url: unknown key\n"));
    CHECK_THAT(r.err, Catch::Contains("error: config /procore/company_id: expected integer, got "
                                      "string\n"));
    CHECK_THAT(r.err, Catch::Contains("error: config /http/max_atempts: unknown key\n"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 4);

    auto json = env.run_json({"config", "validate", "--json"}, 2);
    CHECK_FALSE(json["valid"].GetBool());
    CHECK(json["errors"].Size() == 4);

    // Any other command names all four too, on its one error line.
    auto pass = env.run({"sync-suppliers"});
    CHECK(pass.exit_code == 2);
    CHECK(std::count(pass.err.begin(), pass.err.end(), '\n') == 1);
    CHECK_THAT(pass.err, Catch::Contains("/oracle/pod_url: unknown key; ")
                             && Catch::Contains("/http/max_atempts: unknown key"));
}

TEST_CASE("config validate passes a good file and notes init's placeholders", "[e2e][config]")
{
    E2eEnv env;
    env.write_config();
    auto ok = env.run({"config", "validate"});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out == env.config_path().string() + ": valid\n");

    test::ProcessOptions plain;
    plain.unset_env = {"ML_CONNECTOR_KEY"};
    std::filesystem::remove(env.config_path());
    REQUIRE(env.run({"init"}, plain).exit_code == 0);
    auto starter = env.run({"config", "validate"});
    CHECK(starter.exit_code == 0);
    CHECK_THAT(starter.out,
               Catch::Contains("note: /oracle/client_id still holds the starter config's "
                               "placeholder"));
}

TEST_CASE("config show prints the effective config: defaults, resolved paths, --state, and "
          "where each secret comes from, never its value",
          "[e2e][config]")
{
    E2eEnv env;
    env.write_config();
    auto shown = env.run_json({"--state", "/tmp/elsewhere.db", "config", "show"});
    CHECK(shown["state"]["path"].GetString() == std::string("/tmp/elsewhere.db"));
    CHECK(shown["http"]["connect_timeout_ms"].GetInt64() == 10000); // a default, not in the file
    CHECK(std::string(shown["oracle"]["rest_root"].GetString())
              .ends_with("/fscmRestApi/resources/11.13.18.05"));
    CHECK(shown["secrets"]["oracle"].GetString() == std::string("environment"));
    CHECK(shown["secrets"]["procore"].GetString() == std::string("environment"));
    const auto text = env.run({"config", "show"});
    for (const auto& [name, value] : env.secret_env()) {
        CHECK(text.out.find(value) == std::string::npos);
    }
}
