#pragma once
// Oracle Payables payments (GET /payablesPayments, expanded to relatedInvoices) as plain structs,
// read incrementally like every polled collection: what comes back to Procore as contract
// payments on the invoices ml-connector created.
//
// The payment header's attributes (CheckId, PaymentNumber, PaymentAmount, PaymentDate,
// PaymentStatus, VoidDate, LastUpdateDate) follow Oracle's documented example of
// payablesPayments. The attributes of a related invoice beyond InvoicePaymentId and
// InvoiceNumber are UNCONFIRMED: the amount paid on the invoice is read from PaymentAmount or
// AmountPaid, and InvoiceId may be absent (the flow then finds the invoice by number and
// supplier).
#include "http/client.hpp"
#include "oracle/client.hpp"
#include "oracle/incremental.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <vector>

namespace mlc::oracle {

// One invoice a payment pays (a relatedInvoices row).
struct PaidInvoice {
    std::int64_t invoice_payment_id = 0; // InvoicePaymentId (0: not given)
    std::int64_t invoice_id = 0;         // InvoiceId (0: not given; unconfirmed attribute)
    std::string invoice_number;          // InvoiceNumber
    std::string amount; // the amount paid on this invoice, decimal text ("" when not given)
};

struct Payment {
    std::int64_t check_id = 0; // CheckId: the payment's key
    std::string number;        // PaymentNumber (the check or document number)
    std::string amount;        // PaymentAmount, decimal text
    std::string currency;      // PaymentCurrency / PaymentCurrencyCode
    std::string date;          // PaymentDate, YYYY-MM-DD
    std::string status;        // PaymentStatus ("Negotiable", "Voided", …)
    std::string void_date;     // VoidDate ("" when not voided)
    std::string method;        // PaymentMethod / PaymentMethodCode
    std::string supplier;      // Supplier (name)
    std::string last_update_date;
    std::vector<PaidInvoice> invoices;

    // Voided in Oracle: a VoidDate, or a status that says so.
    bool voided() const;
};

struct PaymentPage {
    std::vector<Payment> payments;
    PageMeta meta;
};

std::expected<PaymentPage, std::string> parse_payment_page(const std::string& body);

using PaymentPageSink = std::function<bool(PaymentPage&)>;

class PaymentApi {
public:
    explicit PaymentApi(Client& client) : client_(client) {}

    // payablesPayments with LastUpdateDate >= cursor.since past the compound cursor
    // (LastUpdateDate, CheckId), expanded to relatedInvoices, page by page.
    std::expected<ReadStats, http::Error>
    read_changed(const IncrementalCursor& cursor, const PaymentPageSink& sink, int page_size = 200);
    // The given payments again (by CheckId), expanded the same way.
    std::expected<ReadStats, http::Error> read_by_ids(const std::vector<std::int64_t>& ids,
                                                      const PaymentPageSink& sink);

private:
    Client& client_;
};

} // namespace mlc::oracle
