// The retry policy, 401 handling, counting, rate-limit capture and error summaries of
// http::Client, against a scripted transport and a fake clock (no sockets, no sleeping).
#include "core/log.hpp"
#include "http/client.hpp"
#include "unit/http/capture_stderr.hpp"
#include "unit/http/fake_transport.hpp"

#include <catch2/catch.hpp>

namespace http_client_test {

using namespace mlc;
using namespace std::chrono_literals;
using http::TransportErrorKind;
using test::FakeAuth;
using test::FakeTransport;
using test::response;
using test::transport_error;

namespace {

struct Harness {
    FakeTransport transport;
    http::CallCounter counter;
    FakeClock clock;
    FakeAuth auth;
    http::Client client;

    explicit Harness(http::RetryPolicy retry = {}, bool with_auth = true)
        : client(transport, with_auth ? &auth : nullptr, counter, clock, {"procore", {}, retry})
    {}

    http::Result get(const std::string& url = "https://api.example.com/rest/v1.0/companies")
    {
        http::Request r;
        r.url = url;
        return client.send(r, {});
    }
    http::Result post(bool idempotent, const std::string& url = "https://api.example.com/things")
    {
        http::Request r;
        r.method = "POST";
        r.url = url;
        r.body = R"({"a":1})";
        return client.send(r, {{}, idempotent});
    }
};

http::Headers headers(std::initializer_list<std::pair<std::string, std::string>> items)
{
    http::Headers h;
    for (const auto& [k, v] : items) {
        h.add(k, v);
    }
    return h;
}

std::string imf_date(Clock::time_point t)
{
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

} // namespace

TEST_CASE("Headers compare names case-insensitively, set replaces, add keeps duplicates", "[http]")
{
    http::Headers h;
    h.add("Set-Cookie", "a=1");
    h.add("set-cookie", "b=2");
    CHECK(h.items.size() == 2);
    CHECK(h.get("SET-COOKIE") == "a=1");
    h.set("SET-cookie", "c=3");
    REQUIRE(h.items.size() == 1);
    CHECK(h.get("set-cookie") == "c=3");
    CHECK_FALSE(h.get("missing").has_value());
}

TEST_CASE("url_encode keeps unreserved characters and escapes the rest", "[http]")
{
    CHECK(http::url_encode("AZaz09-_.~") == "AZaz09-_.~");
    CHECK(http::url_encode("a b+c&d=e/f?") == "a%20b%2Bc%26d%3De%2Ff%3F");
    CHECK(http::url_encode("urn:opc:resource:consumer::all")
          == "urn%3Aopc%3Aresource%3Aconsumer%3A%3Aall");
    CHECK(http::url_encode("\xC3\xA9") == "%C3%A9"); // é in UTF-8
    CHECK(http::url_encode("") == "");
    CHECK(http::form_encode({{"grant_type", "client_credentials"}, {"scope", "a b"}})
          == "grant_type=client_credentials&scope=a%20b");
    CHECK(http::form_encode({}) == "");
}

TEST_CASE("path templates replace numeric segments and drop the query", "[http]")
{
    CHECK(http::derive_path_template(
              "https://api.procore.com/rest/v1.0/projects/123/vendors/45?page=2")
          == "/rest/v1.0/projects/{id}/vendors/{id}");
    CHECK(http::derive_path_template(
              "http://127.0.0.1:8080/fscmRestApi/resources/11.13.18.05/suppliers")
          == "/fscmRestApi/resources/11.13.18.05/suppliers");
    CHECK(http::derive_path_template("https://pod/fscmRestApi/resources/11.13.18.05/invoices/"
                                     "00020000000EACED00057708000110D9315EA76D0000000EACED000577080"
                                     "00110D9315EA76E/child/lines")
          == "/fscmRestApi/resources/11.13.18.05/invoices/{id}/child/lines");
    CHECK(http::derive_path_template("https://pod/a/deadbeef/b") == "/a/deadbeef/b");
    CHECK(http::derive_path_template("https://host") == "/");
    CHECK(http::derive_path_template("/a/1b/22") == "/a/1b/{id}");
}

TEST_CASE("summarize_error_body reads the shapes both systems send", "[http]")
{
    CHECK(http::summarize_error_body(R"({"message":"The access token is invalid"})")
          == "The access token is invalid");
    CHECK(http::summarize_error_body(
              R"({"error":"invalid_client","error_description":"Client authentication failed."})")
          == "invalid_client: Client authentication failed.");
    CHECK(http::summarize_error_body(
              R"({"errors":{"name":["can't be blank","is too short"],"code":["taken"]}})")
          == "name: can't be blank, is too short; code: taken");
    CHECK(http::summarize_error_body(R"({"errors":"Missing Procore-Company-Id header!"})")
          == "Missing Procore-Company-Id header!");
    CHECK(
        http::summarize_error_body(
            R"({"title":"Bad Request","status":"400","o:errorDetails":[{"detail":"Attribute Foo is not valid","o:errorCode":"27024"},{"detail":"Second"}]})")
        == "Bad Request: Attribute Foo is not valid: Second");
    CHECK(http::summarize_error_body("JBO-27024: Failed to validate a row\n  with key 1")
          == "JBO-27024: Failed to validate a row with key 1");
    CHECK(http::summarize_error_body("<html><head><title>503 Service "
                                     "Unavailable</title></head><body><h1>Busy</h1></body></html>")
          == "503 Service Unavailable Busy");
    CHECK(http::summarize_error_body("") == "");
    CHECK(http::summarize_error_body(R"({"unexpected":true})") == R"({"unexpected":true})");
    // Malformed JSON is kept as text.
    CHECK(http::summarize_error_body(R"({"message": )") == R"({"message":)");

    const std::string long_text(1000, 'x');
    const auto truncated = http::summarize_error_body(long_text, 50);
    CHECK(truncated == std::string(50, 'x') + "...");
    // A multi-byte character on the cut is not split.
    const std::string accents = std::string(49, 'a') + "\xC3\xA9\xC3\xA9";
    CHECK(http::summarize_error_body(accents, 50) == std::string(49, 'a') + "...");
}

TEST_CASE("a GET is retried on 502/503/504 and transport errors until it succeeds", "[http]")
{
    Harness h;
    h.transport.push(response(503));
    h.transport.push(transport_error(TransportErrorKind::dropped));
    h.transport.push(response(502));
    h.transport.push(transport_error(TransportErrorKind::timeout));
    h.transport.push(response(504));
    h.transport.push(response(200, "ok"));
    const auto result = h.get();
    REQUIRE(result.has_value());
    CHECK(result->body == "ok");
    CHECK(h.transport.requests.size() == 6);
    CHECK(h.counter.total() == 6);
}

TEST_CASE("retries stop at max_attempts and return the last failure", "[http]")
{
    Harness h({3, 100ms, 1000ms});
    SECTION("transport errors")
    {
        for (int i = 0; i < 3; ++i) {
            h.transport.push(transport_error(TransportErrorKind::connect, "Connection refused"));
        }
        const auto result = h.get();
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == http::ErrorKind::transport);
        CHECK(result.error().attempts == 3);
        CHECK(result.error().message == "connect: Connection refused");
    }
    SECTION("statuses")
    {
        for (int i = 0; i < 3; ++i) {
            h.transport.push(response(503, "down"));
        }
        const auto result = h.get();
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == http::ErrorKind::status);
        CHECK(result.error().status == 503);
        CHECK(result.error().message == "down");
        CHECK(result.error().attempts == 3);
    }
    CHECK(h.transport.requests.size() == 3);
    CHECK(h.transport.script.empty());
}

TEST_CASE("client errors are not retried", "[http]")
{
    for (const int status : {400, 403, 404, 409, 412, 422}) {
        Harness h;
        h.transport.push(response(status, R"({"message":"nope"})"));
        const auto result = h.get();
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().status == status);
        CHECK(result.error().message == "nope");
        CHECK(h.transport.requests.size() == 1);
    }
}

