#include "oracle/invoices.hpp"

#include "core/json.hpp"
#include "core/json_writer.hpp"

#include <utility>

namespace mlc::oracle {

namespace {

constexpr const char* k_item_type = "application/vnd.oracle.adf.resourceitem+json";

std::string text(const rapidjson::Value& obj, const char* key)
{
    return json::get_string(obj, key).value_or(std::string{});
}

std::expected<PayablesInvoice, std::string> invoice_of(const rapidjson::Value& item)
{
    if (!item.IsObject()) {
        return std::unexpected(std::string("an invoice is not an object"));
    }
    const auto id = json::get_id(item, "InvoiceId");
    if (!id) {
        return std::unexpected(std::string("an invoice has no integer InvoiceId"));
    }
    PayablesInvoice inv;
    inv.id = *id;
    inv.number = text(item, "InvoiceNumber");
    inv.supplier = text(item, "Supplier");
    inv.amount = json::get_decimal_text(item, "InvoiceAmount").value_or("");
    inv.description = text(item, "Description");
    inv.validation = text(item, "ValidationStatus");
    inv.paid = text(item, "PaidStatus");
    inv.approval = text(item, "ApprovalStatus");
    return inv;
}

std::string parse_error_text(const json::ParseError& e)
{
    return "malformed JSON at line " + std::to_string(e.line) + ": " + e.message;
}

} // namespace

std::string new_invoice_json(const NewInvoice& invoice)
{
    json::Writer w;
    w.begin_object();
    w.field("InvoiceNumber", invoice.invoice_number);
    w.field("InvoiceCurrency", invoice.currency);
    w.field("PaymentCurrency", invoice.currency);
    w.decimal_field("InvoiceAmount", invoice.amount);
    w.field("InvoiceDate", invoice.invoice_date);
    w.field("AccountingDate", invoice.accounting_date);
    w.field("BusinessUnit", invoice.business_unit);
    w.field("Supplier", invoice.supplier);
    w.field("SupplierSite", invoice.supplier_site);
    w.field("InvoiceType", invoice.invoice_type);
    w.field("Description", invoice.description);
    w.field_if_set("PaymentTerms", invoice.payment_terms);
    w.key("invoiceLines").begin_array();
    for (const auto& l : invoice.lines) {
        w.begin_object();
        w.field("LineNumber", l.number);
        w.field("LineType", l.line_type);
        w.decimal_field("LineAmount", l.amount);
        w.field("Description", l.description);
        w.field("DistributionCombination", l.combination);
        w.field_if_set("PurchaseOrderNumber", l.po_number);
        w.key("invoiceDistributions").begin_array();
        for (const auto& d : l.distributions) {
            w.begin_object();
            w.field("DistributionLineNumber", d.number);
            w.field("DistributionLineType", l.line_type);
            w.decimal_field("DistributionAmount", d.amount);
            w.field("DistributionCombination", d.combination);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.str();
}

std::expected<PayablesInvoice, std::string> parse_payables_invoice(const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    return invoice_of(*doc);
}

std::expected<std::vector<PayablesInvoice>, std::string>
parse_payables_invoice_page(const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    const auto* items = doc->IsObject() ? json::find(*doc, "items") : nullptr;
    if (items == nullptr || !items->IsArray()) {
        return std::unexpected(std::string("invoices: not a collection (no items array)"));
    }
    std::vector<PayablesInvoice> out;
    for (const auto& item : items->GetArray()) {
        auto inv = invoice_of(item);
        if (!inv) {
            return std::unexpected(inv.error());
        }
        out.push_back(std::move(*inv));
    }
    return out;
}

std::optional<std::pair<std::string, std::string>> new_invoice_identity(const std::string& body)
{
    auto doc = json::parse(body);
    if (!doc || !doc->IsObject()) {
        return std::nullopt;
    }
    auto number = json::get_string(*doc, "InvoiceNumber");
    auto supplier = json::get_string(*doc, "Supplier");
    if (!number || !supplier) {
        return std::nullopt;
    }
    return std::pair{std::move(*number), std::move(*supplier)};
}

bool is_duplicate_invoice(const http::Error& e)
{
    if (e.kind != http::ErrorKind::status || e.status != 400) {
        return false;
    }
    // Oracle's text for a duplicate number varies by release ("already exists", "duplicate");
    // both are taken. Only a lookup decides what it means.
    const std::string t = e.message + " " + e.body;
    return t.find("already exists") != std::string::npos || t.find("uplicate") != std::string::npos;
}

std::expected<PayablesInvoice, http::Error> InvoiceApi::create(const std::string& body)
{
    http::Request request;
    request.method = "POST";
    request.url = client_.rest_root() + "/invoices";
    request.headers.set("Accept", "application/json");
    request.headers.set("Content-Type", k_item_type);
    request.body = body;
    auto result = client_.http().send(std::move(request),
                                      {.path_template = "/invoices", .idempotent = false});
    if (!result) {
        return std::unexpected(result.error());
    }
    auto inv = parse_payables_invoice(result->body);
    if (!inv) {
        return std::unexpected(http::shape_error(result->status, inv.error()));
    }
    return std::move(*inv);
}

std::expected<std::optional<PayablesInvoice>, http::Error>
InvoiceApi::find(const std::string& invoice_number, const std::string& supplier)
{
    Query query;
    query.q = "InvoiceNumber='" + quote_literal(invoice_number) + "' and Supplier='"
              + quote_literal(supplier) + "'";
    query.limit = 25;
    query.only_data = true;
    auto result = client_.get("invoices", query, "/invoices");
    if (!result) {
        return std::unexpected(result.error());
    }
    auto page = parse_payables_invoice_page(result->body);
    if (!page) {
        return std::unexpected(http::shape_error(result->status, page.error()));
    }
    std::vector<PayablesInvoice> found;
    for (auto& inv : *page) {
        // The server's match may be looser than ours (case, blanks): only the exact number counts.
        if (inv.number == invoice_number) {
            found.push_back(std::move(inv));
        }
    }
    if (found.empty()) {
        return std::optional<PayablesInvoice>{};
    }
    if (found.size() > 1) {
        return std::unexpected(http::shape_error(200, "invoices: " + std::to_string(found.size())
                                                          + " invoices numbered " + invoice_number
                                                          + " for supplier " + supplier));
    }
    return std::optional<PayablesInvoice>(std::move(found.front()));
}

} // namespace mlc::oracle
