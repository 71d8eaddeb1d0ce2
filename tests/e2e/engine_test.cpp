// The posting engine end to end, through the real binary and the simulators' write counters:
// a lost answer stays `sent` and is resolved by lookup without a second write; the binary killed
// with SIGKILL at every named crash point and rerun leaves one vendor per supplier, every posting
// settled, the watermark right and the audit chain whole; `replay` re-sends a refused record
// after its fix and writes nothing for a posting the target already has; a hand edit of a vendor
// we own is drift, restored for the fields we own; a pass that cannot reach a system records
// exit 3 in its runs row.
#include "core/clock.hpp"
#include "core/crash_point.hpp"
#include "core/json.hpp"
#include "spool/spool.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/inbox.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/runs.hpp"
#include "store/watermarks.hpp"
#include "support/e2e_env.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace engine_test {

using namespace mlc;
using test::E2eEnv;

namespace {

const std::string k_vendor_sync = "/rest/v1.0/vendors/sync";

sim::SimOptions sim_options(int suppliers)
{
    auto o = E2eEnv::default_options();
    o.suppliers = suppliers;
    o.accounts = 0;
    o.projects = 1;
    o.commitments_per_project = 0;
    o.costs_per_project = 0;
    o.procore_spike_limit = 1'000'000;
    o.procore_hourly_limit = 1'000'000;
    return o;
}

class Env : public E2eEnv {
public:
    explicit Env(int suppliers) : E2eEnv(sim_options(suppliers))
    {
        write_config(test::ConfigOptions{.extra_members = R"("mapping": {})",
                                         .procore_company_id = 0,
                                         .http = R"("max_backoff_ms": 20, "max_attempts": 3)"});
    }

    std::vector<std::string> sync_args(std::vector<std::string> extra = {})
    {
        std::vector<std::string> args{"sync-suppliers",
                                      "--vendors-only",
                                      "--json",
                                      "--batch-size",
                                      "50",
                                      "--page-size",
                                      "40"};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }
    test::ProcessResult sync_crashing_at(const std::string& point)
    {
        return run(sync_args(), test::ProcessOptions{.env = {{"ML_CONNECTOR_CRASH_AT", point}},
                                                     .unset_env = {},
                                                     .stdin_data = {},
                                                     .cwd = {}});
    }

    std::int64_t vendor_syncs() { return sims().procore().stats().count("PATCH", k_vendor_sync); }

    struct Supplier {
        std::int64_t id = 0;
        std::string name;
        std::string last_update;
    };
    std::vector<Supplier> suppliers()
    {
        std::vector<Supplier> out;
        const auto doc = oracle_data("suppliers");
        for (const auto& s : doc.GetArray()) {
            out.push_back({*json::get_id(s, "SupplierId"),
                           json::get_string(s, "Supplier").value_or(""),
                           json::get_string(s, "LastUpdateDate").value_or("")});
        }
        return out;
    }

    struct Vendor {
        std::int64_t id = 0;
        std::string name;
        std::string city;
        std::string country_code;
        std::string phone;
    };
    // Vendors by origin_id; the test fails if one supplier has two vendors.
    std::map<std::string, Vendor> vendors_by_origin()
    {
        std::map<std::string, Vendor> out;
        const auto doc = procore_data("vendors");
        for (const auto& v : doc.GetArray()) {
            const auto origin = json::get_string(v, "origin_id").value_or("");
            if (origin.empty()) {
                continue;
            }
            INFO("origin_id " << origin);
            REQUIRE(out.count(origin) == 0);
            out[origin] = Vendor{v["id"].GetInt64(), json::get_string(v, "name").value_or(""),
                                 json::get_string(v, "city").value_or(""),
                                 json::get_string(v, "country_code").value_or(""),
                                 json::get_string(v, "business_phone").value_or("")};
        }
        return out;
    }

