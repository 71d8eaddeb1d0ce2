// `ml-connector state` and the state database's own guards, through the real binary: cursors
// listed, shown, moved and forgotten by hand (each audited, --dry-run changing nothing), a
// reset stream read whole again without creating anything twice; the lock shared by every
// name of the database; an empty state file refused; status saying what to do.
#include "store/database.hpp"
#include "store/lock.hpp"
#include "store/postings.hpp"
#include "store/runs.hpp"
#include "support/e2e_env.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

using namespace mlc;
using test::E2eEnv;

namespace {

std::vector<std::string> state_cli_vendors_pass()
{
    return {"sync-suppliers", "--vendors-only", "--json"};
}

} // namespace

TEST_CASE("state lists, shows, sets and resets a stream's cursor, audited, and a reset stream "
          "is read again without creating anything twice",
          "[e2e][state]")
{
    E2eEnv env;
    env.write_config(test::ConfigOptions{.extra_members = R"("mapping": {})"});
    REQUIRE(env.run(state_cli_vendors_pass()).exit_code == 0);

    auto list = env.run_json({"state", "list", "--json"});
    REQUIRE(list["streams"].Size() == 1);
    const std::string stream = list["streams"][0]["stream"].GetString();
    CHECK(stream == "oracle.suppliers");
    const std::string cursor_time = list["streams"][0]["cursor_time"].GetString();
    CHECK_FALSE(cursor_time.empty());
    CHECK_FALSE(std::string(list["streams"][0]["cursor_key"].GetString()).empty());

    auto show = env.run({"state", "show", "oracle.suppliers"});
    CHECK(show.exit_code == 0);
    CHECK_THAT(show.out, Catch::Contains("oracle.suppliers") && Catch::Contains(cursor_time));

    // --dry-run says what it would do and changes nothing.
    auto dry = env.run({"state", "set", "oracle.suppliers", "--time", "2026-01-31", "--dry-run"});
    CHECK(dry.exit_code == 0);
    CHECK_THAT(dry.out, Catch::StartsWith("dry run, nothing changed: oracle.suppliers: ")
                            && Catch::Contains("-> 2026-01-31T00:00:00.000+00:00"));
    CHECK(env.run_json({"state", "list", "--json"})["streams"][0]["cursor_time"].GetString()
          == cursor_time);

    auto set = env.run_json({"state", "set", "oracle.suppliers", "--time",
                             "2026-01-31T10:00:00+02:00", "--key", "42", "--json"});
    CHECK(set["after"]["cursor_time"].GetString() == std::string("2026-01-31T08:00:00.000+00:00"));
    CHECK(set["after"]["cursor_key"].GetString() == std::string("42"));
    CHECK(set["before"]["cursor_time"].GetString() == cursor_time);
    auto after_set = env.run_json({"state", "show", "oracle.suppliers", "--json"});
    CHECK(after_set["streams"][0]["cursor_time"].GetString()
          == std::string("2026-01-31T08:00:00.000+00:00"));

    auto audit = env.run_json({"audit", "--record", "watermark:oracle.suppliers", "--json"});
    REQUIRE(audit.IsArray());
    REQUIRE(audit.Size() == 1);
    CHECK(audit[0]["action"].GetString() == std::string("state_set"));
    CHECK(audit[0]["command"].GetString() == std::string("state set"));
    CHECK(audit[0]["after_fp"].GetString() == std::string("2026-01-31T08:00:00.000+00:00|42"));

    // Reset: forgotten, audited; the next pass reads every supplier and writes nothing.
    auto reset = env.run({"state", "reset", "oracle.suppliers"});
    CHECK(reset.exit_code == 0);
    CHECK_THAT(reset.out, Catch::Contains("(none: the next pass reads it whole)"));
    CHECK(env.run_json({"state", "list", "--json"})["streams"].Size() == 0);
    CHECK(env.run_json({"audit", "--record", "watermark:oracle.suppliers", "--json"}).Size() == 2);
    env.reset_stats();
    auto again = env.run_json(state_cli_vendors_pass());
    CHECK(again["vendors"]["read"].GetInt64() > 0);
    CHECK(env.procore_writes() == 0);

    // Mistakes are usage errors (exit 2) that say what there is.
    auto typo = env.run({"state", "set", "oracle.supplier", "--time", "2026-01-01"});
    CHECK(typo.exit_code == 2);
    CHECK_THAT(typo.err, Catch::StartsWith("error: state: no stream oracle.supplier ("));
    auto bad_time = env.run({"state", "set", "oracle.suppliers", "--time", "yesterday"});
    CHECK(bad_time.exit_code == 2);
    CHECK_THAT(bad_time.err, Catch::Contains("--time yesterday: not a date or an ISO-8601 time"));
    auto none = env.run({"state", "show", "procore.costs"});
    CHECK(none.exit_code == 2);
    CHECK_THAT(none.err, Catch::Contains("streams with a cursor: oracle.suppliers"));
}

