// The Procore simulator over HTTP: OAuth, the request gate (token, company header, rate
// limits), paging and filters, vendors and the sync rules, cost codes, commitments, direct
// costs, payments, and the admin data/mutate API.
#include "procore_fixture.hpp"

#include <fmt/format.h>

#include <set>

using namespace mlc::sim;
using namespace mlc::sim::testing;

TEST_CASE("procore token: good credentials, JSON body, bad credentials, bad grant",
          "[sim][procore]")
{
    ProcoreFixture f;
    auto json_body = fmt::format(
        R"({{"grant_type":"client_credentials","client_id":"{}","client_secret":"{}"}})",
        f.opts.procore_client_id, f.opts.procore_client_secret);
    auto ok = f.cli->Post("/oauth/token", json_body, "application/json");
    REQUIRE(ok);
    REQUIRE(ok->status == 200);
    auto d = parse_json(ok->body);
    CHECK(std::string(d["token_type"].GetString()) == "bearer");
    CHECK(d["expires_in"].GetInt() == 5400);
    CHECK(d["created_at"].GetInt64() == f.clock.now_s());

    httplib::Params bad{{"grant_type", "client_credentials"},
                        {"client_id", f.opts.procore_client_id},
                        {"client_secret", "nope"}};
    auto denied = f.cli->Post("/oauth/token", bad);
    REQUIRE(denied);
    CHECK(denied->status == 401);
    CHECK(std::string(parse_json(denied->body)["error"].GetString()) == "invalid_client");

    httplib::Params grant{{"grant_type", "password"},
                          {"client_id", f.opts.procore_client_id},
                          {"client_secret", f.opts.procore_client_secret}};
    auto unsupported = f.cli->Post("/oauth/token", grant);
    REQUIRE(unsupported);
    CHECK(unsupported->status == 400);
    CHECK(std::string(parse_json(unsupported->body)["error"].GetString())
          == "unsupported_grant_type");
}

TEST_CASE("procore gate: missing, unknown and expired tokens are 401", "[sim][procore]")
{
    SimOptions o = procore_test_options();
    o.procore_token_ttl = 60;
    ProcoreFixture f(o);
    auto good = f.get("/rest/v1.0/companies");
    REQUIRE(good);
    CHECK(good->status == 200);

    auto none =
        f.cli->Get("/rest/v1.0/companies", httplib::Headers{{"Procore-Company-Id", f.company()}});
    REQUIRE(none);
    CHECK(none->status == 401);
    CHECK(none->body.find("The access token is invalid") != std::string::npos);

    auto unknown =
        f.cli->Get("/rest/v1.0/companies", httplib::Headers{{"Authorization", "Bearer forged"},
                                                            {"Procore-Company-Id", f.company()}});
    REQUIRE(unknown);
    CHECK(unknown->status == 401);

    f.clock.advance_seconds(61);
    auto expired = f.get("/rest/v1.0/companies");
    REQUIRE(expired);
    CHECK(expired->status == 401);
    f.token = f.fetch_token();
    auto fresh = f.get("/rest/v1.0/companies");
    REQUIRE(fresh);
    CHECK(fresh->status == 200);
}

TEST_CASE("procore gate: Procore-Company-Id is required, any case, and must be a connected company",
          "[sim][procore]")
{
    ProcoreFixture f;
    auto missing = f.cli->Get("/rest/v1.0/companies",
                              httplib::Headers{{"Authorization", "Bearer " + f.token}});
    REQUIRE(missing);
    CHECK(missing->status == 400);
    CHECK(missing->body.rfind("Missing Procore-Company-Id header!", 0) == 0);
    CHECK(missing->body.size()
          > std::string("Missing Procore-Company-Id header!").size()); // plus an explanation

    auto lower =
        f.cli->Get("/rest/v1.0/companies", httplib::Headers{{"Authorization", "Bearer " + f.token},
                                                            {"procore-company-id", f.company()}});
    REQUIRE(lower);
    CHECK(lower->status == 200);
    auto d = parse_json(lower->body);
    REQUIRE(d.IsArray());
    CHECK(d[0]["id"].GetInt64() == f.opts.company_id);
    CHECK(std::string(d[0]["name"].GetString()).size() > 3);

    auto other =
        f.cli->Get("/rest/v1.0/companies", httplib::Headers{{"Authorization", "Bearer " + f.token},
                                                            {"Procore-Company-Id", "999"}});
    REQUIRE(other);
    CHECK(other->status == 403);
    CHECK(other->body.find("App is not connected to this company") != std::string::npos);
}

