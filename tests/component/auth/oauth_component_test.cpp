// OAuth client credentials over real HTTP: the Oracle identity-domain style (Basic auth, form
// body with scope) against an in-process token endpoint, and a refusal mapped to an
// UnreachableError whose text carries no secret.
#include "auth/oauth.hpp"
#include "component/http/test_server.hpp"
#include "core/error.hpp"
#include "http/transport.hpp"

#include <catch2/catch.hpp>

#include <atomic>

namespace auth_oauth_component_test {

using namespace mlc;
using namespace std::chrono_literals;
using test::TestServer;

namespace {

constexpr const char* k_secret = "oracle-component-secret-9";

auth::OAuthSettings oracle(const TestServer& s)
{
    auth::OAuthSettings settings;
    settings.system = "oracle";
    settings.token_url = s.url("/oauth2/v1/token");
    settings.client_id = "ML_APP";
    settings.client_secret = Secret(k_secret);
    settings.scope = "urn:opc:resource:consumer::all";
    return settings;
}

} // namespace

TEST_CASE("oracle token endpoint: Basic credentials and scope reach the server",
          "[auth][component]")
{
    TestServer s;
    std::atomic<int> hits{0};
    std::string authorization, content_type, grant, scope;
    s.server.Post("/oauth2/v1/token", [&](const httplib::Request& req, httplib::Response& res) {
        ++hits;
        authorization = req.get_header_value("Authorization");
        content_type = req.get_header_value("Content-Type");
        grant = req.get_param_value("grant_type");
        scope = req.get_param_value("scope");
        res.set_content(
            R"({"access_token":"oracle-access-token-1","token_type":"Bearer","expires_in":3600})",
            "application/json");
    });
    s.start();
    auto transport = http::make_curl_transport({});
    http::CallCounter counter;
    FakeClock clock;
    auth::ClientCredentialsAuth auth(*transport, counter, clock, oracle(s));

    http::Request r;
    r.url = s.url("/anything");
    auth.apply(r);
    auth.apply(r); // cached
    CHECK(r.headers.get("Authorization") == "Bearer oracle-access-token-1");
    CHECK(hits == 1);
    CHECK(authorization == "Basic " + auth::base64_encode(std::string("ML_APP:") + k_secret));
    CHECK(content_type == "application/x-www-form-urlencoded;charset=UTF-8");
    CHECK(grant == "client_credentials");
    CHECK(scope == "urn:opc:resource:consumer::all");
    CHECK(auth.lifetime() == 3600s);
}

TEST_CASE("a refused token request becomes an UnreachableError without the secret",
          "[auth][component]")
{
    TestServer s;
    s.server.Post("/oauth2/v1/token", [&](const httplib::Request&, httplib::Response& res) {
        res.status = 401;
        res.set_content(std::string(R"({"error":"invalid_client","error_description":"bad secret )")
                            + k_secret + "\"}",
                        "application/json");
    });
    s.start();
    auto transport = http::make_curl_transport({});
    http::CallCounter counter;
    FakeClock clock;
    auth::ClientCredentialsAuth auth(*transport, counter, clock, oracle(s));
    http::Request r;
    r.url = s.url("/anything");
    try {
        auth.apply(r);
        FAIL("expected UnreachableError");
    } catch (const UnreachableError& e) {
        CHECK(std::string(e.what()) == "oracle: token request refused (invalid_client)");
        CHECK(e.hint().find("Fusion user") != std::string::npos);
        CHECK(std::string(e.what()).find(k_secret) == std::string::npos);
        CHECK(e.hint().find(k_secret) == std::string::npos);
    }
    CHECK_FALSE(r.headers.get("Authorization").has_value());
}

TEST_CASE("an unreachable token endpoint names the URL and the cause", "[auth][component]")
{
    std::string url;
    {
        TestServer s;
        s.start();
        url = s.url("/oauth/token");
    }
    auto transport = http::make_curl_transport({});
    http::CallCounter counter;
    FakeClock clock;
    auth::OAuthSettings settings;
    settings.system = "procore";
    settings.token_url = url;
    settings.client_id = "cid";
    settings.client_secret = Secret("procore-component-secret");
    auth::ClientCredentialsAuth auth(*transport, counter, clock, std::move(settings));
    http::Request r;
    try {
        auth.apply(r);
        FAIL("expected UnreachableError");
    } catch (const UnreachableError& e) {
        CHECK(std::string(e.what()).starts_with("procore: cannot reach " + url + " (connect: "));
        CHECK(e.code() == ExitCode::unreachable);
    }
    CHECK(counter.total() == 3); // retried: a token request is idempotent
}

} // namespace auth_oauth_component_test
