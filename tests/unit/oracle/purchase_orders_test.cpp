// Oracle purchase orders: the draft body (exact JSON, numbers from their decimal text), the
// parsers (children as bare arrays or collection objects, numbers kept as the text Oracle sent),
// and the API calls against a scripted transport: create, submit, the lookup by reference,
// supplier sites and the incremental read.
#include "core/json.hpp"
#include "oracle/purchase_orders.hpp"
#include "unit/http/fake_transport.hpp"

#include <catch2/catch.hpp>

namespace oracle_purchase_orders_test {

using namespace mlc;
using namespace mlc::oracle;
using test::FakeTransport;
using test::response;

namespace {

constexpr const char* k_root = "https://pod.example.com/fscmRestApi/resources/11.13.18.05";

struct Harness {
    FakeTransport transport;
    http::CallCounter counter;
    FakeClock clock;
    http::Client http{transport, nullptr, counter, clock, {"oracle", {}, {}}};
    Client client{http, k_root};
    PurchaseOrderApi api{client};
};

DraftPurchaseOrder goods_po()
{
    DraftPurchaseOrder po;
    po.procurement_bu = "US1 Business Unit";
    po.requisitioning_bu = "US1 Business Unit";
    po.supplier_id = 300000047507499;
    po.supplier = "Acme \"Builders\"";
    po.supplier_site = "ACME-AUS";
    po.buyer_email = "buyer@example.com";
    po.currency = "USD";
    po.description = "Concrete " + po_reference_tag("POC-562949953421312");
    po.reference = "POC-562949953421312";
    PoLine line;
    line.number = 1;
    line.line_type = "Goods";
    line.description = "Ready-mix";
    line.category = "Construction Materials";
    line.uom = "Each";
    line.quantity = "3";
    line.price = "1234.56";
    PoSchedule s;
    s.ship_to_location = "Austin HQ";
    s.need_by_date = "2026-03-01";
    s.quantity = "3";
    s.distributions.push_back(PoDistribution{
        .number = 1, .charge_account = "101-2100-5110-000-000", .quantity = "3", .amount = {}});
    line.schedules.push_back(s);
    po.lines.push_back(line);
    return po;
}

const char* k_po_body = R"({
  "POHeaderId": 300000123456789, "OrderNumber": "1002", "StatusCode": "INCOMPLETE",
  "Status": "Incomplete", "SupplierId": 300000047507499, "Supplier": "Acme",
  "SupplierSite": "ACME-AUS", "ProcurementBU": "US1 Business Unit", "CurrencyCode": "USD",
  "Description": "Concrete [MLC POC-1]", "Ordered": 1234.56,
  "CreationDate": "2026-01-02T03:04:05.000+00:00", "LastUpdateDate": "2026-01-02T03:04:06.000+00:00",
  "lines": [{"LineNumber": 1, "LineType": "Goods", "ItemDescription": "Ready-mix", "UOM": "Each",
             "Quantity": 3, "Price": 0.1, "Amount": 0.30,
             "schedules": [{"ScheduleNumber": 1, "ShipToLocation": "Austin HQ",
                            "NeedByDate": "2026-03-01", "Quantity": 3,
                            "distributions": [{"DistributionNumber": 1, "QuantityOrdered": 3,
                                               "POChargeAccount": "101-2100-5110-000-000"}]}]},
            {"LineNumber": 2, "LineType": "Fixed Price Services", "ItemDescription": "Pumping",
             "Quantity": null, "Price": null, "Amount": 1E3,
             "schedules": {"items": [{"ScheduleNumber": 1, "ShipToLocationCode": "AUS",
                                      "Amount": "1000.00",
                                      "distributions": {"items": [{"DistributionNumber": 1,
                                          "Amount": 1000.00, "POChargeAccount": "101-2100-5120-000-000"}],
                                          "count": 1, "hasMore": false}}],
                           "count": 1, "hasMore": false}}],
  "links": [{"rel": "self", "href": "https://pod.example.com/x/draftPurchaseOrders/ABC123", "name": "draftPurchaseOrders"},
            {"rel": "canonical", "href": "https://pod.example.com/y"}]
})";