TEST_CASE("a 500 is retried for an idempotent request only", "[http]")
{
    Harness h;
    h.transport.push(response(500, R"({"message":"internal"})"));
    h.transport.push(response(200, R"({"ok":true})"));
    const auto got = h.get();
    REQUIRE(got.has_value());
    CHECK(h.transport.requests.size() == 2);

    Harness p;
    p.transport.push(response(500, R"({"message":"internal"})"));
    const auto posted = p.post(false);
    REQUIRE_FALSE(posted.has_value());
    CHECK(posted.error().status == 500);
    CHECK(p.transport.requests.size() == 1);
}

TEST_CASE("a non-idempotent POST is never resent after a transport error or a 5xx", "[http]")
{
    Harness h;
    SECTION("transport error")
    {
        h.transport.push(transport_error(TransportErrorKind::dropped, "Connection reset"));
        const auto result = h.post(false);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == http::ErrorKind::transport);
        CHECK(result.error().transport == TransportErrorKind::dropped);
        CHECK(result.error().attempts == 1);
    }
    SECTION("502")
    {
        h.transport.push(response(502, "Bad Gateway"));
        const auto result = h.post(false);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().status == 502);
    }
    SECTION("504")
    {
        h.transport.push(response(504, "Gateway Timeout"));
        const auto result = h.post(false);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().status == 504);
    }
    CHECK(h.transport.requests.size() == 1);
    CHECK(h.clock.total_slept() == 0ms);
}

