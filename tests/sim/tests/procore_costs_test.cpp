// The Procore simulator's cost documents for post-costs: direct cost and change order line items
// (ids, stamps, cost code and cost type), the project's all-lines list, compact lists with
// updated_at ranges, the origin_id lock, and /_sim/mutate with its webhook events.
#include "procore_fixture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <set>

using namespace mlc::sim;
using namespace mlc::sim::testing;

namespace {

std::string range(std::int64_t from_ms, std::int64_t to_ms)
{
    return procore_timestamp(from_ms) + "..." + procore_timestamp(to_ms);
}

httplib::Result mutate(ProcoreFixture& f, const std::string& body)
{
    return f.cli->Post("/_sim/mutate", body, "application/json");
}

// A webhook endpoint on port 0 that keeps what it receives.
struct Inbox {
    Listener listener;
    std::mutex mu;
    std::vector<std::string> bodies;
    Inbox()
    {
        listener.server().Post("/in", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard<std::mutex> lock(mu);
            bodies.push_back(req.body);
            res.status = 204;
        });
        listener.start("127.0.0.1", 0);
    }
};

} // namespace

TEST_CASE("procore direct cost lines: ids, stamps, cost code and cost type, compact list",
          "[sim][procore][costs]")
{
    ProcoreFixture f;
    const auto base = fmt::format("/rest/v1.0/projects/{}/direct_costs", f.project());
    auto list = parse_json(f.get(base)->body);
    REQUIRE(list.Size() == 5);
    for (const auto& dc : list.GetArray())
        CHECK_FALSE(dc.HasMember("line_items")); // the list is compact
    const auto id = list[0]["id"].GetInt64();
    auto show = parse_json(f.get(fmt::format("{}/{}", base, id))->body);
    REQUIRE(show["line_items"].Size() >= 1);
    const auto& li = show["line_items"][0];
    CHECK(li["id"].IsInt64());
    CHECK(li["holder_id"].GetInt64() == id);
    CHECK(li["direct_cost_id"].GetInt64() == id);
    // Seeded lines carry their direct cost's date, not the time the simulator started.
    CHECK(std::string(li["updated_at"].GetString()) == show["updated_at"].GetString());
    CHECK(std::string(li["created_at"].GetString()) == show["created_at"].GetString());
    REQUIRE(li["cost_code"].IsObject());
    CHECK(li["cost_code"]["id"].GetInt64() == li["cost_code_id"].GetInt64());
    CHECK(li["cost_code"]["full_code"].IsString());
    CHECK(li["cost_code"].HasMember("standard_cost_code_id"));
    REQUIRE(li["line_item_type"].IsObject());
    CHECK(li["line_item_type"]["id"].GetInt64() == li["line_item_type_id"].GetInt64());
    const std::string code = li["line_item_type"]["code"].GetString();
    CHECK((code == "L" || code == "M" || code == "E"));
    std::int64_t cents = 0;
    for (const auto& l : show["line_items"].GetArray())
        cents += std::llround(std::stod(l["amount"].GetString()) * 100);
    CHECK(std::llround(std::stod(show["grand_total"].GetString()) * 100) == cents);

    auto lines = parse_json(f.get(fmt::format("{}/{}/line_items", base, id))->body);
    REQUIRE(lines.Size() == show["line_items"].Size());
    CHECK(lines[0]["holder_id"].GetInt64() == id);
    CHECK(lines[0]["cost_code"].IsObject());

    auto types = parse_json(f.get("/rest/v1.0/line_item_types?company_id=" + f.company())->body);
    std::set<std::string> names;
    for (const auto& t : types.GetArray())
        names.insert(fmt::format("{} {}", t["code"].GetString(), t["name"].GetString()));
    CHECK(names
          == std::set<std::string>{"L Labor", "M Material", "E Equipment", "S Subcontract",
                                   "O Other"});
    // A line's cost type must exist.
    auto bad = f.post(
        base,
        R"({"direct_cost":{"direct_cost_type":"expense","direct_cost_date":"2025-03-01","line_items":[{"amount":"1","line_item_type_id":1}]}})");
    CHECK(bad->status == 422);
}

