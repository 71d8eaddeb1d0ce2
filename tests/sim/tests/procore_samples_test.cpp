// Each Procore sample in the shared reference has the same keys and JSON types as the
// simulator's corresponding output (a null in the sample matches anything).
#include "procore_fixture.hpp"
#include "sample_shape.hpp"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>

using namespace mlc::sim;
using namespace mlc::sim::testing;

namespace {

rapidjson::Document load_sample(const std::string& name)
{
    return mlc::sim::testing::load_sample("procore", name);
}

} // namespace

TEST_CASE("procore samples: token response", "[sim][procore][samples]")
{
    ProcoreFixture f;
    httplib::Params form{{"grant_type", "client_credentials"},
                         {"client_id", f.opts.procore_client_id},
                         {"client_secret", f.opts.procore_client_secret}};
    auto r = f.cli->Post("/oauth/token", form);
    REQUIRE(r);
    same_shape(load_sample("oauth_client_credentials_token_response.json"), parse_json(r->body),
               "token", true);
}

TEST_CASE("procore samples: project", "[sim][procore][samples]")
{
    ProcoreFixture f;
    auto r = f.get(fmt::format("/rest/v1.0/projects/{}", f.project()));
    REQUIRE(r);
    REQUIRE(r->status == 200);
    same_shape(load_sample("project_doc_example.json"), parse_json(r->body), "project", true);
    auto list = parse_json(f.get("/rest/v1.0/projects?company_id=" + f.company())->body);
    same_shape(load_sample("project_doc_example.json"), list[0], "projects[0]", true);
}

TEST_CASE("procore samples: sync response entities and errors", "[sim][procore][samples]")
{
    ProcoreFixture f;
    auto sample = load_sample("sync_response_projects_entities_and_errors.json");
    auto r = f.patch(
        "/rest/v1.0/vendors/sync",
        fmt::format(
            R"({{"company_id":{},"updates":[{{"origin_id":"A1","name":"Created"}},{{"id":0,"name":"No project has this id value"}}]}})",
            f.company()));
    REQUIRE(r);
    REQUIRE(r->status == 200);
    auto d = parse_json(r->body);
    REQUIRE(d["entities"].Size() == 1);
    REQUIRE(d["errors"].Size() == 1);
    // The error item is the same shape exactly: supplied attrs echoed plus errors{field:[msg]}.
    same_shape(sample["errors"], d["errors"], "errors", true);
    CHECK(std::string(d["errors"][0]["errors"]["id"][0].GetString())
          == sample["errors"][0]["errors"]["id"][0].GetString());
    // Entities are resources of another type; the keys they share keep their types.
    const auto& entity = sample["entities"][0];
    for (const char* key : {"id", "name", "created_at", "updated_at", "origin_id", "origin_data",
                            "address", "city", "state_code", "country_code", "zip"}) {
        INFO(key);
        REQUIRE(d["entities"][0].HasMember(key));
        same_shape(entity[key], d["entities"][0][key], std::string("entities[0].") + key, false);
    }
}

TEST_CASE("procore samples: hook and trigger create requests are accepted",
          "[sim][procore][samples]")
{
    ProcoreFixture f;
    auto hook = load_sample("webhook_create_hook_request_company.json");
    hook["company_id"].SetInt64(f.opts.company_id); // the sample's company is not ours
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    hook.Accept(w);
    auto h = f.post("/rest/v1.0/webhooks/hooks", buf.GetString());
    REQUIRE(h);
    REQUIRE(h->status == 201);
    auto created = parse_json(h->body);
    same_shape(hook["hook"], created, "hook", false);

    auto trigger = load_sample("webhook_create_trigger_request.json");
    trigger["company_id"].SetInt64(f.opts.company_id);
    rapidjson::StringBuffer tbuf;
    rapidjson::Writer<rapidjson::StringBuffer> tw(tbuf);
    trigger.Accept(tw);
    auto t = f.post(fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", created["id"].GetInt64()),
                    tbuf.GetString());
    REQUIRE(t);
    REQUIRE(t->status == 201);
    same_shape(trigger["trigger"], parse_json(t->body), "trigger", false);
}

TEST_CASE("procore samples: v2 webhook event", "[sim][procore][samples]")
{
    ProcoreFixture f;
    Listener rx;
    std::mutex mu;
    std::vector<std::string> bodies;
    rx.server().Post("/in", [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(mu);
        bodies.push_back(req.body);
        res.status = 204;
    });
    rx.start("127.0.0.1", 0);
    auto h = f.post(
        "/rest/v1.0/webhooks/hooks",
        fmt::format(
            R"({{"company_id":{},"hook":{{"api_version":"v2","namespace":"ml","destination_url":"{}/in"}}}})",
            f.company(), rx.url()));
    REQUIRE(h);
    auto hook = parse_json(h->body)["id"].GetInt64();
    for (const char* resource : {"Purchase Order Contracts", "Company Vendors"})
        REQUIRE(
            f.post(
                 fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", hook),
                 fmt::format(
                     R"({{"company_id":{},"api_version":"v2","trigger":{{"resource_name":"{}","event_type":"update"}}}})",
                     f.company(), resource))
                ->status
            == 201);
    auto po = parse_json(f.get(fmt::format("/rest/v1.0/purchase_order_contracts?project_id={}",
                                           f.project()))
                             ->body)[0]["id"]
                  .GetInt64();
    REQUIRE(f.patch(fmt::format("/rest/v1.0/purchase_order_contracts/{}", po),
                    fmt::format(
                        R"({{"project_id":{},"purchase_order_contract":{{"origin_code":"4711"}}}})",
                        f.project()))
                ->status
            == 200);
    REQUIRE(f.sim->wait_idle(std::chrono::seconds(10)));
    REQUIRE(bodies.size() == 1);
    auto sample = load_sample("webhook_event_v2_rfis_doc_example.json");
    auto ev = parse_json(bodies[0]);
    same_shape(sample, ev, "event", true);
    CHECK(ev["project_id"].GetInt64() == f.project()); // a project resource carries its project
    CHECK(ev["metadata"]["source_project_id"].GetInt64() == f.project());
}

TEST_CASE("procore samples: ERP standard cost code fields exist on standard cost codes",
          "[sim][procore][samples]")
{
    ProcoreFixture f;
    auto payload = load_sample("erp_event_create_standard_cost_codes_payload.json");
    const auto& sample = payload["request_data"][0];
    auto codes =
        parse_json(f.get("/rest/v1.0/standard_cost_codes?company_id=" + f.company())->body);
    REQUIRE(codes.Size() > 1);
    const auto& child = codes[1]; // has a parent
    for (const char* key : {"id", "standard_cost_code_list_id", "origin_id", "parent_id", "code",
                            "full_code", "name", "origin_data"}) {
        INFO(key);
        REQUIRE(child.HasMember(key));
        same_shape(sample[key], child[key], key, false);
    }
    CHECK(std::string(child["full_code"].GetString()).find('-') != std::string::npos);
}
