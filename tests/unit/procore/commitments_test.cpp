// Procore commitments: the parsers (vendor nested or flat, money as string or number, cost code
// and line item type flat or nested), the sync item bodies, and the API calls against a scripted
// transport: list by updated_at, get with the line items fallback, 404 and deleted, write-back,
// the two sync calls, the lookup by origin_id and the project's cost codes.
#include "procore/commitments.hpp"
#include "unit/http/fake_transport.hpp"

#include <catch2/catch.hpp>

namespace procore_commitments_test {

using namespace mlc;
using namespace mlc::procore;
using test::FakeTransport;
using test::response;

namespace {

constexpr const char* k_base = "https://api.procore.test";

struct Harness {
    FakeTransport transport;
    http::CallCounter counter;
    FakeClock clock;
    http::Client http{transport, nullptr, counter, clock, {"procore", {}, {}}};
    CommitmentApi api{http, std::string(k_base) + "/", 4264807};
};

const char* k_commitment = R"({"id":562949953421312,"number":"PO-7","title":"Concrete",
  "status":"Approved","project":{"id":99,"name":"Tower"},
  "vendor":{"id":31,"company":"Acme","origin_id":"300000047507499"},
  "origin_id":null,"origin_code":null,"grand_total":"1234.56","contract_date":"2026-01-05",
  "delivery_date":null,"updated_at":"2026-01-06T10:00:00Z","deleted_at":null,
  "line_items":[{"id":1,"description":"Ready-mix","amount":"250.0","quantity":"2.5",
                 "unit_cost":"100.0","uom":"cy","cost_code_id":77,"line_item_type_id":5,
                 "origin_id":"300000000000011"},
                {"id":2,"description":"Pump","amount":984.56,"quantity":0.1,"unit_cost":null,
                 "cost_code":{"id":78,"full_code":"03-100"},"line_item_type":{"id":6}}]})";

} // namespace

TEST_CASE("commitment type names", "[procore][commitments]")
{
    CHECK(collection_of(CommitmentType::purchase_order) == "purchase_order_contracts");
    CHECK(collection_of(CommitmentType::work_order) == "work_order_contracts");
    CHECK(singular_of(CommitmentType::purchase_order) == "purchase_order_contract");
    CHECK(singular_of(CommitmentType::work_order) == "work_order_contract");
    CHECK(resource_name_of(CommitmentType::work_order) == "Work Order Contracts");
    CHECK(commitment_type_of_resource("Purchase Order Contracts")
          == CommitmentType::purchase_order);
    CHECK(commitment_type_of_resource("Work Order Contracts") == CommitmentType::work_order);
    CHECK_FALSE(commitment_type_of_resource("Vendors").has_value());
}

TEST_CASE("parse_commitment reads a nested vendor, money as string or number, nested ids",
          "[procore][commitments]")
{
    auto c = parse_commitment(k_commitment, CommitmentType::purchase_order);
    REQUIRE(c.has_value());
    CHECK(c->type == CommitmentType::purchase_order);
    CHECK(c->id == 562949953421312);
    CHECK(c->project_id == 99);
    CHECK(c->number == "PO-7");
    CHECK(c->status == "Approved");
    CHECK(c->vendor_id == 31);
    CHECK(c->vendor_name == "Acme");
    CHECK(c->vendor_origin_id == "300000047507499");
    CHECK(c->origin_id.empty());
    CHECK(c->grand_total == "1234.56");
    CHECK(c->contract_date == "2026-01-05");
    CHECK(c->delivery_date.empty());
    CHECK_FALSE(c->deleted);
    REQUIRE(c->lines.size() == 2);
    CHECK(c->lines[0].amount == "250.0");
    CHECK(c->lines[0].quantity == "2.5");
    CHECK(c->lines[0].unit_cost == "100.0");
    CHECK(c->lines[0].cost_code_id == 77);
    CHECK(c->lines[0].line_item_type_id == 5);
    CHECK(c->lines[0].origin_id == "300000000000011");
    CHECK(c->lines[1].amount == "984.56"); // a number, kept as its text
    CHECK(c->lines[1].quantity == "0.1");
    CHECK(c->lines[1].unit_cost.empty());
    CHECK(c->lines[1].cost_code_id == 78);
    CHECK(c->lines[1].line_item_type_id == 6);
}