std::string page_of(const std::string& items, bool has_more = false, int limit = 25)
{
    return R"({"items":[)" + items + R"(],"count":)" + std::to_string(items.empty() ? 0 : 1)
           + R"(,"hasMore":)" + (has_more ? "true" : "false") + R"(,"limit":)"
           + std::to_string(limit) + R"(,"offset":0})";
}

std::string po_item(std::int64_t id, const std::string& number, const std::string& description)
{
    return R"({"POHeaderId":)" + std::to_string(id) + R"(,"OrderNumber":")" + number
           + R"(","Description":")" + description
           + R"(","LastUpdateDate":"2026-01-02T03:04:05.000+00:00"})";
}

} // namespace

TEST_CASE("draft_purchase_order_json writes a goods PO exactly", "[oracle][purchase_orders]")
{
    const auto body = draft_purchase_order_json(goods_po());
    CHECK(
        body
        == R"({"ProcurementBU":"US1 Business Unit","RequisitioningBU":"US1 Business Unit",)"
           R"("SupplierId":300000047507499,"Supplier":"Acme \"Builders\"","SupplierSite":"ACME-AUS",)"
           R"("BuyerEmail":"buyer@example.com","CurrencyCode":"USD",)"
           R"("Description":"Concrete [MLC POC-562949953421312]",)"
           R"("lines":[{"LineNumber":1,"LineType":"Goods","ItemDescription":"Ready-mix",)"
           R"("CategoryName":"Construction Materials","UOM":"Each","Quantity":3,"Price":1234.56,)"
           R"("schedules":[{"ScheduleNumber":1,"ShipToLocation":"Austin HQ",)"
           R"("NeedByDate":"2026-03-01","Quantity":3,"distributions":[{"DistributionNumber":1,)"
           R"("POChargeAccount":"101-2100-5110-000-000","QuantityOrdered":3}]}]}]})");
    // Valid JSON, and the numbers are what was given (the writer never made doubles of them).
    auto doc = json::parse_numbers_as_text(body);
    REQUIRE(doc.has_value());
    CHECK(json::get_decimal_text((*doc)["lines"][0], "Price") == "1234.56");
}

TEST_CASE("draft_purchase_order_json writes a services PO, the DFF and BillToBU when set",
          "[oracle][purchase_orders]")
{
    auto po = goods_po();
    po.bill_to_bu = "US1 Billing";
    po.supplier.clear();
    po.dff_attribute = "mlcReference";
    PoLine services;
    services.number = 2;
    services.line_type = "Fixed Price Services";
    services.amount_based = true;
    services.description = "Pumping";
    services.category = "Services";
    services.quantity = "7"; // ignored: a services line is written by amount
    services.price = "9";
    services.amount = "0.1";
    PoSchedule s;
    s.ship_to_location = "Austin HQ";
    s.need_by_date = "2026-03-01";
    s.amount = "0.10";
    s.distributions.push_back(PoDistribution{
        .number = 1, .charge_account = "101-2100-5120-000-000", .quantity = {}, .amount = "0.1"});
    services.schedules.push_back(s);
    po.lines = {services};
    const auto body = draft_purchase_order_json(po);
    CHECK(
        body
        == R"({"ProcurementBU":"US1 Business Unit","RequisitioningBU":"US1 Business Unit",)"
           R"("BillToBU":"US1 Billing","SupplierId":300000047507499,"SupplierSite":"ACME-AUS",)"
           R"("BuyerEmail":"buyer@example.com","CurrencyCode":"USD",)"
           R"("Description":"Concrete [MLC POC-562949953421312]",)"
           R"("DFF":[{"mlcReference":"POC-562949953421312"}],)"
           R"("lines":[{"LineNumber":2,"LineType":"Fixed Price Services","ItemDescription":"Pumping",)"
           R"("CategoryName":"Services","Amount":0.1,)"
           R"("schedules":[{"ScheduleNumber":1,"ShipToLocation":"Austin HQ",)"
           R"("NeedByDate":"2026-03-01","Amount":0.1,"distributions":[{"DistributionNumber":1,)"
           R"("POChargeAccount":"101-2100-5120-000-000","Amount":0.1}]}]}]})");
    CHECK(body.find("\"Quantity\"") == std::string::npos);
    CHECK(body.find("\"Price\"") == std::string::npos);
    CHECK(body.find("\"UOM\"") == std::string::npos); // not set on this line
    CHECK(body.find("\"Supplier\"") == std::string::npos);
}