TEST_CASE("a 503, like a 429, was refused before anything was done: any write is resent", "[http]")
{
    Harness h;
    h.transport.push(response(503, "", headers({{"Retry-After", "1"}})));
    h.transport.push(response(201, R"({"id":1})"));
    const auto result = h.post(false);
    REQUIRE(result.has_value());
    CHECK(h.transport.requests.size() == 2);
    CHECK(h.clock.total_slept() == 1000ms);
}

TEST_CASE("a write marked idempotent is retried like a GET", "[http]")
{
    Harness h;
    h.transport.push(transport_error(TransportErrorKind::dropped));
    h.transport.push(response(503));
    h.transport.push(response(200, "{}"));
    const auto result = h.post(true);
    REQUIRE(result.has_value());
    CHECK(h.transport.requests.size() == 3);
    CHECK(h.transport.requests[2].body == R"({"a":1})");
}

TEST_CASE("a 429 is retried for any method: the server refused it before doing anything", "[http]")
{
    Harness h;
    h.transport.push(response(429, "slow down", headers({{"Retry-After", "2"}})));
    h.transport.push(response(201, "{}"));
    const auto result = h.post(false);
    REQUIRE(result.has_value());
    CHECK(result->status == 201);
    CHECK(h.transport.requests.size() == 2);
    CHECK(h.clock.total_slept() == 2s);
}

TEST_CASE("Retry-After in seconds and as an HTTP date sets the wait", "[http]")
{
    Harness h;
    SECTION("seconds")
    {
        h.transport.push(response(503, "", headers({{"retry-after", " 7 "}})));
        h.transport.push(response(200));
        REQUIRE(h.get().has_value());
        CHECK(h.clock.total_slept() == 7s);
    }
    SECTION("HTTP date")
    {
        h.transport.push(
            response(503, "", headers({{"Retry-After", imf_date(h.clock.now() + 30s)}})));
        h.transport.push(response(200));
        REQUIRE(h.get().has_value());
        CHECK(h.clock.total_slept() == 30s);
    }
    SECTION("a date in the past means no wait")
    {
        h.transport.push(
            response(503, "", headers({{"Retry-After", imf_date(h.clock.now() - 30s)}})));
        h.transport.push(response(200));
        REQUIRE(h.get().has_value());
        CHECK(h.clock.total_slept() == 0s);
    }
}

TEST_CASE("a garbage Retry-After falls back to jittered backoff", "[http]")
{
    Harness h({6, 100ms, 60s});
    h.transport.push(response(503, "", headers({{"Retry-After", "soon-ish"}})));
    h.transport.push(response(200));
    REQUIRE(h.get().has_value());
    CHECK(h.clock.total_slept() <= 100ms);
}

