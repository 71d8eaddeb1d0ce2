#include "admin/report.hpp"
#include "core/error.hpp"
#include "support/close_report_sample.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace report_test {

using mlc::Decimal;
using mlc::admin::close_report_html;
using mlc::test::sample_extras;
using mlc::test::sample_reconciliation;

std::size_t count_of(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

// The table row whose opening tag holds every one of `attributes`, up to its </tr>; empty when
// there is none. Fails the test when there are several.
std::string row_with(const std::string& html, const std::vector<std::string>& attributes)
{
    std::string found;
    for (auto at = html.find("<tr"); at != std::string::npos; at = html.find("<tr", at + 1)) {
        const auto tag_end = html.find('>', at);
        const std::string tag = html.substr(at, tag_end - at);
        bool all = true;
        for (const auto& a : attributes) {
            all = all && tag.find(a) != std::string::npos;
        }
        if (all) {
            REQUIRE(found.empty());
            found = html.substr(at, html.find("</tr>", at) - at);
        }
    }
    return found;
}

// `data-col="<col>" data-value="<fixed>">shown<` in `row`.
void require_amount(const std::string& row, const std::string& col, const Decimal& amount)
{
    INFO(row);
    const std::string cell = "data-col=\"" + col + "\" data-value=\"" + amount.fixed(2) + "\">"
                             + mlc::admin::display_amount(amount) + "</td>";
    CHECK(row.find(cell) != std::string::npos);
}

TEST_CASE("report: amounts read as a controller writes them", "[admin][report]")
{
    using mlc::admin::display_amount;
    CHECK(display_amount(*Decimal::parse("1234567.891")) == "1,234,567.89");
    CHECK(display_amount(*Decimal::parse("-250.255")) == "\u2212250.26");
    CHECK(display_amount(*Decimal::parse("0")) == "0.00");
    CHECK(display_amount(*Decimal::parse("999")) == "999.00");
    CHECK(display_amount(*Decimal::parse("1000")) == "1,000.00");
    CHECK(display_amount(*Decimal::parse("-100000")) == "\u2212100,000.00");
}

TEST_CASE("report: the period names a file and nothing else", "[admin][report]")
{
    using mlc::admin::period_file_part;
    CHECK(period_file_part("Nov-26") == "Nov-26");
    CHECK(period_file_part("ADJ 12/26") == "ADJ_12_26");
    CHECK(period_file_part("../etc") == "_.._etc");
    CHECK(period_file_part("") == "_");
}

TEST_CASE("report: every text is escaped, a hostile document name included", "[admin][report]")
{
    const std::string html = close_report_html(sample_reconciliation(), sample_extras());
    CHECK(html.find(mlc::test::k_hostile_document) == std::string::npos);
    CHECK(html.find("alert(\"x\")") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;INV-1&#39; "
                    "&lt;/td&gt;&lt;/tr&gt;&lt;img src=x&gt;")
          != std::string::npos);
    CHECK(html.find("PO-0001 Concrete &lt;&amp;&gt; &quot;ready-mix&quot;") != std::string::npos);
    // A posting's error: its first line, escaped.
    CHECK(html.find("EF04 &lt;b&gt;account&lt;/b&gt; 101-9999 &amp; &quot;disabled&quot;")
          != std::string::npos);
    CHECK(html.find("second line") == std::string::npos);
    // The structure the escaping protects: every element opened is closed.
    for (const std::string tag : {"tr", "td", "table", "section", "svg", "dl", "p", "h2", "h3"}) {
        INFO(tag);
        CHECK(count_of(html, "<" + tag + ">") + count_of(html, "<" + tag + " ")
              == count_of(html, "</" + tag + ">"));
    }
    CHECK(html.find("<td data-col=\"why\"") == std::string::npos); // classes on text cells kept
    CHECK(html.find("<td class=\"why\" data-col=\"why\">period Oct-26 is closed &amp; "
                    "&quot;held&quot;</td>")
          != std::string::npos);
}

TEST_CASE("report: self-contained, no script and no address outside the page", "[admin][report]")
{
    const std::string html = close_report_html(sample_reconciliation(), sample_extras());
    CHECK(html.starts_with("<!DOCTYPE html>\n"));
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("url(") == std::string::npos);
    CHECK(html.find("@import") == std::string::npos);
    CHECK_FALSE(std::regex_search(html, std::regex(R"(<[a-zA-Z][^>]*\ssrc\s*=)")));
    CHECK(html.find("<link") == std::string::npos);
    // No event handler attribute (onload=…) anywhere.
    CHECK_FALSE(std::regex_search(html, std::regex(R"(\son[a-z]+\s*=)")));
    // Links only within the page.
    for (auto at = html.find("href=\""); at != std::string::npos;
         at = html.find("href=\"", at + 1)) {
        CHECK(html.substr(at + 6, 1) == "#");
    }
    CHECK(html.find("Content-Security-Policy\" content=\"default-src 'none'") != std::string::npos);
    CHECK(html.find("@media print") != std::string::npos);
    // The same input gives the same bytes.
    CHECK(html == close_report_html(sample_reconciliation(), sample_extras()));
}

