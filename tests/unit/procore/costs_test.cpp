// Procore cost documents: the parsers (direct costs and change orders, cost code and type flat or
// inline, WBS codes, amount or manual_amount, the CO date rule, currency, deleted), the all-lines
// list with holder_id or direct_cost_id, and the API calls against a scripted transport: the
// updated_at range with deleted records, paging, get with the line-items fallback, 404, and the
// write-back through direct_costs/sync with its per-item error.
#include "procore/costs.hpp"
#include "unit/http/fake_transport.hpp"

#include <catch2/catch.hpp>

namespace procore_costs_test {

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
    CostApi api{http, std::string(k_base) + "/", 4264807};
};

const char* k_direct_cost = R"({"id":4600000001,"project":{"id":99},"direct_cost_type":"expense",
  "status":"approved","direct_cost_date":"2026-07-14","invoice_number":"INV-1042",
  "description":"Crane rental","vendor":{"id":31,"name":"Atlas Crane"},
  "currency_configuration":{"currency_iso_code":"CAD"},"grand_total":"1234.56",
  "origin_id":null,"updated_at":"2026-07-15T10:00:00Z","deleted_at":null,
  "line_items":[
    {"id":1,"description":"Crane, 3 days","amount":"1000.5","cost_code_id":77,"line_item_type_id":5},
    {"id":2,"description":"Operator","amount":234.06,
     "cost_code":{"id":78,"full_code":"01-500"},"line_item_type":{"id":6,"name":"Labor","code":"L"}},
    {"id":3,"description":"WBS line","manual_amount":"0.1","wbs_code_id":9001},
    {"id":4,"description":"Nested WBS, no amount","wbs_code":{"id":9002},"quantity":"2","unit_cost":"3"},
    {"id":5,"description":"gone","amount":"9","deleted_at":"2026-07-15T09:00:00Z"}]})";

} // namespace

TEST_CASE("cost kind names", "[procore][costs]")
{
    CHECK(to_string(CostKind::direct_cost) == "direct_cost");
    CHECK(to_string(CostKind::change_order) == "change_order");
}

TEST_CASE("parse_cost_document reads a direct cost with both cost code shapes and WBS codes",
          "[procore][costs]")
{
    auto d = parse_cost_document(k_direct_cost, CostKind::direct_cost);
    REQUIRE(d.has_value());
    CHECK(d->kind == CostKind::direct_cost);
    CHECK(d->id == 4600000001);
    CHECK(d->project_id == 99);
    CHECK(d->type == "expense");
    CHECK(d->status == "approved");
    CHECK(d->date == "2026-07-14");
    CHECK(d->number == "INV-1042");
    CHECK(d->description == "Crane rental");
    CHECK(d->vendor_id == 31);
    CHECK(d->commitment_id == 0);
    CHECK(d->currency == "CAD");
    CHECK(d->grand_total == "1234.56");
    CHECK(d->origin_id.empty());
    CHECK(d->updated_at == "2026-07-15T10:00:00Z");
    CHECK_FALSE(d->deleted);
    CHECK(d->lines_read);
    REQUIRE(d->lines.size() == 4); // the deleted line is not one of its lines
    CHECK(d->lines[0].amount == "1000.5");
    CHECK(d->lines[0].cost_code_id == 77);
    CHECK(d->lines[0].cost_code.empty());
    CHECK(d->lines[0].line_item_type_id == 5);
    CHECK(d->lines[0].line_item_type.empty());
    CHECK(d->lines[1].amount == "234.06"); // a JSON number, kept as its text
    CHECK(d->lines[1].cost_code_id == 78);
    CHECK(d->lines[1].cost_code == "01-500");
    CHECK(d->lines[1].line_item_type_id == 6);
    CHECK(d->lines[1].line_item_type == "Labor");
    CHECK(d->lines[2].amount == "0.1"); // manual_amount
    CHECK(d->lines[2].wbs_code_id == 9001);
    CHECK(d->lines[2].cost_code_id == 0);
    CHECK(d->lines[3].wbs_code_id == 9002);
    CHECK(d->lines[3].amount.empty()); // never quantity x unit_cost
}

