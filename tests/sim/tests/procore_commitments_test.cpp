// The Procore simulator's commitments for pull-pos: work order contracts beside purchase order
// contracts, line_items/sync, the SOV lock of Approved/Complete commitments, the ERP write-back
// PATCH, and project cost codes pointing at ERP standard cost codes.
#include "procore_fixture.hpp"

#include <fmt/format.h>

#include <set>

using namespace mlc::sim;
using namespace mlc::sim::testing;

namespace {

SimOptions with_subcontracts(int n)
{
    SimOptions o = procore_test_options();
    o.subcontracts_per_project = n;
    return o;
}

std::string errors_of(const rapidjson::Value& item, const char* field)
{
    if (!item.HasMember("errors") || !item["errors"].HasMember(field))
        return {};
    return item["errors"][field][0].GetString();
}

std::int64_t first_vendor(ProcoreFixture& f, std::size_t n = 0)
{
    return parse_json(f.get("/rest/v1.0/vendors?company_id=" + f.company())
                          ->body)[static_cast<rapidjson::SizeType>(n)]["id"]
        .GetInt64();
}

std::int64_t leaf_code(ProcoreFixture& f, std::size_t n = 1)
{
    return parse_json(f.get(fmt::format("/rest/v1.0/cost_codes?project_id={}", f.project()))
                          ->body)[static_cast<rapidjson::SizeType>(n)]["id"]
        .GetInt64();
}

// A new Draft commitment without lines; returns its id.
std::int64_t draft_commitment(ProcoreFixture& f, const std::string& kind, std::int64_t vendor)
{
    const std::string wrapper = kind.substr(0, kind.size() - 1);
    auto r = f.post(
        "/rest/v1.0/" + kind,
        fmt::format(
            R"({{"project_id":{},"{}":{{"title":"From Oracle","vendor_id":{},"status":"Draft"}}}})",
            f.project(), wrapper, vendor));
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 201);
    return parse_json(r->body)["id"].GetInt64();
}

} // namespace