TEST_CASE("draft_purchase_order_json: numbers from decimal text, bad text left out",
          "[oracle][purchase_orders]")
{
    auto po = goods_po();
    po.lines[0].quantity = "+.5";                         // a decimal, not JSON: its plain form
    po.lines[0].price = "12345678901234567890.123456789"; // beyond a double's precision
    po.lines[0].schedules[0].quantity = "1e3";            // not a decimal: left out
    const auto body = draft_purchase_order_json(po);
    CHECK(body.find(R"("Quantity":0.5,)") != std::string::npos);
    CHECK(body.find(R"("Price":12345678901234567890.123456789,)") != std::string::npos);
    CHECK(body.find("1e3") == std::string::npos);
    CHECK(json::parse(body).has_value());
    // No DFF unless configured.
    CHECK(body.find("DFF") == std::string::npos);
}

TEST_CASE("po_reference_tag brackets the reference", "[oracle][purchase_orders]")
{
    CHECK(po_reference_tag("POC-562949953421312") == "[MLC POC-562949953421312]");
}

TEST_CASE("parse_purchase_order reads the header, children in both shapes, numbers as text",
          "[oracle][purchase_orders]")
{
    auto po = parse_purchase_order(k_po_body);
    REQUIRE(po.has_value());
    CHECK(po->id == 300000123456789);
    CHECK(po->number == "1002");
    CHECK(po->status == "INCOMPLETE"); // the code, not the display name
    CHECK(po->supplier_id == 300000047507499);
    CHECK(po->supplier_site == "ACME-AUS");
    CHECK(po->currency == "USD");
    CHECK(po->ordered == "1234.56"); // as sent, never through a double
    CHECK(po->last_update_date == "2026-01-02T03:04:06.000+00:00");
    CHECK(po->self_href == "https://pod.example.com/x/draftPurchaseOrders/ABC123");
    CHECK_FALSE(po->draft); // the caller knows where it read it
    REQUIRE(po->lines.size() == 2);
    const auto& goods = po->lines[0];
    CHECK_FALSE(goods.amount_based);
    CHECK(goods.quantity == "3");
    CHECK(goods.price == "0.1");
    CHECK(goods.amount == "0.30"); // trailing zero kept: the text Oracle sent
    REQUIRE(goods.schedules.size() == 1);
    CHECK(goods.schedules[0].ship_to_location == "Austin HQ");
    CHECK(goods.schedules[0].need_by_date == "2026-03-01");
    REQUIRE(goods.schedules[0].distributions.size() == 1);
    CHECK(goods.schedules[0].distributions[0].quantity == "3");
    CHECK(goods.schedules[0].distributions[0].charge_account == "101-2100-5110-000-000");
    const auto& services = po->lines[1];
    CHECK(services.number == 2);
    CHECK(services.amount_based); // Amount without Quantity
    CHECK(services.quantity.empty());
    CHECK(services.amount == "1000");        // 1E3 rewritten exactly
    REQUIRE(services.schedules.size() == 1); // framework v3+ collection objects
    CHECK(services.schedules[0].ship_to_location == "AUS");
    CHECK(services.schedules[0].amount == "1000.00");
    REQUIRE(services.schedules[0].distributions.size() == 1);
    CHECK(services.schedules[0].distributions[0].amount == "1000.00");
}