TEST_CASE("X-Rate-Limit-Reset sets the wait on a 429 without Retry-After", "[http]")
{
    Harness h({6, 100ms, 60s});
    const auto reset =
        std::chrono::duration_cast<std::chrono::seconds>((h.clock.now() + 12s).time_since_epoch())
            .count();
    SECTION("429 waits until the reset")
    {
        h.transport.push(
            response(429, "", headers({{"X-Rate-Limit-Reset", std::to_string(reset)}})));
        h.transport.push(response(200));
        REQUIRE(h.get().has_value());
        CHECK(h.clock.total_slept() == 12s);
    }
    SECTION("Retry-After wins over the reset")
    {
        h.transport.push(response(
            429, "",
            headers({{"X-Rate-Limit-Reset", std::to_string(reset)}, {"Retry-After", "3"}})));
        h.transport.push(response(200));
        REQUIRE(h.get().has_value());
        CHECK(h.clock.total_slept() == 3s);
    }
    SECTION("on a 503 the reset is not a wait instruction")
    {
        h.transport.push(
            response(503, "", headers({{"X-Rate-Limit-Reset", std::to_string(reset)}})));
        h.transport.push(response(200));
        REQUIRE(h.get().has_value());
        CHECK(h.clock.total_slept() <= 100ms);
    }
}

TEST_CASE("a wait longer than max_delay is capped", "[http]")
{
    Harness h({6, 100ms, 60s});
    h.transport.push(response(429, "", headers({{"Retry-After", "3600"}})));
    h.transport.push(response(200));
    REQUIRE(h.get().has_value());
    CHECK(h.clock.total_slept() == 60s);
}

TEST_CASE("full jitter stays within the capped exponential and spreads out", "[http]")
{
    Harness h({10, 100ms, 2000ms});
    for (int attempt = 1; attempt <= 10; ++attempt) {
        const std::int64_t ceiling = std::min<std::int64_t>(2000, 100LL << (attempt - 1));
        std::int64_t lowest = ceiling;
        std::int64_t highest = 0;
        for (int i = 0; i < 300; ++i) {
            const auto d = h.client.backoff(attempt, nullptr).count();
            REQUIRE(d >= 0);
            REQUIRE(d <= ceiling);
            lowest = std::min(lowest, d);
            highest = std::max(highest, d);
        }
        // 300 uniform draws: the spread covers most of [0, ceiling].
        CHECK(lowest < ceiling / 4);
        CHECK(highest > ceiling * 3 / 4);
    }
}

TEST_CASE("a 401 refreshes the token once and retries, even for a POST", "[http]")
{
    Harness h;
    h.transport.push(response(401, R"({"message":"The access token is invalid"})"));
    h.transport.push(response(201, "{}"));
    const auto result = h.post(false);
    REQUIRE(result.has_value());
    CHECK(h.auth.refreshed == 1);
    REQUIRE(h.transport.requests.size() == 2);
    CHECK(h.transport.requests[0].headers.get("Authorization") == "Bearer token-1");
    CHECK(h.transport.requests[1].headers.get("Authorization") == "Bearer token-2");
    CHECK(h.clock.total_slept() == 0ms);
}

TEST_CASE("a second 401 is an unauthorized error", "[http]")
{
    Harness h;
    h.transport.push(response(401, "first"));
    h.transport.push(response(401, R"({"message":"The access token is invalid"})"));
    const auto result = h.get();
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == http::ErrorKind::unauthorized);
    CHECK(result.error().status == 401);
    CHECK(result.error().message == "The access token is invalid");
    CHECK(result.error().attempts == 2);
    CHECK(h.auth.refreshed == 1);
    CHECK(h.transport.requests.size() == 2);
}

TEST_CASE("a 401 without an authenticator is unauthorized at once", "[http]")
{
    Harness h({}, false);
    h.transport.push(response(401, "no"));
    const auto result = h.get();
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == http::ErrorKind::unauthorized);
    CHECK(h.transport.requests.size() == 1);
    CHECK_FALSE(h.transport.requests[0].headers.get("Authorization").has_value());
}

