// Reading Oracle's payablesPayments pages: the payment, the invoices it pays (both names of the
// unconfirmed amount attribute, a row without InvoiceId), voids, and bodies that are not a page.
#include "oracle/payments.hpp"

#include <catch2/catch.hpp>

using namespace mlc;

TEST_CASE("A payments page reads each payment and the invoices it pays", "[oracle][payments]")
{
    const auto page = oracle::parse_payment_page(R"({"items":[
        {"CheckId":68536,"PaymentNumber":1005,"PaymentAmount":3050.10,"PaymentCurrency":"USD",
         "PaymentDate":"2026-11-20","PaymentStatus":"Negotiable","VoidDate":null,
         "PaymentMethod":"Check","Supplier":"Redwood Supply",
         "LastUpdateDate":"2026-11-20T10:00:00+00:00",
         "relatedInvoices":[{"InvoicePaymentId":9001,"InvoiceId":300100,"InvoiceNumber":"SC-7-1",
                             "PaymentAmount":3000.10},
                            {"InvoicePaymentId":9002,"InvoiceNumber":"SC-7-2","AmountPaid":50}]},
        {"CheckId":68537,"PaymentNumber":"1006","PaymentAmount":10,"PaymentStatus":"Voided",
         "VoidDate":"2026-11-21","LastUpdateDate":"2026-11-21T10:00:00+00:00",
         "relatedInvoices":{"items":[{"InvoiceId":300101,"InvoiceNumber":"SC-7-3"}]}}],
        "count":2,"hasMore":false,"limit":200,"offset":0})");
    REQUIRE(page);
    REQUIRE(page->payments.size() == 2);
    const auto& p = page->payments[0];
    CHECK(p.check_id == 68536);
    CHECK(p.number == "1005");
    CHECK(p.amount == "3050.10"); // the sender's text, never through a double
    CHECK(p.date == "2026-11-20");
    CHECK(p.method == "Check");
    CHECK(p.supplier == "Redwood Supply");
    CHECK_FALSE(p.voided());
    REQUIRE(p.invoices.size() == 2);
    CHECK(p.invoices[0].invoice_payment_id == 9001);
    CHECK(p.invoices[0].invoice_id == 300100);
    CHECK(p.invoices[0].amount == "3000.10");
    CHECK(p.invoices[1].invoice_id == 0); // not given: the flow finds it by number
    CHECK(p.invoices[1].invoice_number == "SC-7-2");
    CHECK(p.invoices[1].amount == "50");
    const auto& v = page->payments[1];
    CHECK(v.voided());
    CHECK(v.number == "1006");
    REQUIRE(v.invoices.size() == 1);
    CHECK(v.invoices[0].amount.empty());
    CHECK_FALSE(page->meta.has_more);
    CHECK(page->meta.limit == 200);
}

TEST_CASE("A payments page that cannot be read says why", "[oracle][payments]")
{
    CHECK_FALSE(oracle::parse_payment_page("{"));
    CHECK_FALSE(oracle::parse_payment_page(R"({"count":0})"));
    const auto no_id = oracle::parse_payment_page(R"({"items":[{"PaymentNumber":1}]})");
    REQUIRE_FALSE(no_id);
    CHECK(no_id.error().find("CheckId") != std::string::npos);
    const auto no_stamp = oracle::parse_payment_page(R"({"items":[{"CheckId":1}]})");
    REQUIRE_FALSE(no_stamp);
    CHECK(no_stamp.error().find("LastUpdateDate") != std::string::npos);
    const auto bare = oracle::parse_payment_page(
        R"({"items":[{"CheckId":1,"LastUpdateDate":"2026-01-01T00:00:00Z","relatedInvoices":[{}]}]})");
    REQUIRE_FALSE(bare);
    CHECK(bare.error().find("neither InvoiceId nor InvoiceNumber") != std::string::npos);
    CHECK_FALSE(oracle::parse_payment_page(
        R"({"items":[{"CheckId":1,"LastUpdateDate":"x","relatedInvoices":7}]})"));
}
