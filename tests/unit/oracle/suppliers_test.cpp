#include "oracle/suppliers.hpp"

#include <catch2/catch.hpp>

using namespace mlc::oracle;

TEST_CASE("parse_supplier_page reads suppliers, paging attributes and nested addresses",
          "[oracle][suppliers]")
{
    const std::string body = R"({"items":[
        {"SupplierId":300000047507499,"SupplierNumber":"1252","Supplier":"Acme Builders, Inc.",
         "Status":"ACTIVE","InactiveDate":null,"LastUpdateDate":"2026-01-02T03:04:05.123+00:00",
         "TaxpayerId":"98-0337637",
         "addresses":[{"SupplierAddressId":7,"AddressLine1":"1 Main St","AddressLine2":"Suite 4",
                       "City":"Austin","State":"TX","PostalCode":"78701","CountryCode":"US",
                       "AddressPurposeOrderingFlag":true,"AddressPurposeRemitToFlag":false,"Status":"ACTIVE"}]},
        {"SupplierId":"12","Supplier":"B","LastUpdateDate":"2026-01-02T03:04:06.000+00:00",
         "addresses":{"items":[{"SupplierAddressId":8,"City":"Reno","AddressPurposeRemitToFlag":"Y"}],"count":1}}
        ],"count":2,"hasMore":true,"limit":499,"offset":500})";
    auto page = parse_supplier_page(body);
    REQUIRE(page.has_value());
    CHECK(page->meta.count == 2);
    CHECK(page->meta.has_more);
    CHECK(page->meta.limit == 499);
    CHECK(page->meta.offset == 500);
    REQUIRE(page->suppliers.size() == 2);
    const auto& a = page->suppliers[0];
    CHECK(a.id == 300000047507499); // beyond 2^48: read as an integer, never a double
    CHECK(a.number == "1252");
    CHECK(a.name == "Acme Builders, Inc.");
    CHECK(a.inactive_date.empty());
    CHECK(a.taxpayer_id == "98-0337637");
    REQUIRE(a.addresses.size() == 1);
    CHECK(a.addresses[0].line2 == "Suite 4");
    CHECK(a.addresses[0].ordering);
    CHECK_FALSE(a.addresses[0].remit_to);
    const auto& b = page->suppliers[1];
    CHECK(b.id == 12);
    REQUIRE(b.addresses.size() == 1); // framework v3+ child collection object
    CHECK(b.addresses[0].remit_to);   // "Y" flag
}

TEST_CASE("parse_supplier_page rejects bad input", "[oracle][suppliers]")
{
    CHECK_FALSE(parse_supplier_page("{").has_value());
    CHECK_FALSE(parse_supplier_page("[]").has_value());
    CHECK_FALSE(parse_supplier_page(R"({"count":0})").has_value());
    CHECK_FALSE(parse_supplier_page(R"({"items":[1]})").has_value());
    // No SupplierId, or no LastUpdateDate: the cursor could not move past it.
    auto no_id = parse_supplier_page(
        R"({"items":[{"Supplier":"x","LastUpdateDate":"2026-01-01T00:00:00Z"}]})");
    REQUIRE_FALSE(no_id.has_value());
    CHECK(no_id.error().find("SupplierId") != std::string::npos);
    auto no_date = parse_supplier_page(R"({"items":[{"SupplierId":5}]})");
    REQUIRE_FALSE(no_date.has_value());
    CHECK(no_date.error().find("LastUpdateDate") != std::string::npos);
    // A wrong type for the id is an error, not a zero.
    CHECK_FALSE(
        parse_supplier_page(R"({"items":[{"SupplierId":true,"LastUpdateDate":"x"}]})").has_value());
}

TEST_CASE("supplier query and projection", "[oracle][suppliers]")
{
    CHECK(supplier_query(SupplierCursor{}) == "");
    CHECK(supplier_query(SupplierCursor{
              .since = "2026-01-01T00:00:00.000+00:00", .after_time = {}, .after_key = {}})
          == "LastUpdateDate>='2026-01-01T00:00:00.000+00:00'");
    // With the compound cursor: records at the watermark's instant only past its id.
    CHECK(supplier_query(SupplierCursor{.since = "2026-01-01T00:00:00.000+00:00",
                                        .after_time = "2026-01-01T00:05:00.000+00:00",
                                        .after_key = "300000047000123"})
          == "LastUpdateDate>='2026-01-01T00:00:00.000+00:00' and "
             "(LastUpdateDate!='2026-01-01T00:05:00.000+00:00' or SupplierId>300000047000123)");
    // A key that is not a number is never pasted into the expression.
    CHECK(supplier_query(SupplierCursor{
              .since = "2026-01-01T00:00:00Z", .after_time = "x", .after_key = "1 or 1=1"})
          == "LastUpdateDate>='2026-01-01T00:00:00Z'");
    const auto fields = supplier_fields();
    CHECK(fields.find("SupplierId") == 0);
    CHECK(fields.find(";addresses:") != std::string::npos); // one GET per page, no expand
    Query q;
    q.q = supplier_query(SupplierCursor{
        .since = "2026-01-01T00:00:00.000+00:00", .after_time = {}, .after_key = {}});
    q.fields = fields;
    const auto qs = Client::query_string(q);
    CHECK(qs.find("%2B00%3A00") != std::string::npos); // '+' in the offset is encoded
    CHECK(qs.find("expand") == std::string::npos);
}
