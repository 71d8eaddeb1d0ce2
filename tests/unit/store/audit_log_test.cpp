#include "core/clock.hpp"
#include "core/log.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>

namespace fs = std::filesystem;
using mlc::store::AuditEntry;
using mlc::store::AuditLog;

namespace {

// A fresh directory per test, removed afterwards.
AuditEntry entry(const std::string& kind, const std::string& oracle_key, const std::string& action,
                 std::int64_t run = 1)
{
    AuditEntry e;
    e.run_id = run;
    e.command = "sync-suppliers";
    e.record_kind = kind;
    e.oracle_key = oracle_key;
    e.action = action;
    return e;
}

// Ten rows: supplier 1..5 read in run 1, vendors 1..5 created in run 2 with procore keys 100+i.
void seed(AuditLog& log, mlc::FakeClock& clock)
{
    for (int i = 1; i <= 5; ++i) {
        log.append(entry("supplier", std::to_string(i), "read", 1));
        clock.advance(std::chrono::minutes(1));
    }
    for (int i = 1; i <= 5; ++i) {
        AuditEntry e = entry("vendor", std::to_string(i), "created", 2);
        e.procore_key = std::to_string(100 + i);
        e.remote_status = 200;
        e.after_fp = std::string(64, 'a');
        e.message = "created vendor " + std::to_string(i);
        log.append(e);
        clock.advance(std::chrono::minutes(1));
    }
}

} // namespace

TEST_CASE("audit append fills time and chain fields", "[store][audit]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    mlc::FakeClock clock;
    AuditLog log(db, clock);

    const auto id1 = log.append(entry("supplier", "300000047000123", "read"));
    const auto id2 = log.append(entry("supplier", "300000047000124", "read"));
    CHECK(id2 == id1 + 1);

    const auto rows = log.query({});
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].at == mlc::format_iso8601(clock.now()));
    CHECK(rows[0].prev_hash == mlc::store::k_audit_genesis_hash);
    CHECK(rows[0].hash.size() == 64);
    CHECK(rows[1].prev_hash == rows[0].hash);
    CHECK(rows[1].hash == mlc::store::audit_row_hash(rows[1]));
    CHECK(rows[0].oracle_key == "300000047000123");
    CHECK_FALSE(rows[0].procore_key.has_value());
    CHECK_FALSE(rows[0].remote_status.has_value());
    CHECK(rows[0].run_id == 1);

    AuditEntry explicit_time = entry("supplier", "9", "read");
    explicit_time.at = "2026-01-02T03:04:05.000+00:00";
    log.append(explicit_time);
    CHECK(log.query({}).back().at == "2026-01-02T03:04:05.000+00:00");
}