TEST_CASE("procore work order contracts: routes, own ids, statuses, filters, seeded on request",
          "[sim][procore]")
{
    ProcoreFixture f(with_subcontracts(3));
    const auto p = f.project();
    auto list = f.get(fmt::format("/rest/v1.0/work_order_contracts?project_id={}", p));
    REQUIRE(list);
    REQUIRE(list->status == 200);
    CHECK(list->get_header_value("Total") == "3");
    auto d = parse_json(list->body);
    REQUIRE(d.Size() == 3);
    CHECK_FALSE(d[0].HasMember("line_items"));
    CHECK(std::string(d[0]["status"].GetString()) == "Approved");
    CHECK(d[0]["vendor"]["id"].IsInt64());
    CHECK(d[0]["vendor"].HasMember("origin_id"));
    CHECK(d[0]["project"]["id"].GetInt64() == p);
    const auto wo = d[0]["id"].GetInt64();
    CHECK(wo > (std::int64_t{1} << 32));
    std::set<std::int64_t> po_ids;
    const auto pos = parse_json(
        f.get(fmt::format("/rest/v1.0/purchase_order_contracts?project_id={}", p))->body);
    for (const auto& po : pos.GetArray())
        po_ids.insert(po["id"].GetInt64());
    for (const auto& w : d.GetArray())
        CHECK(po_ids.count(w["id"].GetInt64()) == 0);

    CHECK(f.get("/rest/v1.0/work_order_contracts")->status == 400); // project_id required
    CHECK(f.get(fmt::format("/rest/v1.0/work_order_contracts/{}", wo))->status == 400);
    auto by_id = parse_json(
        f.get(fmt::format("/rest/v1.0/work_order_contracts?project_id={}&filters[id][]={}", p, wo))
            ->body);
    REQUIRE(by_id.Size() == 1);
    auto approved = parse_json(
        f.get(fmt::format("/rest/v1.0/work_order_contracts?project_id={}&filters[status]=Approved",
                          p))
            ->body);
    CHECK(approved.Size() >= 1);
    auto window = parse_json(
        f.get(fmt::format("/rest/v1.0/work_order_contracts?project_id={}&filters[updated_at]="
                          "2020-01-01T00:00:00Z...2020-01-02T00:00:00Z",
                          p))
            ->body);
    CHECK(window.Size() == 0);

    auto show = parse_json(
        f.get(fmt::format("/rest/v1.0/work_order_contracts/{}?project_id={}", wo, p))->body);
    REQUIRE(show["line_items"].Size() >= 1);
    const auto& line = show["line_items"][0];
    CHECK(line["amount"].IsString());
    CHECK(line["cost_code_id"].IsInt64());
    CHECK(line.HasMember("line_item_type_id"));
    REQUIRE(line["cost_code"].IsObject());
    CHECK(line["cost_code"]["id"].GetInt64() == line["cost_code_id"].GetInt64());
    CHECK(line["cost_code"]["full_code"].IsString());
    CHECK(line["cost_code"]["standard_cost_code_id"].IsInt64());
    auto lines = parse_json(
        f.get(fmt::format("/rest/v1.0/work_order_contracts/{}/line_items?project_id={}", wo, p))
            ->body);
    CHECK(lines.Size() == show["line_items"].Size());
    CHECK(lines[0]["cost_code"].IsObject());

    // Work order statuses are their own list.
    const auto vendor = first_vendor(f);
    auto created = f.post(
        "/rest/v1.0/work_order_contracts",
        fmt::format(
            R"({{"project_id":{},"work_order_contract":{{"title":"Drywall","vendor_id":{},"status":"Out For Bid"}}}})",
            p, vendor));
    REQUIRE(created);
    CHECK(created->status == 201);
    auto po_status = f.post(
        "/rest/v1.0/work_order_contracts",
        fmt::format(R"({{"project_id":{},"work_order_contract":{{"status":"Processing"}}}})", p));
    REQUIRE(po_status);
    CHECK(po_status->status == 422);

    auto sync = parse_json(
        f.patch(
             "/rest/v1.0/work_order_contracts/sync",
             fmt::format(
                 R"({{"project_id":{},"updates":[{{"origin_id":"300000051234567","title":"From Oracle","vendor_id":{},"status":"Draft"}},{{"id":1}}]}})",
                 p, vendor))
            ->body);
    REQUIRE(sync["entities"].Size() == 1);
    CHECK(std::string(sync["entities"][0]["origin_id"].GetString()) == "300000051234567");
    REQUIRE(sync["errors"].Size() == 1);
    CHECK(errors_of(sync["errors"][0], "id") == "Entity with this ID not found");

    auto data = f.cli->Get("/_sim/data/work_order_contracts");
    REQUIRE(data);
    CHECK(parse_json(data->body).Size() == 3 * 2 + 2);
    auto m = f.cli->Post(
        "/_sim/mutate",
        fmt::format(
            R"({{"op":"update","collection":"work_order_contracts","id":{},"fields":{{"status":"Void"}}}})",
            wo),
        "application/json");
    REQUIRE(m);
    CHECK(m->status == 200);
}

TEST_CASE("procore work order contracts: the option seeds them without changing other data",
          "[sim][procore]")
{
    VirtualClock c1, c2;
    ProcoreSim none(procore_test_options(), c1), some(with_subcontracts(2), c2);
    CHECK(*none.data_json("work_order_contracts") == "[]");
    CHECK(*none.data_json("purchase_order_contracts")
          == *some.data_json("purchase_order_contracts"));
    CHECK(*none.data_json("requisitions") == *some.data_json("requisitions"));
    CHECK(*none.data_json("direct_costs") == *some.data_json("direct_costs"));
    CHECK(*none.data_json("vendors") == *some.data_json("vendors"));
    ProcoreSim again(with_subcontracts(2), c1);
    CHECK(*some.data_json("work_order_contracts") == *again.data_json("work_order_contracts"));
}