    // Drops a v2 webhook delivery into the spool, as `listen` would.
    void spool_event(const std::string& resource, std::int64_t resource_id, std::int64_t event_id)
    {
        const auto body = fmt::format(
            R"({{"id":{},"timestamp":"2026-11-30T10:00:00.000000Z","metadata":{{"source_user_id":7,)"
            R"("source_project_id":null,"source_operation_id":null,"source_company_id":{},)"
            R"("source_application_id":null}},"user_id":7,"company_id":{},"project_id":null,)"
            R"("api_version":"v2.0","event_type":"update","resource_name":"{}","resource_id":{}}})",
            event_id, sims().options().company_id, sims().options().company_id, resource,
            resource_id);
        spool::ensure_layout(dir() / "state" / "spool");
        spool::SpoolWriter writer(dir() / "state" / "spool");
        REQUIRE(writer.write(body, system_clock().now()).has_value());
    }
};

std::int64_t ceil_div(std::int64_t a, std::int64_t b)
{
    return (a + b - 1) / b;
}

// What must hold after any pass, however the one before it ended.
void check_invariants(Env& env, int n)
{
    const auto vendors = env.vendors_by_origin(); // fails on a duplicate
    const auto suppliers = env.suppliers();
    REQUIRE(suppliers.size() == static_cast<std::size_t>(n));
    for (const auto& s : suppliers) {
        INFO("supplier " << s.id);
        CHECK(vendors.count(std::to_string(s.id)) == 1);
    }
    store::Database db(env.state_path());
    CHECK(store::Links(db).count("vendor") == n);
    store::Postings postings(db);
    CHECK(postings.list_by_status("pending").empty());
    CHECK(postings.list_by_status("sent").empty());
    CHECK(postings.list_by_status("failed").empty());
    const auto newest = std::max_element(suppliers.begin(), suppliers.end(), [](auto& a, auto& b) {
        return a.last_update != b.last_update ? a.last_update < b.last_update : a.id < b.id;
    });
    const auto wm = store::Watermarks(db).get("oracle.suppliers");
    REQUIRE(wm.has_value());
    CHECK(wm->cursor_time == newest->last_update);
    CHECK(wm->cursor_key == std::to_string(newest->id));
    const auto verified = store::AuditLog(db).verify();
    INFO(verified.reason);
    CHECK(verified.ok);
    for (const auto& run : store::recent_runs(db, 50)) {
        INFO("run " << run.id << " " << run.command);
        CHECK((run.finished_at.has_value() || run.interrupted));
    }
}

} // namespace

TEST_CASE("a vendor batch whose answer is dropped stays sent, and the next pass confirms it by "
          "lookup without a second write",
          "[e2e][engine]")
{
    constexpr int n = 120;
    Env env(n);
    // Procore applies the first batch, then the connection drops before the answer.
    env.procore_admin("POST", "/_sim/faults",
                      R"({"path": "/vendors/sync$", "method": "PATCH", "drop": true, "count": 1})");
    auto first = env.run(env.sync_args());
    INFO(first.err);
    CHECK(first.exit_code == 3);
    CHECK(first.err.find("vendors/sync") != std::string::npos);
    CHECK(first.err.find("looks this batch up") != std::string::npos);
    const auto written = env.vendor_syncs();
    {
        store::Database db(env.state_path());
        const auto sent = store::Postings(db).list_by_status("sent");
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].kind == "vendor_batch");
        CHECK(sent[0].attempts == 1);
        const auto runs = store::recent_runs(db, 1);
        REQUIRE(runs.size() == 1);
        CHECK(runs[0].exit_code == 3); // the real exit code, not a guess
    }

    auto status = env.run_json({"status", "--json"});
    CHECK(status["flows"]["vendors"]["unconfirmed"].GetInt64() == 1);

    env.reset_stats();
    auto second = env.run_json(env.sync_args(), 0);
    CHECK(second["vendors"]["postings"]["resolved"].GetInt64() == 1);
    // Only the batches never sent are written now: the dropped one is found, not resent.
    CHECK(env.vendor_syncs() + written == ceil_div(n, 50));
    check_invariants(env, n);
    store::Database db(env.state_path());
    store::AuditLog::Filter f;
    f.action = "confirmed";
    f.limit = 0;
    CHECK(store::AuditLog(db).query(f).size() == 50);
}

