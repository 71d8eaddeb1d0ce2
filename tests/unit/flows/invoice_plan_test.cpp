// Planning a Procore requisition as an Oracle Payables invoice: a pure function, so the line
// amounts, the retainage either way, the explicit combinations, the invoice number and date,
// and every refusal are checked here without a server.
#include "core/config.hpp"
#include "sync/flows/invoices/invoice_plan.hpp"

#include <catch2/catch.hpp>

namespace flows_invoice_plan_test {

using namespace mlc;

namespace {

MappingConfig mapping()
{
    MappingConfig m;
    m.chart.cost_center_segment = 2;
    m.projects["default"] = ProjectMapping{.procurement_bu = "US1 BU",
                                           .requisitioning_bu = "US1 BU",
                                           .business_unit = "US1 Business Unit",
                                           .bill_to_bu = "",
                                           .ship_to_location = "US1 HQ",
                                           .buyer_email = "buyer@example.com",
                                           .currency = "USD",
                                           .cost_center = "1000"};
    m.projects["77"].cost_center = "2000";
    return m;
}

procore::RequisitionLine line(std::int64_t id, std::int64_t cost_code, const char* work,
                              const char* retained)
{
    return procore::RequisitionLine{.id = id,
                                    .item_type = "contract_item",
                                    .item_number = id,
                                    .cost_code_id = cost_code,
                                    .description = "Line " + std::to_string(id),
                                    .work_completed = work,
                                    .materials_stored = "",
                                    .work_retained = retained,
                                    .materials_retained = "",
                                    .work_released = "",
                                    .materials_released = ""};
}

procore::Requisition requisition()
{
    procore::Requisition r;
    r.id = 9001;
    r.project_id = 77;
    r.commitment_id = 4500;
    r.number = 3;
    r.invoice_number = "";
    r.status = "approved";
    r.billing_date = "2026-11-05";
    r.period_start = "2026-10-01";
    r.period_end = "2026-10-31";
    r.lines = {line(1, 5, "1000.00", "100.00"), line(2, 6, "250.50", "25.05")};
    return r;
}

const flows::InvoicePo k_po{.number = "US1-1001",
                            .supplier = "Redwood Supply",
                            .supplier_site = "REDWOOD-HQ",
                            .commitment_number = "SC-007"};

flows::AccountOf accounts()
{
    return [](std::int64_t, std::int64_t cost_code) {
        if (cost_code == 99) {
            return engine::CostCodeAccount{
                .segments = {}, .error = "cost code 99 is not mapped", .code = "99"};
        }
        return engine::CostCodeAccount{
            .segments = {"101", "0000", cost_code == 5 ? "5110" : "5120", "000", "000"},
            .error = "",
            .code = std::to_string(cost_code)};
    };
}

} // namespace

TEST_CASE("A requisition becomes an invoice for its net lines with explicit combinations",
          "[flows][invoices]")
{
    const auto plan = flows::plan_invoice(requisition(), k_po, mapping(), accounts(), "2026-12-01");
    REQUIRE(plan.invoice);
    const auto& inv = *plan.invoice;
    CHECK(inv.invoice_number == "SC-007-3");
    CHECK(inv.invoice_date == "2026-10-31");
    CHECK(inv.accounting_date == "2026-10-31");
    CHECK(inv.business_unit == "US1 Business Unit");
    CHECK(inv.supplier == "Redwood Supply");
    CHECK(inv.supplier_site == "REDWOOD-HQ");
    CHECK(inv.currency == "USD");
    CHECK(inv.description.find("[PCR-9001]") != std::string::npos);
    // No retainage account: each line is billed less retained, and the total is the net.
    REQUIRE(inv.lines.size() == 2);
    CHECK(inv.lines[0].amount == "900.00");
    CHECK(inv.lines[0].combination == "101-2000-5110-000-000");
    CHECK(inv.lines[0].po_number == "US1-1001");
    REQUIRE(inv.lines[0].distributions.size() == 1);
    CHECK(inv.lines[0].distributions[0].amount == "900.00");
    CHECK(inv.lines[0].distributions[0].combination == "101-2000-5110-000-000");
    CHECK(inv.lines[1].amount == "225.45");
    CHECK(inv.lines[1].combination == "101-2000-5120-000-000");
    CHECK(inv.amount == "1125.45");
    CHECK(plan.gross == "1250.50");
    CHECK(plan.retainage == "125.05");
    CHECK_FALSE(plan.retainage_on_line);
}

TEST_CASE("With a retainage account the retainage is a negative line on it", "[flows][invoices]")
{
    auto m = mapping();
    m.invoices.retainage_account = "101-0000-2450-000-000";
    auto r = requisition();
    r.invoice_number = "INV-77";
    const auto plan = flows::plan_invoice(r, k_po, m, accounts(), "2026-12-01");
    REQUIRE(plan.invoice);
    const auto& inv = *plan.invoice;
    CHECK(inv.invoice_number == "INV-77");
    REQUIRE(inv.lines.size() == 3);
    CHECK(inv.lines[0].amount == "1000.00");
    CHECK(inv.lines[1].amount == "250.50");
    CHECK(inv.lines[2].amount == "-125.05");
    CHECK(inv.lines[2].combination == "101-0000-2450-000-000");
    CHECK(inv.lines[2].distributions[0].combination == "101-0000-2450-000-000");
    CHECK(inv.amount == "1125.45");
    CHECK(plan.retainage_on_line);
}

TEST_CASE("Stored materials bill and released retainage pays out", "[flows][invoices]")
{
    auto r = requisition();
    r.lines = {line(1, 5, "0", "0")};
    r.lines[0].materials_stored = "300.10";
    r.lines[0].materials_retained = "30.01";
    r.lines[0].work_released = "50.00";
    const auto plan = flows::plan_invoice(r, k_po, mapping(), accounts(), "2026-12-01");
    REQUIRE(plan.invoice);
    // 300.10 billed, 30.01 retained, 50.00 released: 320.09 paid now.
    CHECK(plan.invoice->amount == "320.09");
    CHECK(plan.retainage == "-19.99");
}

TEST_CASE("Lines with nothing this period are left out and the dates fall back",
          "[flows][invoices]")
{
    auto r = requisition();
    r.period_end.clear();
    r.lines.push_back(line(3, 99, "0.00", "0.00")); // unmapped, but billed nothing: not asked
    const auto plan = flows::plan_invoice(r, k_po, mapping(), accounts(), "2026-12-01");
    REQUIRE(plan.invoice);
    CHECK(plan.invoice->lines.size() == 2);
    CHECK(plan.invoice->invoice_date == "2026-11-05");
    r.billing_date.clear();
    CHECK(flows::plan_invoice(r, k_po, mapping(), accounts(), "2026-12-01").invoice->invoice_date
          == "2026-12-01");
}

TEST_CASE("Requisitions that cannot be invoiced say why and how to fix it", "[flows][invoices]")
{
    SECTION("an unmapped cost code is a data error naming the line")
    {
        auto r = requisition();
        r.lines[1].cost_code_id = 99;
        const auto plan = flows::plan_invoice(r, k_po, mapping(), accounts(), "2026-12-01");
        CHECK_FALSE(plan.invoice);
        CHECK(plan.error_class == "data");
        CHECK(plan.error.find("cost code 99 is not mapped") != std::string::npos);
        CHECK(plan.error.find("line 2") != std::string::npos);
    }
    SECTION("a line without a cost code")
    {
        auto r = requisition();
        r.lines[0].cost_code_id = 0;
        const auto plan = flows::plan_invoice(r, k_po, mapping(), accounts(), "2026-12-01");
        CHECK(plan.error.find("has no cost code") != std::string::npos);
    }
    SECTION("an amount that is not a decimal")
    {
        auto r = requisition();
        r.lines[0].work_completed = "12,50";
        const auto plan = flows::plan_invoice(r, k_po, mapping(), accounts(), "2026-12-01");
        CHECK(plan.error.find("not a decimal") != std::string::npos);
    }
    SECTION("nothing billed")
    {
        auto r = requisition();
        r.lines = {line(1, 5, "0", "0")};
        const auto plan = flows::plan_invoice(r, k_po, mapping(), accounts(), "2026-12-01");
        CHECK(plan.error.find("bills nothing") != std::string::npos);
    }
    SECTION("an unmapped project is a config error")
    {
        MappingConfig m = mapping();
        m.projects.erase("default");
        m.projects.erase("77");
        const auto plan = flows::plan_invoice(requisition(), k_po, m, accounts(), "2026-12-01");
        CHECK(plan.error_class == "config");
        CHECK(plan.error.find("project 77 is not mapped") != std::string::npos);
    }
    SECTION("a project without a business unit is a config error")
    {
        MappingConfig m = mapping();
        m.projects["default"].business_unit.clear();
        const auto plan = flows::plan_invoice(requisition(), k_po, m, accounts(), "2026-12-01");
        CHECK(plan.error_class == "config");
        CHECK(plan.error.find("business_unit") != std::string::npos);
    }
}

TEST_CASE("The version follows the Procore content only", "[flows][invoices]")
{
    flows::InvoicePlan a;
    flows::InvoicePlan b;
    auto r = requisition();
    flows::describe(r, a);
    r.status = "approved_as_noted"; // a status change alone is not a new version
    flows::describe(r, b);
    CHECK(a.fingerprint == b.fingerprint);
    r.lines[0].work_completed = "1000.01";
    flows::describe(r, b);
    CHECK(a.fingerprint != b.fingerprint);
    CHECK(flows::parse_requisition_key(flows::requisition_key(77, 9001))->id == 9001);
    CHECK_FALSE(flows::parse_requisition_key("po:77:9001"));
}

} // namespace flows_invoice_plan_test