TEST_CASE("parse_purchase_order reads Quantity on distributions and string ids",
          "[oracle][purchase_orders]")
{
    auto po = parse_purchase_order(
        R"({"POHeaderId":"42","lines":[{"LineNumber":"3","Quantity":"2.5","schedules":[
            {"distributions":[{"DistributionNumber":2,"Quantity":2.5}]}]}]})");
    REQUIRE(po.has_value());
    CHECK(po->id == 42);
    REQUIRE(po->lines.size() == 1);
    CHECK(po->lines[0].number == 3);
    CHECK(po->lines[0].quantity == "2.5");
    CHECK(po->lines[0].schedules[0].distributions[0].number == 2);
    CHECK(po->lines[0].schedules[0].distributions[0].quantity == "2.5");
    CHECK(po->ordered.empty());
    CHECK(po->self_href.empty());
}

TEST_CASE("parse_purchase_order and the page parser reject bad input", "[oracle][purchase_orders]")
{
    CHECK_FALSE(parse_purchase_order("{").has_value());
    CHECK_FALSE(parse_purchase_order("[]").has_value());
    auto no_id = parse_purchase_order(R"({"OrderNumber":"1002"})");
    REQUIRE_FALSE(no_id.has_value());
    CHECK(no_id.error().find("POHeaderId") != std::string::npos);
    CHECK_FALSE(parse_purchase_order(R"({"POHeaderId":true})").has_value());
    CHECK_FALSE(parse_purchase_order(R"({"POHeaderId":1.5})").has_value());
    // A money attribute that is not a decimal is an error, not an empty amount.
    auto bad_amount = parse_purchase_order(R"({"POHeaderId":1,"Ordered":"12,50"})");
    REQUIRE_FALSE(bad_amount.has_value());
    CHECK(bad_amount.error().find("Ordered") != std::string::npos);
    // The bad value is quoted escaped and cut: the message stays one short line.
    auto hostile = parse_purchase_order(R"({"POHeaderId":1,"Ordered":"12\n\"50)"
                                        + std::string(500, '9') + R"("})");
    REQUIRE_FALSE(hostile.has_value());
    CHECK(hostile.error().find('\n') == std::string::npos);
    CHECK(hostile.error().find(R"(is not a decimal number ("12\u000a\"50)") != std::string::npos);
    CHECK(hostile.error().size() < 200);
    CHECK_FALSE(parse_purchase_order(R"({"POHeaderId":1,"lines":[{"Price":true}]})").has_value());
    CHECK_FALSE(parse_purchase_order(R"({"POHeaderId":1,"lines":"x"})").has_value());
    CHECK_FALSE(parse_purchase_order(R"({"POHeaderId":1,"lines":[7]})").has_value());
    // A child collection cut at the server's child page size: lines would be missing.
    auto paged = parse_purchase_order(
        R"({"POHeaderId":1,"lines":{"items":[{"LineNumber":1}],"count":1,"hasMore":true}})");
    REQUIRE_FALSE(paged.has_value());
    CHECK(paged.error().find("hasMore") != std::string::npos);

    CHECK_FALSE(parse_purchase_order_page(R"({"count":0})").has_value());
    CHECK_FALSE(parse_purchase_order_page(R"({"items":[{"POHeaderId":1}]})").has_value());
    auto page = parse_purchase_order_page(R"({"items":[)" + po_item(7, "1", "a")
                                          + R"(],"count":1,"hasMore":true,"limit":1,"offset":4})");
    REQUIRE(page.has_value());
    CHECK(page->meta.count == 1);
    CHECK(page->meta.has_more);
    CHECK(page->meta.limit == 1);
    CHECK(page->meta.offset == 4);
    CHECK(page->orders[0].id == 7);
}

