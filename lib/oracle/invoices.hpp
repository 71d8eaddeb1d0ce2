#pragma once
// Oracle Payables invoices as plain structs: the body of POST /invoices (header -> invoiceLines
// -> invoiceDistributions in one request, every line and distribution with its
// DistributionCombination explicit, because Oracle's PATCH does not cascade defaults and nothing
// is left for it to derive), and the lookup by Oracle's own uniqueness, invoice number and
// supplier, that the outbox makes before any resend.
#include "http/client.hpp"
#include "oracle/client.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlc::oracle {

struct NewInvoiceDistribution {
    int number = 1;          // DistributionLineNumber
    std::string amount;      // DistributionAmount, decimal text
    std::string combination; // DistributionCombination
};

struct NewInvoiceLine {
    int number = 1;                 // LineNumber
    std::string line_type = "Item"; // LineType
    std::string amount;             // LineAmount, decimal text
    std::string description;        // Description
    std::string combination;        // DistributionCombination
    std::string po_number;          // PurchaseOrderNumber (empty: not sent)
    std::vector<NewInvoiceDistribution> distributions;
};

struct NewInvoice {
    std::string invoice_number;  // InvoiceNumber
    std::string currency;        // InvoiceCurrency (and PaymentCurrency)
    std::string amount;          // InvoiceAmount, decimal text: the lines sum to it exactly
    std::string invoice_date;    // InvoiceDate, YYYY-MM-DD
    std::string accounting_date; // AccountingDate, YYYY-MM-DD
    std::string business_unit;   // BusinessUnit
    std::string supplier;        // Supplier (name)
    std::string supplier_site;   // SupplierSite
    std::string description;     // Description: carries the reference (invoice_reference_tag)
    std::string payment_terms;   // PaymentTerms (empty: not sent; Oracle defaults it on create)
    std::string invoice_type = "Standard";
    std::vector<NewInvoiceLine> lines;
};

std::string new_invoice_json(const NewInvoice& invoice);

// A distribution and a line of an invoice Oracle holds (read with expand).
struct InvoiceDistributionRead {
    std::int64_t id = 0; // InvoiceDistributionId
    int number = 1;      // DistributionLineNumber
    std::string amount;  // DistributionAmount, decimal text
    std::string combination;
};
struct InvoiceLineRead {
    int number = 1;     // LineNumber
    std::string amount; // LineAmount, decimal text
    std::string description;
    std::string combination;
    std::vector<InvoiceDistributionRead> distributions;
};

// What the pass needs of an invoice Oracle holds.
struct PayablesInvoice {
    std::int64_t id = 0;     // InvoiceId
    std::string number;      // InvoiceNumber
    std::string supplier;    // Supplier
    std::string amount;      // InvoiceAmount, decimal text
    std::string description; // Description
    std::string validation;  // ValidationStatus
    std::string paid;        // PaidStatus
    std::string approval;    // ApprovalStatus
    std::string invoice_date;
    std::string accounting_date;
    std::string payment_terms;
    std::string self_href;              // where a PATCH goes (the item key is a hash)
    std::vector<InvoiceLineRead> lines; // when read with its lines (InvoiceApi::get)

    // Validated, or paid in part or in full: Payables no longer takes changes from us.
    bool locked() const;
};

// The PATCH (with Upsert-Mode) that turns `current` into `target`: exactly the header attributes
// that differ (InvoiceAmount, InvoiceDate with TermsDate, AccountingDate, Description,
// PaymentTerms), and every line of the target explicitly with its amount, description,
// combination and its distribution (the existing InvoiceDistributionId, so a resend updates
// rather than adds); a line Oracle has beyond the target's is set to zero. Oracle's PATCH does not
// cascade defaults, so nothing is left for it to derive. Amounts are compared as decimals.
std::string invoice_correction_json(const PayablesInvoice& current, const NewInvoice& target);
// True when `current` already holds what a correction body (invoice_correction_json) sets: its
// InvoiceAmount when it sets one, and every line's and distribution's amount and combination.
// The lookup before a correction is sent again after a lost answer.
bool correction_applied(const PayablesInvoice& current, const std::string& body);

std::expected<PayablesInvoice, std::string> parse_payables_invoice(const std::string& body);
std::expected<std::vector<PayablesInvoice>, std::string>
parse_payables_invoice_page(const std::string& body);

// The InvoiceNumber and Supplier of a body new_invoice_json wrote (what a lookup needs to
// resolve a posting from its stored request); nullopt when the body does not hold both.
std::optional<std::pair<std::string, std::string>> new_invoice_identity(const std::string& body);

// Oracle's answer to a POST of an invoice number the supplier already has (a 400 whose text says
// so). The caller looks the invoice up instead of counting a failure.
bool is_duplicate_invoice(const http::Error& e);

class InvoiceApi {
public:
    explicit InvoiceApi(Client& client) : client_(client) {}

    // POST /invoices. Not idempotent: the HTTP client resends it only when the server refused
    // it before acting (429, 503, 401); after any other failure the outbox looks it up.
    std::expected<PayablesInvoice, http::Error> create(const std::string& body);
    // The supplier's invoice with this number: GET /invoices?q=InvoiceNumber='…' and
    // Supplier='…'. nullopt when Oracle has none; more than one is an error of kind `shape`.
    std::expected<std::optional<PayablesInvoice>, http::Error>
    find(const std::string& invoice_number, const std::string& supplier);
    // The invoice with its lines and distributions and its self link: GET
    // /invoices?q=InvoiceId=…&expand=invoiceLines.invoiceDistributions. nullopt when Oracle has
    // none.
    std::expected<std::optional<PayablesInvoice>, http::Error> get(std::int64_t invoice_id);
    // PATCH <self href> with Upsert-Mode: true (child rows in the body update by their keys).
    // Idempotent when every distribution carries its id (invoice_correction_json does).
    std::expected<void, http::Error> correct(const PayablesInvoice& current,
                                             const std::string& body);

private:
    Client& client_;
};

} // namespace mlc::oracle