TEST_CASE("parse_commitment reads a flat vendor_id and project_id, numbers as numbers",
          "[procore][commitments]")
{
    auto c = parse_commitment(
        R"({"id":"5","project_id":99,"vendor_id":31,"vendor":null,"grand_total":1000.10,
            "origin_id":300000123456789,"origin_code":"1002","number":7,"deleted_at":null})",
        CommitmentType::work_order);
    REQUIRE(c.has_value());
    CHECK(c->type == CommitmentType::work_order);
    CHECK(c->id == 5);
    CHECK(c->project_id == 99);
    CHECK(c->vendor_id == 31);
    CHECK(c->vendor_name.empty());
    CHECK(c->grand_total == "1000.10");
    CHECK(c->origin_id == "300000123456789");
    CHECK(c->origin_code == "1002");
    CHECK(c->number == "7");
    CHECK(c->lines.empty());
    auto deleted = parse_commitment(R"({"id":5,"deleted_at":"2026-01-07T00:00:00Z"})",
                                    CommitmentType::work_order);
    REQUIRE(deleted.has_value());
    CHECK(deleted->deleted);
}

TEST_CASE("commitment parsers reject bad input", "[procore][commitments]")
{
    const auto po = CommitmentType::purchase_order;
    CHECK_FALSE(parse_commitment("{", po).has_value());
    CHECK_FALSE(parse_commitment("[]", po).has_value());
    CHECK_FALSE(parse_commitment(R"({"title":"no id"})", po).has_value());
    CHECK_FALSE(parse_commitment(R"({"id":true})", po).has_value());
    auto bad_money = parse_commitment(R"({"id":1,"grand_total":"12,50"})", po);
    REQUIRE_FALSE(bad_money.has_value());
    CHECK(bad_money.error().find("grand_total") != std::string::npos);
    CHECK_FALSE(parse_commitment(R"({"id":1,"line_items":[{"amount":"1"}]})", po).has_value());
    CHECK_FALSE(
        parse_commitment(R"({"id":1,"line_items":[{"id":2,"amount":true}]})", po).has_value());
    CHECK_FALSE(parse_commitment_list("{}", po).has_value());
    CHECK_FALSE(parse_commitment_list(R"([{"id":1},{"name":"x"}])", po).has_value());
    CHECK_FALSE(parse_project_cost_codes("{}").has_value());
    CHECK_FALSE(parse_project_cost_codes(R"([{"name":"x"}])").has_value());
}

TEST_CASE("parse_project_cost_codes reads origin ids and the standard code",
          "[procore][commitments]")
{
    auto codes = parse_project_cost_codes(
        R"([{"id":1,"full_code":"03-100","name":"Concrete","origin_id":"5110","standard_cost_code_id":44},
            {"id":2,"full_code":"03-200","name":"Rebar","origin_id":null,"standard_cost_code":{"id":45}},
            {"id":3,"full_code":"09","name":"Finishes","origin_id":5120}])");
    REQUIRE(codes.has_value());
    REQUIRE(codes->size() == 3);
    CHECK((*codes)[0].origin_id == "5110");
    CHECK((*codes)[0].standard_cost_code_id == 44);
    CHECK((*codes)[1].origin_id.empty());
    CHECK((*codes)[1].standard_cost_code_id == 45);
    CHECK((*codes)[2].origin_id == "5120");
    CHECK((*codes)[2].standard_cost_code_id == 0);
}

