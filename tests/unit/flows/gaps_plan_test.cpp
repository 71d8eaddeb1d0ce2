// Planning rules added for the pass's known gaps: the day a vendor changes by itself (a future
// InactiveDate), retiring a published cost code, and the applied audit words.
#include "sync/engine/batch_flow.hpp"
#include "sync/flows/cost_codes/cost_codes.hpp"
#include "sync/flows/suppliers/vendor_plan.hpp"

#include <catch2/catch.hpp>

using namespace mlc;
using namespace mlc::flows;

namespace {

oracle::Supplier supplier_with_status(std::string status, std::string inactive)
{
    oracle::Supplier s;
    s.id = 42;
    s.name = "Acme";
    s.status = std::move(status);
    s.inactive_date = std::move(inactive);
    s.last_update_date = "2026-01-01T00:00:00.000+00:00";
    return s;
}

oracle::AccountCombination combination()
{
    oracle::AccountCombination a;
    a.id = 300000012345001;
    a.enabled = true;
    a.detail_posting = true;
    a.account_type = "E";
    a.segments[0] = "101";
    a.segments[2] = "5110";
    a.descriptions[2] = "Materials";
    a.last_update_date = "2026-01-01T00:00:00.000+00:00";
    return a;
}

} // namespace

TEST_CASE("vendor_due_on: only an active supplier's InactiveDate still to come",
          "[sync][vendors][due]")
{
    CHECK(vendor_due_on(supplier_with_status("ACTIVE", "2026-02-01"), "2026-01-15")
          == "2026-02-01");
    CHECK(vendor_due_on(supplier_with_status("", "2026-02-01T00:00:00+00:00"), "2026-01-15")
          == "2026-02-01");
    // On the day, the mapping already says inactive: nothing left to wait for.
    CHECK_FALSE(
        vendor_due_on(supplier_with_status("ACTIVE", "2026-02-01"), "2026-02-01").has_value());
    CHECK_FALSE(
        vendor_due_on(supplier_with_status("ACTIVE", "2025-12-31"), "2026-01-15").has_value());
    CHECK_FALSE(vendor_due_on(supplier_with_status("ACTIVE", ""), "2026-01-15").has_value());
    // Already inactive by status: the date changes nothing.
    CHECK_FALSE(
        vendor_due_on(supplier_with_status("INACTIVE", "2026-02-01"), "2026-01-15").has_value());
    // The day it names is the day map_supplier turns the vendor inactive.
    CHECK(map_supplier(supplier_with_status("ACTIVE", "2026-02-01"), "2026-01-31").is_active);
    CHECK_FALSE(map_supplier(supplier_with_status("ACTIVE", "2026-02-01"), "2026-02-01").is_active);
}

TEST_CASE("a published cost code whose combination is disabled is retired once, never deleted",
          "[sync][cost_codes]")
{
    CostCodeMapping m;
    m.natural_segment = 3;
    m.code_segments = {3};
    auto a = combination();
    const auto published = plan_cost_code(a, std::nullopt, m, "2026-01-15");
    REQUIRE(published.action == "create");

    a.enabled = false;
    // Never published: simply filtered, nothing sent.
    CHECK(plan_cost_code(a, std::nullopt, m, "2026-01-15").action == "filtered");
    // Published before: renamed with the prefix, same origin_id and code.
    const VendorLinkState linked{std::string("777"), published.fingerprint, "oracle"};
    const auto retire = plan_cost_code(a, linked, m, "2026-01-15");
    CHECK(retire.action == "retire");
    CHECK(retire.item.origin_id == published.item.origin_id);
    CHECK(retire.item.code == published.item.code);
    CHECK(retire.item.name == std::string(k_retired_prefix) + published.item.name);
    CHECK(retire.procore_id == 777);
    CHECK(retire.message.find("not enabled") != std::string::npos);
    // Retired already (the link holds the retired fingerprint): nothing more to send.
    const VendorLinkState retired{std::string("777"), retire.fingerprint, "oracle"};
    CHECK(plan_cost_code(a, retired, m, "2026-01-15").action == "filtered");
    // Enabled again: the name comes back.
    a.enabled = true;
    const auto back = plan_cost_code(a, retired, m, "2026-01-15");
    CHECK(back.action == "update");
    CHECK(back.item.name == published.item.name);
    // A code that came from Procore is never touched.
    a.enabled = false;
    const VendorLinkState theirs{std::string("777"), published.fingerprint, "procore"};
    CHECK(plan_cost_code(a, theirs, m, "2026-01-15").action == "filtered");
}

TEST_CASE("applied_action gives the audit word of a planned action", "[sync][flow]")
{
    CHECK(engine::applied_action("create") == "created");
    CHECK(engine::applied_action("update") == "updated");
    CHECK(engine::applied_action("link") == "linked");
    CHECK(engine::applied_action("retire") == "retired");
    CHECK(engine::applied_action("skip") == "skipped");
    CHECK(engine::applied_action("echo") == "skipped");
    CHECK(engine::applied_action("ambiguous") == "ambiguous");
}