TEST_CASE("parse_cost_document reads a change order: title, contract, the date rule",
          "[procore][costs]")
{
    auto co = parse_cost_document(
        R"({"id":"5000000001","project_id":99,"number":"CO-001","title":"Added scope",
            "description":"per owner directive","status":"approved","contract_id":562949953421312,
            "executed":true,"due_date":"2026-09-30","executed_date":"2026-07-20",
            "approved_date":null,"grand_total":2500,"line_items":[]})",
        CostKind::change_order);
    REQUIRE(co.has_value());
    CHECK(co->kind == CostKind::change_order);
    CHECK(co->id == 5000000001);
    CHECK(co->type.empty());
    CHECK(co->number == "CO-001");
    CHECK(co->description == "Added scope");
    CHECK(co->commitment_id == 562949953421312);
    CHECK(co->date == "2026-07-20"); // executed_date: approved_date is null, due_date never
    CHECK(co->grand_total == "2500");
    CHECK(co->lines_read);
    CHECK(co->lines.empty());

    auto approved =
        parse_cost_document(R"({"id":1,"approved_date":"2026-07-01","executed_date":"2026-07-20"})",
                            CostKind::change_order);
    REQUIRE(approved.has_value());
    CHECK(approved->date == "2026-07-01");
    auto reviewed = parse_cost_document(
        R"({"id":1,"reviewed_at":"2026-07-03T16:00:00Z","due_date":"2026-09-30"})",
        CostKind::change_order);
    REQUIRE(reviewed.has_value());
    CHECK(reviewed->date == "2026-07-03");
    auto undated =
        parse_cost_document(R"({"id":1,"due_date":"2026-09-30"})", CostKind::change_order);
    REQUIRE(undated.has_value());
    CHECK(undated->date.empty());
    CHECK_FALSE(undated->lines_read); // no line_items member: not read
}

TEST_CASE("cost document parsers reject bad input", "[procore][costs]")
{
    const auto dc = CostKind::direct_cost;
    CHECK_FALSE(parse_cost_document("{", dc).has_value());
    CHECK_FALSE(parse_cost_document("[]", dc).has_value());
    CHECK_FALSE(parse_cost_document(R"({"description":"no id"})", dc).has_value());
    auto bad_total = parse_cost_document(R"({"id":1,"grand_total":"1,234.00"})", dc);
    REQUIRE_FALSE(bad_total.has_value());
    CHECK(bad_total.error().find("grand_total") != std::string::npos);
    auto bad_line = parse_cost_document(R"({"id":1,"line_items":[{"id":2,"amount":true}]})", dc);
    REQUIRE_FALSE(bad_line.has_value());
    CHECK(bad_line.error().find("amount") != std::string::npos);
    CHECK_FALSE(parse_cost_document(R"({"id":1,"line_items":[{"amount":"1"}]})", dc).has_value());
    CHECK_FALSE(parse_cost_document_list("{}", dc).has_value());
    CHECK_FALSE(parse_cost_document_list(R"([{"id":1},{"id":"x"}])", dc).has_value());
    CHECK_FALSE(parse_cost_line_list("{}").has_value());
}

TEST_CASE("parse_cost_line_list takes holder_id or direct_cost_id", "[procore][costs]")
{
    auto lines = parse_cost_line_list(
        R"([{"id":11,"holder_id":4600000001,"amount":"10.00","cost_code":{"id":77,"full_code":"03-100"}},
            {"id":12,"direct_cost_id":"4600000002","manual_amount":5,"wbs_code":{"id":9001}},
            {"id":13,"holder_id":4600000001,"amount":"1","deleted_at":"2026-07-15T00:00:00Z"}])");
    REQUIRE(lines.has_value());
    REQUIRE(lines->size() == 2);
    CHECK((*lines)[0].document_id == 4600000001);
    CHECK((*lines)[0].line.id == 11);
    CHECK((*lines)[0].line.amount == "10.00");
    CHECK((*lines)[0].line.cost_code == "03-100");
    CHECK((*lines)[1].document_id == 4600000002);
    CHECK((*lines)[1].line.amount == "5");
    CHECK((*lines)[1].line.wbs_code_id == 9001);

    auto orphan = parse_cost_line_list(R"([{"id":14,"amount":"1"}])");
    REQUIRE_FALSE(orphan.has_value());
    CHECK(orphan.error().find("14") != std::string::npos);
}

