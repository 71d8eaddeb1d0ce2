#include "procore/vendors.hpp"

#include <catch2/catch.hpp>

using namespace mlc::procore;

TEST_CASE("vendor sync body carries company, origin ids and leaves empty fields out",
          "[procore][vendors]")
{
    VendorSyncItem a;
    a.origin_id = "300000047507499";
    a.origin_code = "1252";
    a.name = "Acme \"Builders\"";
    a.city = "Austin";
    a.is_active = false;
    VendorSyncItem b;
    b.id = 42;
    b.origin_id = "7";
    b.name = "B";
    const auto body = vendor_sync_body(4264807, {a, b});
    CHECK(body.find(R"("company_id":4264807)") != std::string::npos);
    CHECK(body.find(R"("origin_id":"300000047507499")") != std::string::npos);
    CHECK(body.find(R"("name":"Acme \"Builders\"")") != std::string::npos);
    CHECK(body.find(R"("is_active":false)") != std::string::npos);
    CHECK(body.find(R"("id":42)") != std::string::npos);
    CHECK(body.find("\"address\"") == std::string::npos);
    CHECK(body.find("\"zip\"") == std::string::npos);
}

TEST_CASE("parse_sync_response reads entities and flattens per-item errors", "[procore][vendors]")
{
    auto r = parse_sync_response(
        R"({"entities":[{"id":11,"origin_id":"5","name":"x"},{"id":12,"origin_id":6}],
        "errors":[{"origin_id":"7","name":"Bad","errors":{"country_code":["is not a valid country code"],"zip":["too long","bad"]}},
                  {"id":0,"name":"No vendor","errors":{"id":["Entity with this ID not found"]}}]})");
    REQUIRE(r.has_value());
    REQUIRE(r->entities.size() == 2);
    CHECK(r->entities[0].id == 11);
    CHECK(r->entities[0].origin_id == "5");
    CHECK(r->entities[1].origin_id == "6"); // a numeric origin_id is read as text
    REQUIRE(r->errors.size() == 2);
    CHECK(r->errors[0].origin_id == "7");
    CHECK(r->errors[0].message == "country_code: is not a valid country code; zip: too long, bad");
    CHECK_FALSE(r->errors[1].id.has_value()); // id 0 is "no id"
    CHECK(r->errors[1].message.find("not found") != std::string::npos);

    auto bare = parse_sync_response(R"([{"id":1,"origin_id":"a"}])");
    REQUIRE(bare.has_value());
    CHECK(bare->entities.size() == 1);
}

TEST_CASE("parse_sync_response and parse_vendor_list reject bad shapes", "[procore][vendors]")
{
    CHECK_FALSE(parse_sync_response("not json").has_value());
    CHECK_FALSE(parse_sync_response("{}").has_value());
    CHECK_FALSE(parse_sync_response(R"({"entities":{}})").has_value());
    CHECK_FALSE(parse_sync_response(R"({"entities":[{"name":"no id"}]})").has_value());
    CHECK_FALSE(parse_vendor_list("{}").has_value());
    CHECK_FALSE(parse_vendor_list(R"([{"name":"x"}])").has_value());
}

TEST_CASE("parse_vendor_list reads names, origin ids and tax ids", "[procore][vendors]")
{
    auto v = parse_vendor_list(R"([{"id":1,"name":"Acme","origin_id":null,"is_active":true,
                                     "business_register":{"type":"EIN","identifier":"98-0337637"}},
                                    {"id":2,"name":"Beta","origin_id":"17","business_id":"X1","is_active":false}])");
    REQUIRE(v.has_value());
    REQUIRE(v->size() == 2);
    CHECK((*v)[0].origin_id.empty());
    CHECK((*v)[0].tax_id == "98-0337637");
    CHECK((*v)[1].origin_id == "17");
    CHECK((*v)[1].tax_id == "X1");
    CHECK_FALSE((*v)[1].is_active);
}