TEST_CASE("create_draft POSTs the body once, as a resource item", "[oracle][purchase_orders]")
{
    Harness h;
    h.transport.push(response(201, k_po_body));
    const auto body = draft_purchase_order_json(goods_po());
    auto created = h.api.create_draft(body);
    REQUIRE(created.has_value());
    CHECK(created->id == 300000123456789);
    CHECK(created->draft);
    REQUIRE(h.transport.requests.size() == 1);
    const auto& r = h.transport.requests[0];
    CHECK(r.method == "POST");
    CHECK(r.url == std::string(k_root) + "/draftPurchaseOrders");
    CHECK(r.headers.get("Content-Type") == "application/vnd.oracle.adf.resourceitem+json");
    CHECK(r.body == body);
    CHECK(h.counter.snapshot().at("POST /draftPurchaseOrders") == 1);
}

TEST_CASE("create_draft is not resent after a failure that may have applied it",
          "[oracle][purchase_orders]")
{
    Harness h;
    h.transport.push(response(502, "bad gateway"));
    auto created = h.api.create_draft("{}");
    REQUIRE_FALSE(created.has_value());
    CHECK(created.error().status == 502);
    CHECK(h.transport.requests.size() == 1);

    // Refused before acting (503): resent.
    Harness again;
    again.transport.push(response(503, "busy"));
    again.transport.push(response(201, R"({"POHeaderId":5})"));
    auto second = again.api.create_draft("{}");
    REQUIRE(second.has_value());
    CHECK(second->id == 5);
    CHECK(again.transport.requests.size() == 2);

    // A 2xx answer without a POHeaderId: a shape error, not a PO with id 0.
    Harness shape;
    shape.transport.push(response(201, R"({"OrderNumber":"1"})"));
    auto bad = shape.api.create_draft("{}");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == http::ErrorKind::shape);
}

TEST_CASE("submit POSTs the action to the self href, else to the draft by id",
          "[oracle][purchase_orders]")
{
    Harness h;
    h.transport.push(response(200, R"({"result":"SUCCESS"})"));
    h.transport.push(response(200, R"({"result":"SUCCESS"})"));
    PurchaseOrder draft;
    draft.id = 300000123456789;
    draft.self_href = "https://pod.example.com/x/draftPurchaseOrders/ABC123";
    REQUIRE(h.api.submit(draft).has_value());
    draft.self_href.clear();
    REQUIRE(h.api.submit(draft).has_value());
    REQUIRE(h.transport.requests.size() == 2);
    const auto& first = h.transport.requests[0];
    CHECK(first.method == "POST");
    CHECK(first.url == "https://pod.example.com/x/draftPurchaseOrders/ABC123/action/submit");
    CHECK(first.body == "{}");
    CHECK(first.headers.get("Content-Type") == "application/vnd.oracle.adf.action+json");
    CHECK(h.transport.requests[1].url
          == std::string(k_root) + "/draftPurchaseOrders/300000123456789/action/submit");
    CHECK(h.counter.snapshot().at("POST /draftPurchaseOrders/{id}/action/submit") == 2);

    // Not resent after a 500; an error answer is the caller's.
    Harness failing;
    failing.transport.push(response(500, R"({"title":"x","o:errorDetails":[{"detail":"no"}]})"));
    auto refused = failing.api.submit(draft);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().status == 500);
    CHECK(failing.transport.requests.size() == 1);

    // Nothing to address: no request at all.
    Harness none;
    REQUIRE_FALSE(none.api.submit(PurchaseOrder{}).has_value());
    CHECK(none.transport.requests.empty());
}

