// Operating it as a service: the metrics file a real pass writes (every line exposition format,
// values that agree with the pass's --json and `status --json`, also for a pass that ends with a
// fatal error, none for a dry run), the man page generated from the command definitions, and the
// packaged example config.
#include "core/json.hpp"
#include "support/e2e_env.hpp"
#include "support/process.hpp"
#include "support/prometheus_text.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace operate_test {

using namespace mlc;
using test::E2eEnv;
using test::parse_prometheus_text;
using test::read_file;
using test::run_process;

sim::SimOptions operate_sim_options()
{
    auto o = E2eEnv::default_options();
    o.suppliers = 25;
    o.accounts = 5;
    o.projects = 1;
    o.commitments_per_project = 0;
    o.costs_per_project = 0;
    return o;
}

test::ConfigOptions operate_config()
{
    return test::ConfigOptions{.extra_members = R"("mapping": {})",
                               .procore_company_id = 0,
                               .http = R"("max_backoff_ms": 20, "max_attempts": 2)"};
}

double one_value(const test::PromParse& m, const std::string& name,
                 const std::map<std::string, std::string>& labels = {})
{
    const auto found = m.find(name, labels);
    REQUIRE(found.size() == 1);
    return found.front().value;
}

TEST_CASE("a pass writes the metrics file: valid exposition, values as the pass and status say",
          "[e2e][metrics]")
{
    E2eEnv env(operate_sim_options());
    env.write_config(operate_config());
    const auto metrics = env.dir() / "ml-connector.prom";

    SECTION("a dry run writes no metrics")
    {
        env.run_json({"--metrics-file", metrics.string(), "sync-suppliers", "--vendors-only",
                      "--dry-run", "--json"});
        CHECK(!std::filesystem::exists(metrics));
    }

    SECTION("a pass that ends with exit 0")
    {
        const auto pass = env.run_json(
            {"--metrics-file", metrics.string(), "sync-suppliers", "--vendors-only", "--json"});
        const std::string text = read_file(metrics);
        INFO(text);
        const auto m = parse_prometheus_text(text);
        REQUIRE(m.error.empty());

        const std::map<std::string, std::string> cmd{{"command", "sync-suppliers"}};
        CHECK(one_value(m, "ml_connector_last_run_exit_code", cmd) == 0);
        CHECK(one_value(m, "ml_connector_last_run_interrupted", cmd) == 0);
        const auto records = [&](const char* outcome) {
            return one_value(
                m, "ml_connector_last_run_records",
                {{"command", "sync-suppliers"}, {"flow", "vendors"}, {"outcome", outcome}});
        };
        CHECK(records("read") == static_cast<double>(pass["vendors"]["read"].GetInt64()));
        CHECK(records("read") == 25);
        CHECK(records("written")
              == static_cast<double>(pass["vendors"]["applied"]["created"].GetInt64()
                                     + pass["vendors"]["applied"]["updated"].GetInt64()
                                     + pass["vendors"]["applied"]["linked"].GetInt64()
                                     + pass["vendors"]["applied"]["retired"].GetInt64()));
        CHECK(records("written") > 0);
        CHECK(records("failed") == 0);

        // Every call the pass counted, by endpoint, is in the file with its status.
        std::map<std::string, double> by_endpoint;
        for (const auto& s : m.find("ml_connector_api_calls", cmd)) {
            by_endpoint[s.labels.at("method") + " " + s.labels.at("endpoint")] += s.value;
            CHECK(std::regex_match(s.labels.at("status"), std::regex("[1-5][0-9][0-9]")));
        }
        const auto& calls = pass["api_calls"];
        REQUIRE(calls.MemberCount() > 0);
        CHECK(by_endpoint.size() == calls.MemberCount());
        for (const auto& c : calls.GetObject()) {
            CHECK(by_endpoint[c.name.GetString()] == static_cast<double>(c.value.GetInt64()));
        }
        // The same per endpoint from the run's summary, which outlives the process.
        CHECK(m.find("ml_connector_last_run_api_calls", cmd).size() == calls.MemberCount());
        CHECK(one_value(
                  m, "ml_connector_api_calls",
                  {{"method", "PATCH"}, {"endpoint", "/rest/v1.0/vendors/sync"}, {"status", "200"}})
              >= 1);
        // The simulator sends Procore's rate-limit headers; the file has what was seen last.
        CHECK(one_value(m, "ml_connector_procore_rate_limit_limit") > 0);
        CHECK(one_value(m, "ml_connector_procore_rate_limit_remaining") >= 0);

        // The same numbers as `status --json`.
        const auto status = env.run_json({"status", "--json"});
        for (const auto& p : status["postings"].GetObject()) {
            CHECK(one_value(m, "ml_connector_postings", {{"state", p.name.GetString()}})
                  == static_cast<double>(p.value.GetInt64()));
        }
        CHECK(one_value(m, "ml_connector_postings", {{"state", "confirmed"}}) > 0);
        const auto& last = status["runs"][0];
        CHECK(std::string(last["command"].GetString()) == "sync-suppliers");
        CHECK(static_cast<double>(last["exit_code"].GetInt()) == 0);
        CHECK(one_value(m, "ml_connector_spool_files", {{"dir", "new"}})
              == static_cast<double>(status["spool"]["new"].GetInt64()));
        CHECK(one_value(m, "ml_connector_oldest_unprocessed_event_age_seconds") == 0);
    }

    SECTION("a pass that ends with a fatal error (exit 3) writes its metrics too")
    {
        env.oracle_admin("POST", "/_sim/faults",
                         R"({"path": "/fscmRestApi/", "status": 401, "count": -1})");
        const auto r =
            env.run({"--metrics-file", metrics.string(), "sync-suppliers", "--vendors-only"});
        INFO(r.err);
        CHECK(r.exit_code == 3);
        const std::string text = read_file(metrics);
        INFO(text);
        const auto m = parse_prometheus_text(text);
        REQUIRE(m.error.empty());
        CHECK(one_value(m, "ml_connector_last_run_exit_code", {{"command", "sync-suppliers"}})
              == 3);
        CHECK(!m.find("ml_connector_api_calls", {{"status", "401"}}).empty());
    }

    SECTION("metrics.file in the config, relative to it")
    {
        auto options = operate_config();
        options.extra_members += R"(, "metrics": {"file": "from-config.prom"})";
        env.write_config(options);
        env.run_json({"sync-suppliers", "--vendors-only", "--json"});
        const auto m = parse_prometheus_text(read_file(env.dir() / "from-config.prom"));
        REQUIRE(m.error.empty());
        CHECK(one_value(m, "ml_connector_last_run_exit_code", {{"command", "sync-suppliers"}})
              == 0);
        const auto show = env.run_json({"config", "show"});
        CHECK(std::string(show["metrics"]["file"].GetString())
              == (env.dir() / "from-config.prom").string());
    }
}

