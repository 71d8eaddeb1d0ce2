#include "oracle/payments.hpp"

#include "core/json.hpp"
#include "oracle/mapping.hpp"
#include "oracle/read_support.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>

namespace mlc::oracle {

namespace {

using read::parse_error_text;

std::string text_of_any(const rapidjson::Value& obj, std::initializer_list<const char*> keys)
{
    for (const char* k : keys) {
        if (auto v = json::get_string(obj, k); v && !v->empty()) {
            return *v;
        }
        if (auto d = json::get_decimal_text(obj, k)) {
            return *d;
        }
    }
    return {};
}

std::expected<PaidInvoice, std::string> paid_invoice_of(const rapidjson::Value& item,
                                                        std::int64_t check_id)
{
    if (!item.IsObject()) {
        return std::unexpected("payment " + std::to_string(check_id)
                               + ": a related invoice is not an object");
    }
    PaidInvoice p;
    p.invoice_payment_id = json::get_id(item, "InvoicePaymentId").value_or(0);
    p.invoice_id = json::get_id(item, "InvoiceId").value_or(0);
    p.invoice_number = text_of_any(item, {"InvoiceNumber"});
    // Which attribute carries the amount paid on the invoice is unconfirmed: both are read.
    p.amount = text_of_any(item, {"PaymentAmount", "AmountPaid"});
    if (p.invoice_id == 0 && p.invoice_number.empty()) {
        return std::unexpected("payment " + std::to_string(check_id)
                               + ": a related invoice has neither InvoiceId nor InvoiceNumber");
    }
    return p;
}

std::expected<Payment, std::string> payment_of(const rapidjson::Value& item)
{
    if (!item.IsObject()) {
        return std::unexpected(std::string("a payment is not an object"));
    }
    const auto id = json::get_id(item, "CheckId");
    if (!id) {
        return std::unexpected(std::string("a payment has no integer CheckId"));
    }
    Payment p;
    p.check_id = *id;
    p.number = text_of_any(item, {"PaymentNumber", "PaperDocumentNumber"});
    p.amount = text_of_any(item, {"PaymentAmount"});
    p.currency = text_of_any(item, {"PaymentCurrency", "PaymentCurrencyCode"});
    p.date = text_of_any(item, {"PaymentDate"}).substr(0, 10);
    p.status = text_of_any(item, {"PaymentStatus"});
    p.void_date = text_of_any(item, {"VoidDate"});
    p.method = text_of_any(item, {"PaymentMethod", "PaymentMethodCode"});
    p.supplier = text_of_any(item, {"Supplier", "SupplierName"});
    p.last_update_date = text_of_any(item, {"LastUpdateDate"});
    if (const auto* rel = json::find(item, "relatedInvoices"); rel != nullptr) {
        // Expanded: an array, or a child collection envelope {items: […]}.
        const rapidjson::Value* rows = rel;
        if (rel->IsObject()) {
            rows = json::find(*rel, "items");
        }
        if (rows == nullptr || !rows->IsArray()) {
            return std::unexpected("payment " + std::to_string(p.check_id)
                                   + ": relatedInvoices is not a list");
        }
        for (const auto& r : rows->GetArray()) {
            auto paid = paid_invoice_of(r, p.check_id);
            if (!paid) {
                return std::unexpected(paid.error());
            }
            p.invoices.push_back(std::move(*paid));
        }
    }
    return p;
}

const CollectionSpec& payment_collection()
{
    static const CollectionSpec spec{.resource = "payablesPayments",
                                     .path_template = "/payablesPayments",
                                     .key_attribute = "CheckId",
                                     .fields = {},
                                     .expand = "relatedInvoices",
                                     .order_by = {}};
    return spec;
}

} // namespace

bool Payment::voided() const
{
    if (!void_date.empty()) {
        return true;
    }
    std::string s = status;
    std::ranges::transform(s, s.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s.find("VOID") != std::string::npos;
}

std::expected<PaymentPage, std::string> parse_payment_page(const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    const auto* items = json::find(*doc, "items");
    if (items == nullptr || !items->IsArray()) {
        return std::unexpected(std::string("not a collection (no items array)"));
    }
    PaymentPage page;
    page.meta = page_meta_of(*doc, *items);
    page.payments.reserve(items->Size());
    for (const auto& item : items->GetArray()) {
        auto p = payment_of(item);
        if (!p) {
            return std::unexpected(p.error());
        }
        // The cursor cannot be advanced past a record without its stamp.
        if (p->last_update_date.empty()) {
            return std::unexpected("payment " + std::to_string(p->check_id)
                                   + " has no LastUpdateDate");
        }
        page.payments.push_back(std::move(*p));
    }
    return page;
}

std::expected<ReadStats, http::Error> PaymentApi::read_changed(const IncrementalCursor& cursor,
                                                               const PaymentPageSink& sink,
                                                               int page_size)
{
    return read_collection(client_, payment_collection(), incremental_query(cursor, "CheckId"),
                           parsed_pages(parse_payment_page, sink), page_size);
}

std::expected<ReadStats, http::Error> PaymentApi::read_by_ids(const std::vector<std::int64_t>& ids,
                                                              const PaymentPageSink& sink)
{
    return oracle::read_by_ids(client_, payment_collection(), ids,
                               parsed_pages(parse_payment_page, sink));
}

} // namespace mlc::oracle