TEST_CASE("procore direct cost line items list: updated_at range, paging, deleted holders",
          "[sim][procore][costs]")
{
    ProcoreFixture f;
    const auto p = f.project();
    const auto base = fmt::format("/rest/v1.0/projects/{}/direct_costs", p);
    auto all = f.get(base + "/line_items");
    REQUIRE(all->status == 200);
    const auto total = std::stoll(all->get_header_value("Total"));
    CHECK(total == static_cast<long long>(parse_json(all->body).Size()));
    CHECK(total >= 5);
    auto page = f.get(base + "/line_items?per_page=2&page=2");
    CHECK(parse_json(page->body).Size() == 2);
    CHECK(page->get_header_value("Total") == std::to_string(total));

    auto list = parse_json(f.get(base)->body);
    const auto changed = list[1]["id"].GetInt64();
    const auto deleted = list[2]["id"].GetInt64();
    auto codes = parse_json(f.get(fmt::format("/rest/v1.0/cost_codes?project_id={}", p))->body);
    const auto code = codes[codes.Size() - 1]["id"].GetInt64();

    f.clock.advance_seconds(3600);
    const auto from = f.clock.now_ms();
    auto m = mutate(f, fmt::format(R"({{"op":"update","collection":"direct_costs","id":{},
        "line_items":[{{"description":"Rebar","amount":"100.10","cost_code_id":{}}},
                      {{"description":"Ties","amount":"0.90","cost_code_id":{}}}]}})",
                                   changed, code, code));
    REQUIRE(m->status == 200);
    CHECK(std::string(parse_json(m->body)["record"]["grand_total"].GetString()) == "101.0");
    REQUIRE(
        mutate(f, fmt::format(R"({{"op":"delete","collection":"direct_costs","id":{}}})", deleted))
            ->status
        == 200);
    const auto to = f.clock.now_ms() + 1000;

    auto recent =
        parse_json(f.get(base + "/line_items?filters[updated_at]=" + range(from, to))->body);
    REQUIRE(recent.Size() == 2);
    for (const auto& li : recent.GetArray()) {
        CHECK(li["holder_id"].GetInt64() == changed);
        CHECK(li["direct_cost_id"].GetInt64() == changed);
        CHECK(li["cost_code"]["id"].GetInt64() == code);
    }
    // The line change bumped its direct cost: the header list finds it by the same range.
    auto headers = parse_json(f.get(base + "?filters[updated_at]=" + range(from, to))->body);
    REQUIRE(headers.Size() == 1); // the deleted one is hidden without include_deleted
    CHECK(headers[0]["id"].GetInt64() == changed);
    auto with_deleted = parse_json(
        f.get(base + "?filters[updated_at]=" + range(from, to) + "&filters[include_deleted]=with")
            ->body);
    CHECK(with_deleted.Size() == 2);
    CHECK(f.get(fmt::format("{}/{}", base, deleted))->status == 404);

    // Lines of a deleted direct cost are gone from the list unless deleted ones are asked for.
    auto after = f.get(base + "/line_items");
    auto after_with = f.get(base + "/line_items?filters[include_deleted]=with");
    CHECK(std::stoll(after->get_header_value("Total"))
          < std::stoll(after_with->get_header_value("Total")));
    CHECK(f.get(base + "/line_items?filters[updated_at]=2025-01-01")->status == 400);
}