TEST_CASE("state set and reset wait for no one: a running pass's lock refuses them, through a "
          "symbolic link to the database too",
          "[e2e][state]")
{
    E2eEnv env;
    env.write_config(test::ConfigOptions{.extra_members = R"("mapping": {})"});
    REQUIRE(env.run(state_cli_vendors_pass()).exit_code == 0);
    const auto link = env.dir() / "link.db";
    std::filesystem::create_symlink(env.state_path(), link);

    const store::RunLock held(env.state_path(), "pull-pos");
    auto reset = env.run({"state", "reset", "oracle.suppliers"});
    CHECK(reset.exit_code == 4);
    CHECK_THAT(reset.err, Catch::Contains("another run holds") && Catch::Contains("pull-pos"));
    // The same database by another name is the same lock.
    auto pass = env.run({"--state", link.string(), "sync-suppliers", "--vendors-only"});
    CHECK(pass.exit_code == 4);
    CHECK_THAT(pass.err, Catch::Contains(held.path().string()));
}

TEST_CASE("an empty file where the state database should be is refused with exit 2, untouched",
          "[e2e][state]")
{
    E2eEnv env;
    env.write_config(test::ConfigOptions{.extra_members = R"("mapping": {})"});
    std::filesystem::create_directories(env.state_path().parent_path());
    std::FILE* f = std::fopen(env.state_path().c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fclose(f);
    auto r = env.run({"sync-suppliers", "--vendors-only"});
    CHECK(r.exit_code == 2);
    CHECK(r.err
          == "error: state " + env.state_path().string()
                 + ": the file exists but is empty, not an ml-connector database (point --state "
                   "at the right file or restore it from a backup; remove the empty file to "
                   "start a new database there)\n");
    CHECK(std::filesystem::file_size(env.state_path()) == 0);
}

TEST_CASE("status says what to do about failed, held and unconfirmed postings and tells a "
          "running pass from one that died",
          "[e2e][state][status]")
{
    E2eEnv env;
    env.write_config(test::ConfigOptions{.extra_members = R"("mapping": {})"});
    REQUIRE(env.run(state_cli_vendors_pass()).exit_code == 0);
    {
        store::Database db(env.state_path());
        store::Postings postings(db);
        const auto failed = postings.record_pending("vendor:901:v1", "vendor", "procore", "{}", {});
        postings.mark_sent(failed.id);
        postings.mark_failed(failed.id, "data", "422 name has already been taken");
        const auto held = postings.record_pending("vendor:902:v1", "vendor", "procore", "{}", {});
        postings.mark_held(held.id, "changed after posting");
        const auto sent = postings.record_pending("vendor:903:v1", "vendor", "procore", "{}", {});
        postings.mark_sent(sent.id);
        // An open run of this (living) process, and one whose process is gone.
        const auto alive = store::begin_run(db, "pull-pos");
        const auto dead = store::begin_run(db, "post-costs");
        db.handle().exec("UPDATE runs SET pid = 2147483647 WHERE id = " + std::to_string(dead));
        CHECK(alive != dead);
    }
    auto status = env.run({"status"});
    CHECK(status.exit_code == 0);
    CHECK_THAT(status.out, Catch::Contains("then ml-connector replay --kind vendors --failed\n"));
    CHECK_THAT(status.out, Catch::Contains("then ml-connector replay --kind vendors --held\n"));
    CHECK_THAT(status.out, Catch::Contains("what to do: nothing yet: the next pass looks each one "
                                           "up"));
    CHECK_THAT(status.out, Catch::Contains("pull-pos started") && Catch::Contains("running (pid "));
    CHECK_THAT(status.out, Catch::Contains("died (pid 2147483647 is gone; the next pass marks it "
                                           "interrupted"));
    auto json = env.run_json({"status", "--json"});
    bool saw_running = false;
    for (const auto& run : json["runs"].GetArray()) {
        if (run.HasMember("running") && run["running"].GetBool()) {
            saw_running = true;
        }
        if (run["exit_code"].IsInt()) {
            CHECK(run["counts"].IsObject()); // a finished pass's summary
        }
    }
    CHECK(saw_running);
}
