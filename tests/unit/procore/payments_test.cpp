// The Procore contract payment body (as the SDK documents it), reading one back, the identity a
// lookup needs, and Procore's duplicate origin_id answer.
#include "core/json.hpp"
#include "procore/payments.hpp"

#include <catch2/catch.hpp>

using namespace mlc;

TEST_CASE("A contract payment body names its project and commitment at the top",
          "[procore][payments]")
{
    procore::NewContractPayment p{.project_id = 4300000001,
                                  .contract_id = 4500000007,
                                  .amount = "600.00",
                                  .date = "2026-11-20",
                                  .check_number = "1005",
                                  .invoice_number = "SC-7-1",
                                  .draw_request_number = 1,
                                  .payment_method = "Check",
                                  .notes = "Oracle payment 1005",
                                  .origin_id = "9001",
                                  .origin_data = "CheckId 68536"};
    const auto body = procore::new_contract_payment_json(p);
    const auto doc = json::parse(body);
    REQUIRE(doc);
    CHECK(*json::get_id(*doc, "project_id") == 4300000001);
    CHECK(*json::get_id(*doc, "contract_id") == 4500000007);
    const auto& cp = (*doc)["contract_payment"];
    CHECK(*json::get_string(cp, "amount") == "600.00");
    CHECK(*json::get_string(cp, "date") == "2026-11-20");
    CHECK(*json::get_string(cp, "check_number") == "1005");
    CHECK(*json::get_string(cp, "invoice_number") == "SC-7-1");
    CHECK(*json::get_id(cp, "draw_request_number") == 1);
    CHECK(*json::get_string(cp, "payment_method") == "Check");
    CHECK(*json::get_string(cp, "origin_id") == "9001");

    const auto id = procore::new_contract_payment_identity(body);
    REQUIRE(id);
    CHECK(id->project_id == 4300000001);
    CHECK(id->contract_id == 4500000007);
    CHECK(id->origin_id == "9001");
    CHECK_FALSE(procore::new_contract_payment_identity(R"({"project_id":1})"));
    CHECK_FALSE(procore::new_contract_payment_identity("not json"));

    p.draw_request_number = 0;
    p.payment_method.clear();
    const auto bare = json::parse(procore::new_contract_payment_json(p));
    REQUIRE(bare);
    CHECK_FALSE((*bare)["contract_payment"].HasMember("draw_request_number"));
    CHECK_FALSE((*bare)["contract_payment"].HasMember("payment_method"));
}

TEST_CASE("A contract payment reads back and a duplicate origin_id is recognised",
          "[procore][payments]")
{
    const auto p = procore::parse_contract_payment(
        R"({"id":5200000001,"contract_id":4500000007,"amount":"600.0","date":"2026-11-20",
            "origin_id":"9001"})");
    REQUIRE(p);
    CHECK(p->id == 5200000001);
    CHECK(p->contract_id == 4500000007);
    CHECK(p->amount == "600.0");
    CHECK(p->origin_id == "9001");
    CHECK_FALSE(procore::parse_contract_payment(R"({"amount":"1"})"));
    CHECK_FALSE(procore::parse_contract_payment(R"({"id":1,"amount":"ten"})"));

    http::Error dup;
    dup.kind = http::ErrorKind::status;
    dup.status = 422;
    dup.body = R"({"errors":{"origin_id":["has already been taken"]}})";
    CHECK(procore::is_duplicate_origin(dup));
    dup.body = R"({"errors":{"amount":["is invalid"]}})";
    CHECK_FALSE(procore::is_duplicate_origin(dup));
    dup.status = 400;
    dup.body = R"({"errors":{"origin_id":["has already been taken"]}})";
    CHECK_FALSE(procore::is_duplicate_origin(dup));
}