TEST_CASE(
    "procore direct costs with an origin_id are locked to PATCH, sync and DELETE, not to mutate",
    "[sim][procore][costs]")
{
    ProcoreFixture f;
    const auto base = fmt::format("/rest/v1.0/projects/{}/direct_costs", f.project());
    auto list = parse_json(f.get(base)->body);
    const auto id = list[0]["id"].GetInt64();
    const auto other = list[1]["id"].GetInt64();
    const auto item = fmt::format("{}/{}", base, id);
    REQUIRE(f.patch(item, R"({"direct_cost":{"origin_id":"JE-9"}})")->status == 200);
    CHECK(f.patch(item, R"({"direct_cost":{"origin_data":"batch 9 posted"}})")->status == 200);
    auto locked = f.patch(item, R"({"direct_cost":{"description":"changed"}})");
    CHECK(locked->status == 422);
    CHECK(locked->body.find("locked") != std::string::npos);
    CHECK(f.patch(item, R"({"direct_cost":{"line_items":[{"amount":"1"}]}})")->status == 422);

    // A sync item that resends the stored values changes nothing and passes; a change fails.
    const std::string description = parse_json(f.get(item)->body)["description"].GetString();
    auto same = parse_json(
        f.patch(base + "/sync",
                fmt::format(R"({{"updates":[{{"origin_id":"JE-9","description":"{}"}}]}})",
                            description))
            ->body);
    CHECK(same["entities"].Size() == 1);
    auto differ = parse_json(
        f.patch(base + "/sync", R"({"updates":[{"origin_id":"JE-9","description":"new"}]})")->body);
    REQUIRE(differ["errors"].Size() == 1);
    CHECK(
        differ["errors"][0]["errors"]["base"][0].GetString()
        == std::string("is locked: records synced with an ERP (origin_id set) cannot be changed"));

    CHECK(f.del(item)->status == 422);
    CHECK(f.get(item)->status == 200);
    CHECK(f.del(fmt::format("{}/{}", base, other))->status == 204);
    CHECK(f.get(fmt::format("{}/{}", base, other))->status == 404);

    // The test's hand still changes it.
    auto m = mutate(
        f,
        fmt::format(
            R"({{"op":"update","collection":"direct_costs","id":{},"description":"fixed"}})", id));
    CHECK(m->status == 200);
    CHECK(std::string(parse_json(f.get(item)->body)["description"].GetString()) == "fixed");
}

TEST_CASE("procore commitment change orders: compact list, updated_at range, approved fields",
          "[sim][procore][costs]")
{
    ProcoreFixture f;
    bool seen_approved = false;
    for (auto p : f.sim->project_ids()) {
        const auto base = fmt::format("/rest/v1.0/projects/{}/commitment_change_orders", p);
        const auto orders = parse_json(f.get(base)->body);
        for (const auto& co : orders.GetArray()) {
            CHECK_FALSE(co.HasMember("line_items"));
            CHECK(co["contract_id"].IsInt64());
            CHECK(co["grand_total"].IsString());
            if (std::string(co["status"].GetString()) != "approved") {
                CHECK(co["approved_date"].IsNull());
                continue;
            }
            seen_approved = true;
            REQUIRE(co["approved_date"].IsString());
            CHECK(std::string(co["approved_date"].GetString()).size() == 10);
            auto show = parse_json(f.get(fmt::format("{}/{}", base, co["id"].GetInt64()))->body);
            REQUIRE(show["line_items"].Size() >= 1);
            CHECK(show["line_items"][0]["id"].IsInt64());
            CHECK(show["line_items"][0]["updated_at"].IsString());
            CHECK(show["line_items"][0]["cost_code"].IsObject());
            CHECK(std::string(show["line_items"][0]["amount"].GetString())
                  == show["grand_total"].GetString());
        }
    }
    CHECK(seen_approved);

    const auto p = f.project();
    const auto base = fmt::format("/rest/v1.0/projects/{}/commitment_change_orders", p);
    auto pos = parse_json(
        f.get(fmt::format("/rest/v1.0/purchase_order_contracts?project_id={}", p))->body);
    f.clock.advance_seconds(600);
    const auto from = f.clock.now_ms();
    auto m = mutate(f, fmt::format(R"({{"op":"create","collection":"commitment_change_orders",
        "project_id":{},"fields":{{"number":"CO-900","title":"Owner change","status":"approved",
        "contract_id":{},"line_items":[{{"description":"Extra","amount":"250.5"}}]}}}})",
                                   p, pos[0]["id"].GetInt64()));
    REQUIRE(m->status == 201);
    const auto made = parse_json(m->body);
    const auto& rec = made["record"];
    CHECK(std::string(rec["grand_total"].GetString()) == "250.5");
    CHECK(rec["approved_date"].IsString()); // made approved: stamped today (virtual clock)
    auto recent = parse_json(
        f.get(base + "?filters[updated_at]=" + range(from, f.clock.now_ms() + 1000))->body);
    REQUIRE(recent.Size() == 1);
    CHECK(std::string(recent[0]["number"].GetString()) == "CO-900");
}