TEST_CASE("procore rate limits: headers on every response, 429 past the spike window",
          "[sim][procore]")
{
    SimOptions o = procore_test_options();
    o.procore_spike_limit = 5;
    o.procore_hourly_limit = 600;
    ProcoreFixture f(o);
    for (int i = 1; i <= 5; ++i) {
        auto r = f.get("/rest/v1.0/companies");
        REQUIRE(r);
        REQUIRE(r->status == 200);
        CHECK(r->get_header_value("X-Rate-Limit-Limit") == "5"); // spike window is the closer one
        CHECK(r->get_header_value("X-Rate-Limit-Remaining") == std::to_string(5 - i));
        auto reset = std::stoll(r->get_header_value("X-Rate-Limit-Reset"));
        CHECK(reset > f.clock.now_s());
        CHECK(reset <= f.clock.now_s() + 10);
    }
    auto limited = f.get("/rest/v1.0/companies");
    REQUIRE(limited);
    CHECK(limited->status == 429);
    CHECK(limited->body.find("You have surpassed the max number of requests") != std::string::npos);
    CHECK(limited->has_header("X-Rate-Limit-Reset"));
    // Error responses carry the headers too.
    auto no_company = f.cli->Get("/rest/v1.0/companies",
                                 httplib::Headers{{"Authorization", "Bearer " + f.token}});
    REQUIRE(no_company);
    CHECK(no_company->has_header("X-Rate-Limit-Remaining"));

    f.clock.advance_seconds(11); // next spike window
    auto again = f.get("/rest/v1.0/companies");
    REQUIRE(again);
    CHECK(again->status == 200);
}

TEST_CASE("procore rate limits: the hourly window reports when it is closer to exhaustion",
          "[sim][procore]")
{
    SimOptions o = procore_test_options();
    o.procore_spike_limit = 100;
    o.procore_hourly_limit = 3;
    ProcoreFixture f(o);
    auto r = f.get("/rest/v1.0/companies");
    REQUIRE(r);
    CHECK(r->get_header_value("X-Rate-Limit-Limit") == "3");
    CHECK(r->get_header_value("X-Rate-Limit-Remaining") == "2");
    f.get("/rest/v1.0/companies");
    f.get("/rest/v1.0/companies");
    auto over = f.get("/rest/v1.0/companies");
    REQUIRE(over);
    CHECK(over->status == 429);
}

TEST_CASE("procore projects: company scoped list, both paths, realistic fields", "[sim][procore]")
{
    ProcoreFixture f;
    auto r = f.get("/rest/v1.0/projects?company_id=" + f.company());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    auto d = parse_json(r->body);
    REQUIRE(d.Size() == 2);
    CHECK(d[0]["id"].GetInt64() > 4294967296LL); // ids beyond 32 bits
    CHECK(std::string(d[0]["project_number"].GetString()) == "2025-001");
    CHECK(std::string(d[0]["address"].GetString()).size() > 5);
    CHECK(d[0]["company"]["id"].GetInt64() == f.opts.company_id);
    auto by_path = f.get("/rest/v1.0/companies/" + f.company() + "/projects");
    REQUIRE(by_path);
    CHECK(by_path->body == r->body);
    auto no_company = f.get("/rest/v1.0/projects");
    REQUIRE(no_company);
    CHECK(no_company->status == 400);
}

TEST_CASE("procore vendors: paging headers and Link rels", "[sim][procore]")
{
    ProcoreFixture f;
    f.sim->add_bulk_vendors(17, true); // 8 seeded + 17
    auto base = "/rest/v1.0/vendors?company_id=" + f.company();
    auto p1 = f.get(base + "&per_page=10");
    REQUIRE(p1);
    REQUIRE(p1->status == 200);
    CHECK(p1->get_header_value("Total") == "25");
    CHECK(p1->get_header_value("Per-Page") == "10");
    auto link = p1->get_header_value("Link");
    CHECK(link.find("rel=\"first\"") != std::string::npos);
    CHECK(link.find("page=2&per_page=10>; rel=\"next\"") != std::string::npos);
    CHECK(link.find("page=3&per_page=10>; rel=\"last\"") != std::string::npos);
    CHECK(link.find("rel=\"prev\"") == std::string::npos);
    CHECK(link.find("company_id=" + f.company()) != std::string::npos);
    CHECK(parse_json(p1->body).Size() == 10);

    auto p3 = f.get(base + "&per_page=10&page=3");
    REQUIRE(p3);
    CHECK(parse_json(p3->body).Size() == 5);
    auto link3 = p3->get_header_value("Link");
    CHECK(link3.find("rel=\"next\"") == std::string::npos); // last page has no next
    CHECK(link3.find("page=2&per_page=10>; rel=\"prev\"") != std::string::npos);

    // Default 100, capped at 1000.
    auto def = f.get(base);
    REQUIRE(def);
    CHECK(def->get_header_value("Per-Page") == "100");
    auto big = f.get(base + "&per_page=5000");
    REQUIRE(big);
    CHECK(big->get_header_value("Per-Page") == "1000");
    auto bad = f.get(base + "&per_page=ten");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    auto beyond = f.get(base + "&page=9");
    REQUIRE(beyond);
    CHECK(parse_json(beyond->body).Size() == 0);
}

