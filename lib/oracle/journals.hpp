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
