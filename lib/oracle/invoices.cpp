#include "oracle/invoices.hpp"

#include "core/decimal.hpp"
#include "core/json.hpp"
#include "core/json_writer.hpp"
#include "oracle/mapping.hpp"
#include "oracle/read_support.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace mlc::oracle {

namespace {

using read::child_rows;
using read::parse_error_text;
using read::text;

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
    inv.invoice_date = text(item, "InvoiceDate");
    inv.accounting_date = text(item, "AccountingDate");
    inv.payment_terms = text(item, "PaymentTerms");
    inv.self_href = self_href_of(item);
    if (const auto* lines = child_rows(item, "invoiceLines"); lines != nullptr) {
        for (const auto& l : lines->GetArray()) {
            InvoiceLineRead line;
            line.number = static_cast<int>(json::get_id(l, "LineNumber").value_or(0));
            line.amount = json::get_decimal_text(l, "LineAmount").value_or("");
            line.description = text(l, "Description");
            line.combination = text(l, "DistributionCombination");
            if (const auto* dists = child_rows(l, "invoiceDistributions"); dists != nullptr) {
                for (const auto& d : dists->GetArray()) {
                    line.distributions.push_back(
                        {.id = json::get_id(d, "InvoiceDistributionId").value_or(0),
                         .number = static_cast<int>(
                             json::get_id(d, "DistributionLineNumber").value_or(1)),
                         .amount = json::get_decimal_text(d, "DistributionAmount").value_or(""),
                         .combination = text(d, "DistributionCombination")});
                }
            }
            inv.lines.push_back(std::move(line));
        }
    }
    return inv;
}

bool same_amount(const std::string& a, const std::string& b)
{
    const auto x = Decimal::parse(a);
    const auto y = Decimal::parse(b);
    return x && y ? *x == *y : a == b;
}