TEST_CASE("procore vendors: filters origin_id, updated_at range, id[], search", "[sim][procore]")
{
    ProcoreFixture f;
    f.sim->add_bulk_vendors(5, true);
    auto base = "/rest/v1.0/vendors?company_id=" + f.company();
    auto one = f.get(base + "&filters[origin_id]=SUP-10");
    REQUIRE(one);
    auto d = parse_json(one->body);
    REQUIRE(d.Size() == 1);
    CHECK(std::string(d[0]["origin_id"].GetString()) == "SUP-10");

    auto all = parse_json(f.get(base)->body);
    std::int64_t id_a = all[0]["id"].GetInt64(), id_b = all[2]["id"].GetInt64();
    auto ids = parse_json(
        f.get(base + fmt::format("&filters[id][]={}&filters[id][]={}", id_a, id_b))->body);
    CHECK(ids.Size() == 2);

    auto search = parse_json(f.get(base + "&filters[search]=blue%20mesa")->body);
    REQUIRE(search.Size() >= 1);
    CHECK(std::string(search[0]["name"].GetString()).find("Blue Mesa") != std::string::npos);

    // A change now is inside a range that starts now, seeded vendors are not.
    f.clock.advance_seconds(3600);
    auto from = procore_timestamp(f.clock.now_ms());
    f.clock.advance_seconds(5);
    auto upd =
        f.patch(fmt::format("/rest/v1.0/vendors/{}", id_a), R"({"vendor":{"city":"Eugene"}})");
    REQUIRE(upd);
    REQUIRE(upd->status == 200);
    auto to = procore_timestamp(f.clock.now_ms() + 1000);
    auto ranged = parse_json(f.get(base + "&filters[updated_at]=" + from + "..." + to)->body);
    REQUIRE(ranged.Size() == 1);
    CHECK(ranged[0]["id"].GetInt64() == id_a);
    CHECK(std::string(ranged[0]["city"].GetString()) == "Eugene");
    auto malformed = f.get(base + "&filters[updated_at]=yesterday");
    REQUIRE(malformed);
    CHECK(malformed->status == 400);
}

TEST_CASE("procore vendors: POST, GET, PATCH and validation", "[sim][procore]")
{
    ProcoreFixture f;
    auto created = f.post(
        "/rest/v1.0/vendors",
        fmt::format(
            R"({{"company_id":{},"vendor":{{"name":"Delta Drywall","country_code":"us","origin_id":"S1","origin_code":"1001"}}}})",
            f.company()));
    REQUIRE(created);
    REQUIRE(created->status == 201);
    auto v = parse_json(created->body);
    CHECK(std::string(v["country_code"].GetString()) == "US");
    CHECK(v["is_active"].GetBool());
    const auto id = v["id"].GetInt64();
    CHECK(f.get(fmt::format("/rest/v1.0/vendors/{}", id))->status == 200);
    CHECK(f.get("/rest/v1.0/vendors/1")->status == 404);

    auto dup =
        f.post("/rest/v1.0/vendors",
               fmt::format(R"({{"company_id":{},"vendor":{{"name":"Other","origin_id":"S1"}}}})",
                           f.company()));
    REQUIRE(dup);
    CHECK(dup->status == 422);
    CHECK(dup->body.find("origin_id") != std::string::npos);

    auto blank =
        f.post("/rest/v1.0/vendors",
               fmt::format(R"({{"company_id":{},"vendor":{{"name":"  "}}}})", f.company()));
    REQUIRE(blank);
    CHECK(blank->status == 422);
    CHECK(parse_json(blank->body)["errors"]["name"][0].GetString()
          == std::string("can't be blank"));

    auto malformed = f.post("/rest/v1.0/vendors", "{not json");
    REQUIRE(malformed);
    CHECK(malformed->status == 400);
    auto no_wrapper =
        f.post("/rest/v1.0/vendors", fmt::format(R"({{"company_id":{},"name":"x"}})", f.company()));
    REQUIRE(no_wrapper);
    CHECK(no_wrapper->status == 400);

    auto bad_country =
        f.patch(fmt::format("/rest/v1.0/vendors/{}", id), R"({"vendor":{"country_code":"USA"}})");
    REQUIRE(bad_country);
    CHECK(bad_country->status == 422);
    auto wrong_type =
        f.patch(fmt::format("/rest/v1.0/vendors/{}", id), R"({"vendor":{"is_active":"yes"}})");
    REQUIRE(wrong_type);
    CHECK(wrong_type->status == 422);
}

