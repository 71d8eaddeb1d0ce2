// The close report in a real browser: Debian's Chromium renders the page of a synthetic
// reconciliation headless and offline, to a screenshot and to the DOM it built; the screenshot
// must be a real, non-blank PNG of the size asked for (the chart's bars and the highlighted
// differences among its colours), and every number read back from the DOM through the page's
// data- hooks must equal the reconcile JSON's.
#include "admin/report.hpp"
#include "support/browser.hpp"
#include "support/close_report_sample.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace report_browser_test {

using namespace mlc;

TEST_CASE("report in chromium: a real page whose numbers are the reconcile JSON's",
          "[admin][report][browser]")
{
    const auto chromium = test::browser_or_allowed_absence();
    if (!chromium) {
        return;
    }
    test::TempDir tmp("mlc-report-browser");
    const auto r = test::sample_reconciliation();
    const auto files = admin::write_close_report(tmp.path(), r.period,
                                                 admin::close_report_html(r, test::sample_extras()),
                                                 admin::to_json(r));

    // The screenshot: a PNG of exactly the size asked for, with a page on it.
    const auto shot = tmp.path() / "close.png";
    const auto rendered =
        test::run_chromium(*chromium, tmp.path(), files.html,
                           {"--screenshot=" + shot.string(), "--window-size=1280,2000"});
    INFO("chromium stderr: " << rendered.err);
    REQUIRE(rendered.exit_code == 0);
    // For a person to look at: MLC_REPORT_SCREENSHOT=FILE keeps a copy.
    if (const char* keep = std::getenv("MLC_REPORT_SCREENSHOT"); keep != nullptr && *keep != 0) {
        std::filesystem::copy_file(shot, keep, std::filesystem::copy_options::overwrite_existing);
    }
    std::string error;
    const auto image = test::decode_png(test::read_file(shot), error);
    INFO("png: " << error);
    REQUIRE(image);
    CHECK(image->width == 1280);
    CHECK(image->height == 2000);
    CHECK(image->pixel(0, 0) == 0xffffff); // the page's white background
    // Text, tables and the chart cover a good part of it: not a blank page.
    CHECK(image->count_not_background() > 1280u * 2000u / 20);
    // The colours only the page's own styles give: the verdict and highlighted differences
    // (#fdeaea, #fff7e0, #fbd5d5) and the chart's bars (#2f6db5) were drawn, so the CSS and the
    // inline SVG were applied. Tall bars: 987,654.32 of a 1M scale is most of the plot height.
    CHECK(image->count_color(0xfdeaea) > 500);
    CHECK(image->count_color(0xfff7e0) > 500);
    CHECK(image->count_color(0xfbd5d5) > 500);
    CHECK(image->count_color(0x2f6db5) > 2000);

    // The DOM Chromium built from the page, read back through the hooks.
    const auto dumped = test::run_chromium(*chromium, tmp.path(), files.html, {"--dump-dom"});
    REQUIRE(dumped.exit_code == 0);
    REQUIRE(dumped.out.find("<html") != std::string::npos);
    // The hostile name stayed text: no script element or image came out of it.
    CHECK(dumped.out.find("<script") == std::string::npos);
    CHECK(dumped.out.find("<img") == std::string::npos);
    const auto page = test::read_report_dom(dumped.out);
    const auto doc = json::parse(test::read_file(files.json));
    REQUIRE(doc);
    test::check_report_matches_json(page, *doc);
    // The hostile document name, read back as the text it is.
    const auto differences = page.of_kind("difference");
    REQUIRE_FALSE(differences.empty());
    CHECK(differences.front()->cells.at("document").text.starts_with(test::k_hostile_document));
    CHECK(page.bars.size() == 30);
    // And postings, with their replay command.
    const auto postings = page.of_kind("posting");
    REQUIRE(postings.size() == 2);
    CHECK(postings[0]->attribute("data-posting") == "41");
    CHECK(postings[0]->cells.at("action").text.ends_with("ml-connector replay --posting 41"));
}

TEST_CASE("report DOM reader: the page's hooks read back as the reconcile JSON", "[admin][report]")
{
    // The reader and the comparison on the page's own text, no browser needed: it passes on the
    // page of the same reconciliation, and sees a number that is not the JSON's.
    auto r = test::sample_reconciliation();
    const auto doc = json::parse(admin::to_json(r));
    REQUIRE(doc);
    test::check_report_matches_json(
        test::read_report_dom(admin::close_report_html(r, test::sample_extras())), *doc);

    r.rows[0].oracle = *Decimal::parse("1229000.51");
    const auto page = test::read_report_dom(admin::close_report_html(r, test::sample_extras()));
    const auto* row = page.of_kind("row").front();
    CHECK(row->cells.at("oracle").value == "1229000.51");
    CHECK(row->cells.at("oracle").value != std::string((*doc)["rows"][0]["oracle"].GetString()));
    CHECK(test::plain_amount(row->cells.at("oracle").text) == "1229000.51");
    CHECK(test::plain_amount("\u2212"
                             "1,234.50")
          == "-1234.50");
}

} // namespace report_browser_test
