#pragma once
// Planning one Procore requisition (subcontractor invoice) as an Oracle Payables invoice: a pure
// function of the requisition and its detail lines, the purchase order its commitment became,
// the mapping, and each cost code's GL combination. One invoice line per billed
// schedule-of-values line, each with one distribution, both carrying the combination explicitly
// (the cost code's account with the project's cost center). Retainage withheld this period
// becomes a negative line on mapping.invoices.retainage_account when one is set; otherwise each
// line is for its net amount and the retainage is reported. The lines sum exactly to
// InvoiceAmount, checked before anything is sent. Money is exact (Decimal).
#include "core/config.hpp"
#include "oracle/invoices.hpp"
#include "procore/requisitions.hpp"
#include "sync/engine/cost_accounts.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace mlc::flows {

// The Oracle purchase order the requisition's commitment became (pull-pos), as read from Oracle.
struct InvoicePo {
    std::string number;            // OrderNumber: PurchaseOrderNumber on every line
    std::string supplier;          // Supplier
    std::string supplier_site;     // SupplierSite
    std::string commitment_number; // the Procore commitment's number, for the invoice number
};

struct InvoicePlan {
    std::optional<oracle::NewInvoice> invoice; // set when the requisition maps
    std::string error;                         // why it does not
    std::string error_class;                   // store::error_class::data or config
    std::string fingerprint; // of the Procore content that matters (the posting's version)
    std::string summary;     // "invoice …; net …; line 1 …" (links.summary, change reports)
    std::string gross;       // this period's billed amount before retainage
    std::string retainage;   // withheld this period (released subtracted); "0.00" when none
    bool retainage_on_line = false; // posted to mapping.invoices.retainage_account
};

// "req:<project>:<id>": the record key (retry queue, postings, links' Procore key).
std::string requisition_key(std::int64_t project_id, std::int64_t id);
struct RequisitionRef {
    std::int64_t project_id = 0;
    std::int64_t id = 0;
};
std::optional<RequisitionRef> parse_requisition_key(const std::string& key);

// The tag written into the invoice's Description ("[PCR-<id>]"): how a lookup tells our invoice
// from a different one that happens to have the same number.
std::string invoice_reference_tag(std::int64_t requisition_id);

// The invoice number: the requisition's own invoice_number, else "<commitment number>-<n>".
std::string invoice_number_of(const procore::Requisition& r, const std::string& commitment_number);

// Fingerprint and summary of the Procore content alone (numbers, period, lines and their
// amounts), so the version does not change with the mapping or the date.
void describe(const procore::Requisition& r, InvoicePlan& plan);

using AccountOf =
    std::function<engine::CostCodeAccount(std::int64_t project_id, std::int64_t cost_code_id)>;

InvoicePlan plan_invoice(const procore::Requisition& r, const InvoicePo& po,
                         const MappingConfig& mapping, const AccountOf& account,
                         const std::string& today);

} // namespace mlc::flows