TEST_CASE("procore vendors/sync: create, update by id and origin_id, item errors, limits",
          "[sim][procore]")
{
    ProcoreFixture f;
    auto seeded = parse_json(f.get("/rest/v1.0/vendors?company_id=" + f.company())->body);
    const auto hand_made = seeded[0]["id"].GetInt64();
    CHECK(seeded[0]["origin_id"].IsNull()); // seeded vendors were typed in by hand

    auto body = fmt::format(R"({{"company_id":{},"updates":[
        {{"origin_id":"100","name":"Apex Paving","country_code":"US"}},
        {{"id":{},"origin_id":"200","origin_code":"S-200"}},
        {{"id":1,"name":"No vendor has this id"}},
        {{"origin_id":"300","name":""}},
        {{"origin_id":"400","name":"Bad Country","country_code":"USA"}},
        {{"name":"No origin at all"}}
    ]}})",
                            f.company(), hand_made);
    auto r = f.patch("/rest/v1.0/vendors/sync", body);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    auto d = parse_json(r->body);
    REQUIRE(d["entities"].Size() == 3);
    REQUIRE(d["errors"].Size() == 3);
    CHECK(std::string(d["entities"][0]["origin_id"].GetString()) == "100");
    CHECK(d["entities"][1]["id"].GetInt64() == hand_made);
    CHECK(std::string(d["entities"][1]["origin_code"].GetString()) == "S-200");
    const auto& not_found = d["errors"][0];
    CHECK(not_found["id"].GetInt64() == 1);
    CHECK(std::string(not_found["name"].GetString())
          == "No vendor has this id"); // supplied attrs echoed
    CHECK(std::string(not_found["errors"]["id"][0].GetString()) == "Entity with this ID not found");
    CHECK(d["errors"][1]["errors"].HasMember("name"));
    CHECK(d["errors"][2]["errors"].HasMember("country_code"));

    // Same origin_id again: update, not a second vendor.
    auto again = parse_json(
        f.patch(
             "/rest/v1.0/vendors/sync",
             fmt::format(
                 R"({{"company_id":{},"updates":[{{"origin_id":"100","name":"Apex Paving Co"}}]}})",
                 f.company()))
            ->body);
    REQUIRE(again["entities"].Size() == 1);
    CHECK(again["entities"][0]["id"].GetInt64() == d["entities"][0]["id"].GetInt64());
    CHECK(std::string(again["entities"][0]["name"].GetString()) == "Apex Paving Co");

    // origin_id clash: moving another vendor onto an origin_id already used.
    auto clash = parse_json(
        f.patch("/rest/v1.0/vendors/sync",
                fmt::format(R"({{"company_id":{},"updates":[{{"id":{},"origin_id":"100"}}]}})",
                            f.company(), hand_made))
            ->body);
    REQUIRE(clash["errors"].Size() == 1);
    CHECK(clash["errors"][0]["errors"].HasMember("origin_id"));

    // At most 1000 updates.
    std::string many = fmt::format(R"({{"company_id":{},"updates":[)", f.company());
    for (int i = 0; i < 1001; ++i)
        many += fmt::format(R"({}{{"origin_id":"x{}","name":"V{}"}})", i ? "," : "", i, i);
    many += "]}";
    auto too_many = f.patch("/rest/v1.0/vendors/sync", many);
    REQUIRE(too_many);
    CHECK(too_many->status == 400);
    auto missing =
        f.patch("/rest/v1.0/vendors/sync", fmt::format(R"({{"company_id":{}}})", f.company()));
    REQUIRE(missing);
    CHECK(missing->status == 400);
}

TEST_CASE("procore vendors/sync: 1000 items at 100,000 vendors, and a 1000-row page",
          "[sim][procore]")
{
    // How long these take is measured by scripts/bench-sim.sh, not asserted here.
    SimOptions o = procore_test_options();
    o.projects = 1;
    ProcoreFixture f(o);
    f.sim->add_bulk_vendors(100000, true);
    std::string body = fmt::format(R"({{"company_id":{},"updates":[)", f.company());
    for (int i = 0; i < 1000; ++i)
        body += fmt::format(R"({}{{"origin_id":"SUP-{}","name":"Renamed {}","city":"Reno"}})",
                            i ? "," : "", 50000 + i * 7, i);
    body += "]}";
    auto r = f.patch("/rest/v1.0/vendors/sync", body);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    auto d = parse_json(r->body);
    CHECK(d["entities"].Size() == 1000);
    CHECK(d["errors"].Size() == 0);

    auto page = f.get("/rest/v1.0/vendors?company_id=" + f.company() + "&per_page=1000&page=50");
    REQUIRE(page);
    REQUIRE(page->status == 200);
    CHECK(page->get_header_value("Total") == "100008");
    CHECK(parse_json(page->body).Size() == 1000);
}