TEST_CASE("sync-suppliers killed with SIGKILL at every crash point, then rerun, creates nothing "
          "twice and leaves nothing unresolved",
          "[e2e][engine][crash]")
{
    constexpr int n = 120;
    const auto batches = ceil_div(n, 50);
    const auto point = GENERATE(as<std::string>{}, "outbox.recorded:2", "outbox.marked_sent:2",
                                "outbox.answered:2", "outbox.confirmed:2", "flow.watermark",
                                "ingest.committed", "flow.resolved");
    DYNAMIC_SECTION("killed at " << point)
    {
        Env env(n);
        if (point == "ingest.committed") {
            env.spool_event("Company Vendors", 987654, 1001);
        }
        if (point == "flow.resolved") {
            // A batch left sent (its answer dropped) for the next pass to resolve.
            env.procore_admin("POST", "/_sim/faults",
                              R"({"path": "/vendors/sync$", "method": "PATCH", "drop": true})");
            REQUIRE(env.run(env.sync_args()).exit_code == 3);
        }
        const auto killed = env.sync_crashing_at(point);
        INFO(killed.err);
        REQUIRE(killed.exit_code == -1); // died of the signal, as a kill -9 would
        CHECK(killed.err.find("crash point reached") != std::string::npos);

        const auto rerun = env.run(env.sync_args());
        INFO(rerun.out << rerun.err);
        REQUIRE(rerun.exit_code == 0);
        check_invariants(env, n);
        // Every batch reached Procore exactly once, whichever step the kill interrupted.
        CHECK(env.vendor_syncs() == batches);
        store::Database db(env.state_path());
        const auto runs = store::recent_runs(db, 10);
        CHECK(std::count_if(runs.begin(), runs.end(), [](auto& r) { return r.interrupted; }) == 1);
        if (point == "ingest.committed") {
            // Taken in once, its file moved on the rerun.
            CHECK(store::Inbox(db).find("1001").has_value());
            CHECK(store::Inbox(db).find("1001")->status == "done");
        }
    }
}

