// Planning a Procore commitment as an Oracle draft PO: a pure function, so every mapping rule
// and every refusal is checked here without a server.
#include "core/config.hpp"
#include "sync/flows/commitments/commitment_plan.hpp"

#include <catch2/catch.hpp>

namespace flows_commitment_plan_test {

using namespace mlc;
using procore::CommitmentType;

namespace {

MappingConfig mapping()
{
    MappingConfig m;
    m.projects["default"] = ProjectMapping{.procurement_bu = "US1 BU",
                                           .requisitioning_bu = "US1 BU",
                                           .business_unit = "",
                                           .bill_to_bu = "",
                                           .ship_to_location = "US1 HQ",
                                           .buyer_email = "buyer@example.com",
                                           .currency = "USD",
                                           .cost_center = "1000"};
    m.projects["77"].cost_center = "2000";
    m.commitments.category = "Construction Materials";
    return m;
}

procore::Commitment commitment(CommitmentType type = CommitmentType::purchase_order)
{
    procore::Commitment c;
    c.type = type;
    c.id = 4'500'000'001;
    c.project_id = 77;
    c.number = "PO-001";
    c.title = "Lumber";
    c.status = "Approved";
    c.vendor_id = 10;
    c.vendor_name = "Redwood";
    c.grand_total = "1750.25";
    c.delivery_date = "2026-03-01";
    c.lines = {{.id = 1,
                .description = "Studs",
                .amount = "1500.0",
                .quantity = "120",
                .unit_cost = "12.5",
                .uom = "BF",
                .cost_code_id = 5,
                .line_item_type_id = 0,
                .origin_id = ""},
               {.id = 2,
                .description = "Labor",
                .amount = "250.25",
                .quantity = "0.0",
                .unit_cost = "0.0",
                .uom = "",
                .cost_code_id = 6,
                .line_item_type_id = 0,
                .origin_id = ""}};
    return c;
}

struct Fake {
    std::vector<oracle::SupplierSite> sites{{.id = 1,
                                             .name = "MAIN-PUR",
                                             .procurement_bu = "US1 BU",
                                             .purchasing = true,
                                             .inactive_date = ""},
                                            {.id = 2,
                                             .name = "PAY-ONLY",
                                             .procurement_bu = "US1 BU",
                                             .purchasing = false,
                                             .inactive_date = ""},
                                            {.id = 3,
                                             .name = "OLD",
                                             .procurement_bu = "US1 BU",
                                             .purchasing = true,
                                             .inactive_date = "2020-01-01"}};
    bool linked = true;
    flows::CommitmentLookups lookups()
    {
        flows::CommitmentLookups l;
        l.supplier_of_vendor =
            [this](std::int64_t) -> std::optional<std::pair<std::int64_t, std::string>> {
            if (!linked) {
                return std::nullopt;
            }
            return std::pair<std::int64_t, std::string>{300, ""};
        };
        l.sites = [this](std::int64_t) { return sites; };
        l.account = [](std::int64_t, std::int64_t cost_code) {
            flows::CommitmentLookups::Account a;
            a.code = cost_code == 5 ? "1000-5110" : "01-100";
            if (cost_code == 99) {
                a.error = "cost code 99 has no GL account";
                return a;
            }
            a.segments = {"101", "1000", cost_code == 5 ? "5110" : "5120", "000", "000"};
            return a;
        };
        return l;
    }
};

} // namespace

TEST_CASE("a purchase order contract becomes goods lines with explicit charge accounts",
          "[flows][commitments]")
{
    Fake f;
    const auto plan = flows::plan_commitment(commitment(), mapping(), f.lookups(), "2026-01-15");
    REQUIRE(plan.po.has_value());
    const auto& po = *plan.po;
    CHECK(po.supplier_id == 300);
    CHECK(po.supplier_site == "MAIN-PUR"); // the one active purchasing site in the BU
    CHECK(po.procurement_bu == "US1 BU");
    CHECK(po.currency == "USD");
    CHECK(po.description == "Procore PO-001 Lumber [MLC POC-4500000001]");
    REQUIRE(po.lines.size() == 2);
    CHECK(po.lines[0].line_type == "Goods");
    CHECK(po.lines[0].quantity == "120");
    CHECK(po.lines[0].price == "12.5");
    CHECK(po.lines[0].uom == "BF");
    CHECK(po.lines[0].category == "Construction Materials");
    // the project's cost center (2000) replaces the combination's
    CHECK(po.lines[0].schedules[0].distributions[0].charge_account == "101-2000-5110-000-000");
    CHECK(po.lines[0].schedules[0].need_by_date == "2026-03-01");
    CHECK(po.lines[0].schedules[0].ship_to_location == "US1 HQ");
    // kept by amount only: one unit at its amount
    CHECK(po.lines[1].quantity == "1");
    CHECK(po.lines[1].price == "250.25");
    CHECK(po.lines[1].uom == "Each");
    CHECK(plan.fingerprint.size() == 64);
}

TEST_CASE("a subcontract becomes amount-based service lines", "[flows][commitments]")
{
    Fake f;
    const auto plan = flows::plan_commitment(commitment(CommitmentType::work_order), mapping(),
                                             f.lookups(), "2026-01-15");
    REQUIRE(plan.po.has_value());
    CHECK(plan.po->description == "Procore PO-001 Lumber [MLC WOC-4500000001]");
    CHECK(plan.po->lines[0].line_type == "Fixed Price Services");
    CHECK(plan.po->lines[0].amount_based);
    CHECK(plan.po->lines[0].amount == "1500.00");
    CHECK(plan.po->lines[1].amount == "250.25");
    CHECK(plan.po->lines[0].quantity.empty());
}

TEST_CASE("every refusal names the record, what is missing and the fix", "[flows][commitments]")
{
    Fake f;
    auto c = commitment();
    SECTION("no vendor")
    {
        c.vendor_id = 0;
        const auto p = flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15");
        CHECK_FALSE(p.po);
        CHECK_THAT(p.error, Catch::Contains("has no vendor"));
        CHECK(p.error_class == "data");
    }
    SECTION("an unlinked vendor")
    {
        f.linked = false;
        const auto p = flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15");
        CHECK_THAT(p.error, Catch::Contains("run sync-suppliers"));
    }
    SECTION("an unmapped project is a config failure")
    {
        auto m = mapping();
        m.projects.erase("default");
        c.project_id = 5;
        const auto p = flows::plan_commitment(c, m, f.lookups(), "2026-01-15");
        CHECK_THAT(p.error, Catch::Contains("mapping.projects[\"5\"]"));
        CHECK(p.error_class == "config");
    }
    SECTION("a project mapping without a buyer")
    {
        auto m = mapping();
        m.projects["default"].buyer_email.clear();
        const auto p = flows::plan_commitment(c, m, f.lookups(), "2026-01-15");
        CHECK_THAT(p.error, Catch::Contains("buyer_email"));
        CHECK(p.error_class == "config");
    }
    SECTION("several purchasing sites and none configured")
    {
        f.sites.push_back({.id = 4,
                           .name = "SECOND",
                           .procurement_bu = "US1 BU",
                           .purchasing = true,
                           .inactive_date = ""});
        const auto p = flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15");
        CHECK_THAT(p.error, Catch::Contains("MAIN-PUR, SECOND"));
        auto m = mapping();
        m.commitments.supplier_site = "SECOND";
        CHECK(flows::plan_commitment(c, m, f.lookups(), "2026-01-15").po->supplier_site
              == "SECOND");
    }
    SECTION("no site in the procurement BU")
    {
        f.sites.clear();
        const auto p = flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15");
        CHECK_THAT(p.error, Catch::Contains("no active purchasing site in US1 BU"));
    }
    SECTION("a line with no cost code, or a cost code with no account")
    {
        c.lines[1].cost_code_id = 0;
        CHECK_THAT(flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15").error,
                   Catch::Contains("line 2 (Labor) has no cost code"));
        c.lines[1].cost_code_id = 99;
        CHECK_THAT(flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15").error,
                   Catch::Contains("has no GL account"));
    }
    SECTION("a zero or negative line")
    {
        c.lines[1].amount = "-5";
        CHECK_THAT(flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15").error,
                   Catch::Contains("-5.00 is not positive"));
        c.lines[1].amount = "0.0";
        CHECK_THAT(flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15").error,
                   Catch::Contains("is not positive"));
    }
    SECTION("lines that do not sum to the total")
    {
        c.grand_total = "1750.26";
        CHECK_THAT(flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15").error,
                   Catch::Contains("sum to 1750.25 but its total is 1750.26"));
    }
    SECTION("no lines")
    {
        c.lines.clear();
        CHECK_THAT(flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15").error,
                   Catch::Contains("has no line items"));
    }
}

TEST_CASE("the version of a commitment is its Procore content, and a change is described",
          "[flows][commitments]")
{
    Fake f;
    auto c = commitment();
    const auto a = flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15");
    // The date and the mapping do not change the version.
    auto m = mapping();
    m.projects["77"].cost_center = "3100";
    CHECK(flows::plan_commitment(c, m, f.lookups(), "2026-02-20").fingerprint == a.fingerprint);
    c.lines[1].amount = "300.00";
    c.grand_total = "1800.00";
    c.lines.push_back(c.lines[0]);
    const auto b = flows::plan_commitment(c, mapping(), f.lookups(), "2026-01-15");
    CHECK(b.fingerprint != a.fingerprint);
    const auto diff = flows::summary_diff(a.summary, b.summary);
    CHECK_THAT(diff, Catch::Contains("total: 1750.25 -> 1800.00"));
    CHECK_THAT(diff, Catch::Contains("line 3 added"));
    CHECK(flows::summary_diff(a.summary, a.summary).empty());
}

TEST_CASE("commitment keys round-trip", "[flows][commitments]")
{
    auto c = commitment(CommitmentType::work_order);
    const auto key = flows::commitment_key(c);
    CHECK(key == "wo:77:4500000001");
    const auto ref = flows::parse_commitment_key(key);
    REQUIRE(ref);
    CHECK(ref->type == CommitmentType::work_order);
    CHECK(ref->project_id == 77);
    CHECK(ref->id == 4'500'000'001);
    CHECK_FALSE(flows::parse_commitment_key("xx:1:2"));
    CHECK_FALSE(flows::parse_commitment_key("po:1"));
    CHECK_FALSE(flows::parse_commitment_key("po:a:2"));
}

} // namespace flows_commitment_plan_test
