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

namespace {

oracle::PayablesInvoice invoice_in_oracle()
{
    oracle::PayablesInvoice cur;
    cur.id = 300100;
    cur.number = "SC-007-3";
    cur.amount = "1125.45";
    cur.invoice_date = "2026-10-31";
    cur.accounting_date = "2026-10-31";
    cur.description = "Procore SC-007 invoice 3 [PCR-9001]";
    cur.paid = "Unpaid";
    cur.validation = "Not Validated";
    cur.self_href = "https://pod/fscmRestApi/resources/11.13.18.05/invoices/00020000000EACED";
    cur.lines = {
        {.number = 1,
         .amount = "900.00",
         .description = "Framing",
         .combination = "101-2000-5110-000-000",
         .distributions =
             {{.id = 77, .number = 1, .amount = "900", .combination = "101-2000-5110-000-000"}}},
        {.number = 2,
         .amount = "225.45",
         .description = "Site labor",
         .combination = "101-2000-5120-000-000",
         .distributions = {
             {.id = 78, .number = 1, .amount = "225.45", .combination = "101-2000-5120-000-000"}}}};
    return cur;
}

oracle::NewInvoice revised()
{
    oracle::NewInvoice inv;
    inv.invoice_number = "SC-007-3";
    inv.currency = "USD";
    inv.amount = "1150.50";
    inv.invoice_date = "2026-10-31";
    inv.accounting_date = "2026-10-31";
    inv.description = "Procore SC-007 invoice 3 [PCR-9001]";
    inv.lines = {{.number = 1,
                  .line_type = "Item",
                  .amount = "920.03",
                  .description = "Framing",
                  .combination = "101-2000-5110-000-000",
                  .po_number = "US1-1001",
                  .distributions = {
                      {.number = 1, .amount = "920.03", .combination = "101-2000-5110-000-000"}}}};
    return inv;
}

} // namespace

TEST_CASE("A correction PATCHes what changed and sends every line and distribution explicitly",
          "[oracle][invoices]")
{
    const auto cur = invoice_in_oracle();
    const auto body = oracle::invoice_correction_json(cur, revised());
    const auto doc = json::parse(body);
    REQUIRE(doc);
    CHECK(json::get_double(*doc, "InvoiceAmount").value_or(0) == Approx(1150.50));
    // Unchanged header attributes are not sent.
    CHECK_FALSE(doc->HasMember("InvoiceDate"));
    CHECK_FALSE(doc->HasMember("TermsDate"));
    CHECK_FALSE(doc->HasMember("Description"));
    const auto& lines = (*doc)["invoiceLines"];
    REQUIRE(lines.Size() == 2);
    CHECK(*json::get_int(lines[0], "LineNumber") == 1);
    CHECK(json::get_double(lines[0], "LineAmount").value_or(0) == Approx(920.03));
    CHECK(*json::get_string(lines[0], "DistributionCombination") == "101-2000-5110-000-000");
    const auto& d = lines[0]["invoiceDistributions"][0];
    CHECK(*json::get_id(d, "InvoiceDistributionId") == 77); // updated, not added
    CHECK(json::get_double(d, "DistributionAmount").value_or(0) == Approx(920.03));
    CHECK(*json::get_string(d, "DistributionCombination") == "101-2000-5110-000-000");
    // The line the revision no longer has goes to zero, with its distribution.
    CHECK(*json::get_int(lines[1], "LineNumber") == 2);
    CHECK(json::get_double(lines[1], "LineAmount").value_or(1) == 0);
    CHECK(*json::get_id(lines[1]["invoiceDistributions"][0], "InvoiceDistributionId") == 78);

    auto moved = revised();
    moved.invoice_date = "2026-11-15";
    const auto dated = json::parse(oracle::invoice_correction_json(cur, moved));
    REQUIRE(dated);
    CHECK(*json::get_string(*dated, "InvoiceDate") == "2026-11-15");
    CHECK(*json::get_string(*dated, "TermsDate") == "2026-11-15"); // Oracle does not cascade it
}

TEST_CASE("A correction counts as applied only when Oracle holds what it sets",
          "[oracle][invoices]")
{
    auto cur = invoice_in_oracle();
    const auto body = oracle::invoice_correction_json(cur, revised());
    CHECK_FALSE(oracle::correction_applied(cur, body));
    cur.amount = "1150.5";
    cur.lines[0].amount = "920.03";
    cur.lines[0].distributions[0].amount = "920.03";
    CHECK_FALSE(oracle::correction_applied(cur, body)); // line 2 not yet zero
    cur.lines[1].amount = "0";
    cur.lines[1].distributions[0].amount = "0.00";
    CHECK(oracle::correction_applied(cur, body));
    cur.lines[0].distributions[0].combination = "101-2000-5999-000-000";
    CHECK_FALSE(oracle::correction_applied(cur, body));
    CHECK_FALSE(oracle::correction_applied(cur, "not json"));
}

TEST_CASE("A validated or paid invoice is locked against corrections", "[oracle][invoices]")
{
    auto cur = invoice_in_oracle();
    CHECK_FALSE(cur.locked());
    cur.paid = "Partially paid";
    CHECK(cur.locked());
    cur.paid = "Unpaid";
    cur.validation = "Validated";
    CHECK(cur.locked());
    cur.validation = "Needs revalidation";
    CHECK_FALSE(cur.locked());
}