TEST_CASE("list_updated: the updated_at range, deleted included, 1000 a page", "[procore][costs]")
{
    Harness h;
    std::string full_page = "[";
    for (int i = 1; i <= 1000; ++i) {
        full_page += (i > 1 ? "," : "") + std::string(R"({"id":)") + std::to_string(i) + "}";
    }
    full_page += "]";
    h.transport.push(response(200, full_page));
    h.transport.push(response(200, R"([{"id":1001,"deleted_at":"2026-07-15T00:00:00Z"}])"));
    std::vector<CostDocument> seen;
    auto calls =
        h.api.list_updated(CostKind::direct_cost, 99, "2026-07-01T00:00:00Z",
                           "2026-07-16T00:00:00Z", [&seen](std::vector<CostDocument>& page) {
                               seen.insert(seen.end(), page.begin(), page.end());
                           });
    REQUIRE(calls.has_value());
    REQUIRE(seen.size() == 1001);
    CHECK(seen.back().deleted);
    REQUIRE(h.transport.requests.size() == 2);
    CHECK(h.transport.requests[0].url
          == std::string(k_base)
                 + "/rest/v1.0/projects/99/direct_costs"
                   "?filters%5Bupdated_at%5D=2026-07-01T00%3A00%3A00Z...2026-07-16T00%3A00%3A00Z"
                   "&filters%5Binclude_deleted%5D=with&page=1&per_page=1000");
    CHECK(h.transport.requests[1].url.find("&page=2&per_page=1000") != std::string::npos);
    CHECK(h.counter.snapshot().at("GET /rest/v1.0/projects/{id}/direct_costs") == 2);

    // Change orders; an empty `since` reads from the beginning; a short page ends the list.
    Harness c;
    c.transport.push(response(200, R"([{"id":7,"contract_id":5,"title":"CO"}])"));
    std::vector<CostDocument> cos;
    auto co_calls = c.api.list_updated(CostKind::change_order, 99, "", "2026-07-16T00:00:00Z",
                                       [&cos](std::vector<CostDocument>& page) {
                                           cos.insert(cos.end(), page.begin(), page.end());
                                       });
    REQUIRE(co_calls.has_value());
    REQUIRE(cos.size() == 1);
    CHECK(cos[0].kind == CostKind::change_order);
    CHECK(cos[0].commitment_id == 5);
    CHECK(c.transport.requests[0].url
          == std::string(k_base)
                 + "/rest/v1.0/projects/99/commitment_change_orders"
                   "?filters%5Bupdated_at%5D=1970-01-01T00%3A00%3A00Z...2026-07-16T00%3A00%3A00Z"
                   "&filters%5Binclude_deleted%5D=with&page=1&per_page=1000");

    Harness bad;
    bad.transport.push(response(200, R"({"not":"a list"})"));
    auto refused = bad.api.list_updated(CostKind::direct_cost, 99, "", "2026-07-16T00:00:00Z",
                                        [](std::vector<CostDocument>&) {});
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().kind == http::ErrorKind::shape);
}

TEST_CASE("list_lines_updated lists the project's direct cost lines", "[procore][costs]")
{
    Harness h;
    h.transport.push(response(200, R"([{"id":11,"holder_id":4600000001,"amount":"10.00"}])"));
    std::vector<CostLineOf> seen;
    auto calls = h.api.list_lines_updated(99, "2026-07-01T00:00:00Z", "2026-07-16T00:00:00Z",
                                          [&seen](std::vector<CostLineOf>& page) {
                                              seen.insert(seen.end(), page.begin(), page.end());
                                          });
    REQUIRE(calls.has_value());
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].document_id == 4600000001);
    CHECK(h.transport.requests[0].url
          == std::string(k_base)
                 + "/rest/v1.0/projects/99/direct_costs/line_items"
                   "?filters%5Bupdated_at%5D=2026-07-01T00%3A00%3A00Z...2026-07-16T00%3A00%3A00Z"
                   "&page=1&per_page=1000");
    CHECK(h.counter.snapshot().at("GET /rest/v1.0/projects/{id}/direct_costs/line_items") == 1);
}

TEST_CASE("get reads a direct cost, asking for its lines when none are inline", "[procore][costs]")
{
    Harness h;
    h.transport.push(response(200, k_direct_cost));
    auto inline_lines = h.api.get(CostKind::direct_cost, 99, 4600000001);
    REQUIRE(inline_lines.has_value());
    REQUIRE(inline_lines->has_value());
    CHECK((*inline_lines)->lines.size() == 4);
    REQUIRE(h.transport.requests.size() == 1);
    CHECK(h.transport.requests[0].url
          == std::string(k_base) + "/rest/v1.0/projects/99/direct_costs/4600000001");

    Harness f;
    f.transport.push(response(200, R"({"id":5,"direct_cost_type":"invoice","grand_total":"10"})"));
    f.transport.push(response(200, R"([{"id":1,"amount":"10","cost_code_id":77}])"));
    auto fetched = f.api.get(CostKind::direct_cost, 99, 5);
    REQUIRE(fetched.has_value());
    REQUIRE(fetched->has_value());
    const auto& doc = **fetched;
    CHECK(doc.project_id == 99); // from the call when the body does not say
    CHECK(doc.lines_read);
    REQUIRE(doc.lines.size() == 1);
    CHECK(doc.lines[0].cost_code_id == 77);
    REQUIRE(f.transport.requests.size() == 2);
    CHECK(f.transport.requests[1].url
          == std::string(k_base)
                 + "/rest/v1.0/projects/99/direct_costs/5/line_items?page=1&per_page=1000");
    CHECK(f.counter.snapshot().at("GET /rest/v1.0/projects/{id}/direct_costs/{id}/line_items")
          == 1);

    // A change order without inline lines is not looked up elsewhere: lines_read stays false.
    Harness c;
    c.transport.push(response(200, R"({"id":7,"contract_id":5})"));
    auto co = c.api.get(CostKind::change_order, 99, 7);
    REQUIRE(co.has_value());
    REQUIRE(co->has_value());
    CHECK_FALSE((*co)->lines_read);
    CHECK(c.transport.requests.size() == 1);
    CHECK(c.transport.requests[0].url
          == std::string(k_base) + "/rest/v1.0/projects/99/commitment_change_orders/7");
}

