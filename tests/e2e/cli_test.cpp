// The binary's contract as users script against it: --help, --version, exit codes, one-line
// errors naming the JSON pointer, init, creds set, and ping against the simulators — including
// the failures ping exists to explain, and no secret in any output even at -vv.
#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>
#include <regex>

using mlc::test::E2eEnv;
using mlc::test::ProcessOptions;
using mlc::test::read_file;
using mlc::test::run_process;
using mlc::test::TempDir;

namespace {

int line_count(const std::string& s)
{
    return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

} // namespace

TEST_CASE("--help lists the built subcommands and --version prints the version", "[e2e][cli]")
{
    auto help = run_process({MLC_BINARY, "--help"});
    CHECK(help.exit_code == 0);
    for (const char* sub : {"init", "creds", "ping", "audit"}) {
        CHECK(help.out.find(std::string("  ") + sub) != std::string::npos);
    }
    auto version = run_process({MLC_BINARY, "--version"});
    CHECK(version.exit_code == 0);
    CHECK(std::regex_search(version.out, std::regex(R"(^\d+\.\d+\.\d+)")));
}

TEST_CASE("usage errors exit 2 with one error line", "[e2e][cli]")
{
    auto unknown = run_process({MLC_BINARY, "frobnicate"});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.rfind("error: ", 0) == 0);
    CHECK(line_count(unknown.err) == 1);

    auto none = run_process({MLC_BINARY});
    CHECK(none.exit_code == 2);
}