TEST_CASE("report: every number of the reconciliation is on the page, with its hook",
          "[admin][report]")
{
    const auto r = sample_reconciliation();
    const std::string html = close_report_html(r, sample_extras());
    for (const auto& row : r.rows) {
        const std::string tr =
            row_with(html, {"data-kind=\"row\"", "data-project=\"" + std::to_string(row.project_id),
                            "data-account=\"" + row.account + "\""});
        REQUIRE_FALSE(tr.empty());
        require_amount(tr, "procore", row.procore);
        require_amount(tr, "posted", row.posted);
        require_amount(tr, "oracle", row.oracle);
        require_amount(tr, "difference", row.procore - row.oracle);
        CHECK(tr.find(row.agrees() ? "data-agrees=\"true\"" : "data-agrees=\"false\"")
              != std::string::npos);
        CHECK(tr.starts_with(row.agrees() ? "<tr class=\"ok\"" : "<tr class=\"diff\""));
    }
    // The row that differs marks the cells that do.
    const std::string off =
        row_with(html, {"data-kind=\"row\"", "data-account=\"101-2100-5100-000-000\""});
    CHECK(off.find("class=\"num off\" data-col=\"posted\"") != std::string::npos);
    CHECK(off.find("class=\"num off\" data-col=\"oracle\"") != std::string::npos);
    CHECK(off.find("class=\"num\" data-col=\"procore\"") != std::string::npos);

    for (std::size_t i = 0; i < r.differences.size(); ++i) {
        const auto& d = r.differences[i];
        const std::string tr = row_with(
            html, {"data-kind=\"difference\"", "data-index=\"" + std::to_string(i) + "\""});
        REQUIRE_FALSE(tr.empty());
        CHECK(tr.find("data-difference=\"" + d.kind + "\"") != std::string::npos);
        CHECK(tr.find("data-project=\"" + std::to_string(d.project_id) + "\"")
              != std::string::npos);
        require_amount(tr, "procore", d.procore);
        require_amount(tr, "posted", d.posted);
        require_amount(tr, "oracle", d.oracle);
        CHECK(tr.find(mlc::admin::html_escape(d.action)) != std::string::npos);
        CHECK(tr.find(mlc::admin::html_escape(d.why)) != std::string::npos);
    }
    const std::string foreign = row_with(html, {"data-index=\"1\""});
    CHECK(foreign.find("Accrual Nov / Manual 1234") != std::string::npos);

    for (const auto& c : r.commitments) {
        const std::string tr =
            row_with(html, {"data-kind=\"commitment\"",
                            "data-commitment=\"" + std::to_string(c.commitment_id) + "\""});
        REQUIRE_FALSE(tr.empty());
        require_amount(tr, "procore_committed", c.procore_committed);
        require_amount(tr, "oracle_ordered", c.oracle_ordered);
        require_amount(tr, "procore_invoiced", c.procore_invoiced);
        require_amount(tr, "oracle_invoiced", c.oracle_invoiced);
        CHECK(tr.find(">US1-10042<") != std::string::npos);
        CHECK(tr.find(c.note) != std::string::npos);
    }

    // Totals per project and for all of them.
    const std::string p1 =
        row_with(html, {"data-kind=\"project-total\"", "data-project=\"219542\""});
    require_amount(p1, "procore", *Decimal::parse("1234317.64"));
    require_amount(p1, "posted", *Decimal::parse("1229749.75"));
    require_amount(p1, "oracle", *Decimal::parse("1228750.25"));
    require_amount(p1, "difference", *Decimal::parse("5567.39"));
    CHECK(p1.find("data-col=\"differences\" data-value=\"2\"") != std::string::npos);
    const std::string all = row_with(html, {"data-kind=\"grand-total\""});
    require_amount(all, "procore", *Decimal::parse("1235117.64"));
    require_amount(all, "oracle", *Decimal::parse("1229550.25"));

    // The summary.
    CHECK(html.find("data-field=\"period\" data-value=\"Nov-26\"") != std::string::npos);
    CHECK(html.find("data-field=\"start_date\" data-value=\"2026-11-01\"") != std::string::npos);
    CHECK(html.find("data-field=\"end_date\" data-value=\"2026-11-30\"") != std::string::npos);
    CHECK(html.find("data-field=\"period_status\" data-value=\"O\">open (O)") != std::string::npos);
    CHECK(html.find("data-field=\"agrees\" data-value=\"false\"") != std::string::npos);
    CHECK(html.find("data-field=\"differences\" data-value=\"2\"") != std::string::npos);
    CHECK(html.find(">2 differences in the ledger to look at (1 of 3 account rows differ); 1 of 1 "
                    "commitments differ from Oracle</p>")
          != std::string::npos);
    // Only commitments: no ledger difference is claimed.
    auto only = r;
    only.rows.erase(only.rows.begin());
    only.differences.clear();
    CHECK(mlc::admin::close_report_verdict(only) == "1 of 1 commitments differ from Oracle");
}

