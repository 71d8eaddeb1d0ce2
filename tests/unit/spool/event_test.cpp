// parse_event and is_json_object: both payload formats, exact ids, and every kind of bad input.
#include "spool/event.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace spool_event_test {

using mlc::spool::is_json_object;
using mlc::spool::parse_event;

namespace {

// samples/procore/webhook_event_v2_rfis_doc_example.json, as published.
const std::string k_v2_sample = R"({
  "id": 123456789,
  "ulid": "0A1B2C3D4F5G6H7I8J9K0LMN",
  "timestamp": "2025-02-06T23:34:12.246562Z",
  "metadata": {
    "source_user_id": 987654321,
    "source_project_id": 2468013579,
    "source_operation_id": null,
    "source_company_id": 1357908642,
    "source_application_id": null
  },
  "user_id": 987654321,
  "company_id": 1357908642,
  "project_id": 2468013579,
  "api_version": "v2.0",
  "event_type": "update",
  "resource_name": "RFIs",
  "resource_id": 54321
})";

std::string error_of(const std::string& body)
{
    auto r = parse_event(body);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

} // namespace

TEST_CASE("parse_event reads the published v2 sample", "[spool][event]")
{
    auto e = parse_event(k_v2_sample);
    REQUIRE(e.has_value());
    CHECK(e->payload_version == 2);
    CHECK(e->id == "123456789");
    CHECK(e->ulid == "0A1B2C3D4F5G6H7I8J9K0LMN");
    CHECK(e->event_id == "0A1B2C3D4F5G6H7I8J9K0LMN"); // ulid wins over id
    CHECK(e->resource_name == "RFIs");
    CHECK(e->event_type == "update");
    CHECK(e->resource_id == "54321");
    CHECK(e->project_id == "2468013579");
    CHECK(e->company_id == "1357908642");
    CHECK(e->user_id == "987654321");
    CHECK_FALSE(e->source_application_id.has_value());
    CHECK(e->timestamp == "2025-02-06T23:34:12.246562Z");
}

TEST_CASE("parse_event: v2 without ulid uses id, company-level event has no project",
          "[spool][event]")
{
    auto e = parse_event(
        R"({"id":77,"resource_name":"Company Vendors","event_type":"update","resource_id":9,
        "company_id":6452,"project_id":null,"metadata":{"source_application_id":"our-client-id"}})");
    REQUIRE(e.has_value());
    CHECK(e->event_id == "77");
    CHECK(e->ulid.empty());
    CHECK(e->project_id.empty());
    REQUIRE(e->source_application_id.has_value());
    CHECK(*e->source_application_id == "our-client-id");
}

TEST_CASE("parse_event: v3 with related_resources", "[spool][event]")
{
    auto e = parse_event(R"({"id":5,"ulid":"01HQ5Y5F1Q3Z8N6W2D3J7K9M0P","api_version":"v3.0",
        "event_type":"create","resource_name":"Direct Cost Line Items","resource_id":111,
        "company_id":6452,"project_id":2001,"related_resources":[{"id":222,"name":"Direct Costs"}]})");
    REQUIRE(e.has_value());
    CHECK(e->payload_version == 3);
    CHECK(e->resource_name == "Direct Cost Line Items");
    CHECK(e->resource_id == "111");

    // Without api_version the shape decides.
    auto shaped =
        parse_event(R"({"id":5,"resource_name":"X","resource_id":1,"related_resources":[]})");
    REQUIRE(shaped.has_value());
    CHECK(shaped->payload_version == 3);
}

