// The Procore webhooks mapping: hook/trigger/delivery parsing (ids beyond 2^53 kept exact,
// either scope field), request bodies, and bad shapes.
#include "core/log.hpp"
#include "procore/webhooks.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace mlc::procore;

TEST_CASE("hooks parse with their scope, version and destination headers", "[procore][webhooks]")
{
    auto hooks = parse_hooks(
        R"([{"id":3,"owned_by_company_id":42,"owned_by_project_id":null,"api_version":"v2",)"
        R"("namespace":"ml-connector","destination_url":"https://x.example/wh",)"
        R"("destination_headers":{"Authorization":"s3cret"}},)"
        R"({"id":"4","project_id":77,"namespace":"other","destination_headers":null}])");
    REQUIRE(hooks);
    REQUIRE(hooks->size() == 2);
    CHECK((*hooks)[0].id == 3);
    CHECK_FALSE((*hooks)[0].project_id);
    CHECK((*hooks)[0].destination_headers == HeaderList{{"Authorization", "s3cret"}});
    CHECK((*hooks)[1].id == 4);
    CHECK((*hooks)[1].project_id == std::optional<std::int64_t>(77));
    CHECK((*hooks)[1].destination_headers.empty());

    CHECK_FALSE(parse_hooks(R"({"id":1})"));
    CHECK_FALSE(parse_hooks(R"([{"namespace":"x"}])"));
    CHECK_FALSE(parse_hooks("[{"));
}

TEST_CASE("deliveries keep event ids beyond 2^53 exact", "[procore][webhooks]")
{
    auto page = parse_deliveries(
        R"([{"id":10,"hook_id":1,"event_id":5982324300946918154,"event":{"id":5982324300946918154,)"
        R"("ulid":"01ABC","resource_name":"Direct Costs","resource_id":9007199254740993},)"
        R"("outcome":"discarded","response_status":null,"response_error":"connection refused",)"
        R"("started_at":"2025-01-01T00:00:00.000Z","completed_at":"2025-01-01T00:00:00.001Z"},)"
        R"({"id":11,"event":{"id":18446744073709551615},"outcome":"retried","response_status":401}])");
    REQUIRE(page);
    REQUIRE(page->size() == 2);
    CHECK((*page)[0].event_id == "5982324300946918154");
    CHECK((*page)[0].event_json.find("9007199254740993") != std::string::npos);
    CHECK((*page)[0].outcome == "discarded");
    CHECK_FALSE((*page)[0].response_status);
    CHECK((*page)[0].response_error == "connection refused");
    CHECK((*page)[1].event_id == "18446744073709551615"); // from the event when the row lacks it
    CHECK((*page)[1].response_status == std::optional<int>(401));
    CHECK_FALSE(parse_deliveries(R"([{"event_id":1}])"));
}

TEST_CASE("hook and trigger bodies carry the company scope", "[procore][webhooks]")
{
    HookSpec spec;
    spec.namespace_name = "ml-connector";
    spec.destination_url = "https://x.example/wh";
    spec.destination_headers = {{"Authorization", "a\"b"}};
    CHECK(
        hook_body(42, spec)
        == R"({"company_id":42,"hook":{"namespace":"ml-connector","api_version":"v2",)"
           R"("destination_url":"https://x.example/wh","destination_headers":{"Authorization":"a\"b"}}})");
    CHECK(trigger_body(42, "v2", "Direct Costs", "update")
          == R"({"company_id":42,"api_version":"v2","trigger":{"resource_name":"Direct Costs",)"
             R"("event_type":"update"}})");
    auto t = parse_trigger(R"({"id":9,"resource_name":"Direct Costs","event_type":"update",)"
                           R"("api_version":"v2.0","company_id":42,"project_id":null})");
    REQUIRE(t);
    CHECK(t->company_id == std::optional<std::int64_t>(42));
    CHECK_FALSE(t->project_id);
    CHECK(normalize_api_version(t->api_version) == normalize_api_version("v2"));
}

TEST_CASE("a listed hook's destination headers never reach a log line", "[procore][webhooks]")
{
    // The header value may be a secret being rotated away, not registered with the redactor.
    const std::string body = R"([{"id":3,"namespace":"ml-connector","destination_headers":)"
                             R"({"Authorization":"whsec-old-9a8b7c","X-Other":"v"}}])";
    const std::string clean = mlc::log::redact(body);
    CHECK(clean.find("whsec-old-9a8b7c") == std::string::npos);
    CHECK(clean.find("\"namespace\":\"ml-connector\"") != std::string::npos);
    CHECK(clean.find("\"destination_headers\":{***}") != std::string::npos);
}

TEST_CASE("the webhook resources listing is read in every shape public records show",
          "[procore][webhooks]")
{
    auto names = [](const std::vector<WebhookResource>& list) {
        std::map<std::string, std::vector<std::string>> out;
        for (const auto& r : list) {
            out[r.name] = r.event_types;
        }
        return out;
    };
    const std::vector<std::string> all{"create", "update", "delete"};
    // v1.0: friendly_name (or name) with the event types it does not support.
    auto v1 = parse_webhook_resources(
        R"([{"friendly_name":"Company Vendors","except":["delete"]},)"
        R"({"name":"Direct Costs","except":[]},{"name":"Bids","except":["Create","delete"]},)"
        R"({"except":["delete"]}])");
    REQUIRE(v1);
    auto m = names(*v1);
    CHECK(m.size() == 3); // the item without a name is skipped
    CHECK(m["Company Vendors"] == std::vector<std::string>{"create", "update"});
    CHECK(m["Direct Costs"] == all);
    CHECK(m["Bids"] == std::vector<std::string>{"update"});
    // v2.0: {data:[{name, actions}]}.
    auto v2 = parse_webhook_resources(
        R"({"data":[{"name":"Projects","actions":["create","update"]},)"
        R"({"name":"Change Order Packages","actions":["create","update","delete"]}]})");
    REQUIRE(v2);
    m = names(*v2);
    CHECK(m["Projects"] == std::vector<std::string>{"create", "update"});
    CHECK(m["Change Order Packages"] == all);
    // Grouped by level, and an item naming no event types at all supports all three.
    auto grouped =
        parse_webhook_resources(R"({"company":[{"name":"Company Vendors","except":["delete"]}],)"
                                R"("project":[{"name":"Work Order Contracts"}]})");
    REQUIRE(grouped);
    m = names(*grouped);
    CHECK(m["Company Vendors"] == std::vector<std::string>{"create", "update"});
    CHECK(m["Work Order Contracts"] == all);

    // Bad input.
    CHECK_FALSE(parse_webhook_resources(R"({"errors":"nope"})"));
    CHECK_FALSE(parse_webhook_resources("42"));
    CHECK_FALSE(parse_webhook_resources("[{"));

    // The documented fallback follows the public record.
    m = names(documented_webhook_resources());
    CHECK(m["Company Vendors"] == std::vector<std::string>{"create", "update"});
    CHECK(m.count("Requisitions") == 0);
    CHECK(m.count("Commitment Change Orders") == 0);
    CHECK(m["Change Order Packages"] == all);
}