TEST_CASE("procore line_items/sync: create, update by id and origin_id, item errors, totals",
          "[sim][procore]")
{
    ProcoreFixture f;
    const auto p = f.project();
    const auto code = leaf_code(f);
    for (const std::string kind : {"purchase_order_contracts", "work_order_contracts"}) {
        INFO(kind);
        const auto id = draft_commitment(f, kind, first_vendor(f));
        const std::string path =
            fmt::format("/rest/v1.0/{}/{}/line_items/sync?project_id={}", kind, id, p);
        f.clock.advance_seconds(30);
        const auto before = f.clock.now_ms() / 1000 * 1000;
        auto r = f.patch(
            path,
            fmt::format(
                R"({{"updates":[{{"description":"Rebar","amount":"100.50","cost_code_id":{0}}},)"
                R"({{"origin_id":"300000061111111","description":"Labor","quantity":2,"unit_cost":"25","uom":"HR","cost_code_id":{0}}},)"
                R"({{"id":1,"amount":"1"}},{{"description":"Bad code","amount":"5","cost_code_id":999}},)"
                R"({{"description":"Bad amount","amount":"abc"}}]}})",
                code));
        REQUIRE(r);
        REQUIRE(r->status == 200);
        auto d = parse_json(r->body);
        REQUIRE(d["entities"].Size() == 2);
        CHECK(std::string(d["entities"][0]["amount"].GetString()) == "100.5");
        CHECK(d["entities"][0]["cost_code_id"].GetInt64() == code);
        CHECK(d["entities"][0]["cost_code"]["id"].GetInt64() == code);
        CHECK(std::string(d["entities"][1]["amount"].GetString()) == "50.0");
        CHECK(std::string(d["entities"][1]["uom"].GetString()) == "HR");
        REQUIRE(d["errors"].Size() == 3);
        CHECK(errors_of(d["errors"][0], "id") == "Entity with this ID not found");
        CHECK(errors_of(d["errors"][1], "cost_code_id") == "is invalid");
        CHECK(std::string(d["errors"][1]["description"].GetString()) == "Bad code"); // echoed
        CHECK(errors_of(d["errors"][2], "amount") == "is not a number");

        auto show =
            parse_json(f.get(fmt::format("/rest/v1.0/{}/{}?project_id={}", kind, id, p))->body);
        CHECK(std::string(show["grand_total"].GetString()) == "150.5");
        std::int64_t bumped = 0;
        REQUIRE(parse_timestamp(show["updated_at"].GetString(), bumped));
        CHECK(bumped >= before); // the sync bumped the commitment (created 30 s earlier)
        CHECK(bumped <= f.clock.now_ms());
        REQUIRE(show["line_items"].Size() == 2);

        // Update by id, then by origin_id (an upsert within the commitment); project_id in the
        // body.
        const auto first = d["entities"][0]["id"].GetInt64();
        auto u = parse_json(
            f.patch(
                 fmt::format("/rest/v1.0/{}/{}/line_items/sync", kind, id),
                 fmt::format(
                     R"({{"project_id":{},"updates":[{{"id":{},"amount":200}},{{"origin_id":"300000061111111","quantity":3}},{{"origin_id":"300000062222222","amount":"0.25"}}]}})",
                     p, first))
                ->body);
        REQUIRE(u["entities"].Size() == 3);
        CHECK(u["entities"][0]["id"].GetInt64() == first);
        CHECK(std::string(u["entities"][0]["amount"].GetString()) == "200.0");
        CHECK(std::string(u["entities"][0]["description"].GetString()) == "Rebar"); // kept
        CHECK(std::string(u["entities"][1]["amount"].GetString()) == "75.0");
        auto after =
            parse_json(f.get(fmt::format("/rest/v1.0/{}/{}?project_id={}", kind, id, p))->body);
        CHECK(after["line_items"].Size() == 3);
        CHECK(std::string(after["grand_total"].GetString()) == "275.25");

        CHECK(f.patch(path, R"({"nothing":[]})")->status == 400);
        CHECK(f.patch(fmt::format("/rest/v1.0/{}/1/line_items/sync?project_id={}", kind, p),
                      R"({"updates":[]})")
                  ->status
              == 404);
        CHECK(
            f.patch(fmt::format("/rest/v1.0/{}/{}/line_items/sync", kind, id), R"({"updates":[]})")
                ->status
            == 400); // no project_id
    }
}

