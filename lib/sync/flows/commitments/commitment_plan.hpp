#pragma once
// Planning one Procore commitment as an Oracle draft purchase order: a pure function of the
// commitment, the mapping and what the pass looked up (the vendor's supplier, the supplier's
// sites, each cost code's GL combination). Every failure names the record, what is missing and
// the fix, with its error class: `data` (fix the record in Procore, or run sync-suppliers) or
// `config` (fix the mapping). Money is exact (Decimal); nothing is left for Oracle to derive.
#include "core/config.hpp"
#include "oracle/purchase_orders.hpp"
#include "procore/commitments.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlc::flows {

// What the pass resolved for the planner (each may be asked several times; the pass caches).
struct CommitmentLookups {
    // The Oracle supplier linked to a Procore vendor id (by sync-suppliers), and its name.
    std::function<std::optional<std::pair<std::int64_t, std::string>>(std::int64_t vendor_id)>
        supplier_of_vendor;
    // The supplier's sites; an error text when Oracle could not be asked.
    std::function<std::vector<oracle::SupplierSite>(std::int64_t supplier_id)> sites;
    // A project cost code's GL combination as its segments in order, or why there is none.
    struct Account {
        std::vector<std::string> segments;
        std::string error; // set when there is no account
        std::string code;  // the cost code's full code, for messages
    };
    std::function<Account(std::int64_t project_id, std::int64_t cost_code_id)> account;
};

struct CommitmentPlan {
    std::optional<oracle::DraftPurchaseOrder> po; // set when the commitment maps
    std::string error;                            // why it does not
    std::string error_class;                      // store::error_class::data or config
    std::string fingerprint; // of the Procore content that matters (the posting's version)
    std::string summary;     // "vendor …; total …; line 1 …" (links.summary, change reports)
};

// The commitment's record key: "po:<project>:<id>" or "wo:<project>:<id>" (retry queue,
// postings, links' Procore key).
std::string commitment_key(const procore::Commitment& c);
struct CommitmentRef {
    procore::CommitmentType type;
    std::int64_t project_id = 0;
    std::int64_t id = 0;
};
std::optional<CommitmentRef> parse_commitment_key(const std::string& key);

// The reference written into the PO: "POC-<id>" or "WOC-<id>" (see oracle::po_reference_tag).
std::string commitment_reference(const procore::Commitment& c);

// Fingerprint and summary of the Procore content alone (vendor, number, title, lines), so the
// version of a commitment does not change with the mapping or the date.
void describe(const procore::Commitment& c, CommitmentPlan& plan);

CommitmentPlan plan_commitment(const procore::Commitment& c, const MappingConfig& mapping,
                               const CommitmentLookups& lookups, const std::string& today);

// What differs between two summaries, for `changed after post`: "total 1200 -> 1350; line 3
// added: …". Empty when they are the same.
std::string summary_diff(const std::string& before, const std::string& after);

} // namespace mlc::flows
