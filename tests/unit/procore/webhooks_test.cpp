// The Procore webhooks mapping: hook/trigger/delivery parsing (ids beyond 2^53 kept exact,
// either scope field), request bodies, and bad shapes.
#include "core/log.hpp"
#include "procore/webhooks.hpp"

#include <catch2/catch.hpp>

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
