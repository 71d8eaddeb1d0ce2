#pragma once
// A real browser for the close report's tests: Debian's Chromium, headless and offline (no
// network beyond what the page names, and the page names nothing), rendering a page to a PNG and
// dumping the DOM it built. Plus what the tests need to read both: a PNG decoder (8-bit RGB or
// RGBA, what Chromium writes) and a reader of the report's data- hooks in the dumped DOM.
#include "core/json.hpp"
#include "support/process.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlc::test {

// $MLC_CHROMIUM, else `chromium` or `chromium-browser` on PATH.
std::optional<std::filesystem::path> find_chromium();

// The browser, or nullopt after saying why: a test without one fails (CI installs it, so there it
// must really run) unless MLC_ALLOW_NO_BROWSER=1 lets it pass with a warning.
std::optional<std::filesystem::path> browser_or_allowed_absence();

// Runs Chromium headless on `page` with a fresh empty profile under `work_dir`, network off.
ProcessResult run_chromium(const std::filesystem::path& chromium,
                           const std::filesystem::path& work_dir, const std::filesystem::path& page,
                           const std::vector<std::string>& extra_args);

struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb; // width * height * 3
    std::uint32_t pixel(int x, int y) const;
    // How many pixels are within `tolerance` (per channel) of 0xRRGGBB.
    std::size_t count_color(std::uint32_t rgb_value, int tolerance = 2) const;
    // How many pixels differ from the top-left one (the page's background).
    std::size_t count_not_background() const;
};

// Decodes a non-interlaced 8-bit RGB or RGBA PNG; nullopt (with the reason in `error`) otherwise.
std::optional<Image> decode_png(const std::string& bytes, std::string& error);

// The close report read back from a DOM: every element carrying data-kind (a table row), with
// its attributes and its cells by data-col; the summary by data-field; the chart's bars.
struct ReportCell {
    std::string value; // data-value, unescaped
    std::string text;  // the text a reader sees, tags dropped, entities unescaped
};
struct ReportRow {
    std::map<std::string, std::string> attributes; // data-kind, data-project, …
    std::map<std::string, ReportCell> cells;       // by data-col
    std::string attribute(const std::string& name) const;
};
struct ReportDom {
    std::vector<ReportRow> rows;
    std::map<std::string, ReportCell> fields;              // by data-field
    std::vector<std::pair<std::string, std::string>> bars; // data-day, data-value in order
    // The rows with data-kind = kind.
    std::vector<const ReportRow*> of_kind(const std::string& kind) const;
};
ReportDom read_report_dom(const std::string& dom);

// "−1,234.50" -> "-1234.50": a displayed amount as the reconcile JSON writes it.
std::string plain_amount(const std::string& shown);

// Asserts (CHECK) that the page's numbers equal the reconcile JSON's (admin::to_json's shape),
// field by field: the summary, every row, difference and commitment, the per-project totals and
// one bar per posted day with its amount.
void check_report_matches_json(const ReportDom& page, const json::Value& reconcile);

} // namespace mlc::test