TEST_CASE("every attempt is counted under METHOD and path template", "[http]")
{
    Harness h;
    h.transport.push(response(503));
    h.transport.push(response(200));
    h.transport.push(response(200));
    h.transport.push(response(200));
    REQUIRE(h.get("https://api.example.com/rest/v1.0/projects/77/vendors?page=1").has_value());
    REQUIRE(h.get("https://api.example.com/rest/v1.0/projects/78/vendors?page=2").has_value());
    http::Request r;
    r.method = "PATCH";
    r.url = "https://api.example.com/rest/v1.0/vendors/sync";
    REQUIRE(h.client.send(r, {"/rest/v1.0/vendors/sync", true}).has_value());
    const auto counts = h.counter.snapshot();
    CHECK(counts.at("GET /rest/v1.0/projects/{id}/vendors") == 3);
    CHECK(counts.at("PATCH /rest/v1.0/vendors/sync") == 1);
    CHECK(counts.size() == 2);
    CHECK(h.counter.total() == 4);
}

TEST_CASE("rate-limit headers are recorded from every response", "[http]")
{
    Harness h;
    CHECK(h.client.rate_limit().remaining == -1);
    h.transport.push(response(200, "",
                              headers({{"X-Rate-Limit-Limit", "600"},
                                       {"X-Rate-Limit-Remaining", "589"},
                                       {"X-Rate-Limit-Reset", "1466182244"}})));
    REQUIRE(h.get().has_value());
    CHECK(h.client.rate_limit().limit == 600);
    CHECK(h.client.rate_limit().remaining == 589);
    CHECK(h.client.rate_limit().reset_epoch == 1466182244);
    // An error response updates it too; a garbage value leaves the old one.
    h.transport.push(response(
        404, "", headers({{"x-rate-limit-remaining", "24"}, {"X-Rate-Limit-Limit", "lots"}})));
    REQUIRE_FALSE(h.get().has_value());
    CHECK(h.client.rate_limit().remaining == 24);
    CHECK(h.client.rate_limit().limit == 600);
}

TEST_CASE("default headers are added unless the request sets its own", "[http]")
{
    FakeTransport transport;
    http::CallCounter counter;
    FakeClock clock;
    http::Headers defaults;
    defaults.set("Procore-Company-Id", "6452");
    defaults.set("Accept", "application/json");
    http::Client client(transport, nullptr, counter, clock, {"procore", defaults, {}});
    transport.push(response(200));
    http::Request r;
    r.url = "https://api.example.com/x";
    r.headers.set("accept", "text/csv");
    REQUIRE(client.send(r, {}).has_value());
    const auto& sent = transport.requests.at(0).headers;
    CHECK(sent.get("Procore-Company-Id") == "6452");
    CHECK(sent.get("Accept") == "text/csv");
}

TEST_CASE("error messages and bodies are redacted", "[http]")
{
    log::register_secret("sekrit-value-123");
    Harness h;
    h.transport.push(
        response(400, R"({"message":"bad secret sekrit-value-123","access_token":"abc"})"));
    const auto result = h.get();
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.find("sekrit-value-123") == std::string::npos);
    CHECK(result.error().body.find("sekrit-value-123") == std::string::npos);
    CHECK(result.error().body.find("\"abc\"") == std::string::npos);
    CHECK(result.error().message.find("bad secret") != std::string::npos);
}

TEST_CASE("debug and trace logs show the exchange but never the Authorization header", "[http]")
{
    Harness h;
    h.transport.push(response(200, R"({"id":1})"));
    std::string logged;
    {
        test::CaptureStderr capture;
        http::Request r;
        r.url = "https://api.example.com/rest/v1.0/companies?page=1";
        r.headers.set("Authorization", "Bearer very-private-token-xyz");
        REQUIRE(h.client.send(r, {}).has_value());
        logged = capture.text();
    }
    CHECK(logged.find("GET https://api.example.com/rest/v1.0/companies?page=1 -> 200")
          != std::string::npos);
    CHECK(logged.find(R"({"id":1})") != std::string::npos);
    CHECK(logged.find("token-1") == std::string::npos); // FakeAuth's bearer token
    CHECK(logged.find("very-private-token-xyz") == std::string::npos);
}

} // namespace http_client_test