TEST_CASE("procore standard cost codes: lists, sync into a list, parents, project cost codes",
          "[sim][procore]")
{
    ProcoreFixture f;
    auto lists =
        parse_json(f.get("/rest/v1.0/standard_cost_code_lists?company_id=" + f.company())->body);
    REQUIRE(lists.Size() == 2);
    std::int64_t erp = 0;
    for (const auto& l : lists.GetArray())
        if (std::string(l["name"].GetString()).find("ERP") != std::string::npos)
            erp = l["id"].GetInt64();
    REQUIRE(erp != 0);

    auto sync = f.patch("/rest/v1.0/standard_cost_codes/sync",
                        fmt::format(R"({{"company_id":{},"standard_cost_code_list_id":{},"updates":[
                            {{"origin_id":"10001","code":"5100","name":"Materials expense","origin_data":"01-000-5100"}},
                            {{"origin_id":"10002","code":"","name":"Blank code"}},
                            {{"id":99,"code":"1","name":"gone"}}]}})",
                                    f.company(), erp));
    REQUIRE(sync);
    REQUIRE(sync->status == 200);
    auto d = parse_json(sync->body);
    REQUIRE(d["entities"].Size() == 1);
    CHECK(d["entities"][0]["standard_cost_code_list_id"].GetInt64() == erp);
    CHECK(std::string(d["entities"][0]["full_code"].GetString()) == "5100");
    CHECK(d["errors"].Size() == 2);
    const auto code_id = d["entities"][0]["id"].GetInt64();

    auto child = parse_json(
        f.patch(
             "/rest/v1.0/standard_cost_codes/sync",
             fmt::format(
                 R"({{"company_id":{},"standard_cost_code_list_id":{},"updates":[{{"origin_id":"10003","code":"10","name":"Child","parent_id":{}}}]}})",
                 f.company(), erp, code_id))
            ->body);
    REQUIRE(child["entities"].Size() == 1);
    CHECK(std::string(child["entities"][0]["full_code"].GetString()) == "5100-10");

    auto in_list = parse_json(
        f.get(fmt::format(
                  "/rest/v1.0/standard_cost_codes?company_id={}&standard_cost_code_list_id={}",
                  f.company(), erp))
            ->body);
    CHECK(in_list.Size() == 2);
    auto no_list = f.patch("/rest/v1.0/standard_cost_codes/sync",
                           fmt::format(R"({{"company_id":{},"updates":[]}})", f.company()));
    REQUIRE(no_list);
    CHECK(no_list->status == 400);

    auto codes = f.get(fmt::format("/rest/v1.0/cost_codes?project_id={}", f.project()));
    REQUIRE(codes);
    REQUIRE(codes->status == 200);
    auto cd = parse_json(codes->body);
    CHECK(cd.Size() == 20);
    CHECK(f.get("/rest/v1.0/cost_codes")->status == 400);
    CHECK(f.get("/rest/v1.0/cost_codes?project_id=12345")->status == 404);
}

