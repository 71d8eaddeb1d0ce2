#pragma once
// `ml-connector report`: the month-end close report, one self-contained HTML page a controller
// opens in a browser or attaches to the close checklist. It renders what `reconcile` computed
// (per project and GL account: Procore, posted, Oracle, each difference with its documents and
// what to do), the commitments, every posting held or failed in any period, and a chart of posted
// cost by day. The page carries no script and names no external URL (fonts, images, styles are
// inline; the chart is inline SVG), so it renders the same offline, in a mail client or printed.
//
// Every number a reader sees is also in a machine-readable hook beside it, so a test (or a script)
// can read the page back: `data-project`, `data-account`, `data-col` ("procore", "posted",
// "oracle", …) and `data-value`, the amount exactly as the reconcile JSON writes it ("-1200.50").
#include "admin/reconcile.hpp"
#include "admin/status.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::admin {

// What the report shows beyond the reconciliation: from the state database, not from the period.
struct ReportExtras {
    bool state_exists = false;
    // Per flow, its failed and held postings (the oldest first) and their totals, in every
    // period: a held journal of last month still blocks a clean close.
    std::vector<FlowPostings> flows;
};

// Reads the extras the way `status` does: read-only, no lock; a missing state database is not
// created (and gives no postings). `list_limit` bounds the postings listed per flow and kind.
ReportExtras read_report_extras(const Config& config, int list_limit = 200);

// The page. A pure function of its arguments: the same input gives the same bytes.
std::string close_report_html(const Reconciliation& r, const ReportExtras& extras);

// One line: everything agrees, or how many differences in the ledger and commitments.
std::string close_report_verdict(const Reconciliation& r);

// Text made safe for HTML text and attribute values (& < > " ').
std::string html_escape(std::string_view text);

// "1,234,567.80": the amount as a reader sees it, two decimals, grouped thousands.
std::string display_amount(const Decimal& amount);

// The period name made safe as part of a file name: "Nov-26" stays, "a/b" becomes "a_b".
std::string period_file_part(std::string_view period);

struct ReportFiles {
    std::filesystem::path html; // DIR/close-<period>.html
    std::filesystem::path json; // DIR/reconcile-<period>.json
};

// Writes both files into `dir` (created when missing), each atomically (write_file_atomically:
// a reader never sees half a page). The JSON first: the page never exists without the numbers it
// shows. Throws UsageError when the folder or a file cannot be written.
ReportFiles write_close_report(const std::filesystem::path& dir, std::string_view period,
                               const std::string& html, const std::string& json);

struct PeriodReport {
    Reconciliation reconciliation;
    ReportFiles files;
};

// `ml-connector report`: reconciles the period (reads only, no lock), reads the extras from the
// state database, and writes the page and the reconcile JSON (to_json) into `dir`.
PeriodReport write_period_report(const Config& config, engine::Connections& connections,
                                 Clock& clock, const ReconcileOptions& options,
                                 const std::filesystem::path& dir);

} // namespace mlc::admin