TEST_CASE("procore SOV lock: Approved commitments refuse line and vendor changes, not the rest",
          "[sim][procore]")
{
    ProcoreFixture f(with_subcontracts(1));
    const auto p = f.project();
    const auto code = leaf_code(f);
    const std::string locked = "The schedule of values of an approved commitment is locked";
    auto approved = parse_json(
        f.get(fmt::format(
                  "/rest/v1.0/purchase_order_contracts?project_id={}&filters[status]=Approved", p))
            ->body);
    REQUIRE(approved.Size() >= 1);
    const auto po = approved[0]["id"].GetInt64();
    const auto vendor = approved[0]["vendor"]["id"].GetInt64();
    const auto other_vendor = first_vendor(f) == vendor ? first_vendor(f, 1) : first_vendor(f);
    const auto before = parse_json(
        f.get(fmt::format("/rest/v1.0/purchase_order_contracts/{}?project_id={}", po, p))->body);

    auto sync = parse_json(
        f.patch(fmt::format("/rest/v1.0/purchase_order_contracts/{}/line_items/sync?project_id={}",
                            po, p),
                R"({"updates":[{"description":"Extra","amount":"10"}]})")
            ->body);
    CHECK(sync["entities"].Size() == 0);
    REQUIRE(sync["errors"].Size() == 1);
    CHECK(errors_of(sync["errors"][0], "base") == locked);

    auto patch_lines = f.patch(
        fmt::format("/rest/v1.0/purchase_order_contracts/{}?project_id={}", po, p),
        R"({"purchase_order_contract":{"line_items":[{"description":"Replaced","amount":"1"}]}})");
    REQUIRE(patch_lines);
    CHECK(patch_lines->status == 422);
    CHECK(errors_of(parse_json(patch_lines->body), "base") == locked);
    auto patch_vendor =
        f.patch(fmt::format("/rest/v1.0/purchase_order_contracts/{}?project_id={}", po, p),
                fmt::format(R"({{"purchase_order_contract":{{"vendor_id":{}}}}})", other_vendor));
    CHECK(patch_vendor->status == 422);
    auto sync_vendor = parse_json(
        f.patch("/rest/v1.0/purchase_order_contracts/sync",
                fmt::format(R"({{"project_id":{},"updates":[{{"id":{},"vendor_id":{}}}]}})", p, po,
                            other_vendor))
            ->body);
    REQUIRE(sync_vendor["errors"].Size() == 1);
    CHECK(errors_of(sync_vendor["errors"][0], "base") == locked);
    auto after = parse_json(
        f.get(fmt::format("/rest/v1.0/purchase_order_contracts/{}?project_id={}", po, p))->body);
    CHECK(after["line_items"] == before["line_items"]);
    CHECK(after["vendor"]["id"].GetInt64() == vendor);

    // Status, ERP references, title and dates stay writable; so does the same vendor.
    auto ok = f.patch(
        fmt::format("/rest/v1.0/purchase_order_contracts/{}?project_id={}", po, p),
        fmt::format(
            R"({{"purchase_order_contract":{{"origin_id":"300000070000001","origin_code":"104001","origin_data":"x","title":"Renamed","contract_date":"2025-05-01","vendor_id":{}}}}})",
            vendor));
    REQUIRE(ok);
    CHECK(ok->status == 200);
    auto to_closed =
        f.patch(fmt::format("/rest/v1.0/purchase_order_contracts/{}?project_id={}", po, p),
                R"({"purchase_order_contract":{"status":"Closed"}})");
    CHECK(to_closed->status == 200);

    // A Complete work order is locked too.
    auto wo =
        parse_json(
            f.get(fmt::format("/rest/v1.0/work_order_contracts?project_id={}", p))->body)[0]["id"]
            .GetInt64();
    REQUIRE(f.patch(fmt::format("/rest/v1.0/work_order_contracts/{}?project_id={}", wo, p),
                    R"({"work_order_contract":{"status":"Complete"}})")
                ->status
            == 200);
    auto wo_sync = parse_json(
        f.patch(
             fmt::format("/rest/v1.0/work_order_contracts/{}/line_items/sync?project_id={}", wo, p),
             R"({"updates":[{"description":"Extra","amount":"10"}]})")
            ->body);
    REQUIRE(wo_sync["errors"].Size() == 1);
    CHECK(errors_of(wo_sync["errors"][0], "base") == locked);

    // Creating an Approved commitment with lines in one request is refused...
    auto one_shot = f.post(
        "/rest/v1.0/purchase_order_contracts",
        fmt::format(
            R"({{"project_id":{},"purchase_order_contract":{{"status":"Approved","vendor_id":{},"line_items":[{{"amount":"5"}}]}}}})",
            p, vendor));
    CHECK(one_shot->status == 422);
    // ...the way that works: unapproved, then lines, then the status.
    const auto id = draft_commitment(f, "purchase_order_contracts", vendor);
    auto lines = parse_json(
        f.patch(
             fmt::format("/rest/v1.0/purchase_order_contracts/{}/line_items/sync?project_id={}", id,
                         p),
             fmt::format(
                 R"({{"updates":[{{"description":"Steel","amount":"1234.5","cost_code_id":{}}}]}})",
                 code))
            ->body);
    REQUIRE(lines["entities"].Size() == 1);
    auto approve =
        f.patch(fmt::format("/rest/v1.0/purchase_order_contracts/{}?project_id={}", id, p),
                R"({"purchase_order_contract":{"status":"Approved"}})");
    REQUIRE(approve);
    CHECK(approve->status == 200);
    auto shown = parse_json(approve->body);
    CHECK(std::string(shown["grand_total"].GetString()) == "1234.5");
    CHECK(std::string(shown["status"].GetString()) == "Approved");

    // /_sim/mutate writes as given, lock or not.
    auto m = f.cli->Post(
        "/_sim/mutate",
        fmt::format(
            R"({{"op":"update","collection":"purchase_order_contracts","id":{},"fields":{{"line_items":[{{"amount":"7"}}]}}}})",
            id),
        "application/json");
    REQUIRE(m);
    CHECK(m->status == 200);
}