TEST_CASE("find_by_reference looks in drafts, then purchase orders", "[oracle][purchase_orders]")
{
    SECTION("zero matches")
    {
        Harness h;
        h.transport.push(response(200, page_of("")));
        h.transport.push(response(200, page_of("")));
        auto found = h.api.find_by_reference("POC-1");
        REQUIRE(found.has_value());
        CHECK_FALSE(found->has_value());
        REQUIRE(h.transport.requests.size() == 2);
        const std::string q = "q=Description%20LIKE%20%27%25%5BMLC%20POC-1%5D%27";
        CHECK(h.transport.requests[0].url.find(std::string(k_root) + "/draftPurchaseOrders?" + q)
              == 0);
        CHECK(h.transport.requests[1].url.find(std::string(k_root) + "/purchaseOrders?" + q) == 0);
        CHECK(h.transport.requests[0].url.find("onlyData=true") != std::string::npos);
        CHECK(h.counter.snapshot().at("GET /draftPurchaseOrders") == 1);
        CHECK(h.counter.snapshot().at("GET /purchaseOrders") == 1);
    }
    SECTION("one match, a draft")
    {
        Harness h;
        h.transport.push(response(200, page_of(po_item(11, "1002", "Concrete [MLC POC-1]"))));
        h.transport.push(response(200, page_of("")));
        auto found = h.api.find_by_reference("POC-1");
        REQUIRE(found.has_value());
        REQUIRE(found->has_value());
        CHECK((*found)->id == 11);
        CHECK((*found)->draft);
    }
    SECTION("one match, submitted")
    {
        Harness h;
        h.transport.push(response(200, page_of("")));
        h.transport.push(response(200, page_of(po_item(12, "1003", "x [MLC POC-1]"))));
        auto found = h.api.find_by_reference("POC-1");
        REQUIRE(found.has_value());
        REQUIRE(found->has_value());
        CHECK((*found)->id == 12);
        CHECK_FALSE((*found)->draft);
    }
    SECTION("two matches are an error naming both orders")
    {
        Harness h;
        h.transport.push(response(200, page_of(po_item(11, "1002", "a [MLC POC-1]"))));
        h.transport.push(response(200, page_of(po_item(12, "1003", "copy [MLC POC-1]"))));
        auto found = h.api.find_by_reference("POC-1");
        REQUIRE_FALSE(found.has_value());
        CHECK(found.error().kind == http::ErrorKind::shape);
        CHECK(found.error().message.find("1002") != std::string::npos);
        CHECK(found.error().message.find("1003") != std::string::npos);
    }
    SECTION("the same PO in both resources is one PO")
    {
        Harness h;
        h.transport.push(response(200, page_of(po_item(11, "1002", "a [MLC POC-1]"))));
        h.transport.push(response(200, page_of(po_item(11, "1002", "a [MLC POC-1]"))));
        auto found = h.api.find_by_reference("POC-1");
        REQUIRE(found.has_value());
        REQUIRE(found->has_value());
        CHECK_FALSE((*found)->draft);
    }
    SECTION("a row without the tag is not a match")
    {
        Harness h;
        h.transport.push(response(200, page_of(po_item(11, "1002", "[MLC POC-12]"))));
        h.transport.push(response(200, page_of("")));
        auto found = h.api.find_by_reference("POC-1");
        REQUIRE(found.has_value());
        CHECK_FALSE(found->has_value());
    }
    SECTION("a quote in the reference is doubled")
    {
        Harness h;
        h.transport.push(response(200, page_of("")));
        h.transport.push(response(200, page_of("")));
        REQUIRE(h.api.find_by_reference("O'Brien").has_value());
        CHECK(h.transport.requests[0].url.find("%5BMLC%20O%27%27Brien%5D%27") != std::string::npos);
    }
    SECTION("an error is handed back")
    {
        Harness h;
        h.transport.push(response(400, "bad q"));
        auto found = h.api.find_by_reference("POC-1");
        REQUIRE_FALSE(found.has_value());
        CHECK(found.error().status == 400);
    }
}

