#pragma once
// Planning one Procore cost document (a direct cost or an approved commitment change order) as
// one balanced GL journal: a pure function of the document, the mapping, the ledger's periods
// and the GL account each cost code leads to. Debits go to each line's cost-code account with
// the project's cost center (the cost type's natural account when mapping.cost_types names it),
// the credit to the offset account of the document's kind; a negative line (a deductive change)
// credits its account instead. Money is exact (Decimal): the journal balances by construction
// and is checked again before it is written. Every failure names the record, what is missing and
// the fix, with its error class (`data`: fix the document; `config`: fix the mapping).
#include "core/config.hpp"
#include "oracle/journals.hpp"
#include "procore/costs.hpp"
#include "sync/engine/cost_accounts.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlc::flows {

struct JournalLine {
    std::vector<std::string> segments; // in chart order
    std::string debit;                 // decimal text with 2 places, or empty
    std::string credit;                // decimal text with 2 places, or empty
    std::string description;           // REFERENCE10
    std::string reference;             // REFERENCE21: "<record key> line <procore line id>"
};

// One journal as it is (or was) sent: what a posting's request holds, what a plan file lists and
// what a reversal is made from.
struct Journal {
    std::string record_key;      // "dc:<project>:<id>" / "co:<project>:<id>"
    std::string version;         // the document's content version (16 hex)
    bool reversal = false;       // reverses the journal of `version`
    std::string name;            // REFERENCE4, unique per record, version and direction
    std::string description;     // REFERENCE5
    std::string reference;       // REFERENCE6: the source document
    std::string accounting_date; // YYYY-MM-DD
    std::string period;          // PERIOD_NAME
    std::string currency;
    std::int64_t project_id = 0;
    std::string cost_center;
    std::string source_document; // "direct cost 4600000003 (INV-1234, expense)"
    std::string total;           // the debits (= the credits), 2 places
    std::vector<JournalLine> lines;
};

struct JournalLookups {
    // A line's cost code's GL combination (see engine::CostAccounts).
    std::function<engine::CostCodeAccount(std::int64_t project, const procore::CostLine& line)>
        account;
    const std::vector<oracle::PeriodStatus>* periods = nullptr; // nullptr: periods not read
};

// Lookups that read a line's account through `accounts` (from the cost code the line carries
// inline when that is enough, else from the project's cost codes) and plan in `periods`. What
// post-costs and reconcile both plan with, so they cannot plan a document differently.
JournalLookups journal_lookups(engine::CostAccounts& accounts,
                               const std::vector<oracle::PeriodStatus>& periods);

// The words every period hold ends its reason with: how a pass finds the documents to look at
// again (they post as soon as the period opens).
inline constexpr const char* k_held_for_period = "held until its period opens";

struct JournalPlan {
    std::optional<Journal> journal; // set when the document posts
    std::string skip;               // why it does not post, not being a failure
    std::string error;              // why it cannot post
    std::string error_class;        // store::error_class::data or config
    std::string held;               // why it waits (a period not open)
    std::string fingerprint;        // of the Procore content (the posting's version)
    std::string summary;            // "total …; line 1 …" (links.summary)
};

// The record key: "dc:<project>:<id>" or "co:<project>:<id>".
std::string cost_key(const procore::CostDocument& d);
struct CostRef {
    procore::CostKind kind = procore::CostKind::direct_cost;
    std::int64_t project_id = 0;
    std::int64_t id = 0;
};
std::optional<CostRef> parse_cost_key(const std::string& key);

// The journal name (REFERENCE4) of a record's version: "MLC DC-<id> <version8>", with " REV"
// for its reversal. What the write-back puts in a direct cost's origin_id.
std::string journal_name(const std::string& record_key, const std::string& version, bool reversal);
// True when `origin_id` is a journal name of ours.
bool is_our_journal_name(const std::string& origin_id);

// Fingerprint and summary of the Procore content alone (type, date, number, lines), so the
// version of a document does not change with the mapping or the day.
void describe(const procore::CostDocument& d, JournalPlan& plan);

// Whether the document is one post-costs posts at all (status, type, origin): empty when it
// is, else the reason it is skipped.
std::string eligibility(const procore::CostDocument& d, const JournalMappingConfig& journal);

JournalPlan plan_journal(const procore::CostDocument& d, const MappingConfig& mapping,
                         const JournalLookups& lookups);

// The reversal of a journal that was posted: every line's debit and credit swapped, named as
// the reversal of its version, dated `accounting_date` in `period` (the original's date when
// its period is still open, else the first open period: see the flow).
Journal reverse(const Journal& posted, const std::string& accounting_date,
                const std::string& period);

// What a journal posting's request holds: the journal and, once sent, the batch it went in,
// when, and Oracle's request id (0 until Oracle answered).
struct SentRequest {
    std::optional<Journal> journal;
    std::string batch;
    std::int64_t group_id = 0;
    std::int64_t request_id = 0;
    std::string sent_at;
};
// A posting's request read back; empty fields for what it does not hold (a hold records none).
SentRequest parse_request(const std::string& text);

// The journal as JSON (postings.request, plan files) and back.
std::string journal_json(const Journal& j);
std::optional<Journal> parse_journal(const std::string& json);

} // namespace mlc::flows
