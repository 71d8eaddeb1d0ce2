// Reading Procore requisitions and their detail lines: the SDK's field names, the older period
// names, the summary, money kept as text, both detail shapes, and bodies that are wrong.
#include "procore/requisitions.hpp"

#include <catch2/catch.hpp>

using namespace mlc;

TEST_CASE("A requisition is read with its period and summary", "[procore][requisitions]")
{
    const auto r = procore::parse_requisition(R"({
        "id": 51, "project_id": 77, "commitment_id": 4500, "commitment_type": "WorkOrderContract",
        "number": 3, "invoice_number": "INV-9", "status": "approved",
        "billing_date": "2026-11-05", "requisition_start": "2026-10-01",
        "requisition_end": "2026-10-31T00:00:00Z", "vendor_name": "Redwood",
        "total_claimed_amount": "1250.50", "origin_id": null,
        "summary": {"current_payment_due": "1125.45", "total_retainage": "125.05"},
        "updated_at": "2026-11-06T10:00:00Z"})");
    REQUIRE(r);
    CHECK(r->id == 51);
    CHECK(r->commitment_id == 4500);
    CHECK(r->number == 3);
    CHECK(r->invoice_number == "INV-9");
    CHECK(r->period_start == "2026-10-01");
    CHECK(r->period_end == "2026-10-31");
    CHECK(r->total_claimed == "1250.50");
    CHECK(r->payment_due == "1125.45");
    CHECK(r->total_retainage == "125.05");
    CHECK(r->origin_id.empty());
    CHECK(r->updated_at == "2026-11-06T10:00:00Z");
}

TEST_CASE("Older period names and a nested commitment are read too", "[procore][requisitions]")
{
    const auto r = procore::parse_requisition(
        R"({"id": 52, "commitment": {"id": 4501}, "period_start": "2026-09-01",
            "period_end": "2026-09-30", "vendor": {"id": 1, "name": "Oak"}})");
    REQUIRE(r);
    CHECK(r->commitment_id == 4501);
    CHECK(r->period_end == "2026-09-30");
    CHECK(r->vendor_name == "Oak");
}

TEST_CASE("Detail lines keep every amount as text", "[procore][requisitions]")
{
    const std::string line = R"({"id": 7, "item_type": "contract_item", "item_number": 1,
        "cost_code_id": 5, "description_of_work": "Framing",
        "work_completed_this_period": "1000.10", "materials_presently_stored": "20.00",
        "work_completed_retainage_retained_this_period": "100.01",
        "materials_stored_retainage_retained_this_period": "2.00",
        "work_completed_retainage_released_this_period": null})";
    for (const auto& body : {"[" + line + "]", R"({"line_items": [)" + line + "]}"}) {
        const auto lines = procore::parse_requisition_detail(body, 51);
        REQUIRE(lines);
        REQUIRE(lines->size() == 1);
        const auto& l = lines->front();
        CHECK(l.cost_code_id == 5);
        CHECK(l.description == "Framing");
        CHECK(l.work_completed == "1000.10");
        CHECK(l.materials_stored == "20.00");
        CHECK(l.work_retained == "100.01");
        CHECK(l.materials_retained == "2.00");
        CHECK(l.work_released.empty());
    }
}

TEST_CASE("Wrong requisition bodies are errors that say what is wrong", "[procore][requisitions]")
{
    CHECK(procore::parse_requisition("{").error().find("malformed JSON") != std::string::npos);
    CHECK(procore::parse_requisition(R"({"number": 1})").error().find("integer id")
          != std::string::npos);
    CHECK(procore::parse_requisition_list(R"({"id": 1})").error().find("expected an array")
          != std::string::npos);
    CHECK(procore::parse_requisition(R"({"id": 1, "total_claimed_amount": "lots"})")
              .error()
              .find("total_claimed_amount is not a decimal")
          != std::string::npos);
    const auto hostile = procore::parse_requisition(R"({"id": 1, "total_claimed_amount": "1\r\n2)"
                                                    + std::string(300, 'x') + R"("})");
    CHECK(hostile.error().find(R"(total_claimed_amount is not a decimal ("1\u000d\u000a2)")
          != std::string::npos);
    CHECK(hostile.error().find('\n') == std::string::npos);
    CHECK(hostile.error().size() < 200);
    CHECK(procore::parse_requisition_detail(R"({"lines": 3})", 51).error().find("array of lines")
          != std::string::npos);
    CHECK(
        procore::parse_requisition_detail(R"([{"id": 7, "work_completed_this_period": true}])", 51)
            .error()
            .find("work_completed_this_period is not a decimal")
        != std::string::npos);
}