TEST_CASE("audit rows are stamped with the database's clock by default", "[store][audit]")
{
    mlc::test::TempDir dir;
    mlc::FakeClock clock(mlc::Clock::time_point{std::chrono::seconds{1'700'000'000}});
    mlc::store::Database db(dir.path() / "state.db", clock);
    AuditLog log(db);
    log.append(entry("supplier", "1", "read"));
    CHECK(log.query({}).at(0).at == "2023-11-14T22:13:20.000+00:00");
}

TEST_CASE("audit chain survives reopening and rolled-back appends", "[store][audit]")
{
    mlc::test::TempDir dir;
    const fs::path file = dir.path() / "state.db";
    {
        mlc::store::Database db(file);
        AuditLog log(db);
        log.append(entry("supplier", "1", "read"));
        {
            mlc::store::Transaction tx(db);
            log.append(entry("supplier", "2", "read"));
            // not committed: rolled back when tx goes out of scope
        }
        log.append(entry("supplier", "3", "read"));
    }
    mlc::store::Database db(file);
    AuditLog log(db);
    log.append(entry("supplier", "4", "read"));
    const auto v = log.verify();
    CHECK(v.ok);
    CHECK(v.rows_checked == 3);
    CHECK(v.reason.empty());
}

TEST_CASE("two audit logs on one database extend one chain", "[store][audit]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    AuditLog first(db);
    AuditLog second(db);
    first.append(entry("supplier", "1", "read"));
    second.append(entry("supplier", "2", "read"));
    first.append(entry("supplier", "3", "read"));
    const auto v = second.verify();
    CHECK(v.ok);
    CHECK(v.rows_checked == 3);
}

TEST_CASE("audit canonical text is unambiguous", "[store][audit]")
{
    AuditEntry a = entry("supplier", "1", "read");
    AuditEntry b = a;
    a.message = "x\nremote_id=5:hello";
    b.message = "x";
    b.remote_id = "hello";
    CHECK(mlc::store::canonical_audit_text(a) != mlc::store::canonical_audit_text(b));
    AuditEntry empty = a;
    empty.message = "";
    AuditEntry null = a;
    null.message.reset();
    CHECK(mlc::store::audit_row_hash(empty) != mlc::store::audit_row_hash(null));
    AuditEntry other_prev = a;
    other_prev.prev_hash = std::string(64, '1');
    CHECK(mlc::store::audit_row_hash(other_prev) != mlc::store::audit_row_hash(a));
}

TEST_CASE("audit query filters and limits", "[store][audit]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    mlc::FakeClock clock;
    const auto t0 = mlc::format_iso8601(clock.now());
    AuditLog log(db, clock);
    seed(log, clock);

    CHECK(log.query({}).size() == 10);

    SECTION("by kind")
    {
        AuditLog::Filter f;
        f.record_kind = "vendor";
        const auto rows = log.query(f);
        REQUIRE(rows.size() == 5);
        for (const auto& r : rows) {
            CHECK(r.record_kind == "vendor");
        }
    }
    SECTION("by key on either side")
    {
        AuditLog::Filter f;
        f.key = "3";
        CHECK(log.query(f).size() == 2); // supplier 3 read, vendor for supplier 3 created
        f.key = "103";
        const auto rows = log.query(f);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].procore_key == "103");
    }
    SECTION("by key on one side, with paired kinds")
    {
        AuditLog::Filter f;
        f.record_kind = "supplier";
        f.also_kinds = {"vendor"};
        f.key = "3";
        f.key_side = AuditLog::Filter::KeySide::oracle;
        CHECK(log.query(f).size() == 2);
        f.key_side = AuditLog::Filter::KeySide::procore;
        CHECK(log.query(f).empty());
        f.key = "103";
        CHECK(log.query(f).size() == 1);
    }
    SECTION("by run")
    {
        AuditLog::Filter f;
        f.run_id = 2;
        CHECK(log.query(f).size() == 5);
        f.run_id = 3;
        CHECK(log.query(f).empty());
        f.run_id = 1;
        f.action = "read";
        CHECK(log.query(f).size() == 5);
    }
    SECTION("by action")
    {
        AuditLog::Filter f;
        f.action = "created";
        const auto rows = log.query(f);
        REQUIRE(rows.size() == 5);
        CHECK(rows[0].message == "created vendor 1");
        CHECK(rows[0].remote_status == 200);
        f.action = "failed";
        CHECK(log.query(f).empty());
    }
    SECTION("by time window")
    {
        mlc::FakeClock c;
        c.advance(std::chrono::minutes(2));
        AuditLog::Filter f;
        f.since = mlc::format_iso8601(c.now()); // rows 3..10
        CHECK(log.query(f).size() == 8);
        c.advance(std::chrono::minutes(3));
        f.until = mlc::format_iso8601(c.now()); // rows 3..6 (inclusive)
        const auto rows = log.query(f);
        REQUIRE(rows.size() == 4);
        CHECK(rows.front().oracle_key == "3");
        CHECK(rows.back().record_kind == "vendor");
        f.since = t0;
        f.until = t0;
        CHECK(log.query(f).size() == 1);
    }
    SECTION("limit keeps the newest rows, oldest first")
    {
        AuditLog::Filter f;
        f.limit = 3;
        const auto rows = log.query(f);
        REQUIRE(rows.size() == 3);
        CHECK(rows[0].id < rows[1].id);
        CHECK(rows[2].procore_key == "105");
        CHECK(rows[0].procore_key == "103");
        f.limit = 0;
        CHECK(log.query(f).size() == 10);
        f.limit = 2;
        f.record_kind = "supplier";
        const auto two = log.query(f);
        REQUIRE(two.size() == 2);
        CHECK(two[1].oracle_key == "5");
    }
    SECTION("a value that looks like SQL is only a value")
    {
        AuditLog::Filter f;
        f.key = "1' OR '1'='1";
        CHECK(log.query(f).empty());
    }
}

TEST_CASE("audit verify on an intact chain", "[store][audit]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    AuditLog log(db);
    CHECK(log.verify().ok);
    CHECK(log.verify().rows_checked == 0);
    mlc::FakeClock clock;
    seed(log, clock);
    const auto v = log.verify();
    CHECK(v.ok);
    CHECK(v.rows_checked == 10);
    CHECK_FALSE(v.first_bad_id.has_value());
}

TEST_CASE("audit rows cannot be updated or deleted", "[store][audit]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    AuditLog log(db);
    mlc::FakeClock clock;
    seed(log, clock);
    CHECK_THROWS_WITH(db.handle().exec("UPDATE audit SET message = 'x' WHERE id = 5"),
                      Catch::Contains("append-only"));
    CHECK_THROWS_WITH(db.handle().exec("DELETE FROM audit WHERE id = 5"),
                      Catch::Contains("append-only"));
    CHECK(log.verify().ok);
    CHECK(log.query({}).size() == 10);
}

TEST_CASE("audit verify finds tampering", "[store][audit]")
{
    mlc::test::TempDir dir;
    const fs::path file = dir.path() / "state.db";
    mlc::store::Database db(file);
    AuditLog log(db);
    mlc::FakeClock clock;
    seed(log, clock);

    SECTION("a changed message names its row")
    {
        SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE);
        raw.exec("DROP TRIGGER audit_no_update");
        raw.exec("UPDATE audit SET message = 'nothing to see' WHERE id = 5");
        const auto v = log.verify();
        CHECK_FALSE(v.ok);
        CHECK(v.first_bad_id == 5);
        CHECK(v.rows_checked == 5);
        CHECK_THAT(v.reason, Catch::Contains("changed"));
    }
    SECTION("a changed NULL column names its row")
    {
        SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE);
        raw.exec("DROP TRIGGER audit_no_update");
        raw.exec("UPDATE audit SET remote_status = 500 WHERE id = 3");
        const auto v = log.verify();
        CHECK(v.first_bad_id == 3);
    }
    SECTION("a removed middle row names the row after the gap")
    {
        SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE);
        raw.exec("DROP TRIGGER audit_no_delete");
        raw.exec("DELETE FROM audit WHERE id = 6");
        const auto v = log.verify();
        CHECK_FALSE(v.ok);
        CHECK(v.first_bad_id == 7);
        CHECK_THAT(v.reason, Catch::Contains("row 5"));
    }
    SECTION("a removed first row is found")
    {
        SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE);
        raw.exec("DROP TRIGGER audit_no_delete");
        raw.exec("DELETE FROM audit WHERE id = 1");
        const auto v = log.verify();
        CHECK(v.first_bad_id == 2);
    }
    SECTION("a rewritten hash is found at that row or the next")
    {
        SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE);
        raw.exec("DROP TRIGGER audit_no_update");
        raw.exec("UPDATE audit SET hash = '" + std::string(64, 'f') + "' WHERE id = 4");
        CHECK(log.verify().first_bad_id == 4);
    }
}

TEST_CASE("audit messages are redacted", "[store][audit]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    AuditLog log(db);
    mlc::log::register_secret("audit-test-secret-9f3k");
    AuditEntry e = entry("supplier", "1", "failed");
    e.message = "token exchange failed for audit-test-secret-9f3k; client_secret=abc123xyz";
    log.append(e);
    const auto rows = log.query({});
    REQUIRE(rows.size() == 1);
    REQUIRE(rows[0].message.has_value());
    CHECK(rows[0].message->find("audit-test-secret-9f3k") == std::string::npos);
    CHECK(rows[0].message->find("abc123xyz") == std::string::npos);
    CHECK(rows[0].message->find("***") != std::string::npos);
    CHECK(log.verify().ok); // the hash covers the redacted text that was stored
}
