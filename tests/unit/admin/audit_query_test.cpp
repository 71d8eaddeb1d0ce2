#include "admin/audit_query.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

namespace fs = std::filesystem;
using mlc::admin::Bound;
using mlc::admin::ListRequest;
using KeySide = mlc::store::AuditLog::Filter::KeySide;

namespace {} // namespace

TEST_CASE("audit --record parses KIND:ID", "[audit]")
{
    auto ref = mlc::admin::parse_record_ref("supplier:300000047000123");
    REQUIRE(ref.has_value());
    CHECK(ref->kind == "supplier");
    CHECK(ref->key == "300000047000123");
    ref = mlc::admin::parse_record_ref("Vendor:12:34"); // only the first ':' separates
    REQUIRE(ref.has_value());
    CHECK(ref->kind == "vendor");
    CHECK(ref->key == "12:34");

    for (const char* bad : {"supplier", "supplier:", ":123", "sup plier:1", "", "a-b:1"}) {
        INFO(bad);
        const auto r = mlc::admin::parse_record_ref(bad);
        REQUIRE_FALSE(r.has_value());
        CHECK_THAT(r.error(), Catch::Contains("KIND:ID"));
    }
}

TEST_CASE("audit record kinds pair across the systems", "[audit]")
{
    mlc::store::AuditLog::Filter f;
    mlc::admin::apply_record_ref({"supplier", "47"}, f);
    CHECK(f.record_kind == "supplier");
    CHECK(f.also_kinds == std::vector<std::string>{"vendor"});
    CHECK(f.key_side == KeySide::oracle);
    mlc::admin::apply_record_ref({"vendor", "12"}, f);
    CHECK(f.also_kinds == std::vector<std::string>{"supplier"});
    CHECK(f.key_side == KeySide::procore);
    mlc::admin::apply_record_ref({"cost_code", "9"}, f);
    CHECK(f.also_kinds == std::vector<std::string>{"gl_account"});
    mlc::admin::apply_record_ref({"direct_cost", "5"}, f);
    CHECK(f.also_kinds.empty());
    CHECK(f.key_side == KeySide::either);
    CHECK(f.key == "5");
}

TEST_CASE("audit time bounds are normalized to the stored form", "[audit]")
{
    CHECK(mlc::admin::normalize_time_bound("2026-01-31", Bound::since)
          == "2026-01-31T00:00:00.000+00:00");
    CHECK(mlc::admin::normalize_time_bound("2026-01-31", Bound::until)
          == "2026-01-31T23:59:59.999+00:00");
    CHECK(mlc::admin::normalize_time_bound("2026-01-31T12:00:00Z", Bound::since)
          == "2026-01-31T12:00:00.000+00:00");
    CHECK(mlc::admin::normalize_time_bound("2026-01-31T12:00:00-02:00", Bound::until)
          == "2026-01-31T14:00:00.000+00:00");
    for (const char* bad :
         {"yesterday", "2026-13-01", "2026-01-31T25:00:00Z", "", "2026-01-31T12:00:00+0200"}) {
        INFO(bad);
        const auto r = mlc::admin::normalize_time_bound(bad, Bound::since);
        REQUIRE_FALSE(r.has_value());
        CHECK_THAT(r.error(), Catch::Contains("--since"));
    }
}

TEST_CASE("audit make_filter validates the request", "[audit]")
{
    ListRequest r;
    r.record = "vendor:5501";
    r.run_id = 3;
    r.action = "failed";
    r.since = "2026-01-01";
    r.until = "2026-01-31";
    r.limit = 20;
    auto f = mlc::admin::make_filter(r);
    REQUIRE(f.has_value());
    CHECK(f->key == "5501");
    CHECK(f->key_side == KeySide::procore);
    CHECK(f->run_id == 3);
    CHECK(f->action == "failed");
    CHECK(f->since == "2026-01-01T00:00:00.000+00:00");
    CHECK(f->until == "2026-01-31T23:59:59.999+00:00");
    CHECK(f->limit == 20);

    ListRequest inverted;
    inverted.since = "2026-02-01";
    inverted.until = "2026-01-01";
    CHECK_THAT(mlc::admin::make_filter(inverted).error(), Catch::Contains("after"));
    ListRequest negative;
    negative.limit = -1;
    CHECK_FALSE(mlc::admin::make_filter(negative).has_value());
    ListRequest bad_record;
    bad_record.record = "vendor";
    CHECK_FALSE(mlc::admin::make_filter(bad_record).has_value());
    ListRequest empty_action;
    empty_action.action = "";
    CHECK_FALSE(mlc::admin::make_filter(empty_action).has_value());
}

TEST_CASE("audit list and verify read a state database", "[audit]")
{
    mlc::test::TempDir dir;
    const fs::path file = dir.path() / "state.db";
    mlc::FakeClock clock; // 2027-01-15T08:00:00Z
    {
        mlc::store::Database db(file, clock);
        mlc::store::AuditLog log(db);
        mlc::store::AuditEntry read;
        read.command = "sync-suppliers";
        read.record_kind = "supplier";
        read.oracle_key = "300000047000123";
        read.action = "read";
        read.run_id = 1;
        log.append(read);
        mlc::store::AuditEntry created = read;
        created.record_kind = "vendor";
        created.procore_key = "5501";
        created.action = "created";
        created.message = "ok, \"created\"";
        log.append(created);
        mlc::store::AuditEntry other = read;
        other.oracle_key = "300000047000999";
        log.append(other);
    }

    ListRequest r;
    r.record = "supplier:300000047000123";
    r.format = mlc::admin::Format::csv;
    const std::string csv = mlc::admin::list_audit(file, r);
    CHECK(csv.find("300000047000999") == std::string::npos);
    CHECK(csv.find(",read,") != std::string::npos);
    CHECK(csv.find(",created,") != std::string::npos);
    CHECK(csv.find("\"ok, \"\"created\"\"\"") != std::string::npos);

    r.record = "vendor:5501";
    r.format = mlc::admin::Format::json;
    const std::string json = mlc::admin::list_audit(file, r);
    CHECK(json.find(R"("action":"created")") != std::string::npos);
    CHECK(json.find(R"("action":"read")") == std::string::npos);

    ListRequest window;
    window.since = "2027-01-16";
    CHECK(mlc::admin::list_audit(file, window).find("(no audit rows match)") != std::string::npos);

    const auto v = mlc::admin::verify_audit(file);
    CHECK(v.ok);
    CHECK(mlc::admin::describe(v) == "audit chain ok: 3 rows");
    mlc::store::AuditLog::Verification broken{false, 4, 4, "hash does not match"};
    CHECK(mlc::admin::describe(broken) == "audit chain broken at row 4: hash does not match");
}

TEST_CASE("audit never creates a missing state database", "[audit]")
{
    mlc::test::TempDir dir;
    const fs::path missing = dir.path() / "nope.db";
    CHECK_THROWS_AS(mlc::admin::verify_audit(missing), mlc::UsageError);
    CHECK_THROWS_WITH(mlc::admin::list_audit(missing, {}), Catch::Contains("does not exist"));
    CHECK_FALSE(fs::exists(missing));
    ListRequest bad;
    bad.since = "soon";
    CHECK_THROWS_AS(mlc::admin::list_audit(missing, bad), mlc::UsageError);
}