TEST_CASE("procore purchase order contracts: list, show with line items, create, sync, filters",
          "[sim][procore]")
{
    ProcoreFixture f;
    auto list =
        f.get(fmt::format("/rest/v1.0/purchase_order_contracts?project_id={}", f.project()));
    REQUIRE(list);
    REQUIRE(list->status == 200);
    auto d = parse_json(list->body);
    REQUIRE(d.Size() == 4);
    CHECK(list->get_header_value("Total") == "4");
    CHECK_FALSE(d[0].HasMember("line_items")); // compact list
    CHECK(d[0]["grand_total"].IsString());
    CHECK(std::string(d[0]["status"].GetString()) == "Approved");
    CHECK(d[0]["vendor"]["id"].IsInt64());
    const auto po = d[0]["id"].GetInt64();

    auto show = parse_json(
        f.get(fmt::format("/rest/v1.0/purchase_order_contracts/{}?project_id={}", po, f.project()))
            ->body);
    REQUIRE(show["line_items"].Size() >= 1);
    CHECK(show["line_items"][0]["amount"].IsString());
    CHECK(show["line_items"][0]["cost_code_id"].IsInt64());
    auto lines = parse_json(
        f.get(fmt::format("/rest/v1.0/purchase_order_contracts/{}/line_items?project_id={}", po,
                          f.project()))
            ->body);
    CHECK(lines.Size() == show["line_items"].Size());
    CHECK(f.get(fmt::format("/rest/v1.0/purchase_order_contracts/{}", po))->status
          == 400); // project_id required

    auto vendor =
        parse_json(f.get("/rest/v1.0/vendors?company_id=" + f.company())->body)[0]["id"].GetInt64();
    auto code =
        parse_json(
            f.get(fmt::format("/rest/v1.0/cost_codes?project_id={}", f.project()))->body)[1]["id"]
            .GetInt64();
    auto created = f.post(
        "/rest/v1.0/purchase_order_contracts",
        fmt::format(
            R"({{"project_id":{},"purchase_order_contract":{{"title":"Rebar","vendor_id":{},"status":"Draft",
                                      "line_items":[{{"description":"#5 rebar","amount":"1250.50","cost_code_id":{}}},{{"amount":100}}]}}}})",
            f.project(), vendor, code));
    REQUIRE(created);
    REQUIRE(created->status == 201);
    auto c = parse_json(created->body);
    CHECK(std::string(c["grand_total"].GetString()) == "1350.5");
    CHECK(c["vendor"]["id"].GetInt64() == vendor);
    auto bad_status = f.post(
        "/rest/v1.0/purchase_order_contracts",
        fmt::format(R"({{"project_id":{},"purchase_order_contract":{{"status":"approved"}}}})",
                    f.project()));
    REQUIRE(bad_status);
    CHECK(bad_status->status == 422);

    auto sync = parse_json(
        f.patch(
             "/rest/v1.0/purchase_order_contracts/sync",
             fmt::format(
                 R"({{"project_id":{},"updates":[{{"id":{},"origin_id":"PO-778","origin_code":"778"}},{{"origin_id":"PO-900","title":"From Oracle","vendor_id":{}}}]}})",
                 f.project(), po, vendor))
            ->body);
    REQUIRE(sync["entities"].Size() == 2);
    auto by_origin = parse_json(
        f.get(fmt::format(
                  "/rest/v1.0/purchase_order_contracts?project_id={}&filters[origin_id]=PO-778",
                  f.project()))
            ->body);
    REQUIRE(by_origin.Size() == 1);
    CHECK(by_origin[0]["id"].GetInt64() == po);
}

TEST_CASE("procore requisitions and change orders: seeded statuses and amounts as strings",
          "[sim][procore]")
{
    ProcoreFixture f;
    std::set<std::string> statuses;
    for (auto p : f.sim->project_ids()) {
        auto reqs =
            parse_json(f.get(fmt::format("/rest/v1.0/requisitions?project_id={}", p))->body);
        for (const auto& r : reqs.GetArray()) {
            statuses.insert(r["status"].GetString());
            CHECK(r["commitment_id"].IsInt64());
            CHECK(r["total_claimed_amount"].IsString());
            CHECK(r["vendor"]["id"].IsInt64());
        }
    }
    CHECK(statuses.count("approved") == 1);
    auto p = f.project();
    auto reqs = parse_json(f.get(fmt::format("/rest/v1.0/requisitions?project_id={}", p))->body);
    REQUIRE(reqs.Size() >= 1);
    auto one = parse_json(
        f.get(fmt::format("/rest/v1.0/requisitions/{}?project_id={}", reqs[0]["id"].GetInt64(), p))
            ->body);
    CHECK(one["line_items"].IsArray());

    auto ccos = f.get(fmt::format("/rest/v1.0/projects/{}/commitment_change_orders", p));
    REQUIRE(ccos);
    REQUIRE(ccos->status == 200);
    auto c = parse_json(ccos->body);
    for (const auto& co : c.GetArray()) {
        CHECK(co["grand_total"].IsString());
        std::string s = co["status"].GetString();
        CHECK((s == "approved" || s == "pending"));
        CHECK(f.get(fmt::format("/rest/v1.0/projects/{}/commitment_change_orders/{}", p,
                                co["id"].GetInt64()))
                  ->status
              == 200);
    }
}

TEST_CASE("procore direct costs: list, show, create, origin_id makes them immutable, sync",
          "[sim][procore]")
{
    ProcoreFixture f;
    const auto p = f.project();
    auto base = fmt::format("/rest/v1.0/projects/{}/direct_costs", p);
    auto list = f.get(base + "?per_page=2");
    REQUIRE(list);
    REQUIRE(list->status == 200);
    CHECK(list->get_header_value("Total") == "5");
    auto d = parse_json(list->body);
    const auto id = d[0]["id"].GetInt64();
    auto show = parse_json(f.get(fmt::format("{}/{}", base, id))->body);
    REQUIRE(show["line_items"].Size() >= 1);
    CHECK(show["line_items"][0]["amount"].IsString());
    CHECK(show["grand_total"].IsString());

    // Writing back origin_id once is allowed; afterwards the record is locked.
    auto first = f.patch(fmt::format("{}/{}", base, id),
                         R"({"direct_cost":{"origin_id":"JE-1","origin_data":"batch 7"}})");
    REQUIRE(first);
    CHECK(first->status == 200);
    auto locked =
        f.patch(fmt::format("{}/{}", base, id), R"({"direct_cost":{"description":"changed"}})");
    REQUIRE(locked);
    CHECK(locked->status == 422);
    auto sync_locked = parse_json(
        f.patch(base + "/sync", fmt::format(R"({{"updates":[{{"id":{},"description":"x"}}]}})", id))
            ->body);
    CHECK(sync_locked["errors"].Size() == 1);

    auto created = f.post(
        base,
        R"({"direct_cost":{"direct_cost_type":"expense","direct_cost_date":"2025-03-01","line_items":[{"amount":"10.05"}]}})");
    REQUIRE(created);
    CHECK(created->status == 201);
    auto missing = f.post(base, R"({"direct_cost":{"description":"no type"}})");
    REQUIRE(missing);
    CHECK(missing->status == 422);
    CHECK(f.get("/rest/v1.0/projects/1/direct_costs")->status == 404);
}

