// accountCombinationsLOV as live pods send it and as the references first described it:
// segment names from mapping.chart.segments, both flag encodings, LastUpdateDate optional, and
// the q of a whole read in both framework syntaxes.
#include "oracle/account_combinations.hpp"

#include <catch2/catch.hpp>

using namespace mlc::oracle;

TEST_CASE("a live pod's combinations parse by the chart's segment codes with Y/N flags and no "
          "LastUpdateDate",
          "[oracle][accounts]")
{
    const std::vector<std::string> chart{"entity", "department", "account", "subAccount"};
    auto page = parse_account_page(
        R"({"items":[)"
        R"({"_CODE_COMBINATION_ID":300000012345001,"_CHART_OF_ACCOUNTS_ID":5237,)"
        R"("EnabledFlag":"Y","DetailPostingAllowedFlag":"Y","SummaryFlag":"N","AccountType":"E",)"
        R"("entity":"101","department":"1000","account":"5110","subAccount":"000"},)"
        R"({"_CODE_COMBINATION_ID":300000012345002,"EnabledFlag":"N",)"
        R"("DetailPostingAllowedFlag":"N","AccountType":"A","entity":"101"},)"
        R"({"_CODE_COMBINATION_ID":300000012345003,"EnabledFlag":"Y","SummaryFlag":"Y"}],)"
        R"("count":3,"hasMore":false,"limit":500,"offset":0})",
        chart);
    REQUIRE(page);
    REQUIRE(page->accounts.size() == 3);
    const auto& a = page->accounts[0];
    CHECK(a.id == 300000012345001);
    CHECK(a.enabled);
    CHECK(a.detail_posting);
    CHECK(a.account_type == "E");
    CHECK(a.segments[0] == "101");
    CHECK(a.segments[1] == "1000");
    CHECK(a.segments[2] == "5110");
    CHECK(a.segments[3] == "000");
    CHECK(a.segments[4].empty());
    CHECK(a.last_update_date.empty());
    CHECK_FALSE(page->accounts[1].enabled); // "N" is a non-empty string, and still no
    CHECK_FALSE(page->accounts[1].detail_posting);
    CHECK(page->accounts[2].enabled);
    CHECK_FALSE(page->accounts[2].detail_posting); // a summary account

    // The same names read as Segment1.. find nothing: the names are configuration.
    auto by_default = parse_account_page(
        R"({"items":[{"_CODE_COMBINATION_ID":1,"entity":"101"}],"count":1,"hasMore":false})");
    REQUIRE(by_default);
    CHECK(by_default->accounts[0].segments[0].empty());
}

TEST_CASE("combination flags are read as booleans too and the classic shape still parses",
          "[oracle][accounts]")
{
    auto page = parse_account_page(
        R"({"items":[)"
        R"({"_CODE_COMBINATION_ID":"7","EnabledFlag":true,"DetailPostingAllowed":true,)"
        R"("Segment1":"101","Segment3":"5110","_Segment3Description":"Materials",)"
        R"("LastUpdateDate":"2026-01-01T00:00:00.000+00:00"},)"
        R"({"_CODE_COMBINATION_ID":8,"EnabledFlag":false,"DetailPostingAllowed":"Y"},)"
        R"({"_CODE_COMBINATION_ID":9,"EnabledFlag":"maybe"}],"count":3,"hasMore":false})");
    REQUIRE(page);
    REQUIRE(page->accounts.size() == 3);
    CHECK(page->accounts[0].id == 7);
    CHECK(page->accounts[0].enabled);
    CHECK(page->accounts[0].detail_posting);
    CHECK(page->accounts[0].segments[2] == "5110");
    CHECK(page->accounts[0].descriptions[2] == "Materials");
    CHECK(page->accounts[0].last_update_date == "2026-01-01T00:00:00.000+00:00");
    CHECK_FALSE(page->accounts[1].enabled);
    CHECK(page->accounts[1].detail_posting);
    CHECK_FALSE(page->accounts[2].enabled); // neither encoding: not enabled

    // Bad input.
    CHECK_FALSE(parse_account_page(R"({"items":[{"EnabledFlag":"Y"}]})"));
    CHECK_FALSE(parse_account_page(R"({"count":0})"));
    CHECK_FALSE(parse_account_page("{"));
}

TEST_CASE("a whole read of the combinations is narrowed by chart enabled flag and account type "
          "in the framework's own syntax",
          "[oracle][accounts]")
{
    AccountFilter f{.chart_of_accounts_id = 5237,
                    .enabled_only = true,
                    .account_types = {"E"},
                    .framework_version = 4};
    CHECK(whole_account_query(f)
          == "_CHART_OF_ACCOUNTS_ID=5237 and EnabledFlag='Y' and "
             "AccountType='E'");
    f.framework_version = 1; // the form a public client used on a live pod
    CHECK(whole_account_query(f) == "_CHART_OF_ACCOUNTS_ID=5237;EnabledFlag='Y';AccountType='E'");
    f.account_types = {"E", "R"};
    CHECK(whole_account_query(f) == "_CHART_OF_ACCOUNTS_ID=5237;EnabledFlag='Y'"); // no `or` in 1
    f.framework_version = 2;
    CHECK(whole_account_query(f)
          == "_CHART_OF_ACCOUNTS_ID=5237 and EnabledFlag='Y' and "
             "(AccountType='E' or AccountType='R')");
    CHECK(whole_account_query(AccountFilter{.chart_of_accounts_id = std::nullopt,
                                            .enabled_only = false,
                                            .account_types = {"O'Brien"},
                                            .framework_version = 4})
          == "AccountType='O''Brien'");
    CHECK(segment_attributes({}).front() == "Segment1");
    CHECK(segment_attributes({}).size() == k_max_segments);
    CHECK(segment_attributes({"entity"}) == std::vector<std::string>{"entity"});
}