TEST_CASE("replay re-sends a refused vendor after its fix in Oracle, and writes nothing for a "
          "posting Procore already has",
          "[e2e][engine][replay]")
{
    constexpr int n = 30;
    Env env(n);
    const auto ids = env.suppliers();
    const auto bad = ids.at(4).id;
    env.oracle_mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"address":{{"CountryCode":"USA"}}}})",
        bad));

    auto first = env.run_json(env.sync_args(), 1);
    REQUIRE(first["vendors"]["failures"].Size() == 1);
    CHECK(std::string(first["vendors"]["failures"][0]["message"].GetString()).find("country")
          != std::string::npos);
    std::int64_t failed_id = 0;
    {
        store::Database db(env.state_path());
        const auto failed = store::Postings(db).list_by_status("failed");
        REQUIRE(failed.size() == 1);
        CHECK(failed[0].source_key.starts_with("vendor:" + std::to_string(bad) + ":"));
        CHECK(failed[0].error_class == "data");
        failed_id = failed[0].id;
    }
    CHECK(env.vendors_by_origin().count(std::to_string(bad)) == 0);

    // status names it, with the first line of its error.
    auto status = env.run_json({"status", "--json"});
    const auto& listed = status["flows"]["vendors"]["failed_postings"];
    REQUIRE(listed.Size() == 1);
    CHECK(listed[0]["id"].GetInt64() == failed_id);
    CHECK(std::string(listed[0]["error"].GetString()).find("country") != std::string::npos);

    // A pass before the fix does not resend the same refused content.
    env.reset_stats();
    auto again = env.run_json(env.sync_args({"--full"}), 0);
    CHECK(again["vendors"]["postings"]["still_failing"].GetInt64() == 1);
    CHECK(env.vendor_syncs() == 0);

    // Fixed in Oracle; replay re-reads the supplier by id and sends it.
    env.oracle_mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"address":{{"CountryCode":"US"}}}})",
        bad));
    env.reset_stats();
    auto replay = env.run_json({"replay", "--posting", std::to_string(failed_id), "--json"}, 0);
    CHECK(env.vendor_syncs() == 1);
    REQUIRE(replay["postings"].Size() == 1);
    CHECK(std::string(replay["postings"][0]["status_before"].GetString()) == "failed");
    CHECK(std::string(replay["postings"][0]["status_after"].GetString()) == "superseded");
    const auto vendors = env.vendors_by_origin();
    REQUIRE(vendors.count(std::to_string(bad)) == 1);
    CHECK(vendors.at(std::to_string(bad)).country_code == "US");
    {
        store::Database db(env.state_path());
        store::AuditLog::Filter f;
        f.action = "replayed";
        f.limit = 0;
        const auto rows = store::AuditLog(db).query(f);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].oracle_key == std::to_string(bad));
        CHECK(rows[0].message.value_or("").find(fmt::format("posting {} replayed", failed_id))
              != std::string::npos);
        CHECK(rows[0].command == "replay");
    }

    // A batch whose answer is dropped is left sent; replaying it finds it in Procore.
    env.oracle_mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"fields":{{"Supplier":"Renamed Co"}}}})",
        ids.at(9).id));
    env.procore_admin("POST", "/_sim/faults",
                      R"({"path": "/vendors/sync$", "method": "PATCH", "drop": true})");
    REQUIRE(env.run(env.sync_args()).exit_code == 3);
    env.reset_stats();
    auto found = env.run_json({"replay", "--json"}, 0);
    REQUIRE(found["postings"].Size() == 1);
    CHECK(std::string(found["postings"][0]["status_after"].GetString()) == "confirmed");
    CHECK(std::string(found["postings"][0]["outcome"].GetString()).find("nothing sent")
          != std::string::npos);
    CHECK(env.procore_writes() == 0);
    CHECK(env.vendors_by_origin().at(std::to_string(ids.at(9).id)).name == "Renamed Co");

    // Nothing left to replay.
    auto none = env.run({"replay"});
    CHECK(none.exit_code == 0);
    CHECK(none.out.find("nothing to replay") != std::string::npos);
    // replay leaves the watermark alone; the next pass reads the fixed supplier, finds its
    // vendor as it should be and writes nothing.
    env.reset_stats();
    env.run_json(env.sync_args(), 0);
    CHECK(env.procore_writes() == 0);
    check_invariants(env, n);
    // Bad selectors are usage errors.
    CHECK(env.run({"replay", "--kind", "receipts"}).exit_code == 2);
    CHECK(env.run({"replay", "--posting", "424242"}).exit_code == 2);
}

TEST_CASE("a hand edit of a vendor we own is drift: audited, listed, and Oracle's values are "
          "restored for the fields we own",
          "[e2e][engine][drift]")
{
    constexpr int n = 20;
    Env env(n);
    env.run_json(env.sync_args(), 0);
    const auto supplier = env.suppliers().at(3);
    const auto before = env.vendors_by_origin().at(std::to_string(supplier.id));

    // Someone edits the vendor in Procore: a field we own (city) and one we do not (phone).
    env.procore_mutate(fmt::format(
        R"({{"op":"update","collection":"vendors","id":{},"fields":{{"city":"Gotham","business_phone":"555-0100"}}}})",
        before.id));
    env.spool_event("Company Vendors", before.id, 5001);
    // And an event for a vendor that is not ours.
    env.spool_event("Company Vendors", 424242, 5002);

    env.reset_stats();
    auto doc = env.run_json(env.sync_args(), 0);
    CHECK(doc["vendors"]["drift"].GetInt64() == 1);
    CHECK(doc["vendors"]["applied"]["updated"].GetInt64() == 1);
    CHECK(env.vendor_syncs() == 1);
    const auto after = env.vendors_by_origin().at(std::to_string(supplier.id));
    CHECK(after.city == before.city); // ours: restored from Oracle
    CHECK(after.phone == "555-0100"); // not ours: left as the user set it
    CHECK(after.name == before.name);

    store::Database db(env.state_path());
    store::AuditLog::Filter f;
    f.action = "drift";
    f.limit = 0;
    const auto rows = store::AuditLog(db).query(f);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].oracle_key == std::to_string(supplier.id));
    CHECK(rows[0].message.value_or("").find("city: \"Gotham\" in Procore") != std::string::npos);
    store::Inbox inbox(db);
    CHECK(inbox.find("5001")->status == "done");
    CHECK(inbox.find("5001")->message.value_or("").find("drift") != std::string::npos);
    CHECK(inbox.find("5002")->status == "done");
    CHECK(store::Links(db).drifted().empty()); // restored: nothing open

    // The same event again changes nothing: the vendor matches what we wrote.
    env.spool_event("Company Vendors", before.id, 5003);
    env.reset_stats();
    auto quiet = env.run_json(env.sync_args(), 0);
    CHECK(quiet["vendors"]["drift"].GetInt64() == 0);
    CHECK(env.procore_writes() == 0);
}