TEST_CASE("parse_event: v4 string ids, resource_type and reason", "[spool][event]")
{
    auto e = parse_event(R"({"id":"01JKX3ZC4M3W6Y0Q8T2V5B7N9R","timestamp":"2026-01-02T03:04:05Z",
        "reason":"approved","company_id":"6452","project_id":"2001","user_id":"42",
        "resource_type":"Purchase Order Contracts","resource_id":"5982324300946918154"})");
    REQUIRE(e.has_value());
    CHECK(e->payload_version == 4);
    CHECK(e->id == "01JKX3ZC4M3W6Y0Q8T2V5B7N9R");
    CHECK(e->event_id == "01JKX3ZC4M3W6Y0Q8T2V5B7N9R");
    CHECK(e->resource_name == "Purchase Order Contracts");
    CHECK(e->event_type == "approved");
    CHECK(e->resource_id == "5982324300946918154");
    CHECK(e->company_id == "6452");
    CHECK(e->project_id == "2001");
    CHECK(e->user_id == "42");
}

TEST_CASE("parse_event keeps ids above 2^53 exactly", "[spool][event]")
{
    // 5982324300946918154 is not representable as a double (it would read back ...8144 or so).
    auto e = parse_event(
        R"({"id":5982324300946918154,"resource_name":"Direct Costs","resource_id":5982324300946918155,
        "project_id":9007199254740993,"company_id":18446744073709551615})");
    REQUIRE(e.has_value());
    CHECK(e->id == "5982324300946918154");
    CHECK(e->event_id == "5982324300946918154");
    CHECK(e->resource_id == "5982324300946918155");
    CHECK(e->project_id == "9007199254740993");
    CHECK(e->company_id == "18446744073709551615");

    // Beyond 2^64 RapidJSON could only hold a double: refused, never rounded.
    CHECK(error_of(R"({"id":1,"resource_name":"X","resource_id":18446744073709551616})")
          == "resource_id: expected a non-negative integer id");
}

TEST_CASE("parse_event quotes a bad value in an error as one line of valid UTF-8", "[spool][event]")
{
    // The error goes into the audit trail and the .reason note beside a rejected spool file. At
    // most 40 bytes of the value are quoted.
    CHECK(error_of(R"({"id":1,"resource_name":"X","resource_id":"1\n2\"\\\u0000"})")
          == R"(resource_id: expected a string of digits, got "1\u000a2\"\\\u0000")");
    // 'a' and 30 times U+00E9: the 40th byte is the first half of the 20th, which is left out.
    std::string sent = "a";
    std::string quoted = "a";
    for (int i = 0; i < 30; ++i) {
        sent += "\xc3\xa9";
        quoted += i < 19 ? "\xc3\xa9" : "";
    }
    CHECK(error_of(R"({"id":1,"resource_name":"X","resource_id":")" + sent + R"("})")
          == R"(resource_id: expected a string of digits, got ")" + quoted + "\"");
}

TEST_CASE("parse_event and is_json_object refuse a lone low surrogate escape", "[spool][event]")
{
    // Found by the fuzzer: RapidJSON 1.1 turns "\udc00" into bytes that are not UTF-8, even
    // with kParseValidateEncodingFlag, and the error quoting the id carried them.
    const std::string body =
        R"({"id":1,"resource_name":"Budget","resource_id":"\udc00","project_id":1})";
    CHECK_FALSE(mlc::spool::is_json_object(body));
    const auto event = mlc::spool::parse_event(body);
    REQUIRE_FALSE(event);
    CHECK(
        event.error().starts_with("malformed JSON at offset 48: a \\u escape of a low surrogate"));
    CHECK(mlc::spool::is_json_object(R"({"a":"\ud83d\ude00"})"));
}

TEST_CASE("parse_event: malformed JSON and non-objects", "[spool][event]")
{
    CHECK(error_of("").starts_with("malformed JSON"));
    CHECK(error_of(R"({"id":1,"resource_name":"X",)").starts_with("malformed JSON at offset"));
    CHECK(error_of(R"({"id":1} trailing)").starts_with("malformed JSON"));
    CHECK(error_of(R"([{"id":1}])") == "body: expected a JSON object, got array");
    CHECK(error_of(R"("just a string")") == "body: expected a JSON object, got string");
}