TEST_CASE("procore contract payments: create, show, immutable with origin_id", "[sim][procore]")
{
    ProcoreFixture f;
    const auto p = f.project();
    auto po = parse_json(f.get(fmt::format("/rest/v1.0/purchase_order_contracts?project_id={}", p))
                             ->body)[0]["id"]
                  .GetInt64();
    // As the SDK has it: project_id and contract_id at the top, the payment under its wrapper.
    auto created = f.post(
        "/rest/v1.0/contract_payments",
        fmt::format(
            R"({{"project_id":{},"contract_id":{},"contract_payment":{{"amount":"500.00","date":"2025-04-01","draw_request_number":2,"origin_id":"PAY-1"}}}})",
            p, po));
    REQUIRE(created);
    REQUIRE(created->status == 201);
    auto c = parse_json(created->body);
    CHECK(std::string(c["amount"].GetString()) == "500.0");
    CHECK(c["contract_id"].GetInt64() == po);
    CHECK(c["draw_request_number"].GetInt64() == 2);
    const auto id = c["id"].GetInt64();
    CHECK(f.get(fmt::format("/rest/v1.0/contract_payments/{}?project_id={}", id, p))->status
          == 200);
    auto locked =
        f.patch(fmt::format("/rest/v1.0/contract_payments/{}", id),
                fmt::format(R"({{"project_id":{},"contract_payment":{{"notes":"x"}}}})", p));
    REQUIRE(locked);
    CHECK(locked->status == 422);
    // A second payment with the same origin_id is refused.
    auto again = f.post(
        "/rest/v1.0/contract_payments",
        fmt::format(
            R"({{"project_id":{},"contract_id":{},"contract_payment":{{"amount":"1.00","date":"2025-04-02","origin_id":"PAY-1"}}}})",
            p, po));
    REQUIRE(again);
    CHECK(again->status == 422);
    CHECK(again->body.find("has already been taken") != std::string::npos);
    // The list is per commitment: contract_id is required.
    auto list = parse_json(
        f.get(fmt::format("/rest/v1.0/contract_payments?project_id={}&contract_id={}", p, po))
            ->body);
    CHECK(list.Size() == 1);
    CHECK(f.get(fmt::format("/rest/v1.0/contract_payments?project_id={}", p))->status == 400);
    auto bad = f.post(
        "/rest/v1.0/contract_payments",
        fmt::format(
            R"({{"project_id":{},"contract_id":{},"contract_payment":{{"amount":"abc","date":"2025-04-01"}}}})",
            p, po));
    REQUIRE(bad);
    CHECK(bad->status == 422);
    auto no_contract =
        f.post("/rest/v1.0/contract_payments",
               fmt::format(R"({{"project_id":{},"contract_payment":{{"amount":"1.00"}}}})", p));
    REQUIRE(no_contract);
    CHECK(no_contract->status == 400);
}