TEST_CASE("a pass that cannot reach Oracle records exit 3 in its runs row", "[e2e][engine]")
{
    Env env(10);
    env.oracle_admin("POST", "/_sim/faults",
                     R"({"path": "/suppliers$", "status": 500, "count": -1})");
    const auto r = env.run(env.sync_args());
    CHECK(r.exit_code == 3);
    auto status = env.run_json({"status", "--json"});
    REQUIRE(status["runs"].Size() == 1);
    CHECK(status["runs"][0]["exit_code"].GetInt() == 3);
    CHECK_FALSE(status["runs"][0]["interrupted"].GetBool());
    store::Database db(env.state_path());
    const auto runs = store::recent_runs(db, 1);
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].counts_json.find("suppliers") != std::string::npos);
}
TEST_CASE("failing passes leave the WAL empty while another connection holds the database open",
          "[e2e][engine]")
{
    Env env(10);
    REQUIRE(env.run(env.sync_args()).exit_code == 0);
    // Another process's connection (a `status` loop, a reporting script): while it is open,
    // closing the pass's connection does not checkpoint, so SQLite alone would keep every
    // failed pass's pages in the WAL.
    SQLite::Database other(env.state_path().string(), SQLite::OPEN_READONLY);
    CHECK(other.execAndGet("SELECT COUNT(*) FROM runs").getInt() == 1);
    env.oracle_admin("POST", "/_sim/faults",
                     R"({"path": "/suppliers$", "status": 500, "count": -1})");
    const auto wal = env.state_path().string() + "-wal";
    for (int i = 0; i < 3; ++i) {
        CHECK(env.run(env.sync_args()).exit_code == 3);
        REQUIRE(std::filesystem::exists(wal));
        CHECK(std::filesystem::file_size(wal) == 0);
    }
    CHECK(other.execAndGet("SELECT COUNT(*) FROM runs").getInt() == 4);
    const auto mode = std::filesystem::status(env.state_path()).permissions();
    CHECK((mode & (std::filesystem::perms::group_all | std::filesystem::perms::others_all))
          == std::filesystem::perms::none);
}

TEST_CASE("a second hand edit of the same vendor is restored too", "[e2e][engine]")
{
    constexpr int n = 20;
    Env env(n);
    env.run_json(env.sync_args(), 0);
    const auto supplier = env.suppliers().at(3);
    const auto before = env.vendors_by_origin().at(std::to_string(supplier.id));
    env.procore_mutate(fmt::format(
        R"({{"op":"update","collection":"vendors","id":{},"fields":{{"city":"Gotham"}}}})",
        before.id));
    env.spool_event("Company Vendors", before.id, 5001);
    env.run_json(env.sync_args(), 0);
    CHECK(env.vendors_by_origin().at(std::to_string(supplier.id)).city == before.city);
    // A second hand edit, weeks later.
    env.procore_mutate(fmt::format(
        R"({{"op":"update","collection":"vendors","id":{},"fields":{{"city":"Metropolis"}}}})",
        before.id));
    env.spool_event("Company Vendors", before.id, 5002);
    env.reset_stats();
    auto doc = env.run_json(env.sync_args(), 0);
    INFO(doc["vendors"]["postings"].IsObject());
    CHECK(env.vendor_syncs() == 1);
    CHECK(env.vendors_by_origin().at(std::to_string(supplier.id)).city == before.city);
    env.reset_stats();
    env.run_json(env.sync_args(), 0);
    CHECK(env.vendors_by_origin().at(std::to_string(supplier.id)).city == before.city);
}

