// Cron-grade operation, through the real binary: `ingest` says what it did once, and a 500 on
// a read is retried while a write is left to the outbox's lookup.
#include "child_process.hpp"
#include "core/clock.hpp"
#include "spool/spool.hpp"
#include "store/database.hpp"
#include "store/runs.hpp"
#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <string>

using namespace mlc;
using test::E2eEnv;

namespace {

std::size_t occurrences(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("ingest prints its summary once", "[e2e][operations]")
{
    E2eEnv env;
    env.write_config();
    const auto body = fmt::format(
        R"({{"id":91,"timestamp":"2026-11-30T10:00:00.000000Z","metadata":{{"source_user_id":7,)"
        R"("source_project_id":null,"source_operation_id":null,"source_company_id":{},)"
        R"("source_application_id":null}},"user_id":7,"company_id":{},"project_id":null,)"
        R"("api_version":"v2.0","event_type":"update","resource_name":"Company Vendors","resource_id":5}})",
        env.sims().options().company_id, env.sims().options().company_id);
    spool::ensure_layout(env.dir() / "state" / "spool");
    spool::SpoolWriter writer(env.dir() / "state" / "spool");
    REQUIRE(writer.write(body, system_clock().now()).has_value());

    const auto r = env.run({"ingest"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(occurrences(r.out + r.err, "ingest: 1 file") == 1);
}

TEST_CASE("a 500 on a read is retried and the pass goes on", "[e2e][operations]")
{
    E2eEnv env;
    env.write_config(test::ConfigOptions{.extra_members = "",
                                         .procore_company_id = 0,
                                         .http = R"("max_backoff_ms": 20, "max_attempts": 3)"});
    env.oracle_admin("POST", "/_sim/faults",
                     R"({"path": "/suppliers", "method": "GET", "status": 500, "count": 1})");
    const auto r = env.run({"sync-suppliers", "--json"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(R"("GET /suppliers":)") != std::string::npos);
}

TEST_CASE("a quiet pass (-q) is silent when clean and --json reports a failure as JSON on stdout",
          "[e2e][operations]")
{
    E2eEnv env;
    env.write_config();
    const auto quiet = env.run({"-q", "sync-suppliers"});
    INFO(quiet.out << quiet.err);
    CHECK(quiet.exit_code == 0);
    CHECK(quiet.out.empty()); // cron mails nothing for a clean run
    CHECK(env.run({"sync-suppliers"}).out.find("suppliers -> vendors") != std::string::npos);
    // JSON was asked for: printed whatever -q says.
    const auto json = env.run({"-q", "sync-suppliers", "--json"});
    CHECK(json.exit_code == 0);
    CHECK(test::parse_json(json.out).HasMember("api_calls"));

    env.oracle_admin("POST", "/_sim/faults",
                     R"({"path": "/fscmRestApi/", "status": 401, "count": -1})");
    const auto failed = env.run({"-q", "sync-suppliers", "--json"});
    CHECK(failed.exit_code == 3);
    CHECK(failed.err.starts_with("error: "));
    const auto doc = test::parse_json(failed.out);
    CHECK(doc["exit"].GetInt() == 3);
    CHECK(std::string(doc["error"].GetString()).find("oracle") != std::string::npos);
}

namespace {

// Starts sync-suppliers against an Oracle that answers every supplier read 429 with a long
// Retry-After, and returns once the pass says it is waiting to retry (a debug line on stderr,
// read as it comes: no sleeps). The pass is then in its backoff, where a signal must stop it.
std::unique_ptr<test::ChildProcess> start_waiting_pass(E2eEnv& env)
{
    env.write_config(test::ConfigOptions{
        .extra_members = R"("mapping": {})",
        .procore_company_id = 0,
        .http = R"("max_backoff_ms": 600000, "max_attempts": 5, "total_timeout_ms": 10000)"});
    env.oracle_admin("POST", "/_sim/faults",
                     R"({"path": "/suppliers$", "status": 429, "retry_after": 600, "count": -1})");
    std::vector<std::string> argv{MLC_BINARY, "--config",       env.config_path().string(),
                                  "-v",       "sync-suppliers", "--vendors-only",
                                  "--json"};
    auto child = std::make_unique<test::ChildProcess>(
        argv,
        test::ProcessOptions{.env = env.secret_env(), .unset_env = {}, .stdin_data = {}, .cwd = {}},
        test::ChildProcess::Lines::err);
    for (;;) {
        const auto line = child->read_line(std::chrono::seconds(30));
        REQUIRE(line);
        if (line->find("retrying in") != std::string::npos) {
            return child;
        }
    }
}

} // namespace

TEST_CASE("SIGTERM or SIGINT stops a pass cleanly: one line, exit 143 or 130, the run recorded "
          "as stopped, and the next pass goes on",
          "[e2e][operations]")
{
    for (const int sig : {SIGTERM, SIGINT}) {
        DYNAMIC_SECTION("signal " << sig)
        {
            E2eEnv env;
            auto child = start_waiting_pass(env);
            // The backoff is 600 s (longer than the test's timeout): an exit is the signal's doing.
            const int code = child->stop(sig);
            CHECK(code == 128 + sig);
            // stdout (the file side here) has the --json error object; the last stderr line
            // is the one error line.
            CHECK_THAT(child->err(), Catch::Contains(fmt::format(R"("exit":{})", 128 + sig)));
            std::string last;
            while (const auto line = child->read_line(std::chrono::seconds(1))) {
                last = *line;
            }
            CHECK(last
                  == fmt::format("error: stopped by {} before the pass finished (what it had not "
                                 "done is left for the next pass, which resolves it; nothing is "
                                 "sent twice)",
                                 sig == SIGTERM ? "SIGTERM" : "SIGINT"));
            {
                store::Database db(env.state_path());
                const auto runs = store::recent_runs(db, 5);
                REQUIRE(runs.size() == 1);
                CHECK(runs[0].exit_code == 128 + sig);
                CHECK(runs[0].interrupted);
                CHECK(runs[0].finished_at);
            }
            const auto status = env.run({"status"});
            CHECK_THAT(status.out,
                       Catch::Contains(fmt::format("exit {} (stopped by a signal)", 128 + sig)));

            // The next pass, with Oracle answering again, does the work and finds no crashed run.
            env.oracle_admin("DELETE", "/_sim/faults", "");
            env.write_config(test::ConfigOptions{.extra_members = R"("mapping": {})"});
            const auto next = env.run({"sync-suppliers", "--vendors-only"});
            CHECK(next.exit_code == 0);
            CHECK(next.err.find("was interrupted") == std::string::npos);
        }
    }
}