TEST_CASE("commitment sync items leave unset fields out and write money as numbers",
          "[procore][commitments]")
{
    CommitmentSyncItem item;
    item.origin_id = "300000123456789";
    item.origin_code = "1002";
    item.title = "Concrete \"A\"";
    item.vendor_id = 31;
    CHECK(
        commitment_sync_item_json(item)
        == R"({"origin_id":"300000123456789","origin_code":"1002","title":"Concrete \"A\"","vendor_id":31})");
    item.id = 5;
    item.status = "Approved";
    item.origin_data = "x";
    item.number = "1002";
    item.vendor_id = 0;
    CHECK(commitment_sync_item_json(item)
          == R"({"id":5,"origin_id":"300000123456789","origin_code":"1002","origin_data":"x",)"
             R"("number":"1002","title":"Concrete \"A\"","status":"Approved"})");

    CommitmentLineSyncItem line;
    line.origin_id = "300000000000011";
    line.description = "Ready-mix";
    line.amount = "1234.56";
    CHECK(commitment_line_sync_item_json(line)
          == R"({"origin_id":"300000000000011","description":"Ready-mix","amount":1234.56})");
    line.id = 9;
    line.quantity = "0.1";
    line.unit_cost = "12345.60";
    line.uom = "ea";
    line.cost_code_id = 77;
    line.amount = "1234.56";
    CHECK(commitment_line_sync_item_json(line)
          == R"({"id":9,"origin_id":"300000000000011","description":"Ready-mix","amount":1234.56,)"
             R"("quantity":0.1,"unit_cost":12345.6,"uom":"ea","cost_code_id":77})");
    line.quantity = "n/a"; // not a decimal: left out rather than sent as invalid JSON
    CHECK(commitment_line_sync_item_json(line).find("quantity") == std::string::npos);
}

TEST_CASE("list_updated filters by the updated_at range and pages", "[procore][commitments]")
{
    Harness h;
    std::string full_page = "[";
    for (int i = 1; i <= 100; ++i) {
        full_page += (i > 1 ? "," : "") + std::string(R"({"id":)") + std::to_string(i)
                     + R"(,"grand_total":"1.0"})";
    }
    full_page += "]";
    h.transport.push(response(200, full_page));
    h.transport.push(response(200, R"([{"id":101,"vendor_id":3,"grand_total":2.5}])"));
    std::vector<Commitment> seen;
    auto n = h.api.list_updated(CommitmentType::purchase_order, 99, "2026-01-01T00:00:00Z",
                                "2026-01-02T00:00:00Z", [&seen](std::vector<Commitment>& page) {
                                    seen.insert(seen.end(), page.begin(), page.end());
                                });
    REQUIRE(n.has_value());
    CHECK(*n == 101);
    REQUIRE(seen.size() == 101);
    CHECK(seen.back().grand_total == "2.5");
    REQUIRE(h.transport.requests.size() == 2);
    CHECK(h.transport.requests[0].url
          == std::string(k_base)
                 + "/rest/v1.0/purchase_order_contracts?project_id=99"
                   "&filters%5Bupdated_at%5D=2026-01-01T00%3A00%3A00Z...2026-01-02T00%3A00%3A00Z"
                   "&page=1&per_page=100");
    CHECK(h.transport.requests[1].url.find("&page=2&per_page=100") != std::string::npos);
    CHECK(h.counter.snapshot().at("GET /rest/v1.0/purchase_order_contracts") == 2);
}

TEST_CASE("get reads the commitment with inline line items", "[procore][commitments]")
{
    Harness h;
    h.transport.push(response(200, k_commitment));
    auto c = h.api.get(CommitmentType::purchase_order, 99, 562949953421312);
    REQUIRE(c.has_value());
    REQUIRE(c->has_value());
    CHECK((*c)->lines.size() == 2);
    REQUIRE(h.transport.requests.size() == 1); // no second GET
    CHECK(h.transport.requests[0].url
          == std::string(k_base)
                 + "/rest/v1.0/purchase_order_contracts/562949953421312?project_id=99");
    CHECK(h.counter.snapshot().at("GET /rest/v1.0/purchase_order_contracts/{id}") == 1);
}

