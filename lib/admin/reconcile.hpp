#pragma once
// `ml-connector reconcile`: does the ledger agree with the projects for one accounting period,
// and if not, which documents explain the difference.
//
// Three columns per project and GL account (net debit: debits minus credits, exact decimals):
//   procore  what Procore says should be in the ledger: the approved direct costs of the types
//            that post and the approved commitment change orders dated in the period, read live
//            and planned into journal lines exactly as post-costs would plan them;
//   posted   what ml-connector posted: the confirmed journal postings of the period;
//   oracle   what the ledger holds: the journal lines of the period from our journal source, and
//            from the sources people enter journals with (Manual, Spreadsheet) on a project's
//            cost center.
// Every difference is explained by documents (Difference): a Procore document not yet posted
// (held, failed, in flight, not yet picked up), changed or withdrawn after posting, a posted
// journal missing or edited in Oracle, a journal in Oracle that is not ours. Reads only: no lock,
// no state written.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/decimal.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlc::engine {
class Connections;
}

namespace mlc::admin {

struct ReconcileOptions {
    std::string period;                 // the GL period name, e.g. "Nov-26"
    std::vector<std::int64_t> projects; // --project; empty: every project the mapping covers
};

// One project x GL account.
struct AccountRow {
    std::int64_t project_id = 0;
    std::string cost_center;
    std::string account; // the full combination, segments joined by the chart's delimiter
    Decimal procore;     // net debit Procore's documents plan to
    Decimal posted;      // net debit of our confirmed postings
    Decimal oracle;      // net debit of the ledger's journal lines
    bool offset = false; // a configured offset account (the journals' credit side), not a cost
    bool agrees() const { return procore == posted && posted == oracle; }
};

// What explains a difference, one document (or one foreign journal) on one account.
namespace difference_kind {
inline constexpr const char* not_posted = "not_posted";     // eligible, no posting yet
inline constexpr const char* held = "held";                 // its posting waits on a person
inline constexpr const char* failed = "failed";             // its posting (or its plan) failed
inline constexpr const char* in_flight = "in_flight";       // sent, not yet confirmed
inline constexpr const char* changed = "changed";           // edited in Procore after posting
inline constexpr const char* withdrawn = "withdrawn";       // deleted/unapproved after posting
inline constexpr const char* other_period = "other_period"; // posted in another period (next_open)
inline constexpr const char* missing_in_oracle = "missing_in_oracle"; // posted, not in ledger
inline constexpr const char* edited_in_oracle = "edited_in_oracle";   // amounts differ there
inline constexpr const char* not_from_us = "not_from_us"; // a journal someone else entered
} // namespace difference_kind

struct Difference {
    std::string kind; // see difference_kind
    std::int64_t project_id = 0;
    std::string account;    // empty when the document cannot be mapped to an account
    std::string record_key; // "dc:<project>:<id>" / "co:<project>:<id>"; empty for foreign ones
    std::string document;   // "direct cost 4600000003 (INV-1234, expense)", "journal … (Manual)"
    std::string journal;    // the journal name (REFERENCE4) in Oracle, when there is one
    std::string batch;      // its batch name
    Decimal procore, posted, oracle; // this document's share of the row
    std::string why;                 // the posting's error or hold reason, or what changed
    std::string action;              // what to do about it, a command when there is one
};

// Committed and invoiced, per Procore commitment that went to Oracle or should have.
struct CommitmentRow {
    std::int64_t project_id = 0;
    std::int64_t commitment_id = 0;
    std::string commitment;    // "PO-0001 Concrete" (number and title)
    std::string order_number;  // Oracle OrderNumber; empty when there is no PO
    Decimal procore_committed; // the commitment's grand total
    Decimal oracle_ordered;    // the PO's total in Oracle
    Decimal procore_invoiced;  // approved requisitions
    Decimal oracle_invoiced;   // the AP invoices we created for them, as Oracle holds them
    std::string note;          // why they differ, when they do
    bool agrees() const
    {
        return procore_committed == oracle_ordered && procore_invoiced == oracle_invoiced;
    }
};

struct Reconciliation {
    std::string period;
    std::string start_date; // YYYY-MM-DD
    std::string end_date;
    std::string period_status; // O, C, F …
    std::string currency;
    std::string generated_at;                     // ISO-8601 UTC
    std::vector<AccountRow> rows;                 // differences first, then by project and account
    std::vector<Difference> differences;          // by project, account, document
    std::vector<CommitmentRow> commitments;       // differences first
    std::map<std::string, Decimal> posted_by_day; // accounting date -> debits of our journals
    std::map<std::string, std::int64_t> api_calls;
    bool agrees() const;
};

Reconciliation reconcile(const Config& config, engine::Connections& connections, Clock& clock,
                         const ReconcileOptions& options);

// {"period", "start_date", "end_date", "period_status", "currency", "generated_at", "agrees",
//  "rows": [{"project_id", "cost_center", "account", "procore", "posted", "oracle", "offset",
//            "agrees"}],
//  "differences": [{"kind", "project_id", "account", "record_key", "document", "journal",
//                   "batch", "procore", "posted", "oracle", "why", "action"}],
//  "commitments": [{"project_id", "commitment_id", "commitment", "order_number",
//                   "procore_committed", "oracle_ordered", "procore_invoiced",
//                   "oracle_invoiced", "note", "agrees"}],
//  "posted_by_day": {"2026-11-03": "1200.00", …}, "api_calls": {"GET /…": n}}
// Amounts are strings with two decimals ("-1200.50"), never JSON numbers.
std::string to_json(const Reconciliation& r);
std::string to_csv(const Reconciliation& r);   // one line per row and difference
std::string to_table(const Reconciliation& r); // differences first

} // namespace mlc::admin
