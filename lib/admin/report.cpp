#include "admin/report.hpp"

#include "core/error.hpp"
#include "core/file.hpp"
#include "core/version.hpp"
#include "store/postings.hpp"
#include "sync/engine/names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <system_error>

namespace mlc::admin {

std::string html_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string display_amount(const Decimal& amount)
{
    const std::string fixed = amount.fixed(2);
    const bool negative = !fixed.empty() && fixed.front() == '-';
    const std::string digits = fixed.substr(negative ? 1 : 0);
    const auto dot = digits.find('.');
    const std::string whole = digits.substr(0, dot);
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) {
            grouped += ',';
        }
        grouped += whole[i];
    }
    // A minus sign, not a hyphen: it reads as one and does not break across lines.
    return (negative ? "\u2212" : "") + grouped
           + (dot == std::string::npos ? "" : digits.substr(dot));
}

std::string period_file_part(std::string_view period)
{
    std::string out;
    for (const char c : period) {
        const bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                          || c == '-' || c == '_' || c == '.';
        out += safe ? c : '_';
    }
    if (out.empty() || out.front() == '.') {
        out.insert(out.begin(), '_');
    }
    return out;
}

ReportExtras read_report_extras(const Config& config, int list_limit)
{
    // status's own reading: read-only, no lock, nothing created.
    const StatusReport status = read_status(config, 0, list_limit);
    ReportExtras extras;
    extras.state_exists = status.state_exists;
    extras.flows = status.flows;
    return extras;
}

