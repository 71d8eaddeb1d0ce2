// The Procore simulator's webhooks: the hooks/triggers/deliveries API, and deliveries to an
// in-process receiver (headers, exact 64-bit ids, retries, discards, duplicates).
#include "procore_fixture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>

using namespace mlc::sim;
using namespace mlc::sim::testing;

namespace {

// A webhook endpoint on port 0 that records what it receives and answers `status`.
struct Receiver {
    Listener listener;
    std::mutex mu;
    std::vector<std::string> bodies;
    std::vector<std::string> auth_headers;
    std::atomic<int> status{200};
    std::atomic<int> fail_first{0}; // answer 503 to this many requests first

    Receiver()
    {
        listener.server().Post("/hooks/procore",
                               [this](const httplib::Request& req, httplib::Response& res) {
                                   std::lock_guard<std::mutex> lock(mu);
                                   bodies.push_back(req.body);
                                   auth_headers.push_back(req.get_header_value("Authorization"));
                                   if (fail_first > 0) {
                                       --fail_first;
                                       res.status = 503;
                                       return;
                                   }
                                   res.status = status;
                               });
        listener.start("127.0.0.1", 0);
    }
    std::string url() const { return listener.url() + "/hooks/procore"; }
    std::size_t count()
    {
        std::lock_guard<std::mutex> lock(mu);
        return bodies.size();
    }
};

std::int64_t make_hook(ProcoreFixture& f, const std::string& url,
                       const std::string& resource = "Company Vendors",
                       const std::string& event = "create")
{
    auto h = f.post(
        "/rest/v1.0/webhooks/hooks",
        fmt::format(
            R"({{"company_id":{},"hook":{{"api_version":"v2","namespace":"ml-connector","destination_url":"{}",
                                "destination_headers":{{"Authorization":"Bearer hook-secret-1"}}}}}})",
            f.company(), url));
    REQUIRE(h);
    REQUIRE(h->status == 201);
    auto id = parse_json(h->body)["id"].GetInt64();
    auto t = f.post(
        fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", id),
        fmt::format(
            R"({{"company_id":{},"api_version":"v2","trigger":{{"resource_name":"{}","event_type":"{}"}}}})",
            f.company(), resource, event));
    REQUIRE(t);
    REQUIRE(t->status == 201);
    return id;
}

void sync_vendors(ProcoreFixture& f, int count, int first = 0)
{
    std::string body = fmt::format(R"({{"company_id":{},"updates":[)", f.company());
    for (int i = 0; i < count; ++i)
        body += fmt::format(R"({}{{"origin_id":"W{}","name":"Webhook Vendor {}"}})", i ? "," : "",
                            first + i, first + i);
    body += "]}";
    auto r = f.patch("/rest/v1.0/vendors/sync", body);
    REQUIRE(r);
    REQUIRE(r->status == 200);
}

} // namespace

