// OAuth client credentials for both systems: request shapes, token caching and renewal with a
// fake clock, error mapping to UnreachableError with hints, and that neither the client
// secret nor the access token ever reaches a log line or an error message.
#include "auth/oauth.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "unit/http/capture_stderr.hpp"
#include "unit/http/fake_transport.hpp"

#include <catch2/catch.hpp>

namespace auth_oauth_test {

using namespace mlc;
using namespace std::chrono_literals;
using test::FakeTransport;
using test::response;
using test::transport_error;

namespace {

constexpr const char* k_secret = "oracle-client-secret-7f3a9";
constexpr const char* k_token = "eyJhbGciOiJSUzI1NiJ9.access-token-body.sig-42";

auth::OAuthSettings oracle_settings()
{
    auth::OAuthSettings s;
    s.system = "oracle";
    s.token_url = "https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token";
    s.client_id = "ML_CONNECTOR_APP";
    s.client_secret = Secret(k_secret);
    s.scope = "urn:opc:resource:consumer::all";
    return s;
}

auth::OAuthSettings procore_settings()
{
    auth::OAuthSettings s;
    s.system = "procore";
    s.token_url = "https://login.procore.com/oauth/token";
    s.client_id = "procore-client";
    s.client_secret = Secret("procore-secret-with space&amp");
    s.company_id = 6452;
    return s;
}

std::string token_body(const std::string& token, int expires_in)
{
    return R"({"access_token":")" + token + R"(","token_type":"Bearer","expires_in":)"
           + std::to_string(expires_in) + "}";
}

struct Harness {
    FakeTransport transport;
    http::CallCounter counter;
    FakeClock clock;
    auth::ClientCredentialsAuth auth;

    explicit Harness(auth::OAuthSettings s) : auth(transport, counter, clock, std::move(s)) {}

