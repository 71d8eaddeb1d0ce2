// The one sync body builder every sync endpoint shares, and the cost code body built on it.
#include "core/json.hpp"
#include "procore/cost_codes.hpp"
#include "procore/vendors.hpp"

#include <catch2/catch.hpp>

using namespace mlc;
using namespace mlc::procore;

TEST_CASE("sync_body: company, scope fields and the items as given", "[procore][sync]")
{
    const auto body = sync_body(4264807, {{"standard_cost_code_list_id", 600001}},
                                {R"({"origin_id":"1"})", "{}"});
    CHECK(body
          == R"({"company_id":4264807,"standard_cost_code_list_id":600001,)"
             R"("updates":[{"origin_id":"1"},{}]})");
    CHECK(sync_body(1, {}, {}) == R"({"company_id":1,"updates":[]})");
}

TEST_CASE("standard cost code sync body parses and carries the list", "[procore][cost_codes]")
{
    StandardCostCodeItem item{.origin_id = "300000012345001",
                              .code = "1000-5110",
                              .name = "Corporate - \"Materials\"",
                              .origin_data = {}};
    const auto body = standard_cost_code_sync_body(4264807, 600002, {item});
    auto doc = json::parse(body);
    REQUIRE(doc.has_value());
    CHECK((*doc)["company_id"].GetInt64() == 4264807);
    CHECK((*doc)["standard_cost_code_list_id"].GetInt64() == 600002);
    REQUIRE((*doc)["updates"].Size() == 1);
    CHECK(std::string((*doc)["updates"][0]["name"].GetString()) == "Corporate - \"Materials\"");
    CHECK_FALSE((*doc)["updates"][0].HasMember("origin_data")); // empty: left out
}
