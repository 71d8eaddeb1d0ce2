// report, end to end: the real binary reconciles a month the simulators hold and writes the close
// report and its reconcile JSON into a folder it creates; Debian's Chromium, headless and offline,
// renders the page to a screenshot and to its DOM, and every number read back from the DOM
// through the page's data- hooks equals the JSON written beside it. A clean month is exit 0;
// a month with a held cost and a journal someone entered in Oracle (its name written to break
// HTML) is exit 1, each difference on the page with its document, and the held posting listed
// with its replay command. A period the ledger does not have is exit 2 and writes nothing.
#include "core/json.hpp"
#include "cost_env.hpp"
#include "support/browser.hpp"
#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <string>

namespace report_test {

using namespace mlc;
using namespace cost_env;

namespace {

// The page's DOM as Chromium built it, checked against the JSON file beside the page.
test::ReportDom rendered_and_checked(const std::filesystem::path& chromium, Env& env,
                                     const std::filesystem::path& html,
                                     const std::filesystem::path& json_file)
{
    const auto dumped = test::run_chromium(chromium, env.dir(), html, {"--dump-dom"});
    INFO("chromium stderr: " << dumped.err);
    REQUIRE(dumped.exit_code == 0);
    REQUIRE(dumped.out.find("<html") != std::string::npos);
    CHECK(dumped.out.find("<script") == std::string::npos);
    const auto page = test::read_report_dom(dumped.out);
    const auto doc = test::parse_json(test::read_file(json_file));
    test::check_report_matches_json(page, doc);
    return page;
}

void check_self_contained(const std::string& html)
{
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
}

} // namespace

TEST_CASE("report: a month posted cleanly is a page whose numbers are the JSON's, exit 0",
          "[e2e][report][browser]")
{
    Env env;
    env.run_json({"post-costs", "--json"}, 0);
    env.reset_stats();

    const auto out_dir = env.dir() / "close" / "2026-07"; // created by the command
    const auto run = env.run({"report", "--period", "Jul-26", "--out", out_dir.string()});
    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 0);
    const auto html_path = out_dir / "close-Jul-26.html";
    const auto json_path = out_dir / "reconcile-Jul-26.json";
    CHECK(run.out == html_path.string() + "\n");
    CHECK(run.err.find("Procore, ml-connector and the ledger agree") != std::string::npos);
    REQUIRE(std::filesystem::exists(html_path));
    REQUIRE(std::filesystem::exists(json_path));
    // Reads only.
    CHECK(env.procore_writes() == 0);
    CHECK(env.oracle_writes() == 0);

    const auto doc = test::parse_json(test::read_file(json_path));
    CHECK(*json::get_bool(doc, "agrees"));
    CHECK(json::get_string(doc["posted_by_day"], "2026-07-14").value_or("") == "1750.25");
    const std::string html = test::read_file(html_path);
    check_self_contained(html);
    CHECK(html.find("Procore, ml-connector and the ledger agree") != std::string::npos);
    CHECK(html.find("No posting is held or failed.") != std::string::npos);

    const auto chromium = test::browser_or_allowed_absence();
    if (!chromium) {
        return;
    }
    const auto page = rendered_and_checked(*chromium, env, html_path, json_path);
    CHECK(page.fields.at("agrees").value == "true");
    CHECK(page.bars.size() == 31); // every day of July
    CHECK(page.of_kind("row").size() == doc["rows"].Size());
    CHECK_FALSE(page.of_kind("row").empty());
    CHECK(page.of_kind("difference").empty());
}

