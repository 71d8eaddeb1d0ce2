#pragma once
// What the general ledger already has: journal batches looked up by name (journalBatches with
// their journal headers), and the ledger's accounting period statuses (accountingPeriodStatusLOV).
// post-costs confirms a journal only when it finds it here with the expected totals, and holds a
// cost whose period is not open.
#include "oracle/client.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlc::oracle {

// One journal (header) of a batch, as journalBatches shows it.
struct LedgerJournal {
    std::int64_t batch_id = 0;  // JeBatchId
    std::string batch_name;     // BatchName (Name on some pods)
    std::string batch_status;   // Status
    std::string posting_status; // PostingStatus
    std::string period;         // AccountingPeriodName
    std::int64_t header_id = 0; // JeHeaderId
    std::string journal_name;   // JournalName
    std::string total_dr;       // RunningTotalEnteredDr as decimal text (exact, as Oracle sent it)
    std::string total_cr;       // RunningTotalEnteredCr
    std::string currency;       // CurrencyCode
};

// One journalBatches page (expand=journalHeaders; children as a bare array or a collection
// object), one LedgerJournal per journal header. Numbers are read as the text Oracle sent.
std::expected<std::vector<LedgerJournal>, std::string>
parse_journal_batch_page(const std::string& body);

// Every journal of the batches named `batch_name` (q=BatchName='…', then each batch's
// child/journalHeaders, 500 a page), all pages. Empty when Oracle has no such batch. A name with a
// quote is escaped ('').
std::expected<std::vector<LedgerJournal>, http::Error> find_journals(Client& client,
                                                                     const std::string& batch_name);
// The same, each journal handed on as its page is read (a batch of tens of thousands is never
// held whole).
using JournalSink = std::function<void(LedgerJournal&&)>;
std::expected<void, http::Error> find_journals_each(Client& client, const std::string& batch_name,
                                                    const JournalSink& each);

// One journal line as the ledger holds it, with its journal and batch: what reconcile compares.
struct LedgerLine {
    std::int64_t batch_id = 0;
    std::string batch_name;
    std::string source; // the journal source (Procore, Manual, Payables …); "" unknown
    std::int64_t header_id = 0;
    std::string journal_name;    // JournalName: REFERENCE4 for our journals
    std::string accounting_date; // YYYY-MM-DD
    std::int64_t line_number = 0;
    std::string account; // AccountCombination: the segments joined by the delimiter
    std::string debit;   // EnteredDebitAmount as decimal text; "" when none
    std::string credit;  // EnteredCreditAmount; "" when none
};
using LedgerLineSink = std::function<void(LedgerLine&&)>;

// Which batches' lines to read: given a batch's source, true to read it.
using BatchFilter = std::function<bool(const std::string& source)>;

// Every line of the journals of period `period` (q=AccountingPeriodName, and LedgerName when
// `ledger_name` is set), of the batches `wanted` accepts. Batches are listed 100 a page without
// their children; each wanted batch's journals are then read with their lines
// (journalBatches/{id}/child/journalHeaders?expand=journalLines, 500 a page): one call per page
// of batches and one per wanted batch, never one per line or journal. A line list the framework
// cut short (hasMore) is an error, not a short journal.
// UNCONFIRMED (reference §4 lists no source attribute on journalBatches): the source is read
// from the batch's or the header's JournalSource, UserJeSourceName or Source, the first present;
// a batch showing none has source "" and goes to `wanted` as such. Amounts are read from
// EnteredDebitAmount / EnteredCreditAmount, else EnteredDr / EnteredCr (both spellings seen).
std::expected<void, http::Error> read_period_lines(Client& client, const std::string& period,
                                                   const std::string& ledger_name,
                                                   const BatchFilter& wanted,
                                                   const LedgerLineSink& each);

struct PeriodStatus {
    std::string name;           // PeriodNameId, e.g. "Jul-26"
    std::string closing_status; // O F C N P (open, future-enterable, closed, never opened,
                                // permanently closed)
    std::string start_date;     // YYYY-MM-DD
    std::string end_date;       // YYYY-MM-DD
    bool open() const { return closing_status == "O"; }
};

// One accountingPeriodStatusLOV page. Every period needs PeriodNameId, StartDate and EndDate.
std::expected<std::vector<PeriodStatus>, std::string>
parse_period_status_page(const std::string& body);

// The ledger's GL periods (ApplicationId 101), all pages, ordered by start date.
std::expected<std::vector<PeriodStatus>, http::Error> read_periods(Client& client,
                                                                   std::int64_t ledger_id);

// The period a date (YYYY-MM-DD) falls in, or nullptr. Where periods overlap (an adjusting
// period), the one that starts first.
const PeriodStatus* period_of(const std::vector<PeriodStatus>& periods, const std::string& date);

} // namespace mlc::oracle
