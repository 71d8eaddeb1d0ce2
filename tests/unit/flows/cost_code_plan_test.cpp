#include "core/error.hpp"
#include "sync/flows/cost_codes/cost_codes.hpp"

#include <catch2/catch.hpp>

namespace flows_cost_code_plan_test {

using namespace mlc;
using namespace mlc::flows;

namespace {

oracle::AccountCombination account(std::int64_t id, std::string natural, std::string type = "E")
{
    oracle::AccountCombination a;
    a.id = id;
    a.enabled = true;
    a.detail_posting = true;
    a.account_type = std::move(type);
    a.segments[0] = "101";
    a.segments[1] = "1000";
    a.segments[2] = std::move(natural);
    a.descriptions[1] = "Corporate";
    a.descriptions[2] = "Materials";
    a.last_update_date = "2026-01-01T00:00:00.000+00:00";
    return a;
}

} // namespace

TEST_CASE("plan_cost_code filters, builds code and name, and skips unchanged", "[sync][cost_codes]")
{
    CostCodeMapping m;
    m.natural_segment = 3;
    m.code_segments = {2, 3};
    m.account_types = {"E"};
    m.ranges = {{"5000", "5999"}};
    const std::string_view today = "2026-06-01";

    auto d = plan_cost_code(account(1, "5120"), std::nullopt, m, today);
    CHECK(d.action == "create");
    CHECK(d.item.code == "1000-5120");
    CHECK(d.item.name == "Corporate - Materials");
    CHECK(d.item.origin_id == "1");

    CHECK(plan_cost_code(account(2, "4100"), std::nullopt, m, today).action == "filtered"); // range
    CHECK(plan_cost_code(account(3, "5120", "A"), std::nullopt, m, today).action
          == "filtered"); // type
    auto disabled = account(4, "5120");
    disabled.enabled = false;
    CHECK(plan_cost_code(disabled, std::nullopt, m, today).message == "not enabled");
    auto summary = account(5, "5120");
    summary.detail_posting = false;
    CHECK(plan_cost_code(summary, std::nullopt, m, today).action == "filtered");
    auto ended = account(6, "5120");
    ended.end_date = "2026-01-31";
    CHECK(plan_cost_code(ended, std::nullopt, m, today).action == "filtered");

    engine::LinkState link{.target_key = "9", .fingerprint = d.fingerprint, .origin = "oracle"};
    CHECK(plan_cost_code(account(1, "5120"), link, m, today).action == "skip");
    link.fingerprint = "old";
    auto upd = plan_cost_code(account(1, "5120"), link, m, today);
    CHECK(upd.action == "update");
    CHECK(upd.procore_id == 9);

    // Without code_segments every non-empty segment makes the code.
    m.code_segments.clear();
    CHECK(plan_cost_code(account(1, "5120"), std::nullopt, m, today).item.code == "101-1000-5120");
}

} // namespace flows_cost_code_plan_test