TEST_CASE("supplier_sites reads every page with boolean or Y/N flags", "[oracle][purchase_orders]")
{
    Harness h;
    h.transport.push(response(
        200,
        R"({"items":[{"SupplierSiteId":300000000000001,"SupplierSite":"ACME-AUS","ProcurementBU":"US1",
                      "SitePurposePurchasingFlag":true,"InactiveDate":null},
                     {"SupplierSiteId":"2","SupplierSite":"ACME-PAY","SitePurposePurchasingFlag":"N",
                      "InactiveDate":"2025-12-31"}],"count":2,"hasMore":true,"limit":2,"offset":0})"));
    h.transport.push(response(
        200,
        R"({"items":[{"SupplierSiteId":3,"SupplierSite":"ACME-DAL","SitePurposePurchasingFlag":"Y"}],
            "count":1,"hasMore":false,"limit":2,"offset":2})"));
    auto sites = h.api.supplier_sites(300000047507499);
    REQUIRE(sites.has_value());
    REQUIRE(sites->size() == 3);
    CHECK((*sites)[0].id == 300000000000001);
    CHECK((*sites)[0].procurement_bu == "US1");
    CHECK((*sites)[0].purchasing);
    CHECK((*sites)[0].inactive_date.empty());
    CHECK((*sites)[1].id == 2);
    CHECK_FALSE((*sites)[1].purchasing);
    CHECK((*sites)[1].inactive_date == "2025-12-31");
    CHECK((*sites)[2].purchasing);
    REQUIRE(h.transport.requests.size() == 2);
    CHECK(h.transport.requests[0].url.find(std::string(k_root)
                                           + "/suppliers/300000047507499/child/sites?")
          == 0);
    CHECK(h.transport.requests[0].url.find("limit=500") != std::string::npos);
    CHECK(h.transport.requests[1].url.find("offset=2") != std::string::npos);
    CHECK(h.counter.snapshot().at("GET /suppliers/{id}/child/sites") == 2);

    Harness bad;
    bad.transport.push(response(200, R"({"items":[{"SupplierSite":"no id"}]})"));
    auto refused = bad.api.supplier_sites(1);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().kind == http::ErrorKind::shape);
}

TEST_CASE("read_changed expands the children and follows the cursor", "[oracle][purchase_orders]")
{
    Harness h;
    h.transport.push(response(200, R"({"items":[)" + std::string(k_po_body)
                                       + R"(],"count":1,"hasMore":false,"limit":100,"offset":0})"));
    std::vector<PurchaseOrder> seen;
    auto stats = h.api.read_changed(
        IncrementalCursor{.since = "2026-01-01T00:00:00Z", .after_time = {}, .after_key = {}},
        [&seen](PurchaseOrderPage& page) {
            seen.insert(seen.end(), page.orders.begin(), page.orders.end());
            return true;
        });
    REQUIRE(stats.has_value());
    CHECK(stats->records == 1);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].lines.size() == 2);
    CHECK(seen[0].ordered == "1234.56");
    REQUIRE(h.transport.requests.size() == 1);
    const auto& url = h.transport.requests[0].url;
    CHECK(url.find(std::string(k_root) + "/purchaseOrders?") == 0);
    CHECK(url.find("expand=lines%2Clines.schedules%2Clines.schedules.distributions")
          != std::string::npos);
    CHECK(url.find("fields=") == std::string::npos); // fields would void the expand
    CHECK(url.find("orderBy=LastUpdateDate%3Aasc%2CPOHeaderId%3Aasc") != std::string::npos);
    CHECK(url.find("limit=100") != std::string::npos);

    Harness by_id;
    by_id.transport.push(response(200, page_of(po_item(7, "1", "a"))));
    auto read = by_id.api.read_by_ids({7, 8}, [](PurchaseOrderPage&) { return true; });
    REQUIRE(read.has_value());
    CHECK(by_id.transport.requests[0].url.find("q=POHeaderId%3D7%20or%20POHeaderId%3D8")
          != std::string::npos);
    CHECK(by_id.transport.requests[0].url.find("expand=") != std::string::npos);
}

} // namespace oracle_purchase_orders_test