TEST_CASE("get fetches the line items when the item has none inline", "[procore][commitments]")
{
    Harness h;
    h.transport.push(
        response(200, R"({"id":5,"project_id":99,"vendor_id":31,"grand_total":"250.0"})"));
    h.transport.push(response(
        200, R"([{"id":1,"amount":"250.0","cost_code":{"id":77},"line_item_type_id":5}])"));
    auto c = h.api.get(CommitmentType::work_order, 99, 5);
    REQUIRE(c.has_value());
    REQUIRE(c->has_value());
    REQUIRE((*c)->lines.size() == 1);
    CHECK((*c)->lines[0].amount == "250.0");
    CHECK((*c)->lines[0].cost_code_id == 77);
    REQUIRE(h.transport.requests.size() == 2);
    CHECK(
        h.transport.requests[1].url
        == std::string(k_base)
               + "/rest/v1.0/work_order_contracts/5/line_items?project_id=99&page=1&per_page=1000");
    CHECK(h.counter.snapshot().at("GET /rest/v1.0/work_order_contracts/{id}/line_items") == 1);
}

TEST_CASE("get: 404 and deleted are no commitment, other errors are errors",
          "[procore][commitments]")
{
    Harness h;
    h.transport.push(response(404, R"({"errors":"Resource not found"})"));
    auto missing = h.api.get(CommitmentType::purchase_order, 99, 5);
    REQUIRE(missing.has_value());
    CHECK_FALSE(missing->has_value());

    h.transport.push(
        response(200, R"({"id":5,"deleted_at":"2026-01-07T00:00:00Z","line_items":[]})"));
    auto deleted = h.api.get(CommitmentType::purchase_order, 99, 5);
    REQUIRE(deleted.has_value());
    CHECK_FALSE(deleted->has_value());

    h.transport.push(response(200, R"({"id":5})"));
    h.transport.push(response(404, "{}")); // deleted between the two GETs
    auto gone = h.api.get(CommitmentType::purchase_order, 99, 5);
    REQUIRE(gone.has_value());
    CHECK_FALSE(gone->has_value());

    h.transport.push(response(403, R"({"errors":"forbidden"})"));
    auto forbidden = h.api.get(CommitmentType::purchase_order, 99, 5);
    REQUIRE_FALSE(forbidden.has_value());
    CHECK(forbidden.error().status == 403);

    h.transport.push(response(200, R"({"id":5,"grand_total":"abc"})"));
    auto bad = h.api.get(CommitmentType::purchase_order, 99, 5);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == http::ErrorKind::shape);
}

TEST_CASE("write_back PATCHes the origin fields under the singular key", "[procore][commitments]")
{
    Harness h;
    h.transport.push(response(502, "bad gateway")); // idempotent: resent
    h.transport.push(
        response(200, R"({"id":5,"project":{"id":99},"updated_at":"2026-01-07T10:00:01Z"})"));
    auto written = h.api.write_back(CommitmentType::purchase_order, 99, 5, "300000123456789",
                                    "1002", R"({"synced":"2026-01-07"})");
    REQUIRE(written.has_value());
    CHECK(*written == "2026-01-07T10:00:01Z");
    REQUIRE(h.transport.requests.size() == 2);
    const auto& r = h.transport.requests[1];
    CHECK(r.method == "PATCH");
    CHECK(r.url == std::string(k_base) + "/rest/v1.0/purchase_order_contracts/5?project_id=99");
    CHECK(r.body
          == R"({"purchase_order_contract":{"origin_id":"300000123456789","origin_code":"1002",)"
             R"("origin_data":"{\"synced\":\"2026-01-07\"}"}})");
    CHECK(r.headers.get("Content-Type") == "application/json");
    CHECK(h.counter.snapshot().at("PATCH /rest/v1.0/purchase_order_contracts/{id}") == 2);
}

