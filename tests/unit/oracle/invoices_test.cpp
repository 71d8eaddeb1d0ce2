// The Payables invoice body (header, lines, distributions, every combination explicit, money as
// exact JSON numbers), reading invoices back, and telling a duplicate-number refusal apart.
#include "core/json.hpp"
#include "oracle/invoices.hpp"

#include <catch2/catch.hpp>

using namespace mlc;

TEST_CASE("The invoice body carries every line and distribution explicitly", "[oracle][invoices]")
{
    oracle::NewInvoice inv;
    inv.invoice_number = "SC-007-3";
    inv.currency = "USD";
    inv.amount = "1125.45";
    inv.invoice_date = "2026-10-31";
    inv.accounting_date = "2026-10-31";
    inv.business_unit = "US1 Business Unit";
    inv.supplier = "Redwood Supply";
    inv.supplier_site = "REDWOOD-HQ";
    inv.description = "Procore SC-007 invoice 3 [PCR-9001]";
    inv.lines = {{.number = 1,
                  .line_type = "Item",
                  .amount = "1125.45",
                  .description = "Framing",
                  .combination = "101-2000-5110-000-000",
                  .po_number = "US1-1001",
                  .distributions = {
                      {.number = 1, .amount = "1125.45", .combination = "101-2000-5110-000-000"}}}};
    const std::string body = oracle::new_invoice_json(inv);
    const auto doc = json::parse_numbers_as_text(body);
    REQUIRE(doc);
    CHECK(json::get_string(*doc, "InvoiceNumber") == "SC-007-3");
    CHECK(json::get_decimal_text(*doc, "InvoiceAmount") == "1125.45");
    CHECK(json::get_string(*doc, "PaymentCurrency") == "USD");
    CHECK_FALSE(doc->HasMember("PaymentTerms")); // not set: left to Oracle's creation default
    const auto& line = (*doc)["invoiceLines"][0];
    CHECK(json::get_string(line, "DistributionCombination") == "101-2000-5110-000-000");
    CHECK(json::get_string(line, "PurchaseOrderNumber") == "US1-1001");
    const auto& dist = line["invoiceDistributions"][0];
    CHECK(json::get_decimal_text(dist, "DistributionAmount") == "1125.45");
    CHECK(json::get_string(dist, "DistributionCombination") == "101-2000-5110-000-000");
    const auto identity = oracle::new_invoice_identity(body);
    REQUIRE(identity);
    CHECK(identity->first == "SC-007-3");
    CHECK(identity->second == "Redwood Supply");
    CHECK_FALSE(oracle::new_invoice_identity("{}"));
}

TEST_CASE("Invoices are read back from a collection", "[oracle][invoices]")
{
    const auto page = oracle::parse_payables_invoice_page(
        R"({"items": [{"InvoiceId": 300100, "InvoiceNumber": "SC-007-3", "Supplier": "Redwood",
            "InvoiceAmount": 1125.45, "Description": "x [PCR-9001]", "PaidStatus": "Unpaid",
            "ValidationStatus": "Not Validated"}], "hasMore": false})");
    REQUIRE(page);
    REQUIRE(page->size() == 1);
    CHECK(page->front().id == 300100);
    CHECK(page->front().amount == "1125.45");
    CHECK(page->front().paid == "Unpaid");
    CHECK_FALSE(oracle::parse_payables_invoice_page(R"({"count": 0})"));
    CHECK_FALSE(oracle::parse_payables_invoice(R"({"InvoiceNumber": "x"})"));
}

TEST_CASE("A duplicate invoice number is told apart from other refusals", "[oracle][invoices]")
{
    http::Error dup{.kind = http::ErrorKind::status,
                    .status = 400,
                    .message = "The invoice number SC-007-3 already exists for the supplier.",
                    .body = {},
                    .attempts = 1,
                    .transport = http::TransportErrorKind::other};
    CHECK(oracle::is_duplicate_invoice(dup));
    auto other = dup;
    other.message = "The value of the attribute SupplierSite is not valid.";
    CHECK_FALSE(oracle::is_duplicate_invoice(other));
    auto server = dup;
    server.status = 500;
    CHECK_FALSE(oracle::is_duplicate_invoice(server));
}