TEST_CASE("procore mutate fires Direct Costs and Change Order Packages events",
          "[sim][procore][costs][webhooks]")
{
    ProcoreFixture f;
    Inbox inbox;
    auto resources = parse_json(f.get("/rest/v1.0/webhooks/resources")->body);
    std::set<std::string> names;
    for (const auto& r : resources.GetArray())
        names.insert(r["friendly_name"].GetString());
    CHECK(names.count("Change Order Packages") == 1);
    CHECK(names.count("Commitment Change Orders") == 0);

    auto hook = f.post("/rest/v1.0/webhooks/hooks",
                       fmt::format(R"({{"project_id":{},"hook":{{"api_version":"v2",
        "namespace":"ml-connector","destination_url":"{}/in"}}}})",
                                   f.project(), inbox.listener.url()));
    REQUIRE(hook->status == 201);
    const auto hook_id = parse_json(hook->body)["id"].GetInt64();
    auto trigger = [&](const char* resource, const char* event) {
        return f
            .post(fmt::format("/rest/v1.0/webhooks/hooks/{}/triggers", hook_id),
                  fmt::format(R"({{"project_id":{},"api_version":"v2",
            "trigger":{{"resource_name":"{}","event_type":"{}"}}}})",
                              f.project(), resource, event))
            ->status;
    };
    CHECK(trigger("Commitment Change Orders", "create") == 422);
    for (const char* event : {"create", "update", "delete"}) {
        REQUIRE(trigger("Direct Costs", event) == 201);
        REQUIRE(trigger("Change Order Packages", event) == 201);
    }

    auto dc = mutate(f, fmt::format(R"({{"op":"create","collection":"direct_costs","project_id":{},
        "fields":{{"direct_cost_type":"invoice","direct_cost_date":"2025-02-03","status":"approved",
        "line_items":[{{"description":"Concrete","amount":"10","line_item_type_id":100002}}]}}}})",
                                    f.project()));
    REQUIRE(dc->status == 201);
    const auto dc_id = parse_json(dc->body)["id"].GetInt64();
    CHECK(std::string(
              parse_json(dc->body)["record"]["line_items"][0]["line_item_type"]["code"].GetString())
          == "M");
    auto pos = parse_json(
        f.get(fmt::format("/rest/v1.0/purchase_order_contracts?project_id={}", f.project()))->body);
    auto co = mutate(f, fmt::format(R"({{"op":"create","collection":"commitment_change_orders",
        "project_id":{},"contract_id":{},"number":"CO-77","status":"pending",
        "line_items":[{{"description":"Added","amount":"50"}}]}})",
                                    f.project(), pos[0]["id"].GetInt64()));
    REQUIRE(co->status == 201);
    const auto co_id = parse_json(co->body)["id"].GetInt64();
    REQUIRE(mutate(f, fmt::format(R"({{"op":"update","collection":"commitment_change_orders",
        "id":{},"line_items":[{{"description":"Revised","amount":"75"}}]}})",
                                  co_id))
                ->status
            == 200);
    REQUIRE(
        mutate(f, fmt::format(R"({{"op":"delete","collection":"direct_costs","id":{}}})", dc_id))
            ->status
        == 200);
    REQUIRE(f.sim->wait_idle(std::chrono::seconds(10)));
    std::vector<std::string> seen;
    {
        std::lock_guard<std::mutex> lock(inbox.mu);
        for (const auto& b : inbox.bodies) {
            auto ev = parse_json(b);
            seen.push_back(fmt::format("{} {} {}", ev["resource_name"].GetString(),
                                       ev["event_type"].GetString(), ev["resource_id"].GetInt64()));
        }
    }
    std::sort(seen.begin(), seen.end());
    std::vector<std::string> want{fmt::format("Change Order Packages create {}", co_id),
                                  fmt::format("Change Order Packages update {}", co_id),
                                  fmt::format("Direct Costs create {}", dc_id),
                                  fmt::format("Direct Costs delete {}", dc_id)};
    std::sort(want.begin(), want.end());
    CHECK(seen == want);
}