TEST_CASE("a supplier renamed A -> B -> A -> B ends as B in Procore", "[e2e][engine]")
{
    constexpr int n = 10;
    Env env(n);
    env.run_json(env.sync_args(), 0);
    const auto s = env.suppliers().at(2);
    const auto a = s.name;
    for (const auto* name : {"Bee Co", a.c_str(), "Bee Co"}) {
        env.oracle_mutate(fmt::format(
            R"({{"op":"update","collection":"suppliers","id":{},"fields":{{"Supplier":"{}"}}}})",
            s.id, name));
        env.run_json(env.sync_args(), 0);
        INFO("after renaming to " << name);
        CHECK(env.vendors_by_origin().at(std::to_string(s.id)).name == name);
    }
    env.run_json(env.sync_args(), 0);
    CHECK(env.vendors_by_origin().at(std::to_string(s.id)).name == "Bee Co");
}

TEST_CASE("a superseded lost batch's key coming back does not drop the record", "[e2e][engine]")
{
    constexpr int n = 10;
    Env env(n);
    env.run_json(env.sync_args(), 0);
    const auto s = env.suppliers().at(2);
    const auto t = env.suppliers().at(5);
    const auto a = s.name;
    auto rename = [&](std::int64_t id, const std::string& name) {
        env.oracle_mutate(fmt::format(
            R"({{"op":"update","collection":"suppliers","id":{},"fields":{{"Supplier":"{}"}}}})",
            id, name));
    };
    rename(s.id, "Bee Co");
    env.procore_admin(
        "POST", "/_sim/faults",
        R"({"path": "/vendors/sync$", "method": "PATCH", "status": 500, "count": 1})");
    REQUIRE(env.run(env.sync_args()).exit_code == 3);
    rename(t.id, "Tee Co");
    env.run_json(env.sync_args(), 0);
    CHECK(env.vendors_by_origin().at(std::to_string(s.id)).name == "Bee Co");
    {
        store::Database db(env.state_path());
        const auto sup = store::Postings(db).list_by_status("superseded");
        INFO("superseded postings: " << sup.size());
        for (const auto& p : sup) {
            INFO(p.source_key << " attempts " << p.attempts);
        }
    }
    rename(s.id, a);
    env.run_json(env.sync_args(), 0);
    CHECK(env.vendors_by_origin().at(std::to_string(s.id)).name == a);
    rename(s.id, "Bee Co");
    auto last = env.run(env.sync_args({}));
    INFO(last.out << last.err);
    CHECK(env.vendors_by_origin().at(std::to_string(s.id)).name == "Bee Co");
    env.run_json(env.sync_args(), 0);
    CHECK(env.vendors_by_origin().at(std::to_string(s.id)).name == "Bee Co");
}

TEST_CASE("a batch refused as a whole is a config failure: not held back as bad content, and "
          "replay sends it once the cause is gone",
          "[e2e][engine]")
{
    constexpr int n = 12;
    Env env(n);
    env.procore_admin(
        "POST", "/_sim/faults",
        R"({"path": "/vendors/sync$", "method": "PATCH", "status": 422, "count": 1})");
    auto first = env.run_json(env.sync_args(), 1);
    CHECK(first["vendors"]["applied"]["failed"].GetInt64() == n);
    std::vector<std::int64_t> failed_ids;
    {
        store::Database db(env.state_path());
        for (const auto& p : store::Postings(db).list_by_status("failed")) {
            if (p.kind == "vendor") {
                CHECK(p.error_class == "config"); // about the request, not the record
            }
            failed_ids.push_back(p.id);
        }
    }
    CHECK(failed_ids.size() == static_cast<std::size_t>(n) + 1); // the batch and its records
    env.reset_stats();
    auto replay = env.run_json({"replay", "--failed", "--json"}, 0);
    CHECK(env.vendor_syncs() == 1);
    CHECK(env.vendors_by_origin().size() == static_cast<std::size_t>(n));
    env.run_json(env.sync_args(), 0);
    check_invariants(env, n);
}

} // namespace engine_test