TEST_CASE("procore webhooks API: hooks, triggers, validation, resources",
          "[sim][procore][webhooks]")
{
    ProcoreFixture f;
    auto bad_ns = f.post(
        "/rest/v1.0/webhooks/hooks",
        fmt::format(
            R"({{"company_id":{},"hook":{{"namespace":"ML Connector","destination_url":"http://x/y"}}}})",
            f.company()));
    REQUIRE(bad_ns);
    CHECK(bad_ns->status == 422);
    auto no_ns =
        f.post("/rest/v1.0/webhooks/hooks",
               fmt::format(R"({{"company_id":{},"hook":{{"destination_url":"http://x/y"}}}})",
                           f.company()));
    REQUIRE(no_ns);
    CHECK(no_ns->status == 422);
    auto no_scope = f.post("/rest/v1.0/webhooks/hooks",
                           R"({"hook":{"namespace":"a","destination_url":"http://x/y"}})");
    REQUIRE(no_scope);
    CHECK(no_scope->status == 400);

    auto id = make_hook(f, "http://127.0.0.1:9/unused");
    auto hooks = parse_json(f.get("/rest/v1.0/webhooks/hooks?company_id=" + f.company())->body);
    REQUIRE(hooks.Size() == 1);
    CHECK(std::string(hooks[0]["namespace"].GetString()) == "ml-connector");
    CHECK(std::string(hooks[0]["destination_headers"]["Authorization"].GetString())
          == "Bearer hook-secret-1");

    auto patched = f.patch(fmt::format("/rest/v1.0/webhooks/hooks/{}", id),
                           R"({"hook":{"destination_url":"http://127.0.0.1:9/other"}})");
    REQUIRE(patched);
    CHECK(patched->status == 200);
    CHECK(std::string(parse_json(patched->body)["destination_url"].GetString())
          == "http://127.0.0.1:9/other");

    auto bad_resource = f.post(
        fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", id),
        fmt::format(
            R"({{"company_id":{},"trigger":{{"resource_name":"Vendors!","event_type":"create"}}}})",
            f.company()));
    REQUIRE(bad_resource);
    CHECK(bad_resource->status == 422);
    auto bad_event = f.post(
        fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", id),
        fmt::format(
            R"({{"company_id":{},"trigger":{{"resource_name":"Direct Costs","event_type":"upsert"}}}})",
            f.company()));
    REQUIRE(bad_event);
    CHECK(bad_event->status == 422);
    auto dup = f.post(
        fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", id),
        fmt::format(
            R"({{"company_id":{},"trigger":{{"resource_name":"Company Vendors","event_type":"create"}}}})",
            f.company()));
    REQUIRE(dup);
    CHECK(dup->status == 422);

    auto triggers =
        parse_json(f.get(fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", id))->body);
    REQUIRE(triggers.Size() == 1);
    auto tid = triggers[0]["id"].GetInt64();
    CHECK(f.del(fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers/{}", id, tid))->status == 204);
    CHECK(parse_json(f.get(fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", id))->body).Size()
          == 0);

    // The listing follows the public record: no Requisitions, no Commitment Change Orders, and
    // Company Vendors without delete; a trigger on either is refused.
    auto resources = parse_json(f.get("/rest/v1.0/webhooks/resources")->body);
    std::map<std::string, std::string> except;
    for (const auto& r : resources.GetArray()) {
        std::string types;
        for (const auto& e : r["except"].GetArray())
            types += std::string(types.empty() ? "" : ",") + e.GetString();
        except[r["friendly_name"].GetString()] = types;
    }
    for (const char* n : {"Purchase Order Contracts", "Direct Costs", "Change Order Packages",
                          "Standard Cost Codes", "Work Order Contracts"})
        CHECK(except.count(n) == 1);
    CHECK(except.count("Requisitions") == 0);
    CHECK(except.count("Commitment Change Orders") == 0);
    CHECK(except["Company Vendors"] == "delete");
    for (const auto& [resource, event] :
         {std::pair{"Requisitions", "create"}, std::pair{"Company Vendors", "delete"}}) {
        auto refused = f.post(
            fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", id),
            fmt::format(
                R"({{"company_id":{},"trigger":{{"resource_name":"{}","event_type":"{}"}}}})",
                f.company(), resource, event));
        REQUIRE(refused);
        CHECK(refused->status == 422);
    }

    CHECK(f.del(fmt::format("/rest/v1.0/webhooks/hooks/{}", id))->status == 204);
    CHECK(f.del(fmt::format("/rest/v1.0/webhooks/hooks/{}", id))->status == 404);
    CHECK(f.get(fmt::format("/rest/v1.0/webhooks/hooks/{}/deliveries", id))->status == 404);
}

TEST_CASE("procore webhooks: delivery with destination headers and exact 64-bit ids",
          "[sim][procore][webhooks]")
{
    ProcoreFixture f;
    Receiver rx;
    auto hook = make_hook(f, rx.url());
    sync_vendors(f, 1);
    REQUIRE(f.sim->wait_idle(std::chrono::seconds(10)));
    REQUIRE(rx.count() == 1);
    const std::string raw = rx.bodies[0];
    CHECK(rx.auth_headers[0] == "Bearer hook-secret-1");
    // The id is above 2^53: it must appear in the raw text exactly, as an integer.
    CHECK(raw.find(R"("id":5982324300946918154,)") != std::string::npos);
    auto ev = parse_json(raw);
    CHECK(ev["id"].IsUint64());
    CHECK(ev["id"].GetUint64() == 5982324300946918154ULL);
    CHECK(std::string(ev["ulid"].GetString()).size() == 26);
    CHECK(std::string(ev["api_version"].GetString()) == "v2.0");
    CHECK(std::string(ev["event_type"].GetString()) == "create");
    CHECK(std::string(ev["resource_name"].GetString()) == "Company Vendors");
    CHECK(ev["project_id"].IsNull());
    CHECK(ev["company_id"].GetInt64() == f.opts.company_id);
    CHECK(std::string(ev["metadata"]["source_application_id"].GetString())
          == f.opts.procore_client_id);
    auto vendor = parse_json(
        f.get("/rest/v1.0/vendors?company_id=" + f.company() + "&filters[origin_id]=W0")->body);
    CHECK(ev["resource_id"].GetInt64() == vendor[0]["id"].GetInt64());

    // Updates have no trigger here: nothing more is sent.
    sync_vendors(f, 1);
    REQUIRE(f.sim->wait_idle(std::chrono::seconds(10)));
    CHECK(rx.count() == 1);

    auto deliveries = f.get(
        fmt::format("/rest/v1.0/webhooks/hooks/{}/deliveries?filters[status]=successful", hook));
    REQUIRE(deliveries);
    REQUIRE(deliveries->status == 200);
    CHECK(deliveries->body.find(R"("event_id":5982324300946918154)") != std::string::npos);
    auto d = parse_json(deliveries->body);
    REQUIRE(d.Size() == 1);
    CHECK(std::string(d[0]["outcome"].GetString()) == "ok");
    CHECK(d[0]["response_status"].GetInt() == 200);
    CHECK(d[0]["event"]["resource_id"].GetInt64() == ev["resource_id"].GetInt64());
    CHECK(d[0]["started_at"].IsString());
    CHECK(d[0]["completed_at"].IsString());
}

TEST_CASE("procore webhooks: changes through /_sim/mutate carry no application id, wait endpoint",
          "[sim][procore][webhooks]")
{
    ProcoreFixture f;
    Receiver rx;
    auto hook = make_hook(f, rx.url(), "Direct Costs", "update");
    auto dc =
        parse_json(
            f.get(fmt::format("/rest/v1.0/projects/{}/direct_costs", f.project()))->body)[0]["id"]
            .GetInt64();
    auto m = f.cli->Post(
        "/_sim/mutate",
        fmt::format(
            R"({{"op":"update","collection":"direct_costs","id":{},"fields":{{"status":"approved"}}}})",
            dc),
        "application/json");
    REQUIRE(m);
    REQUIRE(m->status == 200);
    auto wait = f.cli->Get("/_sim/webhooks/wait?timeout_ms=10000");
    REQUIRE(wait);
    CHECK(wait->status == 200);
    REQUIRE(rx.count() == 1);
    auto ev = parse_json(rx.bodies[0]);
    CHECK(ev["metadata"]["source_application_id"].IsNull());
    CHECK(ev["project_id"].GetInt64() == f.project());
    CHECK(ev["resource_id"].GetInt64() == dc);
    CHECK(std::string(ev["resource_name"].GetString()) == "Direct Costs");
    (void)hook;
}

TEST_CASE("procore webhooks: failing endpoint is retried, then its queue is discarded",
          "[sim][procore][webhooks]")
{
    ProcoreFixture f;
    f.sim->set_webhook_policy({3, std::chrono::milliseconds(5), std::chrono::milliseconds(20),
                               std::chrono::milliseconds(2000)});
    Receiver rx;
    rx.status = 500;
    auto hook = make_hook(f, rx.url());
    sync_vendors(f, 2);
    REQUIRE(f.sim->wait_idle(std::chrono::seconds(10)));
    CHECK(rx.count() == 3); // three attempts of the first event; the second never went out
    auto all =
        parse_json(f.get(fmt::format("/rest/v1.0/webhooks/hooks/{}/deliveries", hook))->body);
    REQUIRE(all.Size() == 4);
    CHECK(std::string(all[0]["outcome"].GetString()) == "retried");
    CHECK(std::string(all[1]["outcome"].GetString()) == "retried");
    CHECK(std::string(all[2]["outcome"].GetString()) == "discarded");
    CHECK(all[2]["response_status"].GetInt() == 500);
    CHECK(std::string(all[3]["outcome"].GetString()) == "discarded");
    CHECK(all[3]["event_id"].GetUint64() != all[0]["event_id"].GetUint64());
    CHECK(parse_json(
              f.get(fmt::format("/rest/v1.0/webhooks/hooks/{}/deliveries?filters[status]=failing",
                                hook))
                  ->body)
              .Size()
          == 2);
    CHECK(parse_json(
              f.get(fmt::format("/rest/v1.0/webhooks/hooks/{}/deliveries?filter[status]=discarded",
                                hook))
                  ->body)
              .Size()
          == 2);
    CHECK(f.get(fmt::format("/rest/v1.0/webhooks/hooks/{}/deliveries?filters[status]=weird", hook))
              ->status
          == 400);

    // Cursor paging: page_size and page_start (the last id seen).
    auto p1 = parse_json(
        f.get(fmt::format("/rest/v1.0/webhooks/hooks/{}/deliveries?page_size=3", hook))->body);
    REQUIRE(p1.Size() == 3);
    auto p2 = parse_json(
        f.get(fmt::format("/rest/v1.0/webhooks/hooks/{}/deliveries?page_size=3&page_start={}", hook,
                          p1[2]["id"].GetInt64()))
            ->body);
    REQUIRE(p2.Size() == 1);
    CHECK(p2[0]["id"].GetInt64() == all[3]["id"].GetInt64());

    // A new event starts a fresh cycle; one that recovers after failures ends "ok".
    rx.status = 200;
    rx.fail_first = 1;
    sync_vendors(f, 1, 10);
    REQUIRE(f.sim->wait_idle(std::chrono::seconds(10)));
    auto after =
        parse_json(f.get(fmt::format("/rest/v1.0/webhooks/hooks/{}/deliveries?page_start={}", hook,
                                     all[3]["id"].GetInt64()))
                       ->body);
    REQUIRE(after.Size() == 2);
    CHECK(std::string(after[0]["outcome"].GetString()) == "retried");
    CHECK(after[0]["response_status"].GetInt() == 503);
    CHECK(std::string(after[1]["outcome"].GetString()) == "ok");
}

TEST_CASE("procore webhooks: unreachable endpoint is a connection failure, not a status",
          "[sim][procore][webhooks]")
{
    ProcoreFixture f;
    f.sim->set_webhook_policy({2, std::chrono::milliseconds(5), std::chrono::milliseconds(10),
                               std::chrono::milliseconds(1000)});
    int dead_port = 0;
    {
        Listener l;
        l.start("127.0.0.1", 0);
        dead_port = l.port();
    }
    auto hook = make_hook(f, fmt::format("http://127.0.0.1:{}/gone", dead_port));
    sync_vendors(f, 1);
    REQUIRE(f.sim->wait_idle(std::chrono::seconds(10)));
    auto d = parse_json(f.get(fmt::format("/rest/v1.0/webhooks/hooks/{}/deliveries", hook))->body);
    REQUIRE(d.Size() == 2);
    CHECK(d[0]["response_status"].IsNull());
    CHECK(d[0]["response_error"].IsString());
    CHECK(std::string(d[1]["outcome"].GetString()) == "discarded");
}

TEST_CASE("procore webhooks: duplicates flag sends some events twice and out of order",
          "[sim][procore][webhooks]")
{
    SimOptions o = procore_test_options();
    o.webhook_duplicates = true;
    ProcoreFixture f(o);
    Receiver rx;
    make_hook(f, rx.url());
    sync_vendors(f, 40);
    REQUIRE(f.sim->wait_idle(std::chrono::seconds(20)));
    std::vector<std::uint64_t> ids;
    for (const auto& b : rx.bodies)
        ids.push_back(parse_json(b)["id"].GetUint64());
    std::set<std::uint64_t> unique(ids.begin(), ids.end());
    CHECK(unique.size() == 40);
    CHECK(ids.size() > 40);
    CHECK_FALSE(std::is_sorted(ids.begin(), ids.end()));
}

TEST_CASE("procore webhooks: a trigger in another scope than its hook never fires",
          "[sim][procore][webhooks]")
{
    ProcoreFixture f;
    Receiver rx;
    auto h = f.post(
        "/rest/v1.0/webhooks/hooks",
        fmt::format(
            R"({{"company_id":{},"hook":{{"namespace":"ml-connector","destination_url":"{}"}}}})",
            f.company(), rx.url()));
    REQUIRE(h);
    auto hook = parse_json(h->body)["id"].GetInt64();
    auto t = f.post(
        fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", hook),
        fmt::format(
            R"({{"project_id":{},"api_version":"v2","trigger":{{"resource_name":"Direct Costs","event_type":"create"}}}})",
            f.project()));
    REQUIRE(t);
    REQUIRE(t->status == 201);
    auto created =
        f.post(fmt::format("/rest/v1.0/projects/{}/direct_costs", f.project()),
               R"({"direct_cost":{"direct_cost_type":"expense","direct_cost_date":"2025-03-01"}})");
    REQUIRE(created);
    REQUIRE(created->status == 201);
    REQUIRE(f.sim->wait_idle(std::chrono::seconds(5)));
    CHECK(rx.count() == 0);
}

TEST_CASE("procore webhooks: work order contracts fire create and update, like purchase orders",
          "[sim][procore][webhooks]")
{
    ProcoreFixture f;
    Receiver rx;
    auto resources = f.get("/rest/v1.0/webhooks/resources")->body;
    CHECK(resources.find("\"Work Order Contracts\"") != std::string::npos);
    CHECK(resources.find("\"Purchase Order Contracts\"") != std::string::npos);
    auto hook = make_hook(f, rx.url(), "Work Order Contracts", "create");
    for (const auto& [resource, event] : {std::pair{"Work Order Contracts", "update"},
                                          std::pair{"Purchase Order Contracts", "update"}}) {
        auto t = f.post(
            fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", hook),
            fmt::format(
                R"({{"company_id":{},"api_version":"v2","trigger":{{"resource_name":"{}","event_type":"{}"}}}})",
                f.company(), resource, event));
        REQUIRE(t);
        REQUIRE(t->status == 201);
    }
    const auto p = f.project();
    auto vendor =
        parse_json(f.get("/rest/v1.0/vendors?company_id=" + f.company())->body)[0]["id"].GetInt64();
    auto created = f.post(
        "/rest/v1.0/work_order_contracts",
        fmt::format(
            R"({{"project_id":{},"work_order_contract":{{"title":"Framing","vendor_id":{},"status":"Draft"}}}})",
            p, vendor));
    REQUIRE(created);
    REQUIRE(created->status == 201);
    const auto wo = parse_json(created->body)["id"].GetInt64();
    REQUIRE(f.patch(fmt::format("/rest/v1.0/work_order_contracts/{}/line_items/sync?project_id={}",
                                wo, p),
                    R"({"updates":[{"description":"Studs","amount":"10"}]})")
                ->status
            == 200);
    REQUIRE(
        f.cli
            ->Post(
                "/_sim/mutate",
                fmt::format(
                    R"({{"op":"update","collection":"work_order_contracts","id":{},"fields":{{"title":"Framing II"}}}})",
                    wo),
                "application/json")
            ->status
        == 200);
    auto po = parse_json(f.get(fmt::format("/rest/v1.0/purchase_order_contracts?project_id={}", p))
                             ->body)[0]["id"]
                  .GetInt64();
    REQUIRE(f.patch(fmt::format("/rest/v1.0/purchase_order_contracts/{}?project_id={}", po, p),
                    R"({"origin_code":"104020"})")
                ->status
            == 200);
    REQUIRE(f.sim->wait_idle(std::chrono::seconds(10)));
    REQUIRE(rx.count() == 4);
    std::vector<std::string> seen;
    for (const auto& body : rx.bodies) {
        auto ev = parse_json(body);
        CHECK(ev["project_id"].GetInt64() == p);
        seen.push_back(fmt::format("{} {} {}", ev["resource_name"].GetString(),
                                   ev["event_type"].GetString(), ev["resource_id"].GetInt64()));
    }
    CHECK(seen[0] == fmt::format("Work Order Contracts create {}", wo));
    CHECK(seen[1] == fmt::format("Work Order Contracts update {}", wo));
    CHECK(seen[2] == fmt::format("Work Order Contracts update {}", wo));
    CHECK(seen[3] == fmt::format("Purchase Order Contracts update {}", po));
}
