// due_dates (migration 002): set, move, clear and the due query by day.
#include "store/database.hpp"
#include "store/due_dates.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "mlc-due-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

} // namespace

TEST_CASE("due dates are kept per record and listed when their day has come", "[store][due]")
{
    using namespace mlc::store;
    TempDir dir;
    Database db(dir.path / "state.db");
    DueDates due(db);
    CHECK(due.all("vendor").empty());
    due.set(
        {.kind = "vendor", .oracle_key = "1", .due_on = "2026-03-01", .reason = "InactiveDate"});
    due.set(
        {.kind = "vendor", .oracle_key = "2", .due_on = "2026-02-01", .reason = "InactiveDate"});
    due.set({.kind = "cost_code", .oracle_key = "1", .due_on = "2026-01-01", .reason = "x"});
    CHECK(due.due("vendor", "2026-01-31").empty());
    auto now = due.due("vendor", "2026-02-01"); // on the day itself
    REQUIRE(now.size() == 1);
    CHECK(now[0].oracle_key == "2");
    CHECK(now[0].reason == "InactiveDate");
    CHECK(due.due("vendor", "2026-12-31").size() == 2);
    CHECK(due.all("vendor").front().oracle_key == "2"); // by day

    due.set(
        {.kind = "vendor", .oracle_key = "2", .due_on = "2026-06-01", .reason = "InactiveDate"});
    CHECK(due.due("vendor", "2026-05-31").size() == 1); // moved, not duplicated
    due.clear("vendor", "1");
    due.clear("vendor", "nope"); // clearing nothing is fine
    REQUIRE(due.all("vendor").size() == 1);
    CHECK(due.all("vendor")[0].due_on == "2026-06-01");
    CHECK(due.all("cost_code").size() == 1); // kinds apart
}