TEST_CASE("procore admin: data collections and mutate ops", "[sim][procore]")
{
    ProcoreFixture f;
    for (const char* c :
         {"vendors", "standard_cost_code_lists", "standard_cost_codes", "purchase_order_contracts",
          "requisitions", "direct_costs", "commitment_change_orders", "contract_payments", "hooks",
          "triggers", "deliveries", "projects"}) {
        auto r = f.cli->Get(fmt::format("/_sim/data/{}", c).c_str());
        REQUIRE(r);
        INFO(c);
        CHECK(r->status == 200);
        CHECK(parse_json(r->body).IsArray());
    }
    CHECK(f.cli->Get("/_sim/data/nonsense")->status == 404);

    // The virtual clock follows real time: a second may turn between the write and reading the
    // clock, so a stamp is checked against the clock before and after the request.
    const auto stamped_between = [](const std::string& stamp, std::int64_t before_ms,
                                    std::int64_t after_ms) {
        return stamp == procore_timestamp(before_ms) || stamp == procore_timestamp(after_ms);
    };
    f.clock.advance_seconds(100);
    const auto before_create = f.clock.now_ms();
    auto created = f.cli->Post(
        "/_sim/mutate",
        R"({"op":"create","collection":"vendors","fields":{"name":"Blue Mesa Concrete Company","city":"Boise"}})",
        "application/json");
    REQUIRE(created);
    REQUIRE(created->status == 201);
    auto c = parse_json(created->body);
    const auto id = c["id"].GetInt64();
    CHECK(stamped_between(c["record"]["updated_at"].GetString(), before_create, f.clock.now_ms()));

    f.clock.advance_seconds(100);
    const auto before_update = f.clock.now_ms();
    auto updated = parse_json(
        f.cli
            ->Post(
                "/_sim/mutate",
                fmt::format(
                    R"({{"op":"update","collection":"vendors","id":{},"fields":{{"zip":"83702"}}}})",
                    id),
                "application/json")
            ->body);
    CHECK(stamped_between(updated["record"]["updated_at"].GetString(), before_update,
                          f.clock.now_ms()));
    auto deact = parse_json(
        f.cli
            ->Post("/_sim/mutate",
                   fmt::format(R"({{"op":"deactivate","collection":"vendors","id":{}}})", id),
                   "application/json")
            ->body);
    CHECK_FALSE(deact["record"]["is_active"].GetBool());
    auto inactive = parse_json(
        f.get(fmt::format("/rest/v1.0/companies/{}/vendors/inactive", f.company()))->body);
    CHECK(inactive.Size() == 1);
    auto active = parse_json(
        f.get(fmt::format("/rest/v1.0/vendors?company_id={}&filters[id][]={}", f.company(), id))
            ->body);
    CHECK(active.Size() == 0); // the main list shows active vendors only
    CHECK(f.get(fmt::format("/rest/v1.0/vendors/{}", id))->status == 200);

    auto p = f.project();
    auto dc = parse_json(
        f.cli
            ->Post(
                "/_sim/mutate",
                fmt::format(
                    R"({{"op":"create","collection":"direct_costs","project_id":{},"fields":{{"direct_cost_type":"invoice","status":"approved","line_items":[{{"amount":"99.99"}}]}}}})",
                    p),
                "application/json")
            ->body);
    const auto dc_id = dc["id"].GetInt64();
    CHECK(std::string(dc["record"]["grand_total"].GetString()) == "99.99");
    auto del =
        f.cli->Post("/_sim/mutate",
                    fmt::format(R"({{"op":"delete","collection":"direct_costs","id":{}}})", dc_id),
                    "application/json");
    REQUIRE(del);
    CHECK(del->status == 200);
    CHECK(f.get(fmt::format("/rest/v1.0/projects/{}/direct_costs/{}", p, dc_id))->status == 404);
    auto with_deleted = parse_json(
        f.get(fmt::format("/rest/v1.0/projects/{}/direct_costs?filters[include_deleted]=only", p))
            ->body);
    REQUIRE(with_deleted.Size() == 1);
    CHECK(with_deleted[0]["deleted_at"].IsString());

    CHECK(f.cli
              ->Post("/_sim/mutate", R"({"op":"explode","collection":"vendors","id":1})",
                     "application/json")
              ->status
          == 404);
    CHECK(f.cli->Post("/_sim/mutate", R"({"op":"create","collection":"nope"})", "application/json")
              ->status
          == 400);
    CHECK(f.cli->Post("/_sim/mutate", "not json", "application/json")->status == 400);
    CHECK(f.cli
              ->Post("/_sim/mutate", R"({"op":"create","collection":"direct_costs","fields":{}})",
                     "application/json")
              ->status
          == 400);
}

TEST_CASE("procore admin: stats count Procore calls with ids templated", "[sim][procore]")
{
    ProcoreFixture f;
    f.get(fmt::format("/rest/v1.0/projects/{}/direct_costs", f.project()));
    auto stats = parse_json(f.cli->Get("/_sim/stats")->body);
    CHECK(stats["total"].GetInt64() >= 2); // the token request and the list
    CHECK(f.sim->stats().count("GET", "/rest/v1.0/projects/{id}/direct_costs") == 1);
}

TEST_CASE("procore seed: the same seed gives the same data", "[sim][procore]")
{
    VirtualClock c1, c2;
    ProcoreSim a(procore_test_options(), c1), b(procore_test_options(), c2);
    CHECK(*a.data_json("purchase_order_contracts") == *b.data_json("purchase_order_contracts"));
    CHECK(*a.data_json("direct_costs") == *b.data_json("direct_costs"));
    SimOptions other = procore_test_options();
    other.seed = 43;
    ProcoreSim c(other, c1);
    CHECK(*a.data_json("direct_costs") != *c.data_json("direct_costs"));
}