    std::string bearer()
    {
        http::Request r;
        r.url = "https://api.example.com/x";
        auth.apply(r);
        return r.headers.get("Authorization").value_or("");
    }
};

// Runs `f`, expecting an UnreachableError, and returns it.
template <typename F> UnreachableError expect_unreachable(F&& f)
{
    try {
        f();
    } catch (const UnreachableError& e) {
        return e;
    }
    FAIL("no UnreachableError thrown");
    throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("base64 follows RFC 4648", "[auth]")
{
    CHECK(auth::base64_encode("") == "");
    CHECK(auth::base64_encode("f") == "Zg==");
    CHECK(auth::base64_encode("fo") == "Zm8=");
    CHECK(auth::base64_encode("foo") == "Zm9v");
    CHECK(auth::base64_encode("foobar") == "Zm9vYmFy");
    CHECK(auth::base64_encode("\xff\xfe") == "//4=");
}

TEST_CASE("oracle token request: Basic auth and scope in a form body", "[auth]")
{
    Harness h(oracle_settings());
    h.transport.push(response(200, token_body(k_token, 3600)));
    CHECK(h.bearer() == std::string("Bearer ") + k_token);
    REQUIRE(h.transport.requests.size() == 1);
    const auto& sent = h.transport.requests[0];
    CHECK(sent.method == "POST");
    CHECK(sent.url == "https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token");
    CHECK(sent.headers.get("Authorization")
          == "Basic " + auth::base64_encode(std::string("ML_CONNECTOR_APP:") + k_secret));
    CHECK(sent.headers.get("Content-Type") == "application/x-www-form-urlencoded;charset=UTF-8");
    CHECK(sent.body
          == "grant_type=client_credentials&scope=urn%3Aopc%3Aresource%3Aconsumer%3A%3Aall");
    CHECK(h.auth.lifetime() == 3600s);
    CHECK(h.auth.tokens_fetched() == 1);
    CHECK(h.counter.snapshot().at("POST /oauth2/v1/token") == 1);
}

TEST_CASE("procore token request: client id and secret in the form body", "[auth]")
{
    Harness h(procore_settings());
    h.transport.push(response(
        200,
        R"({"access_token":"pc-token-1","token_type":"bearer","expires_in":5400,"created_at":1511289006})"));
    CHECK(h.bearer() == "Bearer pc-token-1");
    const auto& sent = h.transport.requests.at(0);
    CHECK_FALSE(sent.headers.get("Authorization").has_value());
    CHECK(sent.headers.get("Content-Type") == "application/x-www-form-urlencoded");
    CHECK(sent.body
          == "grant_type=client_credentials&client_id=procore-client&client_secret=procore-secret-"
             "with%20space%26amp");
    CHECK(h.auth.lifetime() == 5400s);
}

TEST_CASE("the token is cached until the margin before expiry, then renewed", "[auth]")
{
    Harness h(oracle_settings()); // margin 300 s
    h.transport.push(response(200, token_body("token-one-aaaa", 3600)));
    h.transport.push(response(200, token_body("token-two-bbbb", 3600)));
    CHECK(h.bearer() == "Bearer token-one-aaaa");
    CHECK(h.bearer() == "Bearer token-one-aaaa");
    h.clock.advance(3299s);
    CHECK(h.bearer() == "Bearer token-one-aaaa");
    CHECK(h.auth.tokens_fetched() == 1);
    h.clock.advance(1s); // now exactly expires_in - margin
    CHECK(h.bearer() == "Bearer token-two-bbbb");
    CHECK(h.auth.tokens_fetched() == 2);
    CHECK(h.transport.requests.size() == 2);
}

TEST_CASE("a very short lifetime shrinks the margin to a tenth", "[auth]")
{
    Harness h(oracle_settings());
    h.transport.push(response(200, token_body("short-one", 60)));
    h.transport.push(response(200, token_body("short-two", 60)));
    CHECK(h.bearer() == "Bearer short-one");
    h.clock.advance(53s);
    CHECK(h.bearer() == "Bearer short-one");
    h.clock.advance(1s); // 54 s = 60 - 6
    CHECK(h.bearer() == "Bearer short-two");
}

TEST_CASE("expires_in as a string or missing is handled", "[auth]")
{
    Harness h(oracle_settings());
    SECTION("string")
    {
        h.transport.push(response(200, R"({"access_token":"tok-string","expires_in":"1800"})"));
        h.bearer();
        CHECK(h.auth.lifetime() == 1800s);
    }
    SECTION("missing: assume an hour")
    {
        h.transport.push(response(200, R"({"access_token":"tok-missing"})"));
        h.bearer();
        CHECK(h.auth.lifetime() == 3600s);
    }
}

TEST_CASE("refresh() forgets the token so the next apply fetches", "[auth]")
{
    Harness h(procore_settings());
    h.transport.push(response(200, token_body("first-token", 5400)));
    h.transport.push(response(200, token_body("second-token", 5400)));
    CHECK(h.bearer() == "Bearer first-token");
    h.auth.refresh();
    CHECK(h.bearer() == "Bearer second-token");
    CHECK(h.auth.tokens_fetched() == 2);
}

TEST_CASE("token requests retry transport errors and 5xx", "[auth]")
{
    Harness h(oracle_settings());
    h.transport.push(transport_error(http::TransportErrorKind::connect, "refused"));
    h.transport.push(response(503, "busy"));
    h.transport.push(response(200, token_body("after-retries", 3600)));
    CHECK(h.bearer() == "Bearer after-retries");
    CHECK(h.transport.requests.size() == 3);
}

TEST_CASE("invalid_client maps to an UnreachableError with a hint per system", "[auth]")
{
    SECTION("oracle")
    {
        Harness h(oracle_settings());
        h.transport.push(response(
            401,
            R"({"error":"invalid_client","error_description":"Client authentication failed."})"));
        const auto e = expect_unreachable([&] { h.bearer(); });
        CHECK(std::string(e.what()) == "oracle: token request refused (invalid_client)");
        CHECK(e.hint().find("oracle.client_id") != std::string::npos);
        CHECK(e.hint().find("Fusion user") != std::string::npos);
        CHECK(e.code() == ExitCode::unreachable);
        CHECK(h.transport.requests.size() == 1); // a refusal is not retried
    }
    SECTION("procore, 400 invalid_client")
    {
        Harness h(procore_settings());
        h.transport.push(response(400, R"({"error":"invalid_client"})"));
        const auto e = expect_unreachable([&] { h.bearer(); });
        CHECK(std::string(e.what()) == "procore: token request refused (invalid_client)");
        CHECK(e.hint().find("procore.client_id") != std::string::npos);
        CHECK(e.hint().find("company 6452") != std::string::npos);
    }
    SECTION("a 401 with a non-JSON body")
    {
        Harness h(oracle_settings());
        h.transport.push(response(401, "<html>Unauthorized</html>"));
        const auto e = expect_unreachable([&] { h.bearer(); });
        CHECK(std::string(e.what()) == "oracle: token request refused (HTTP 401)");
    }
}

TEST_CASE("other token failures say what went wrong", "[auth]")
{
    SECTION("unreachable after retries")
    {
        Harness h(oracle_settings());
        for (int i = 0; i < 3; ++i) {
            h.transport.push(transport_error(http::TransportErrorKind::connect,
                                             "Failed to connect to idcs-abc port 443"));
        }
        const auto e = expect_unreachable([&] { h.bearer(); });
        CHECK(std::string(e.what())
              == "oracle: cannot reach https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token "
                 "(connect: Failed to connect to idcs-abc port 443)");
        CHECK(e.hint().find("oracle.token_url") != std::string::npos);
        CHECK(h.transport.requests.size() == 3);
    }
    SECTION("TLS failure points at the CA bundle")
    {
        Harness h(oracle_settings());
        for (int i = 0; i < 3; ++i) {
            h.transport.push(
                transport_error(http::TransportErrorKind::tls, "SSL certificate problem"));
        }
        const auto e = expect_unreachable([&] { h.bearer(); });
        CHECK(e.hint().find("ca_bundle") != std::string::npos);
    }
    SECTION("invalid_scope")
    {
        Harness h(oracle_settings());
        h.transport.push(
            response(400, R"({"error":"invalid_scope","error_description":"bad scope"})"));
        const auto e = expect_unreachable([&] { h.bearer(); });
        CHECK(std::string(e.what()).find("invalid_scope") != std::string::npos);
        CHECK(e.hint().find("oracle.scope") != std::string::npos);
    }
    SECTION("404: wrong token_url")
    {
        Harness h(procore_settings());
        h.transport.push(response(404, "Not Found"));
        const auto e = expect_unreachable([&] { h.bearer(); });
        CHECK(std::string(e.what()).find("HTTP 404") != std::string::npos);
        CHECK(e.hint().find("procore.token_url") != std::string::npos);
    }
    SECTION("200 that is not JSON")
    {
        Harness h(oracle_settings());
        h.transport.push(response(200, "<html>login page</html>"));
        const auto e = expect_unreachable([&] { h.bearer(); });
        CHECK(std::string(e.what()).find("not JSON") != std::string::npos);
    }
    SECTION("200 without an access_token")
    {
        Harness h(oracle_settings());
        h.transport.push(response(200, R"({"token_type":"Bearer"})"));
        const auto e = expect_unreachable([&] { h.bearer(); });
        CHECK(std::string(e.what()).find("no access_token") != std::string::npos);
        CHECK(h.auth.tokens_fetched() == 0);
    }
    SECTION("no secret configured")
    {
        auto s = oracle_settings();
        s.client_secret = Secret{};
        Harness h(std::move(s));
        const auto e = expect_unreachable([&] { h.bearer(); });
        CHECK(std::string(e.what()) == "oracle: no client secret");
        CHECK(e.hint().find("creds set oracle") != std::string::npos);
        CHECK(h.transport.requests.empty());
    }
}

TEST_CASE("auth_failure_hint names the likely cause per system", "[auth]")
{
    CHECK(auth::auth_failure_hint("oracle").find("Fusion user") != std::string::npos);
    CHECK(auth::auth_failure_hint("oracle").find("roles") != std::string::npos);
    CHECK(auth::auth_failure_hint("procore").find("not installed") != std::string::npos);
}

TEST_CASE("the client secret and the access token never reach a log line or an error",
          "[auth][http]")
{
    FakeTransport transport;
    http::CallCounter counter;
    FakeClock clock;
    std::string logged;
    std::string error_texts;
    {
        test::CaptureStderr capture; // trace level
        auth::ClientCredentialsAuth auth(transport, counter, clock, oracle_settings());
        http::Client client(transport, &auth, counter, clock, {"oracle", {}, {}});

        // First token; the API call gets a 401 whose body echoes the token, a refresh, a
        // second token, then a 400 whose body echoes the secret.
        transport.push(response(200, token_body(k_token, 3600)));
        transport.push(
            response(401, std::string(R"({"message":"token )") + k_token + " rejected\"}"));
        transport.push(response(200, token_body("second-token-value-99", 3600)));
        transport.push(response(400, std::string("bad credentials ") + k_secret));
        http::Request r;
        r.method = "POST";
        r.url = "https://acme.fa.us2.oraclecloud.com/fscmRestApi/resources/11.13.18.05/invoices";
        r.body = R"({"InvoiceNumber":"INV-1"})";
        const auto result = client.send(r, {});
        REQUIRE_FALSE(result.has_value());
        error_texts += result.error().message + result.error().body;

        // A refused token request, with the secret echoed back in the body.
        auth.refresh();
        transport.push(
            response(401, std::string(R"({"error":"invalid_client","error_description":"bad )")
                              + k_secret + "\"}"));
        try {
            http::Request again;
            again.url = "https://acme.fa.us2.oraclecloud.com/x";
            auth.apply(again);
            FAIL("expected UnreachableError");
        } catch (const UnreachableError& e) {
            error_texts += std::string(e.what()) + e.hint();
        }
        logged = capture.text();
    }
    // The exchange was logged at all (otherwise the test proves nothing)…
    CHECK(logged.find("POST https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token -> 200")
          != std::string::npos);
    CHECK(logged.find("INV-1") != std::string::npos);
    CHECK(logged.find("grant_type=client_credentials") != std::string::npos);
    // …and no secret in any form.
    const std::string basic = auth::base64_encode(std::string("ML_CONNECTOR_APP:") + k_secret);
    for (const std::string& needle : {std::string(k_secret), std::string(k_token),
                                      std::string("second-token-value-99"), basic}) {
        INFO(needle);
        CHECK(logged.find(needle) == std::string::npos);
        CHECK(error_texts.find(needle) == std::string::npos);
    }
}

} // namespace auth_oauth_test