TEST_CASE("procore commitment write-back: origin_id and origin_code by PATCH, unique per project",
          "[sim][procore]")
{
    ProcoreFixture f(with_subcontracts(1));
    const auto p = f.project();
    auto pos = parse_json(
        f.get(fmt::format("/rest/v1.0/purchase_order_contracts?project_id={}", p))->body);
    REQUIRE(pos.Size() >= 2);
    const auto a = pos[0]["id"].GetInt64();
    const auto b = pos[1]["id"].GetInt64();
    auto wrapped = f.patch(
        fmt::format("/rest/v1.0/purchase_order_contracts/{}?project_id={}", a, p),
        R"({"purchase_order_contract":{"origin_id":"300000080000001","origin_code":"104010"}})");
    REQUIRE(wrapped);
    REQUIRE(wrapped->status == 200);
    CHECK(std::string(parse_json(wrapped->body)["origin_code"].GetString()) == "104010");
    auto bare = f.patch(
        fmt::format("/rest/v1.0/purchase_order_contracts/{}", b),
        fmt::format(R"({{"project_id":{},"origin_id":"300000080000002","origin_code":"104011"}})",
                    p));
    REQUIRE(bare);
    CHECK(bare->status == 200);
    CHECK(std::string(parse_json(bare->body)["origin_id"].GetString()) == "300000080000002");
    auto taken = f.patch(fmt::format("/rest/v1.0/purchase_order_contracts/{}?project_id={}", b, p),
                         R"({"purchase_order_contract":{"origin_id":"300000080000001"}})");
    REQUIRE(taken);
    CHECK(taken->status == 422);
    CHECK(errors_of(parse_json(taken->body), "origin_id") == "has already been taken");
    // Unique per resource: a work order may carry the same origin_id.
    auto wo =
        parse_json(
            f.get(fmt::format("/rest/v1.0/work_order_contracts?project_id={}", p))->body)[0]["id"]
            .GetInt64();
    auto wo_patch = f.patch(
        fmt::format("/rest/v1.0/work_order_contracts/{}?project_id={}", wo, p),
        R"({"work_order_contract":{"origin_id":"300000080000001","origin_code":"104010"}})");
    CHECK(wo_patch->status == 200);
    auto found = parse_json(
        f.get(fmt::format(
                  "/rest/v1.0/"
                  "purchase_order_contracts?project_id={}&filters[origin_id]=300000080000001",
                  p))
            ->body);
    REQUIRE(found.Size() == 1);
    CHECK(found[0]["id"].GetInt64() == a);
}

