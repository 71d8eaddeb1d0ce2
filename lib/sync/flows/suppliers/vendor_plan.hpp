#pragma once
// Planning for the supplier -> vendor flow, as pure functions of (Oracle suppliers, local links,
// pre-existing Procore vendors, today's date): what to create, update, link, skip or report as
// ambiguous. No I/O here, so `--dry-run` and the unit tests run exactly the code the real pass
// runs, minus the apply.
#include "oracle/suppliers.hpp"
#include "procore/vendors.hpp"
#include "sync/engine/link_state.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mlc::flows {

// What the links table says about one supplier (kind "vendor", oracle_key = SupplierId): the
// vendor id as target_key.
using VendorLinkState = engine::LinkState;

enum class VendorAction {
    create,    // no vendor yet: sync by origin_id creates one
    update,    // linked, content changed
    link,      // a pre-existing Procore vendor (hand-made, or ours with lost state): attach
    skip,      // linked, content unchanged: nothing sent
    echo,      // the record came from Procore: never pushed back
    ambiguous, // several pre-existing vendors match: reported, left alone, never guessed
};
std::string_view to_string(VendorAction action);

// Lowercase; '.' and apostrophes dropped ("L.L.C." -> "llc"); '&' -> "and"; any other
// punctuation a word break; a leading "the" and trailing legal-form words (inc, incorporated,
// llc, ltd, limited, corp, corporation, co, company, plc, llp, lp, gmbh) dropped; words joined
// by one space. "ACME Builders, Inc." and "Acme-Builders LLC" both give "acme builders".
std::string normalize_vendor_name(std::string_view name);
// Letters and digits only, uppercased: "98-0337637" and "980337637" compare equal.
std::string normalize_tax_id(std::string_view tax_id);

// The supplier as a vendor sync item (origin_id = SupplierId, origin_code = SupplierNumber, name,
// the primary address, is_active). `today` is YYYY-MM-DD: an InactiveDate on or before it makes
// the vendor inactive. The chosen address: active PrimaryAddressFlag, else the ordering
// (primary) purpose, else remit-to, else the first active one.
procore::VendorSyncItem map_supplier(const oracle::Supplier& supplier, std::string_view today);

// The day the mapped vendor will change with no change in Oracle, if any: an active supplier's
// InactiveDate still to come (YYYY-MM-DD). On that day map_supplier gives is_active false, but
// the supplier's LastUpdateDate does not move, so no incremental read would see it; the pass
// keeps these days (store/due_dates.hpp) and re-reads those suppliers when one has come.
std::optional<std::string> vendor_due_on(const oracle::Supplier& supplier, std::string_view today);

// The content fingerprint of a mapped vendor. Covers every field we send except `id` and
// `origin_data`: a LastUpdateDate bump on a field Procore does not hold sends nothing.
std::string vendor_fingerprint(const procore::VendorSyncItem& item);

// What Procore holds for a vendor, as the sync item that would have written it: compared by
// fingerprint with what we sent (a lost answer's lookup, a hand edit's drift).
procore::VendorSyncItem vendor_item_of(const procore::Vendor& vendor);

// The fields we own that differ between what Procore holds and what Oracle says, each as
// `name: "Procore value" in Procore, "Oracle value" from Oracle`; empty when none differ.
std::vector<std::string> vendor_differences(const procore::VendorSyncItem& held,
                                            const procore::VendorSyncItem& wanted);

// The pre-existing Procore vendors, indexed for matching. Built from one listing per pass, and
// only when some supplier has no link.
class VendorIndex {
public:
    void add(const procore::Vendor& vendor);
    std::size_t size() const { return vendors_.size(); }

    // The vendor carrying this origin_id, if any.
    const procore::Vendor* by_origin_id(const std::string& origin_id) const;
    // Vendors with this normalised name that are free to link: no origin_id of their own and not
    // claimed by another supplier in this pass.
    std::vector<const procore::Vendor*> free_by_name(const std::string& normalized_name) const;

    // Marks a vendor as taken (linked to a supplier) so no second supplier links to it.
    void claim(std::int64_t vendor_id) { claimed_.insert(vendor_id); }
    bool claimed(std::int64_t vendor_id) const { return claimed_.contains(vendor_id); }

private:
    std::vector<procore::Vendor> vendors_;
    std::unordered_map<std::string, std::vector<std::size_t>> by_name_;
    std::unordered_map<std::string, std::size_t> by_origin_;
    std::set<std::int64_t> claimed_;
};

struct VendorDecision {
    VendorAction action = VendorAction::skip;
    std::int64_t supplier_id = 0;
    procore::VendorSyncItem item;           // what would be sent (id set for link)
    std::string fingerprint;                // after
    std::optional<std::string> before_fp;   // from the link, if any
    std::optional<std::int64_t> procore_id; // known vendor id (link, update, skip)
    std::string message;                    // why (ambiguous: the candidates)
    std::string item_json; // the item's JSON when it carries no `id` (else empty: build it)
};

// One supplier's decision. `index` may be null when the caller knows there is nothing to match
// against (every supplier so far had a link); a supplier without a link then plans a create.
// Matching by name: candidates are the free vendors with the same normalised name; when the
// supplier has a tax id, candidates whose known tax id differs are dropped and a unique tax-id
// match wins. One candidate links, several are ambiguous, none creates.
VendorDecision plan_vendor(const oracle::Supplier& supplier,
                           const std::optional<VendorLinkState>& link, const VendorIndex* index,
                           std::string_view today);

// A supplier as the vendor it maps to, with its fingerprint and its sync item's JSON: pure and
// independent of the links, so a pass computes it on the thread that reads the pages, and
// plan_vendor below only decides.
struct MappedVendor {
    procore::VendorSyncItem item;
    std::string fingerprint;
    std::string item_json; // vendor_sync_item_json(item), without an `id`
};
MappedVendor map_vendor(const oracle::Supplier& supplier, std::string_view today);
// plan_vendor for a supplier already mapped.
VendorDecision plan_vendor(const oracle::Supplier& supplier, MappedVendor mapped,
                           const std::optional<VendorLinkState>& link, const VendorIndex* index);

// Counts and the first rows per action, for --dry-run and --json.
struct VendorPlanSummary {
    std::int64_t create = 0, update = 0, link = 0, skip = 0, echo = 0, ambiguous = 0;
    std::int64_t total() const { return create + update + link + skip + echo + ambiguous; }
    void count(VendorAction action);
};

// A whole plan over a list of suppliers (the unit-testable form of what the pass does page by
// page): links looked up through `find_link`; linked vendors are claimed in `index` as they are
// planned, so two suppliers never link to the same vendor. Duplicate SupplierIds keep the last.
struct VendorPlan {
    std::vector<VendorDecision> decisions;
    VendorPlanSummary summary;
};
VendorPlan
plan_vendors(const std::vector<oracle::Supplier>& suppliers,
             const std::function<std::optional<VendorLinkState>(std::int64_t)>& find_link,
             VendorIndex* index, std::string_view today);

} // namespace mlc::flows