TEST_CASE("a bad config fails with exit 2 and names the JSON pointer", "[e2e][cli][config]")
{
    TempDir dir("mlc-cli");
    const auto cfg = dir.path() / "c.json";
    std::ofstream(cfg) << R"({"oracle": {"base_url": "https://acme.fa.us2.oraclecloud.com",
        "token_url": "https://idcs-1.identity.oraclecloud.com/oauth2/v1/token", "client_id": "x"},
        "procore": {"client_id": "y", "company_id": "6452"}})";
    auto r = run_process({MLC_BINARY, "--config", cfg.string(), "ping"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("error: config /procore/company_id: expected integer, got string")
          != std::string::npos);
    CHECK(line_count(r.err) == 1);

    auto missing =
        run_process({MLC_BINARY, "--config", (dir.path() / "nope.json").string(), "ping"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("ml-connector init") != std::string::npos);

    // The config can also come from the environment.
    ProcessOptions env;
    env.env = {{"ML_CONNECTOR_CONFIG", cfg.string()}};
    auto from_env = run_process({MLC_BINARY, "ping"}, env);
    CHECK(from_env.exit_code == 2);
    CHECK(from_env.err.find("/procore/company_id") != std::string::npos);
}

TEST_CASE("init writes a valid starter config, the database and a 0600 key file, idempotently",
          "[e2e][cli][init]")
{
    TempDir dir("mlc-init");
    ProcessOptions opts;
    opts.cwd = dir.path();
    opts.unset_env = {"ML_CONNECTOR_KEY", "ML_CONNECTOR_CONFIG"};
    auto first = run_process({MLC_BINARY, "init"}, opts);
    REQUIRE(first.exit_code == 0);
    CHECK(std::filesystem::exists(dir.path() / "ml-connector.json"));
    CHECK(std::filesystem::exists(dir.path() / "ml-connector.db"));
    struct stat st {};
    REQUIRE(::stat((dir.path() / "ml-connector.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(read_file(dir.path() / "ml-connector.json").find("//") != std::string::npos);

    const auto key_before = read_file(dir.path() / "ml-connector.key");
    auto second = run_process({MLC_BINARY, "init"}, opts);
    CHECK(second.exit_code == 0);
    CHECK(second.out.find("kept as it was") != std::string::npos);
    CHECK(read_file(dir.path() / "ml-connector.key") == key_before);
}

TEST_CASE("ping succeeds against the simulators and reports what it saw", "[e2e][ping]")
{
    E2eEnv env;
    env.write_config();
    auto r = env.run({"ping"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("oracle   ok") != std::string::npos);
    CHECK(r.out.find("procore  ok") != std::string::npos);
    CHECK(r.out.find("token valid 3600 s") != std::string::npos);
    CHECK(r.out.find("token valid 5400 s") != std::string::npos);
    CHECK(r.out.find("2 visible projects") != std::string::npos);

    auto json = env.run({"ping", "--json"});
    REQUIRE(json.exit_code == 0);
    CHECK(json.out.find(R"("ok":true)") != std::string::npos);
    CHECK(json.out.find(R"("projects":2)") != std::string::npos);
    CHECK(json.out.find(R"("GET /suppliers":1)") != std::string::npos);
}

TEST_CASE("ping with secrets from the vault, stored by creds set", "[e2e][ping][creds]")
{
    E2eEnv env;
    env.write_config();
    ProcessOptions plain;
    plain.unset_env = {"ML_CONNECTOR_KEY"};
    REQUIRE(env.run({"init"}, plain).exit_code == 0);

    const auto& o = env.sims().options();
    ProcessOptions set_oracle = plain;
    set_oracle.stdin_data = o.oracle_client_secret + "\n";
    REQUIRE(env.run({"creds", "set", "oracle"}, set_oracle).exit_code == 0);
    ProcessOptions set_procore = plain;
    set_procore.stdin_data = o.procore_client_secret + "\n";
    REQUIRE(env.run({"creds", "set", "procore"}, set_procore).exit_code == 0);

    const std::string vault = read_file(env.dir() / "state" / "credentials.vault");
    CHECK_FALSE(vault.empty());
    CHECK(vault.find(o.oracle_client_secret) == std::string::npos);
    CHECK(vault.find(o.procore_client_secret) == std::string::npos);

    // No secret in the environment now: ping must decrypt them from the vault.
    std::vector<std::string> argv{MLC_BINARY, "--config", env.config_path().string(), "ping"};
    ProcessOptions no_env = plain;
    no_env.unset_env.push_back("ML_CONNECTOR_ORACLE_CLIENT_SECRET");
    no_env.unset_env.push_back("ML_CONNECTOR_PROCORE_CLIENT_SECRET");
    auto r = run_process(argv, no_env);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);

    // A wrong key is a clear error, never garbage.
    ProcessOptions wrong_key = no_env;
    wrong_key.env = {{"ML_CONNECTOR_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}};
    auto bad = run_process(argv, wrong_key);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("cannot decrypt") != std::string::npos);
}

TEST_CASE("creds list says where each secret comes from, never its value, and creds set refuses "
          "a key that cannot open the vault",
          "[e2e][creds]")
{
    E2eEnv env;
    env.write_config();
    ProcessOptions plain;
    plain.unset_env = {"ML_CONNECTOR_KEY", "ML_CONNECTOR_ORACLE_CLIENT_SECRET",
                       "ML_CONNECTOR_PROCORE_CLIENT_SECRET", "ML_CONNECTOR_WEBHOOK_SECRET"};
    REQUIRE(env.run({"init"}, plain).exit_code == 0);
    ProcessOptions set_oracle = plain;
    set_oracle.stdin_data = "oracle-secret-value-1\n";
    REQUIRE(env.run({"creds", "set", "oracle"}, set_oracle).exit_code == 0);

    // E2eEnv::run would put the simulators' secrets in the environment: run the binary plainly.
    const auto creds = [&env](std::vector<std::string> args, const ProcessOptions& options) {
        std::vector<std::string> argv{MLC_BINARY, "--config", env.config_path().string()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, options);
    };
    ProcessOptions with_env = plain;
    with_env.env = {{"ML_CONNECTOR_PROCORE_CLIENT_SECRET", "procore-secret-value-2"}};
    auto list = creds({"creds", "list"}, with_env);
    CHECK(list.exit_code == 0);
    CHECK_THAT(list.out, Catch::Contains("oracle   set in the vault\n"));
    CHECK_THAT(
        list.out,
        Catch::Contains("procore  set in the environment (ML_CONNECTOR_PROCORE_CLIENT_SECRET)"));
    CHECK_THAT(list.out, Catch::Contains("webhook  not set (ml-connector creds set webhook, or "
                                         "ML_CONNECTOR_WEBHOOK_SECRET)"));
    CHECK(list.out.find("secret-value") == std::string::npos);
    auto json = creds({"creds", "list", "--json"}, with_env);
    CHECK_THAT(json.out, Catch::Contains(R"({"name":"oracle","from":"vault")"));
    CHECK_THAT(json.out, Catch::Contains(R"({"name":"procore","from":"environment")"));
    CHECK(json.out.find("secret-value") == std::string::npos);

    // Under another key: nothing stored, the vault unchanged, and list says so.
    const std::string vault_before = read_file(env.dir() / "state" / "credentials.vault");
    ProcessOptions wrong_key = plain;
    wrong_key.env = {{"ML_CONNECTOR_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}};
    wrong_key.stdin_data = "procore-secret-value-3\n";
    auto refused = creds({"creds", "set", "procore"}, wrong_key);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("holds the oracle secret under another key; refusing "
                                            "to store procore under this one"));
    CHECK(read_file(env.dir() / "state" / "credentials.vault") == vault_before);
    auto listed = creds({"creds", "list"}, wrong_key);
    CHECK_THAT(
        listed.out,
        Catch::Contains("oracle   in the vault, under another key: this key cannot open it"));
}

TEST_CASE("ping refuses a config that still holds init's placeholders, before any call",
          "[e2e][ping]")
{
    E2eEnv env;
    ProcessOptions plain;
    plain.unset_env = {"ML_CONNECTOR_KEY"};
    REQUIRE(env.run({"init"}, plain).exit_code == 0); // the starter config, as a new user has it
    // It points at acme.fa.us2.oraclecloud.com: without the check, ping would try the network
    // and fail with exit 3 on DNS.
    auto r = env.run({"ping"});
    CHECK(r.exit_code == 2);
    CHECK(r.err
          == "error: config /oracle/base_url, /oracle/token_url, /oracle/client_id, "
             "/procore/client_id, /procore/company_id still hold the starter config's "
             "placeholders (put your Oracle pod, identity domain, client ids and Procore company "
             "id in the config; nothing was sent)\n");
    CHECK(r.out.empty());
}

TEST_CASE("ping fails with exit 3 naming the system and the cause", "[e2e][ping]")
{
    E2eEnv env;

    SECTION("a wrong Procore secret")
    {
        env.write_config();
        ProcessOptions opts;
        opts.env = {{"ML_CONNECTOR_PROCORE_CLIENT_SECRET", "not-the-secret"}};
        auto r = env.run({"ping"}, opts);
        CHECK(r.exit_code == 3);
        CHECK(r.out.find("oracle   ok") != std::string::npos);
        CHECK(r.out.find("procore  FAIL") != std::string::npos);
        CHECK(r.out.find("not-the-secret") == std::string::npos);
        // The README's error contract: one `error:` line per failed system on stderr.
        CHECK_THAT(r.err, Catch::StartsWith("error: ping: procore: "));
        CHECK(r.err.find("oracle") == std::string::npos);
        CHECK(r.err.find("not-the-secret") == std::string::npos);
    }
    SECTION("a wrong Oracle secret")
    {
        env.write_config();
        ProcessOptions opts;
        opts.env = {{"ML_CONNECTOR_ORACLE_CLIENT_SECRET", "not-the-secret"}};
        auto r = env.run({"ping"}, opts);
        CHECK(r.exit_code == 3);
        CHECK(r.out.find("oracle   FAIL") != std::string::npos);
        CHECK(r.out.find("invalid_client") != std::string::npos);
    }
    SECTION("a company the app cannot see")
    {
        env.write_config("", 999);
        auto r = env.run({"ping"});
        CHECK(r.exit_code == 3);
        CHECK(r.out.find("procore  FAIL") != std::string::npos);
        CHECK(r.out.find("999") != std::string::npos);
    }
    SECTION("the API refuses every token (revoked): 401 twice")
    {
        env.write_config();
        env.oracle_admin("POST", "/_sim/faults",
                         R"({"path": "/fscmRestApi/", "status": 401, "count": -1})");
        auto r = env.run({"ping"});
        CHECK(r.exit_code == 3);
        CHECK(r.out.find("oracle   FAIL") != std::string::npos);
        CHECK(r.out.find("Fusion user") != std::string::npos);
    }
}

TEST_CASE("ping survives a 503 and a 429 from Procore by retrying", "[e2e][ping]")
{
    E2eEnv env;
    env.write_config();
    env.procore_admin(
        "POST", "/_sim/faults",
        R"({"path": "/rest/v1.0/companies", "status": 503, "count": 1, "retry_after": 0})");
    env.procore_admin(
        "POST", "/_sim/faults",
        R"({"path": "/rest/v1.0/projects", "status": 429, "count": 1, "retry_after": 0})");
    auto r = env.run({"ping", "--json"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(R"("GET /rest/v1.0/companies":2)") != std::string::npos);
    CHECK(r.out.find(R"("GET /rest/v1.0/projects":2)") != std::string::npos);
}

TEST_CASE("ping against an unreachable Oracle exits 3", "[e2e][ping]")
{
    E2eEnv env;
    env.write_config();
    // Point Oracle at a loopback port nothing listens on (the Oracle listener, stopped).
    std::string cfg = read_file(env.config_path());
    env.sims().stop();
    auto r = env.run({"ping"});
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("oracle   FAIL") != std::string::npos);
    CHECK(r.out.find("cannot reach") != std::string::npos);
}

TEST_CASE("no secret reaches stdout or stderr, even at -vv", "[e2e][security]")
{
    E2eEnv env;
    env.write_config();
    const auto& o = env.sims().options();
    for (const auto& args : {std::vector<std::string>{"-vv", "ping"},
                             std::vector<std::string>{"-vv", "--log-format", "json", "ping"}}) {
        auto r = env.run(args);
        REQUIRE(r.exit_code == 0);
        const std::string all = r.out + r.err;
        CHECK(all.find(o.oracle_client_secret) == std::string::npos);
        CHECK(all.find(o.procore_client_secret) == std::string::npos);
        // Tokens appear only redacted.
        CHECK_FALSE(std::regex_search(all, std::regex(R"((Bearer|Basic) [A-Za-z0-9_\-]{8,})")));
        CHECK_FALSE(std::regex_search(all, std::regex(R"("access_token"\s*:\s*"[^*])")));
        CHECK(all.find("GET ") != std::string::npos); // -vv really logged the requests
    }
}

TEST_CASE("no secret reaches a log line, the audit trail or the state files during a pass",
          "[e2e][security]")
{
    E2eEnv env;
    env.write_config();
    const auto& o = env.sims().options();
    auto pass = env.run({"-vv", "sync-suppliers", "--vendors-only"});
    INFO(pass.err.substr(0, 2000));
    REQUIRE(pass.exit_code == 0);
    auto audit = env.run({"audit", "--format", "csv", "--limit", "0"});
    REQUIRE(audit.exit_code == 0);
    REQUIRE(audit.out.find("created") != std::string::npos); // the pass really audited
    std::string state_bytes;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(env.dir() / "state")) {
        if (entry.is_regular_file()) {
            state_bytes += read_file(entry.path());
        }
    }
    for (const std::string& secret : {o.oracle_client_secret, o.procore_client_secret}) {
        CHECK(pass.out.find(secret) == std::string::npos);
        CHECK(pass.err.find(secret) == std::string::npos);
        CHECK(audit.out.find(secret) == std::string::npos);
        CHECK(state_bytes.find(secret) == std::string::npos);
    }
    CHECK_FALSE(std::regex_search(pass.err, std::regex(R"((Bearer|Basic) [A-Za-z0-9_\-]{8,})")));
}

TEST_CASE("bash completion, generated from the commands: sync<TAB> lists the sync commands",
          "[e2e][completion]")
{
    // bash is Essential in Debian: always there. Sources the generated script and asks its function
    // what to offer for each line, as bash does on TAB (COMP_WORDS, COMP_CWORD, then COMPREPLY).
    const std::string script = std::string(R"(source <(")") + MLC_BINARY + R"(" completion bash)
offer() { read -ra COMP_WORDS <<< "$1"; [[ "$1" == *" " ]] && COMP_WORDS+=("");
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _ml_connector; echo "${COMPREPLY[*]}"; }
offer "ml-connector sync"
offer "ml-connector state s"
offer "ml-connector --config state st"
offer "ml-connector webhooks check --l"
offer "ml-connector run --o"
)";
    const auto r = run_process({"/bin/bash", "-c", script});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "sync-suppliers\nshow set\nstatus state\n--list\n--only\n");

    // Every subcommand --help lists is offered at the top level.
    const auto help = run_process({MLC_BINARY, "--help"});
    const auto top = run_process({"/bin/bash", "-c",
                                  std::string(R"(source <(")") + MLC_BINARY
                                      + R"(" completion bash); _ml_connector_words "")"});
    for (const char* sub :
         {"init", "config", "creds", "ping", "sync-suppliers", "pull-pos", "post-costs", "run",
          "replay", "listen", "ingest", "status", "webhooks", "state", "audit"}) {
        CHECK(help.out.find(std::string("  ") + sub + " ") != std::string::npos);
        CHECK((" " + top.out + " ").find(std::string(" ") + sub + " ") != std::string::npos);
    }
    const auto zsh = run_process({MLC_BINARY, "completion", "zsh"});
    CHECK_THAT(zsh.out, Catch::Contains("bashcompinit") && Catch::Contains("complete -F"));
}