TEST_CASE("procore cost codes: ERP references, and a mutate-made code pointing at a standard code",
          "[sim][procore]")
{
    ProcoreFixture f;
    const auto p = f.project();
    auto codes = parse_json(f.get(fmt::format("/rest/v1.0/cost_codes?project_id={}", p))->body);
    for (const char* field : {"origin_id", "full_code", "standard_cost_code_id"})
        CHECK(codes[1].HasMember(field));
    CHECK(std::string(codes[1]["full_code"].GetString()) == "01-100");

    auto std_code = f.post(
        "/rest/v1.0/standard_cost_codes",
        fmt::format(
            R"({{"company_id":{},"standard_cost_code":{{"standard_cost_code_list_id":{},"code":"5110","name":"Subcontract Costs","origin_id":"300000012345001"}}}})",
            f.company(),
            parse_json(f.get("/rest/v1.0/standard_cost_code_lists?company_id=" + f.company())
                           ->body)[1]["id"]
                .GetInt64()));
    REQUIRE(std_code);
    REQUIRE(std_code->status == 201);
    const auto std_id = parse_json(std_code->body)["id"].GetInt64();

    auto made = f.cli->Post(
        "/_sim/mutate",
        fmt::format(
            R"({{"op":"create","collection":"cost_codes","project_id":{},"code":"5110","name":"Subcontract Costs","full_code":"101-5110","origin_id":"300000012345001","standard_cost_code_id":{}}})",
            p, std_id),
        "application/json");
    REQUIRE(made);
    INFO(made->body);
    REQUIRE(made->status == 201);
    const auto code = parse_json(made->body)["id"].GetInt64();
    auto listed = parse_json(
        f.get(fmt::format("/rest/v1.0/cost_codes?project_id={}&filters[origin_id]=300000012345001",
                          p))
            ->body);
    REQUIRE(listed.Size() == 1);
    CHECK(listed[0]["id"].GetInt64() == code);
    CHECK(std::string(listed[0]["full_code"].GetString()) == "101-5110");
    CHECK(listed[0]["standard_cost_code_id"].GetInt64() == std_id);

    const auto id = draft_commitment(f, "purchase_order_contracts", first_vendor(f));
    auto sync = parse_json(
        f.patch(fmt::format("/rest/v1.0/purchase_order_contracts/{}/line_items/sync?project_id={}",
                            id, p),
                fmt::format(
                    R"({{"updates":[{{"description":"Sub","amount":"10","cost_code_id":{}}}]}})",
                    code))
            ->body);
    REQUIRE(sync["entities"].Size() == 1);
    const auto& cc = sync["entities"][0]["cost_code"];
    CHECK(std::string(cc["origin_id"].GetString()) == "300000012345001");
    CHECK(cc["standard_cost_code_id"].GetInt64() == std_id);
    CHECK(std::string(cc["name"].GetString()) == "Subcontract Costs");
}