TEST_CASE("report: postings held or failed, each with what to do", "[admin][report]")
{
    const std::string html = close_report_html(sample_reconciliation(), sample_extras());
    const std::string failed = row_with(html, {"data-kind=\"posting\"", "data-posting=\"41\""});
    REQUIRE_FALSE(failed.empty());
    CHECK(failed.find("data-status=\"failed\"") != std::string::npos);
    CHECK(failed.find("failed (data)") != std::string::npos);
    CHECK(failed.find("fix the cause (the record named in the reason), then ml-connector "
                      "replay --posting 41")
          != std::string::npos);
    const std::string held = row_with(html, {"data-kind=\"posting\"", "data-posting=\"7\""});
    CHECK(held.find("ml-connector replay --posting 7") != std::string::npos);
    CHECK(held.find("direct_cost:4600000003:v1") != std::string::npos);
    CHECK(html.find("direct costs and change orders -&gt; GL journals") != std::string::npos);
    CHECK(html.find("and 2 more") != std::string::npos);
    CHECK(html.find("ml-connector replay --kind costs --failed") != std::string::npos);
    CHECK(html.find("ml-connector replay --kind costs --held") != std::string::npos);
    CHECK(html.find("2 postings are sent and not yet confirmed") != std::string::npos);
    // The flow with nothing to do is not listed.
    CHECK(html.find("data-flow=\"vendors\"") == std::string::npos);

    mlc::admin::ReportExtras none;
    none.state_exists = true;
    CHECK(close_report_html(sample_reconciliation(), none).find("No posting is held or failed")
          != std::string::npos);
    CHECK(close_report_html(sample_reconciliation(), {}).find("No state database")
          != std::string::npos);
}

TEST_CASE("report: the chart has one bar per day of the period", "[admin][report]")
{
    const auto r = sample_reconciliation();
    const std::string html = close_report_html(r, sample_extras());
    CHECK(count_of(html, "<svg ") == 1);
    CHECK(html.find("data-days=\"30\"") != std::string::npos);
    CHECK(count_of(html, "<rect class=\"bar") == 30);
    CHECK(count_of(html, "data-day=\"") == 30);
    for (const auto& [day, amount] : r.posted_by_day) {
        INFO(day);
        CHECK(html.find("data-day=\"" + day + "\" data-value=\"" + amount.fixed(2) + "\"")
              != std::string::npos);
        // The amount printed over its bar.
        CHECK(html.find(">" + mlc::admin::display_amount(amount) + "</text>") != std::string::npos);
    }
    CHECK(html.find("data-day=\"2026-11-05\" data-value=\"0.00\"") != std::string::npos);
    // Axis labels: the days and round amounts.
    CHECK(html.find(">11-03</text>") != std::string::npos);
    CHECK(html.find(">11-30</text>") != std::string::npos);
    CHECK(html.find(">1M</text>") != std::string::npos);
    CHECK(html.find(">0</text>") != std::string::npos);

    // No dates and nothing posted: a sentence, not an empty chart.
    auto empty = r;
    empty.start_date.clear();
    empty.end_date.clear();
    empty.posted_by_day.clear();
    const std::string none = close_report_html(empty, {});
    CHECK(none.find("<svg") == std::string::npos);
    CHECK(none.find("Nothing was posted in this period.") != std::string::npos);

    // Without dates, the days posted on.
    auto undated = r;
    undated.start_date = "not a date";
    CHECK(count_of(close_report_html(undated, {}), "<rect class=\"bar") == 3);
}

TEST_CASE("report: a period that agrees says so", "[admin][report]")
{
    auto r = sample_reconciliation();
    r.rows.erase(r.rows.begin());
    r.differences.clear();
    r.commitments.clear();
    const std::string html = close_report_html(r, {});
    CHECK(html.find("<p class=\"verdict ok\" data-field=\"agrees\" data-value=\"true\">Procore, "
                    "ml-connector and the ledger agree</p>")
          != std::string::npos);
    CHECK(html.find("data-kind=\"difference\"") == std::string::npos);
    CHECK(html.find("No commitment went to Oracle or should have.") != std::string::npos);
}

TEST_CASE("report: both files written whole, the folder created", "[admin][report]")
{
    mlc::test::TempDir tmp;
    const auto dir = tmp.path() / "close" / "2026";
    const auto files = mlc::admin::write_close_report(dir, "Nov/26", "<p>page</p>", "{}");
    CHECK(files.html == dir / "close-Nov_26.html");
    CHECK(files.json == dir / "reconcile-Nov_26.json");
    CHECK(mlc::test::read_file(files.html) == "<p>page</p>");
    CHECK(mlc::test::read_file(files.json) == "{}");
    // Again: replaced, no temporary file left.
    mlc::admin::write_close_report(dir, "Nov/26", "<p>second</p>", "{\"a\":1}");
    CHECK(mlc::test::read_file(files.html) == "<p>second</p>");
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) {
        ++entries;
    }
    CHECK(entries == 2);

    // A file where the folder should be.
    std::ofstream(tmp.path() / "plain") << "x";
    CHECK_THROWS_AS(mlc::admin::write_close_report(tmp.path() / "plain", "Nov-26", "", ""),
                    mlc::UsageError);
}

} // namespace report_test