TEST_CASE("get: 404 is no document, deleted comes back marked, other errors are errors",
          "[procore][costs]")
{
    Harness h;
    h.transport.push(response(404, R"({"errors":"Resource not found"})"));
    auto missing = h.api.get(CostKind::direct_cost, 99, 5);
    REQUIRE(missing.has_value());
    CHECK_FALSE(missing->has_value());

    h.transport.push(response(200, R"({"id":5,"deleted_at":"2026-07-15T00:00:00Z"})"));
    auto deleted = h.api.get(CostKind::direct_cost, 99, 5);
    REQUIRE(deleted.has_value());
    REQUIRE(deleted->has_value());
    CHECK((*deleted)->deleted);

    h.transport.push(response(200, R"({"id":5})"));
    h.transport.push(response(404, "{}")); // deleted between the two GETs
    auto gone = h.api.get(CostKind::direct_cost, 99, 5);
    REQUIRE(gone.has_value());
    CHECK_FALSE(gone->has_value());

    h.transport.push(response(403, R"({"errors":"forbidden"})"));
    auto forbidden = h.api.get(CostKind::direct_cost, 99, 5);
    REQUIRE_FALSE(forbidden.has_value());
    CHECK(forbidden.error().status == 403);

    h.transport.push(response(200, R"({"id":5,"grand_total":"abc"})"));
    auto bad = h.api.get(CostKind::direct_cost, 99, 5);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == http::ErrorKind::shape);
}

TEST_CASE("write_back PATCHes direct_costs/sync and an item error is a 422", "[procore][costs]")
{
    Harness h;
    h.transport.push(response(502, "bad gateway")); // idempotent: resent
    h.transport.push(response(
        200, R"({"entities":[{"id":4600000001,"origin_id":"MLC-DC-4600000001"}],"errors":[]})"));
    auto ok = h.api.write_back(99, 4600000001, "MLC-DC-4600000001", R"({"journal":"J1"})");
    REQUIRE(ok.has_value());
    REQUIRE(h.transport.requests.size() == 2);
    const auto& r = h.transport.requests[1];
    CHECK(r.method == "PATCH");
    CHECK(r.url == std::string(k_base) + "/rest/v1.0/projects/99/direct_costs/sync");
    CHECK(r.body
          == R"({"updates":[{"id":4600000001,"origin_id":"MLC-DC-4600000001",)"
             R"("origin_data":"{\"journal\":\"J1\"}"}]})");
    CHECK(h.counter.snapshot().at("PATCH /rest/v1.0/projects/{id}/direct_costs/sync") == 2);

    Harness refused;
    refused.transport.push(
        response(200, R"({"entities":[],"errors":[{"id":4600000001,"origin_id":"MLC-DC-4600000001",
                 "errors":{"origin_id":["has already been taken"]}}]})"));
    auto error = refused.api.write_back(99, 4600000001, "MLC-DC-4600000001", "");
    REQUIRE_FALSE(error.has_value());
    CHECK(error.error().kind == http::ErrorKind::status);
    CHECK(error.error().status == 422);
    CHECK(error.error().message.find("origin_id: has already been taken") != std::string::npos);

    Harness silent; // neither an entity nor an error for our item
    silent.transport.push(response(200, R"({"entities":[],"errors":[]})"));
    auto unknown = silent.api.write_back(99, 4600000001, "x", "");
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().kind == http::ErrorKind::shape);

    Harness shape;
    shape.transport.push(response(200, "{}"));
    auto bad = shape.api.write_back(99, 4600000001, "x", "");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == http::ErrorKind::shape);
    CHECK(shape.api.company_id() == 4264807);
}

} // namespace procore_costs_test