TEST_CASE("the man page names every command and is well-formed roff", "[e2e][man]")
{
    const auto page = run_process({MLC_BINARY, "completion", "man"});
    REQUIRE(page.exit_code == 0);
    // Every command path, at every depth, as the completion (walked from the same definition)
    // knows them.
    const auto bash = run_process({MLC_BINARY, "completion", "bash"});
    REQUIRE(bash.exit_code == 0);
    const std::regex arm(R"re(^ *"([a-z -]+)"\) words=)re");
    int paths = 0;
    std::size_t start = 0;
    for (std::size_t end = bash.out.find('\n'); end != std::string::npos;
         start = end + 1, end = bash.out.find('\n', start)) {
        const std::string line = bash.out.substr(start, end - start);
        std::smatch m;
        if (std::regex_search(line, m, arm)) {
            INFO(m[1]);
            CHECK(page.out.find(".SS \"ml-connector " + m[1].str() + "\"\n") != std::string::npos);
            ++paths;
        }
    }
    CHECK(paths > 20);
    for (const char* cmd : {"sync-suppliers", "pull-pos", "post-costs", "replay", "listen",
                            "status", "creds set", "webhooks install", "completion"}) {
        CHECK(page.out.find(std::string(".SS \"ml-connector ") + cmd + "\"") != std::string::npos);
    }
    CHECK(page.out.find("\\fB\\-\\-metrics\\-file\\fR") != std::string::npos);
    CHECK(page.out.find(".TH ML-CONNECTOR 1") == page.out.find(".TH"));

    // groff in warning-all mode: any malformed request or escape is a warning on stderr.
    test::ProcessOptions in;
    in.stdin_data = page.out;
    const auto groff = run_process({"/bin/sh", "-c", "groff -man -Tutf8 -ww -z"}, in);
    INFO(groff.err);
    CHECK(groff.exit_code == 0);
    CHECK(groff.err.empty());
    const auto rendered = run_process({"/bin/sh", "-c", "groff -man -Tutf8 -P-bou"}, in);
    CHECK(rendered.out.find("EXIT STATUS") != std::string::npos);
}

TEST_CASE("the packaged example config is valid", "[e2e][package]")
{
    const std::string example =
        std::string(MLC_SOURCE_DIR) + "/packaging/ml-connector.json.example";
    const auto r = run_process({MLC_BINARY, "--config", example, "config", "validate"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
}

} // namespace operate_test