TEST_CASE("sync and sync_lines send project bodies once", "[procore][commitments]")
{
    Harness h;
    h.transport.push(
        response(200, R"({"entities":[{"id":5,"origin_id":"300000123456789"}],"errors":[]})"));
    CommitmentSyncItem item;
    item.origin_id = "300000123456789";
    item.title = "Concrete";
    auto synced = h.api.sync(CommitmentType::work_order, 99, {item});
    REQUIRE(synced.has_value());
    REQUIRE(synced->entities.size() == 1);
    CHECK(synced->entities[0].id == 5);
    const auto& r = h.transport.requests[0];
    CHECK(r.method == "PATCH");
    CHECK(r.url == std::string(k_base) + "/rest/v1.0/work_order_contracts/sync");
    CHECK(r.body
          == R"({"project_id":99,"updates":[{"origin_id":"300000123456789","title":"Concrete"}]})");

    h.transport.push(response(
        200,
        R"({"entities":[],"errors":[{"origin_id":"11","errors":{"amount":["is invalid"]}}]})"));
    CommitmentLineSyncItem line;
    line.origin_id = "11";
    line.description = "Ready-mix";
    line.amount = "0.1";
    auto lines = h.api.sync_lines(CommitmentType::purchase_order, 99, 5, {line});
    REQUIRE(lines.has_value());
    REQUIRE(lines->errors.size() == 1);
    CHECK(lines->errors[0].message == "amount: is invalid");
    const auto& l = h.transport.requests[1];
    CHECK(l.method == "PATCH");
    CHECK(l.url
          == std::string(k_base)
                 + "/rest/v1.0/purchase_order_contracts/5/line_items/sync?project_id=99");
    CHECK(
        l.body
        == R"({"project_id":99,"updates":[{"origin_id":"11","description":"Ready-mix","amount":0.1}]})");
    const auto counts = h.counter.snapshot();
    CHECK(counts.at("PATCH /rest/v1.0/work_order_contracts/sync") == 1);
    CHECK(counts.at("PATCH /rest/v1.0/purchase_order_contracts/{id}/line_items/sync") == 1);

    // Neither is resent after a 502: it may have been applied.
    Harness failing;
    failing.transport.push(response(502, "bad gateway"));
    REQUIRE_FALSE(failing.api.sync(CommitmentType::work_order, 99, {item}).has_value());
    failing.transport.push(response(502, "bad gateway"));
    REQUIRE_FALSE(failing.api.sync_lines(CommitmentType::work_order, 99, 5, {line}).has_value());
    CHECK(failing.transport.requests.size() == 2);

    // A 200 that is not a sync answer is a shape error.
    Harness shape;
    shape.transport.push(response(200, "{}"));
    auto bad = shape.api.sync_lines(CommitmentType::work_order, 99, 5, {line});
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == http::ErrorKind::shape);
}

TEST_CASE("find_by_origin_ids repeats the array filter and keeps only what was asked",
          "[procore][commitments]")
{
    Harness h;
    auto none = h.api.find_by_origin_ids(CommitmentType::purchase_order, 99, {});
    REQUIRE(none.has_value());
    CHECK(none->empty());
    CHECK(h.transport.requests.empty()); // no filter would list every commitment

    // A server that ignored the filter: the third commitment is not one we asked for.
    h.transport.push(response(200, R"([{"id":1,"origin_id":"a b"},{"id":2,"origin_id":"7"},
                                       {"id":3,"origin_id":"8"},{"id":4,"origin_id":null}])"));
    auto found = h.api.find_by_origin_ids(CommitmentType::purchase_order, 99, {"a b", "7"});
    REQUIRE(found.has_value());
    REQUIRE(found->size() == 2);
    CHECK((*found)[0].id == 1);
    CHECK((*found)[1].id == 2);
    CHECK(h.transport.requests[0].url
          == std::string(k_base)
                 + "/rest/v1.0/purchase_order_contracts?project_id=99"
                   "&filters%5Borigin_id%5D%5B%5D=a%20b&filters%5Borigin_id%5D%5B%5D=7"
                   "&page=1&per_page=100");
}

TEST_CASE("project_cost_codes lists the project's codes", "[procore][commitments]")
{
    Harness h;
    h.transport.push(response(200, R"([{"id":1,"full_code":"03-100","name":"Concrete"}])"));
    auto codes = h.api.project_cost_codes(99);
    REQUIRE(codes.has_value());
    REQUIRE(codes->size() == 1);
    CHECK((*codes)[0].full_code == "03-100");
    CHECK(h.transport.requests[0].url
          == std::string(k_base) + "/rest/v1.0/cost_codes?project_id=99&page=1&per_page=1000");
    CHECK(h.counter.snapshot().at("GET /rest/v1.0/cost_codes") == 1);
    CHECK(h.api.company_id() == 4264807);
}

} // namespace procore_commitments_test