TEST_CASE("report: a held cost and a hostile manual journal are on the page as the JSON says, "
          "exit 1",
          "[e2e][report][browser]")
{
    Env env;
    env.run_json({"post-costs", "--json"}, 0);

    // A journal a person entered in Oracle on project 1's materials account, its names written
    // to break a page that does not escape them.
    const std::string hostile_journal = R"(Accrual <script>alert(1)</script> & "Q" 'x')";
    env.oracle_mutate(fmt::format(
        R"({{"op":"create","collection":"journals","BatchName":"Batch </td><b>&amp;",)"
        R"("Source":"Manual","JournalName":"Accrual <script>alert(1)</script> & \"Q\" 'x'",)"
        R"("AccountingDate":"2026-07-30","lines":[)"
        R"({{"AccountCombination":"101-{}-5120-000-000","EnteredDebitAmount":500.00}},)"
        R"({{"AccountCombination":"101-9999-2100-000-000","EnteredCreditAmount":500.00}}]}})",
        cc(k_project1)));
    // July closes; a cost approved now for July is held by post-costs.
    env.oracle_mutate(
        R"({"op":"update","collection":"accounting_periods","PeriodNameId":"Jul-26","ClosingStatus":"C"})");
    const auto late =
        env.direct_cost(k_project2, "expense", "approved", "2026-07-29", "300.00", "0.50");
    env.run({"post-costs", "--full"});

    const auto out_dir = env.dir() / "close";
    const auto run = env.run({"report", "--period", "Jul-26", "--out", out_dir.string()});
    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 1);
    const auto html_path = out_dir / "close-Jul-26.html";
    const auto json_path = out_dir / "reconcile-Jul-26.json";
    CHECK(run.out == html_path.string() + "\n");
    const auto doc = test::parse_json(test::read_file(json_path));
    CHECK_FALSE(*json::get_bool(doc, "agrees"));
    const std::string html = test::read_file(html_path);
    check_self_contained(html);
    CHECK(html.find("Accrual &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Q&quot; "
                    "&#39;x&#39;")
          != std::string::npos);
    CHECK(html.find("Batch &lt;/td&gt;&lt;b&gt;&amp;amp;") != std::string::npos);

    const auto chromium = test::browser_or_allowed_absence();
    if (!chromium) {
        return;
    }
    // The screenshot: a real page of the size asked for, the verdict in its warning colour.
    const auto shot = env.dir() / "close.png";
    const auto rendered =
        test::run_chromium(*chromium, env.dir(), html_path,
                           {"--screenshot=" + shot.string(), "--window-size=1280,2000"});
    INFO("chromium stderr: " << rendered.err);
    REQUIRE(rendered.exit_code == 0);
    std::string error;
    const auto image = test::decode_png(test::read_file(shot), error);
    INFO("png: " << error);
    REQUIRE(image);
    CHECK(image->width == 1280);
    CHECK(image->height == 2000);
    CHECK(image->count_not_background() > 1280u * 2000u / 50);
    CHECK(image->count_color(0xfdeaea) > 500);

    const auto page = rendered_and_checked(*chromium, env, html_path, json_path);
    CHECK(page.fields.at("agrees").value == "false");
    // The held cost (a difference on each account its journal would post to) and the manual
    // journal, each a difference row with its document.
    std::map<std::string, std::string> held;
    bool manual = false;
    for (const auto* row : page.of_kind("difference")) {
        if (row->attribute("data-difference") == "held"
            && row->attribute("data-record") == fmt::format("dc:{}:{}", late.project, late.id)) {
            held[row->attribute("data-account")] = row->cells.at("procore").value;
            CHECK(row->cells.at("action").text.find("replay") != std::string::npos);
        }
        if (row->attribute("data-difference") == "not_from_us") {
            manual = true;
            CHECK(row->cells.at("document").text.find(hostile_journal) != std::string::npos);
            CHECK(row->cells.at("oracle").value == "500.00");
        }
    }
    CHECK(held[fmt::format("101-{}-5110-000-000", cc(k_project2))] == "300.00");
    CHECK(held[fmt::format("101-{}-5120-000-000", cc(k_project2))] == "0.50");
    CHECK(manual);
    // Its posting, held, with the command that posts it once the period opens.
    bool listed = false;
    for (const auto* row : page.of_kind("posting")) {
        if (row->attribute("data-status") == "held") {
            listed = true;
            CHECK(row->cells.at("action").text.find("ml-connector replay --posting "
                                                    + row->attribute("data-posting"))
                  != std::string::npos);
        }
    }
    CHECK(listed);
}

TEST_CASE("report: a period the ledger does not have is exit 2 and writes nothing", "[e2e][report]")
{
    Env env;
    const auto out_dir = env.dir() / "close";
    const auto bad = env.run({"report", "--period", "Smarch-26", "--out", out_dir.string()});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("Smarch-26") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out_dir / "close-Smarch-26.html"));
    CHECK_FALSE(std::filesystem::exists(out_dir / "reconcile-Smarch-26.json"));
    // --out is required.
    CHECK(env.run({"report", "--period", "Jul-26"}).exit_code == 2);
}

} // namespace report_test