namespace {

// --- small pieces ----------------------------------------------------------------------------

std::string report_period_status_word(const std::string& code)
{
    // Oracle's GL period status codes (GL_PERIOD_STATUSES.CLOSING_STATUS).
    if (code == "O") {
        return "open";
    }
    if (code == "C") {
        return "closed";
    }
    if (code == "F") {
        return "future entry";
    }
    if (code == "N") {
        return "never opened";
    }
    if (code == "P") {
        return "permanently closed";
    }
    if (code == "W") {
        return "close pending";
    }
    return code.empty() ? "unknown" : "status " + code;
}

// One amount cell: what a reader sees, and the exact value for a machine.
std::string report_amount_cell(const char* col, const Decimal& amount, bool off = false)
{
    return fmt::format("<td class=\"num{}{}\" data-col=\"{}\" data-value=\"{}\">{}</td>",
                       amount.is_negative() ? " neg" : "", off ? " off" : "", col,
                       html_escape(amount.fixed(2)), html_escape(display_amount(amount)));
}

std::string report_text_cell(const char* col, const std::string& text,
                             const char* css_class = nullptr)
{
    const std::string cls =
        css_class != nullptr ? fmt::format(" class=\"{}\"", css_class) : std::string{};
    return fmt::format("<td{} data-col=\"{}\">{}</td>", cls, col, html_escape(text));
}

std::string report_kind_label(const std::string& kind)
{
    namespace k = difference_kind;
    if (kind == k::not_posted) {
        return "not posted yet";
    }
    if (kind == k::held) {
        return "held";
    }
    if (kind == k::failed) {
        return "failed";
    }
    if (kind == k::in_flight) {
        return "in flight";
    }
    if (kind == k::changed) {
        return "changed after posting";
    }
    if (kind == k::withdrawn) {
        return "withdrawn after posting";
    }
    if (kind == k::other_period) {
        return "posted in another period";
    }
    if (kind == k::missing_in_oracle) {
        return "missing in Oracle";
    }
    if (kind == k::edited_in_oracle) {
        return "edited in Oracle";
    }
    if (kind == k::not_from_us) {
        return "not from ml-connector";
    }
    return kind;
}

std::string report_plural(std::size_t n, const char* one, const char* many)
{
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

// --- the chart -------------------------------------------------------------------------------

// Days as "YYYY-MM-DD"; nullopt when the text is not one.
std::optional<std::chrono::sys_days> report_parse_day(const std::string& text)
{
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                          std::chrono::day{d}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return std::chrono::sys_days{ymd};
}

std::string report_format_day(std::chrono::sys_days day)
{
    const std::chrono::year_month_day ymd{day};
    return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// Every calendar day of the period (at most a quarter's worth) and every day something was
// posted on, in order: a day without postings is a bar of zero, so gaps show.
std::vector<std::pair<std::string, Decimal>> report_chart_days(const Reconciliation& r)
{
    std::map<std::string, Decimal> days;
    const auto start = report_parse_day(r.start_date);
    const auto end = report_parse_day(r.end_date);
    if (start && end && *start <= *end && (*end - *start).count() <= 92) {
        for (auto d = *start; d <= *end; d += std::chrono::days{1}) {
            days.emplace(report_format_day(d), Decimal{});
        }
    }
    for (const auto& [day, amount] : r.posted_by_day) {
        days[day] = amount;
    }
    return {days.begin(), days.end()};
}

double report_to_double(const Decimal& d)
{
    return std::strtod(d.fixed(2).c_str(), nullptr);
}

// A round step for about five grid lines up to `max`: 1, 2 or 5 times a power of ten.
double report_nice_step(double max)
{
    if (max <= 0) {
        return 1;
    }
    const double raw = max / 5;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        if (raw <= m * magnitude) {
            return m * magnitude;
        }
    }
    return 10 * magnitude;
}

std::string report_axis_label(double value)
{
    const double a = std::fabs(value);
    const char* sign = value < 0 ? "\u2212" : "";
    if (a >= 1e6) {
        return fmt::format("{}{:g}M", sign, a / 1e6);
    }
    if (a >= 1e3) {
        return fmt::format("{}{:g}k", sign, a / 1e3);
    }
    return fmt::format("{}{:g}", sign, a);
}

std::string report_chart(const Reconciliation& r)
{
    const auto days = report_chart_days(r);
    if (days.empty()) {
        return "<p class=\"none\">Nothing was posted in this period.</p>\n";
    }
    const bool crowded = days.size() > 16;
    // Room above the plot for the amounts over the tallest bars (turned upright when crowded).
    constexpr double width = 1000, left = 70, right = 10, bottom = 56;
    const double top = crowded ? 76 : 24;
    const double height = 296 + top;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    double max = 0, min = 0;
    for (const auto& [day, amount] : days) {
        max = std::max(max, report_to_double(amount));
        min = std::min(min, report_to_double(amount));
    }
    const double step = report_nice_step(std::max(max, -min));
    const double hi = std::ceil(max / step) * step;
    const double lo = std::floor(min / step) * step;
    const double span = hi - lo > 0 ? hi - lo : 1;
    auto y_of = [&](double v) { return top + (hi - v) / span * plot_h; };
    const double band = plot_w / static_cast<double>(days.size());
    const double bar_w = std::max(1.0, band * 0.7);

    std::string svg =
        fmt::format("<svg class=\"chart\" viewBox=\"0 0 {} {}\" "
                    "role=\"img\" aria-labelledby=\"chart-title\" data-days=\"{}\">\n"
                    "<title id=\"chart-title\">Posted cost by accounting day, {}</title>\n",
                    width, height, days.size(), html_escape(r.period));
    // Grid lines and their amounts.
    for (double v = lo; v <= hi + step / 2; v += step) {
        const double y = y_of(v);
        svg += fmt::format(
            "<line class=\"grid{}\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/>"
            "<text class=\"axis\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
            std::fabs(v) < step / 2 ? " zero" : "", left, y, width - right, y, left - 6, y + 4,
            html_escape(report_axis_label(v)));
    }
    const double zero_y = y_of(0);
    for (std::size_t i = 0; i < days.size(); ++i) {
        const auto& [day, amount] = days[i];
        const double v = report_to_double(amount);
        const double x = left + band * static_cast<double>(i) + (band - bar_w) / 2;
        const double y = std::min(y_of(v), zero_y);
        const double h = std::fabs(y_of(v) - zero_y);
        const double cx = x + bar_w / 2;
        svg += fmt::format("<rect class=\"bar{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                           "height=\"{:.1f}\" data-day=\"{}\" data-value=\"{}\">"
                           "<title>{}: {}</title></rect>\n",
                           v < 0 ? " neg" : "", x, y, bar_w, h, html_escape(day),
                           html_escape(amount.fixed(2)), html_escape(day),
                           html_escape(display_amount(amount)));
        if (!amount.is_zero()) {
            // The amount over its bar (under it when negative), turned when bars are narrow.
            const double ty = v < 0 ? y + h + 12 : y - 4;
            svg += crowded ? fmt::format("<text class=\"amount\" x=\"{:.1f}\" y=\"{:.1f}\" "
                                         "transform=\"rotate(-90 {:.1f} {:.1f})\" dx=\"{}\" "
                                         "dy=\"3\" text-anchor=\"{}\">{}</text>\n",
                                         cx, ty, cx, ty, v < 0 ? -2 : 2, v < 0 ? "end" : "start",
                                         html_escape(display_amount(amount)))
                           : fmt::format("<text class=\"amount\" x=\"{:.1f}\" y=\"{:.1f}\" "
                                         "text-anchor=\"middle\">{}</text>\n",
                                         cx, ty, html_escape(display_amount(amount)));
        }
        // The day under its bar: "11-03", every one, turned when crowded.
        const std::string label = day.size() == 10 ? day.substr(5) : day;
        const double ly = height - bottom + 14;
        svg += crowded ? fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\" "
                                     "transform=\"rotate(-60 {:.1f} {:.1f})\" "
                                     "text-anchor=\"end\">{}</text>\n",
                                     cx, ly, cx, ly, html_escape(label))
                       : fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\" "
                                     "text-anchor=\"middle\">{}</text>\n",
                                     cx, ly, html_escape(label));
    }
    svg += fmt::format("<line class=\"axis-line\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                       left, top, left, height - bottom);
    svg += "</svg>\n";
    return svg;
}

// --- the page --------------------------------------------------------------------------------

constexpr const char* k_report_css = R"(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       font-size: 14px; line-height: 1.4; color: #1d2430; background: #fff; margin: 0; padding: 24px 32px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #1d2430; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.sub { color: #5a6473; font-weight: normal; font-size: 14px; }
.verdict { display: inline-block; padding: 6px 12px; border-radius: 4px; font-weight: 600; margin: 10px 0; }
.verdict.ok { background: #e3f4e6; color: #14532d; border: 1px solid #86c79a; }
.verdict.bad { background: #fdeaea; color: #7f1d1d; border: 1px solid #e59a9a; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 8px 0 0; }
dl.summary dt { color: #5a6473; }
dl.summary dd { margin: 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { border-bottom: 1px solid #d8dde5; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f4f8; font-weight: 600; font-size: 13px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.neg { color: #9b1c1c; }
tr.diff td { background: #fff7e0; }
tr.diff td.off { background: #fbd5d5; font-weight: 700; }
tr.total td { font-weight: 700; border-top: 2px solid #1d2430; border-bottom: none; }
td.key, td.account { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
td.action { font-size: 13px; }
td.why { font-size: 13px; color: #4a5361; }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; font-weight: 600;
       background: #e8ecf2; white-space: nowrap; }
.tag.failed, .tag.missing_in_oracle { background: #fbd5d5; color: #7f1d1d; }
.tag.held, .tag.changed, .tag.withdrawn, .tag.edited_in_oracle { background: #fde8c8; color: #7a4100; }
.tag.ok { background: #e3f4e6; color: #14532d; }
.none { color: #5a6473; font-style: italic; }
.hint { color: #4a5361; font-size: 13px; margin: 2px 0 8px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px;
       background: #f1f4f8; padding: 0 3px; border-radius: 2px; }
svg.chart { width: 100%; max-width: 1000px; height: auto; display: block; }
svg.chart .bar { fill: #2f6db5; }
svg.chart .bar.neg { fill: #b53a2f; }
svg.chart .grid { stroke: #e1e5eb; stroke-width: 1; }
svg.chart .grid.zero, svg.chart .axis-line { stroke: #5a6473; stroke-width: 1; }
svg.chart text { font-size: 11px; fill: #4a5361; font-family: inherit; }
svg.chart text.amount { fill: #1d2430; font-size: 10px; }
footer { margin-top: 32px; color: #5a6473; font-size: 12px; border-top: 1px solid #d8dde5; padding-top: 8px; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { padding: 0; font-size: 10.5px; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  tr, svg.chart { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  section.project { break-before: auto; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)";

struct ReportProject {
    std::int64_t id = 0;
    std::string cost_center;
    std::vector<const AccountRow*> rows;
    std::vector<std::pair<std::size_t, const Difference*>> differences; // index in r.differences
    Decimal procore, posted, oracle;
};

std::vector<ReportProject> report_projects(const Reconciliation& r)
{
    std::map<std::int64_t, ReportProject> by_id;
    for (const auto& row : r.rows) {
        auto& p = by_id[row.project_id];
        p.id = row.project_id;
        if (p.cost_center.empty()) {
            p.cost_center = row.cost_center;
        }
        p.rows.push_back(&row);
        if (row.offset) {
            continue; // the journals' credit side: a project's total is its cost
        }
        p.procore += row.procore;
        p.posted += row.posted;
        p.oracle += row.oracle;
    }
    for (std::size_t i = 0; i < r.differences.size(); ++i) {
        auto& p = by_id[r.differences[i].project_id];
        p.id = r.differences[i].project_id;
        p.differences.emplace_back(i, &r.differences[i]);
    }
    std::vector<ReportProject> out;
    for (auto& [id, p] : by_id) {
        out.push_back(std::move(p));
    }
    return out;
}

std::string report_summary(const Reconciliation& r, const std::vector<ReportProject>& projects,
                           const ReportExtras& extras)
{
    std::int64_t failed = 0, held = 0;
    for (const auto& f : extras.flows) {
        failed += f.failed_total;
        held += f.held_total;
    }
    const bool agrees = r.agrees();
    const std::string verdict = close_report_verdict(r);
    std::string out =
        fmt::format("<p class=\"verdict {}\" data-field=\"agrees\" data-value=\"{}\">{}</p>\n"
                    "<dl class=\"summary\">\n",
                    agrees ? "ok" : "bad", agrees ? "true" : "false", html_escape(verdict));
    auto item = [&out](const char* label, const char* field, const std::string& value,
                       const std::string& shown) {
        out += fmt::format("<dt>{}</dt><dd data-field=\"{}\" data-value=\"{}\">{}</dd>\n", label,
                           field, html_escape(value), html_escape(shown));
    };
    item("Period", "period", r.period, r.period);
    item("From", "start_date", r.start_date, r.start_date);
    item("To", "end_date", r.end_date, r.end_date);
    item("Period status", "period_status", r.period_status,
         fmt::format("{} ({})", report_period_status_word(r.period_status), r.period_status));
    item("Currency", "currency", r.currency, r.currency);
    item("Projects", "projects", std::to_string(projects.size()), std::to_string(projects.size()));
    item("Differences", "differences", std::to_string(r.differences.size()),
         std::to_string(r.differences.size()));
    item("Postings failed / held (any period)", "postings_failed_held",
         fmt::format("{}/{}", failed, held), fmt::format("{} failed, {} held", failed, held));
    item("Generated", "generated_at", r.generated_at, r.generated_at);
    out += "</dl>\n";
    return out;
}

std::string report_totals(const std::vector<ReportProject>& projects)
{
    std::string out = "<h2 id=\"totals\">Totals per project</h2>\n";
    if (projects.empty()) {
        return out + "<p class=\"none\">No project has costs or journals in this period.</p>\n";
    }
    out += "<p class=\"hint\">Net cost (debits minus credits) on each project's accounts; the "
           "offset accounts the journals credit are listed with the project's accounts but left "
           "out of these totals.</p>\n";
    out += "<table class=\"totals\">\n<thead><tr><th>Project</th><th>Cost center</th>"
           "<th class=\"num\">Procore</th><th class=\"num\">Posted</th>"
           "<th class=\"num\">Oracle</th><th class=\"num\">Procore \u2212 Oracle</th>"
           "<th>Differences</th></tr></thead>\n<tbody>\n";
    Decimal procore, posted, oracle;
    for (const auto& p : projects) {
        const bool agrees = p.procore == p.posted && p.posted == p.oracle && p.differences.empty();
        out += fmt::format("<tr class=\"{}\" data-kind=\"project-total\" data-project=\"{}\">"
                           "<td><a href=\"#project-{}\">{}</a></td>{}",
                           agrees ? "ok" : "diff", p.id, p.id, p.id,
                           report_text_cell("cost_center", p.cost_center));
        out += report_amount_cell("procore", p.procore);
        out += report_amount_cell("posted", p.posted, p.posted != p.procore);
        out += report_amount_cell("oracle", p.oracle, p.oracle != p.posted);
        out += report_amount_cell("difference", p.procore - p.oracle, p.procore != p.oracle);
        out += fmt::format(
            "<td data-col=\"differences\" data-value=\"{}\">{}</td></tr>\n", p.differences.size(),
            p.differences.empty() ? std::string("<span class=\"tag ok\">agrees</span>")
                                  : html_escape(std::to_string(p.differences.size())));
        procore += p.procore;
        posted += p.posted;
        oracle += p.oracle;
    }
    out += "</tbody>\n<tfoot><tr class=\"total\" data-kind=\"grand-total\"><td colspan=\"2\">"
           "All projects</td>";
    out += report_amount_cell("procore", procore);
    out += report_amount_cell("posted", posted);
    out += report_amount_cell("oracle", oracle);
    out += report_amount_cell("difference", procore - oracle);
    out += "<td></td></tr></tfoot>\n</table>\n";
    return out;
}

std::string report_project(const ReportProject& p)
{
    std::string out =
        fmt::format("<section class=\"project\" id=\"project-{}\" data-project=\"{}\">\n"
                    "<h2>Project {}{}</h2>\n",
                    p.id, p.id, p.id,
                    p.cost_center.empty() ? std::string{}
                                          : " <span class=\"sub\">cost center "
                                                + html_escape(p.cost_center) + "</span>");
    if (p.rows.empty()) {
        out += "<p class=\"none\">No account of this project has an amount in the period.</p>\n";
    } else {
        out += "<table class=\"accounts\">\n<thead><tr><th>GL account</th>"
               "<th class=\"num\">Procore</th><th class=\"num\">Posted</th>"
               "<th class=\"num\">Oracle</th><th class=\"num\">Procore \u2212 Oracle</th>"
               "<th></th></tr></thead>\n<tbody>\n";
        for (const auto* row : p.rows) {
            const bool agrees = row->agrees();
            out += fmt::format(
                "<tr class=\"{}\" data-kind=\"row\" data-project=\"{}\" data-account=\"{}\" "
                "data-cost-center=\"{}\" data-agrees=\"{}\">",
                agrees ? "ok" : "diff", row->project_id, html_escape(row->account),
                html_escape(row->cost_center), agrees ? "true" : "false");
            out += report_text_cell("account", row->account, "account");
            out += report_amount_cell("procore", row->procore);
            out += report_amount_cell("posted", row->posted, row->posted != row->procore);
            out += report_amount_cell("oracle", row->oracle, row->oracle != row->posted);
            out += report_amount_cell("difference", row->procore - row->oracle,
                                      row->procore != row->oracle);
            out += agrees ? "<td><span class=\"tag ok\">agrees</span></td>"
                          : "<td><span class=\"tag failed\">differs</span></td>";
            out += "</tr>\n";
        }
        out += "</tbody>\n<tfoot><tr class=\"total\" data-kind=\"project-sum\">"
               "<td>Project total</td>";
        out += report_amount_cell("procore", p.procore);
        out += report_amount_cell("posted", p.posted);
        out += report_amount_cell("oracle", p.oracle);
        out += report_amount_cell("difference", p.procore - p.oracle);
        out += "<td></td></tr></tfoot>\n</table>\n";
    }
    if (p.differences.empty()) {
        return out + "</section>\n";
    }
    out += fmt::format("<h3>{} and the documents behind them</h3>\n",
                       p.differences.size() == 1
                           ? std::string("1 difference")
                           : fmt::format("{} differences", p.differences.size()));
    out += "<table class=\"differences\">\n<thead><tr><th>What</th><th>Document</th>"
           "<th>GL account</th><th>Journal / batch</th><th class=\"num\">Procore</th>"
           "<th class=\"num\">Posted</th><th class=\"num\">Oracle</th><th>Why</th>"
           "<th>What to do</th></tr></thead>\n<tbody>\n";
    for (const auto& [index, d] : p.differences) {
        out += fmt::format("<tr class=\"diff\" data-kind=\"difference\" data-index=\"{}\" "
                           "data-project=\"{}\" data-account=\"{}\" data-record=\"{}\" "
                           "data-difference=\"{}\">",
                           index, d->project_id, html_escape(d->account),
                           html_escape(d->record_key), html_escape(d->kind));
        out += fmt::format("<td data-col=\"kind\"><span class=\"tag {}\">{}</span></td>",
                           html_escape(d->kind), html_escape(report_kind_label(d->kind)));
        out += fmt::format("<td data-col=\"document\">{}{}</td>", html_escape(d->document),
                           d->record_key.empty()
                               ? std::string{}
                               : "<br><code>" + html_escape(d->record_key) + "</code>");
        out += report_text_cell("account", d->account.empty() ? "(no account)" : d->account,
                                "account");
        std::string journal = d->journal;
        if (!d->batch.empty() && d->batch != d->journal) {
            journal += (journal.empty() ? "" : " / ") + d->batch;
        }
        out += report_text_cell("journal", journal, "key");
        out += report_amount_cell("procore", d->procore);
        out += report_amount_cell("posted", d->posted);
        out += report_amount_cell("oracle", d->oracle);
        out += report_text_cell("why", d->why, "why");
        out += report_text_cell("action", d->action, "action");
        out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n</section>\n";
    return out;
}

std::string report_commitments(const Reconciliation& r)
{
    std::string out = "<h2 id=\"commitments\">Commitments: committed and invoiced</h2>\n";
    if (r.commitments.empty()) {
        return out + "<p class=\"none\">No commitment went to Oracle or should have.</p>\n";
    }
    out += "<table class=\"commitments\">\n<thead><tr><th>Project</th><th>Commitment</th>"
           "<th>Oracle PO</th><th class=\"num\">Committed (Procore)</th>"
           "<th class=\"num\">Ordered (Oracle)</th><th class=\"num\">Invoiced (Procore)</th>"
           "<th class=\"num\">Invoiced (Oracle)</th><th>Note</th></tr></thead>\n<tbody>\n";
    for (const auto& c : r.commitments) {
        const bool agrees = c.agrees();
        out += fmt::format("<tr class=\"{}\" data-kind=\"commitment\" data-project=\"{}\" "
                           "data-commitment=\"{}\" data-agrees=\"{}\">",
                           agrees ? "ok" : "diff", c.project_id, c.commitment_id,
                           agrees ? "true" : "false");
        out += fmt::format("<td data-col=\"project_id\">{}</td>", c.project_id);
        out += report_text_cell("commitment", c.commitment);
        out += report_text_cell("order_number", c.order_number.empty() ? "none" : c.order_number,
                                "key");
        out += report_amount_cell("procore_committed", c.procore_committed);
        out += report_amount_cell("oracle_ordered", c.oracle_ordered,
                                  c.oracle_ordered != c.procore_committed);
        out += report_amount_cell("procore_invoiced", c.procore_invoiced);
        out += report_amount_cell("oracle_invoiced", c.oracle_invoiced,
                                  c.oracle_invoiced != c.procore_invoiced);
        out += report_text_cell("note", c.note, "why");
        out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
    return out;
}

std::string report_flow_title(const std::string& name)
{
    for (const auto* f : engine::flows()) {
        if (f->name == name) {
            return std::string(f->title);
        }
    }
    return name;
}

std::string report_postings(const ReportExtras& extras)
{
    std::string out = "<h2 id=\"postings\">Postings held or failed, in any period</h2>\n";
    if (!extras.state_exists) {
        return out + "<p class=\"none\">No state database: nothing was posted from here.</p>\n";
    }
    bool any = false;
    for (const auto& f : extras.flows) {
        if (f.failed_total + f.held_total == 0) {
            continue;
        }
        any = true;
        out += fmt::format("<h3 data-flow=\"{}\">{} <span class=\"sub\">{} failed, {} held</span>"
                           "</h3>\n",
                           html_escape(f.flow), html_escape(report_flow_title(f.flow)),
                           f.failed_total, f.held_total);
        out += "<table class=\"postings\">\n<thead><tr><th>Posting</th><th>Status</th>"
               "<th>Record</th><th>Since</th><th>Reason</th><th>What to do</th></tr></thead>\n"
               "<tbody>\n";
        auto rows = [&](const std::vector<store::Posting>& list) {
            for (const auto& p : list) {
                const bool failed = p.status == store::posting_status::failed;
                std::string todo;
                if (!failed) {
                    todo = fmt::format("settle it (open the period, accept the change), then "
                                       "ml-connector replay --posting {}",
                                       p.id);
                } else if (p.error_class.value_or("") == store::error_class::retryable) {
                    todo = fmt::format("nothing: the next pass retries it (or ml-connector "
                                       "replay --posting {} now)",
                                       p.id);
                } else {
                    todo = fmt::format("fix the cause (the {} named in the reason), then "
                                       "ml-connector replay --posting {}",
                                       p.error_class.value_or("error") == store::error_class::config
                                           ? "mapping"
                                           : "record",
                                       p.id);
                }
                out += fmt::format("<tr class=\"diff\" data-kind=\"posting\" data-posting=\"{}\" "
                                   "data-status=\"{}\" data-flow=\"{}\">",
                                   p.id, html_escape(p.status), html_escape(f.flow));
                out += fmt::format("<td data-col=\"id\">#{}</td>", p.id);
                out += fmt::format(
                    "<td data-col=\"status\"><span class=\"tag {}\">{}{}</span></td>",
                    html_escape(p.status), html_escape(p.status),
                    p.error_class ? " (" + html_escape(*p.error_class) + ")" : std::string{});
                out += report_text_cell("source_key", p.source_key, "key");
                out += report_text_cell("updated_at", p.updated_at);
                out += report_text_cell("reason", first_line(p.last_error.value_or("")), "why");
                out += report_text_cell("action", todo, "action");
                out += "</tr>\n";
            }
        };
        rows(f.failed);
        rows(f.held);
        out += "</tbody>\n</table>\n";
        const auto listed = static_cast<std::int64_t>(f.failed.size() + f.held.size());
        if (f.failed_total + f.held_total > listed) {
            out += fmt::format("<p class=\"hint\">\u2026 and {} more: <code>ml-connector status"
                               "</code> lists them.</p>\n",
                               f.failed_total + f.held_total - listed);
        }
        if (f.failed_total > 0) {
            out += fmt::format("<p class=\"hint\">All failed at once, after the fixes: "
                               "<code>ml-connector replay --kind {} --failed</code></p>\n",
                               html_escape(f.flow));
        }
        if (f.held_total > 0) {
            out += fmt::format("<p class=\"hint\">All held at once, once settled: "
                               "<code>ml-connector replay --kind {} --held</code></p>\n",
                               html_escape(f.flow));
        }
    }
    std::int64_t unconfirmed = 0;
    for (const auto& f : extras.flows) {
        unconfirmed += f.unconfirmed_total;
    }
    if (!any) {
        out += "<p class=\"none\" data-field=\"no-postings\">No posting is held or failed.</p>\n";
    }
    if (unconfirmed > 0) {
        out += fmt::format(
            "<p class=\"hint\">{} sent and not yet confirmed: the next pass looks "
            "each one up and confirms it, or resends it only when the target does "
            "not have it.</p>\n",
            report_plural(static_cast<std::size_t>(unconfirmed), "posting is", "postings are"));
    }
    return out;
}

} // namespace

std::string close_report_verdict(const Reconciliation& r)
{
    if (r.agrees()) {
        return "Procore, ml-connector and the ledger agree";
    }
    const auto rows_off = static_cast<std::size_t>(std::count_if(
        r.rows.begin(), r.rows.end(), [](const AccountRow& a) { return !a.agrees(); }));
    const auto commitments_off =
        static_cast<std::size_t>(std::count_if(r.commitments.begin(), r.commitments.end(),
                                               [](const CommitmentRow& c) { return !c.agrees(); }));
    std::string out;
    if (!r.differences.empty() || rows_off > 0) {
        out = fmt::format("{} in the ledger to look at ({} of {} account rows differ)",
                          report_plural(r.differences.size(), "difference", "differences"),
                          rows_off, r.rows.size());
    }
    if (commitments_off > 0) {
        out += fmt::format("{}{} of {} commitments differ from Oracle", out.empty() ? "" : "; ",
                           commitments_off, r.commitments.size());
    }
    return out;
}

std::string close_report_html(const Reconciliation& r, const ReportExtras& extras)
{
    const auto projects = report_projects(r);
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    // No network at all, even if someone edits the page: nothing but inline styles and images.
    out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; img-src data:\">\n";
    out += fmt::format("<title>Close report {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                       html_escape(r.period), k_report_css);
    out += fmt::format("<header>\n<h1>Month-end close: {} <span class=\"sub\">{} to {}</span>"
                       "</h1>\n",
                       html_escape(r.period), html_escape(r.start_date), html_escape(r.end_date));
    out += report_summary(r, projects, extras);
    out += "</header>\n<main>\n";
    out += report_totals(projects);
    for (const auto& p : projects) {
        out += report_project(p);
    }
    out += report_commitments(r);
    out += report_postings(extras);
    out += "<h2 id=\"chart\">Posted cost by day</h2>\n";
    out += fmt::format("<p class=\"hint\">Debits of ml-connector's journals by accounting date, "
                       "{}.</p>\n",
                       html_escape(r.currency.empty() ? std::string("in the ledger's currency")
                                                      : "in " + r.currency));
    out += report_chart(r);
    out += fmt::format("</main>\n<footer>ml-connector {} \u00b7 reconcile of {} generated {} "
                       "\u00b7 the numbers of this page are in reconcile-{}.json beside it"
                       "</footer>\n</body>\n</html>\n",
                       html_escape(k_version), html_escape(r.period), html_escape(r.generated_at),
                       html_escape(period_file_part(r.period)));
    return out;
}

ReportFiles write_close_report(const std::filesystem::path& dir, std::string_view period,
                               const std::string& html, const std::string& json)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir)) {
        throw UsageError("cannot create the folder " + dir.string()
                             + (ec ? ": " + ec.message() : std::string{}),
                         "name a folder you can write to with --out");
    }
    const std::string part = period_file_part(period);
    ReportFiles files{dir / ("close-" + part + ".html"), dir / ("reconcile-" + part + ".json")};
    write_file_atomically(files.json, json);
    write_file_atomically(files.html, html);
    return files;
}

PeriodReport write_period_report(const Config& config, engine::Connections& connections,
                                 Clock& clock, const ReconcileOptions& options,
                                 const std::filesystem::path& dir)
{
    PeriodReport report;
    report.reconciliation = reconcile(config, connections, clock, options);
    const ReportExtras extras = read_report_extras(config);
    report.files = write_close_report(dir, report.reconciliation.period,
                                      close_report_html(report.reconciliation, extras),
                                      to_json(report.reconciliation) + "\n");
    return report;
}

} // namespace mlc::admin