const InvoiceLineRead* line_numbered(const PayablesInvoice& inv, int number)
{
    for (const auto& l : inv.lines) {
        if (l.number == number) {
            return &l;
        }
    }
    return nullptr;
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

bool PayablesInvoice::locked() const
{
    std::string p = paid;
    std::string v = validation;
    for (auto* s : {&p, &v}) {
        std::ranges::transform(*s, s->begin(),
                               [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    }
    const bool unpaid = p.empty() || p == "UNPAID" || p == "N";
    const bool validated = v == "VALIDATED" || v == "Y";
    return !unpaid || validated;
}

std::string invoice_correction_json(const PayablesInvoice& current, const NewInvoice& target)
{
    json::Writer w;
    w.begin_object();
    if (!same_amount(current.amount, target.amount)) {
        w.decimal_field("InvoiceAmount", target.amount);
    }
    if (current.invoice_date.substr(0, 10) != target.invoice_date) {
        w.field("InvoiceDate", target.invoice_date);
        // Oracle does not recompute the terms date from a new invoice date: we do.
        w.field("TermsDate", target.invoice_date);
    }
    if (current.accounting_date.substr(0, 10) != target.accounting_date) {
        w.field("AccountingDate", target.accounting_date);
    }
    if (current.description != target.description) {
        w.field("Description", target.description);
    }
    if (!target.payment_terms.empty() && current.payment_terms != target.payment_terms) {
        w.field("PaymentTerms", target.payment_terms);
    }
    w.key("invoiceLines").begin_array();
    auto line = [&w](int number, const std::string& amount, const std::string& description,
                     const std::string& combination, const std::string& po_number,
                     const std::string& accounting_date, const InvoiceLineRead* existing) {
        w.begin_object();
        w.field("LineNumber", number);
        w.decimal_field("LineAmount", amount);
        w.field("Description", description);
        w.field("DistributionCombination", combination);
        w.field_if_set("PurchaseOrderNumber", po_number);
        w.key("invoiceDistributions").begin_array();
        w.begin_object();
        if (existing != nullptr && !existing->distributions.empty()) {
            w.field("InvoiceDistributionId", existing->distributions.front().id);
        }
        w.field("DistributionLineNumber", 1);
        w.decimal_field("DistributionAmount", amount);
        w.field("DistributionCombination", combination);
        w.field("AccountingDate", accounting_date);
        w.end_object();
        w.end_array();
        w.end_object();
    };
    for (const auto& l : target.lines) {
        const std::string& combination =
            l.distributions.empty() ? l.combination : l.distributions.front().combination;
        line(l.number, l.amount, l.description, combination, l.po_number, target.accounting_date,
             line_numbered(current, l.number));
    }
    for (const auto& l : current.lines) {
        const bool kept = std::ranges::any_of(
            target.lines, [&l](const NewInvoiceLine& t) { return t.number == l.number; });
        if (!kept && !same_amount(l.amount, "0")) {
            line(l.number, "0.00", l.description, l.combination, "", target.accounting_date, &l);
        }
    }
    w.end_array();
    w.end_object();
    return w.str();
}

bool correction_applied(const PayablesInvoice& current, const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc || !doc->IsObject()) {
        return false;
    }
    if (const auto amount = json::get_decimal_text(*doc, "InvoiceAmount");
        amount && !same_amount(current.amount, *amount)) {
        return false;
    }
    const auto* lines = json::find(*doc, "invoiceLines");
    if (lines == nullptr || !lines->IsArray()) {
        return true;
    }
    for (const auto& l : lines->GetArray()) {
        const auto* have =
            line_numbered(current, static_cast<int>(json::get_id(l, "LineNumber").value_or(0)));
        if (have == nullptr
            || !same_amount(have->amount, json::get_decimal_text(l, "LineAmount").value_or(""))) {
            return false;
        }
        const auto* dists = json::find(l, "invoiceDistributions");
        if (dists == nullptr || !dists->IsArray()) {
            continue;
        }
        for (const auto& d : dists->GetArray()) {
            const auto amount = json::get_decimal_text(d, "DistributionAmount").value_or("");
            const auto combination = text(d, "DistributionCombination");
            const bool found =
                std::ranges::any_of(have->distributions, [&](const InvoiceDistributionRead& x) {
                    return same_amount(x.amount, amount) && x.combination == combination;
                });
            if (!found) {
                return false;
            }
        }
    }
    return true;
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
    request.headers.set("Content-Type", k_item_content_type);
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

std::expected<std::optional<PayablesInvoice>, http::Error> InvoiceApi::get(std::int64_t invoice_id)
{
    Query query;
    query.q = "InvoiceId=" + std::to_string(invoice_id);
    query.expand = "invoiceLines,invoiceLines.invoiceDistributions";
    query.limit = 2;
    query.only_data = false; // the self link is where a PATCH goes
    auto result = client_.get("invoices", query, "/invoices");
    if (!result) {
        return std::unexpected(result.error());
    }
    auto page = parse_payables_invoice_page(result->body);
    if (!page) {
        return std::unexpected(http::shape_error(result->status, page.error()));
    }
    for (auto& inv : *page) {
        if (inv.id == invoice_id) {
            return std::optional<PayablesInvoice>(std::move(inv));
        }
    }
    return std::optional<PayablesInvoice>{};
}

std::expected<void, http::Error> InvoiceApi::correct(const PayablesInvoice& current,
                                                     const std::string& body)
{
    if (current.self_href.empty()) {
        return std::unexpected(http::shape_error(200, "invoice " + std::to_string(current.id)
                                                          + " came back without a self link"));
    }
    http::Request request;
    request.method = "PATCH";
    request.url = current.self_href;
    request.headers.set("Accept", "application/json");
    request.headers.set("Content-Type", k_item_content_type);
    request.headers.set("Upsert-Mode", "true");
    request.body = body;
    auto result = client_.http().send(std::move(request),
                                      {.path_template = "/invoices/{id}", .idempotent = true});
    if (!result) {
        return std::unexpected(result.error());
    }
    return {};
}

} // namespace mlc::oracle