TEST_CASE("parse_event: missing required fields name the field", "[spool][event]")
{
    CHECK(error_of(R"({"resource_name":"X","resource_id":1})") == "id: missing");
    CHECK(error_of(R"({"id":null,"resource_name":"X","resource_id":1})") == "id: missing");
    CHECK(error_of(R"({"id":1,"resource_id":1})") == "resource_name: missing");
    CHECK(error_of(R"({"id":1,"resource_name":"","resource_id":1})") == "resource_name: empty");
    CHECK(error_of(R"({"id":1,"resource_name":"X"})") == "resource_id: missing");
    CHECK(error_of(R"({"id":"01J","reason":"update","resource_id":"1"})")
          == "resource_type: missing");
}

TEST_CASE("parse_event: wrong types name the field", "[spool][event]")
{
    CHECK(error_of(R"({"id":true,"resource_name":"X","resource_id":1})")
          == "id: expected an integer or a string of digits, got boolean");
    CHECK(error_of(R"({"id":1.5,"resource_name":"X","resource_id":1})")
          == "id: expected a non-negative integer id");
    CHECK(error_of(R"({"id":-3,"resource_name":"X","resource_id":1})")
          == "id: expected a non-negative integer id");
    CHECK(error_of(R"({"id":1,"resource_name":5,"resource_id":1})")
          == "resource_name: expected a string, got number");
    CHECK(error_of(R"({"id":1,"resource_name":"X","resource_id":{}})")
          == "resource_id: expected an integer or a string of digits, got object");
    CHECK(error_of(R"({"id":1,"resource_name":"X","resource_id":"12a"})")
          == R"(resource_id: expected a string of digits, got "12a")");
    CHECK(error_of(R"({"id":1,"resource_name":"X","resource_id":1,"project_id":[1]})")
          == "project_id: expected an integer or a string of digits, got array");
    CHECK(error_of(R"({"id":1,"resource_name":"X","resource_id":1,"event_type":7})")
          == "event_type: expected a string, got number");
    CHECK(error_of(R"({"id":1,"resource_name":"X","resource_id":1,"metadata":"x"})")
          == "metadata: expected an object, got string");
    CHECK(
        error_of(
            R"({"id":1,"resource_name":"X","resource_id":1,"metadata":{"source_application_id":false}})")
        == "metadata.source_application_id: expected a string, got boolean");
    CHECK(error_of(R"({"id":1,"resource_name":"X","resource_id":1,"related_resources":{}})")
          == "related_resources: expected an array, got object");
}

TEST_CASE("is_json_object accepts any object and nothing else", "[spool][event]")
{
    CHECK(is_json_object("{}"));
    CHECK(is_json_object(R"( {"anything": [1, {"x": null}], "n": 1e300} )"));
    CHECK(is_json_object(k_v2_sample));
    CHECK(is_json_object(R"({"resource_name": 5})")); // parse_event rejects it later, at ingest

    CHECK_FALSE(is_json_object(""));
    CHECK_FALSE(is_json_object("   "));
    CHECK_FALSE(is_json_object("[]"));
    CHECK_FALSE(is_json_object("\"x\""));
    CHECK_FALSE(is_json_object("42"));
    CHECK_FALSE(is_json_object("{"));
    CHECK_FALSE(is_json_object("{} {}"));
    CHECK_FALSE(is_json_object("id=1&resource_name=x"));
    CHECK_FALSE(is_json_object("{\"a\":\"\xff\xfe\"}")); // not UTF-8

    // A body nested far deeper than any stack would allow recursively.
    const std::string deep = std::string(200000, '[') + std::string(200000, ']');
    CHECK_FALSE(is_json_object(deep));
    const std::string deep_obj =
        "{\"a\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
    // Refused like every JSON text nested deeper than json::k_max_depth (no delivery of
    // Procore's nests more than a few levels), by the listener and by ingest alike.
    CHECK_FALSE(is_json_object(deep_obj));
    CHECK(parse_event(deep_obj).error()
          == "malformed JSON at offset 260: arrays and objects nested deeper than 256 levels");
}

} // namespace spool_event_test
