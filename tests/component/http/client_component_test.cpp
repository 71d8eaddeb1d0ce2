// The real libcurl transport and the retrying client against an in-process cpp-httplib server:
// each case asserts what reached the server and what the client did (waits through a
// FakeClock, so a Retry-After costs no real time).
#include "auth/oauth.hpp"
#include "component/http/test_server.hpp"
#include "core/version.hpp"
#include "http/client.hpp"
#include "http/transport.hpp"

#include <catch2/catch.hpp>

#include <atomic>

namespace http_client_component_test {

using namespace mlc;
using namespace std::chrono_literals;
using test::TestServer;

namespace {

http::TransportOptions fast_options()
{
    http::TransportOptions o;
    o.connect_timeout = 2000ms;
    o.total_timeout = 5000ms;
    return o;
}

http::Request get(const std::string& url)
{
    http::Request r;
    r.url = url;
    return r;
}

} // namespace

TEST_CASE("a 429 with Retry-After is waited out and retried", "[http][component]")
{
    TestServer s;
    std::atomic<int> hits{0};
    s.server.Get("/rest/v1.0/companies", [&](const httplib::Request&, httplib::Response& res) {
        if (hits++ == 0) {
            res.status = 429;
            res.set_header("Retry-After", "3");
            res.set_content("You have surpassed the max number of requests", "text/plain");
            return;
        }
        res.set_header("X-Rate-Limit-Remaining", "599");
        res.set_content(R"([{"id":6452,"name":"Acme"}])", "application/json");
    });
    s.start();

    auto transport = http::make_curl_transport(fast_options());
    http::CallCounter counter;
    FakeClock clock;
    http::Client client(*transport, nullptr, counter, clock, {"procore", {}, {}});
    const auto result = client.send(get(s.url("/rest/v1.0/companies")), {});
    REQUIRE(result.has_value());
    CHECK(result->body == R"([{"id":6452,"name":"Acme"}])");
    CHECK(hits == 2);
    CHECK(clock.total_slept() >= 3s);
    CHECK(client.rate_limit().remaining == 599);
    CHECK(counter.snapshot().at("GET /rest/v1.0/companies") == 2);
}

TEST_CASE("a 503 then 200 succeeds on the retry", "[http][component]")
{
    TestServer s;
    std::atomic<int> hits{0};
    s.server.Get("/suppliers", [&](const httplib::Request&, httplib::Response& res) {
        if (hits++ == 0) {
            res.status = 503;
            res.set_content("Service Unavailable", "text/plain");
            return;
        }
        res.set_content(R"({"items":[],"hasMore":false})", "application/json");
    });
    s.start();

    auto transport = http::make_curl_transport(fast_options());
    http::CallCounter counter;
    FakeClock clock;
    http::Client client(*transport, nullptr, counter, clock, {"oracle", {}, {}});
    const auto result = client.send(get(s.url("/suppliers?limit=1")), {});
    REQUIRE(result.has_value());
    CHECK(result->status == 200);
    CHECK(hits == 2);
}

TEST_CASE("a 401 fetches a new token from the same server and retries once",
          "[http][auth][component]")
{
    TestServer s;
    std::atomic<int> token_hits{0};
    std::atomic<int> api_hits{0};
    std::string second_authorization;
    s.server.Post("/oauth/token", [&](const httplib::Request& req, httplib::Response& res) {
        const int n = ++token_hits;
        if (req.get_param_value("client_secret") != "component-secret-1234") {
            res.status = 401;
            res.set_content(R"({"error":"invalid_client"})", "application/json");
            return;
        }
        res.set_content(R"({"access_token":"token-)" + std::to_string(n)
                            + R"(","token_type":"bearer","expires_in":5400})",
                        "application/json");
    });
    s.server.Get("/rest/v1.0/companies", [&](const httplib::Request& req, httplib::Response& res) {
        if (api_hits++ == 0) {
            res.status = 401;
            res.set_content("The access token is invalid", "text/plain");
            return;
        }
        second_authorization = req.get_header_value("Authorization");
        res.set_content("[]", "application/json");
    });
    s.start();

    auto transport = http::make_curl_transport(fast_options());
    http::CallCounter counter;
    FakeClock clock;
    auth::OAuthSettings settings;
    settings.system = "procore";
    settings.token_url = s.url("/oauth/token");
    settings.client_id = "cid";
    settings.client_secret = Secret("component-secret-1234");
    auth::ClientCredentialsAuth auth(*transport, counter, clock, std::move(settings));
    http::Client client(*transport, &auth, counter, clock, {"procore", {}, {}});

    const auto result = client.send(get(s.url("/rest/v1.0/companies")), {});
    REQUIRE(result.has_value());
    CHECK(token_hits == 2);
    CHECK(auth.tokens_fetched() == 2);
    CHECK(api_hits == 2);
    CHECK(second_authorization == "Bearer token-2");
    const auto counts = counter.snapshot();
    CHECK(counts.at("POST /oauth/token") == 2);
    CHECK(counts.at("GET /rest/v1.0/companies") == 2);
}

TEST_CASE("a second 401 is reported as unauthorized", "[http][component]")
{
    TestServer s;
    std::atomic<int> hits{0};
    s.server.Get("/x", [&](const httplib::Request&, httplib::Response& res) {
        ++hits;
        res.status = 401;
        res.set_content(R"({"message":"The access token is invalid"})", "application/json");
    });
    s.start();
    auto transport = http::make_curl_transport(fast_options());
    http::CallCounter counter;
    FakeClock clock;
    struct Static : http::Authenticator {
        int refreshes = 0;
        void apply(http::Request& r) override
        {
            r.headers.set("Authorization", "Bearer static-token");
        }
        void refresh() override { ++refreshes; }
    } auth;
    http::Client client(*transport, &auth, counter, clock, {"procore", {}, {}});
    const auto result = client.send(get(s.url("/x")), {});
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == http::ErrorKind::unauthorized);
    CHECK(result.error().message == "The access token is invalid");
    CHECK(hits == 2);
    CHECK(auth.refreshes == 1);
}

TEST_CASE("a response slower than the total timeout is a timeout error", "[http][component]")
{
    TestServer s;
    std::atomic<int> hits{0};
    s.server.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
        ++hits;
        s.release.wait(); // opened at teardown
        res.set_content("too late", "text/plain");
    });
    s.start();

    auto options = fast_options();
    options.total_timeout = 200ms;
    auto transport = http::make_curl_transport(options);
    SECTION("the transport reports a timeout")
    {
        // The server never answers before teardown: getting a timeout at all is the proof.
        const auto outcome = transport->perform(get(s.url("/slow")));
        REQUIRE(std::holds_alternative<http::TransportError>(outcome));
        CHECK(std::get<http::TransportError>(outcome).kind == http::TransportErrorKind::timeout);
        CHECK(hits == 1);
    }
    SECTION("the client retries a GET, then gives up with a transport error")
    {
        http::CallCounter counter;
        FakeClock clock;
        http::Client client(*transport, nullptr, counter, clock,
                            {"oracle", {}, {2, 100ms, 1000ms}});
        const auto result = client.send(get(s.url("/slow")), {});
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == http::ErrorKind::transport);
        CHECK(result.error().message.starts_with("timeout"));
        CHECK(result.error().attempts == 2);
        CHECK(hits == 2);
    }
}

TEST_CASE("a connection closed mid-body is a dropped error, and a POST is not resent",
          "[http][component]")
{
    TestServer s;
    std::atomic<int> hits{0};
    auto half_then_close = [&](const httplib::Request&, httplib::Response& res) {
        ++hits;
        res.set_content_provider(
            100, "application/json", [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                if (offset == 0) {
                    const std::string half(50, 'x');
                    sink.write(half.data(), half.size());
                    return true;
                }
                return false; // abort: the connection closes with 50 bytes missing
            });
    };
    s.server.Get("/half", half_then_close);
    s.server.Post("/half", half_then_close);
    s.start();
    auto transport = http::make_curl_transport(fast_options());

    SECTION("transport")
    {
        const auto outcome = transport->perform(get(s.url("/half")));
        REQUIRE(std::holds_alternative<http::TransportError>(outcome));
        CHECK(std::get<http::TransportError>(outcome).kind == http::TransportErrorKind::dropped);
    }
    SECTION("client, non-idempotent POST")
    {
        http::CallCounter counter;
        FakeClock clock;
        http::Client client(*transport, nullptr, counter, clock, {"oracle", {}, {}});
        http::Request r;
        r.method = "POST";
        r.url = s.url("/half");
        r.body = R"({"InvoiceNumber":"1"})";
        const auto result = client.send(r, {});
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == http::ErrorKind::transport);
        CHECK(result.error().message.starts_with("dropped"));
        CHECK(hits == 1);
    }
}

TEST_CASE("a non-JSON error body keeps its text in the message", "[http][component]")
{
    TestServer s;
    s.server.Post("/invoices", [&](const httplib::Request&, httplib::Response& res) {
        res.status = 400;
        res.set_content("JBO-27024: Failed to validate a row with key oracle.jbo.Key[300000047]",
                        "text/plain");
    });
    s.server.Get("/html", [&](const httplib::Request&, httplib::Response& res) {
        res.status = 404;
        res.set_content("<html><head><title>Not Found</title></head><body><p>No such "
                        "resource</p></body></html>",
                        "text/html");
    });
    s.start();
    auto transport = http::make_curl_transport(fast_options());
    http::CallCounter counter;
    FakeClock clock;
    http::Client client(*transport, nullptr, counter, clock, {"oracle", {}, {}});

    http::Request r;
    r.method = "POST";
    r.url = s.url("/invoices");
    r.body = "{}";
    const auto plain = client.send(r, {});
    REQUIRE_FALSE(plain.has_value());
    CHECK(plain.error().status == 400);
    CHECK(plain.error().message
          == "JBO-27024: Failed to validate a row with key oracle.jbo.Key[300000047]");

    const auto html = client.send(get(s.url("/html")), {});
    REQUIRE_FALSE(html.has_value());
    CHECK(html.error().status == 404);
    CHECK(html.error().message == "Not Found No such resource");
    CHECK(html.error().body.find("<title>") != std::string::npos);
}

TEST_CASE("plain http:// is refused for anything but loopback", "[http][component]")
{
    auto transport = http::make_curl_transport(fast_options());
    for (const char* url : {"http://example.com/x", "http://10.0.0.1/x",
                            "http://127.0.0.1.evil.example/x", "http://localhost.evil.example/x"}) {
        INFO(url);
        const auto outcome = transport->perform(get(url));
        REQUIRE(std::holds_alternative<http::TransportError>(outcome));
        const auto& error = std::get<http::TransportError>(outcome);
        CHECK(error.kind == http::TransportErrorKind::other);
        CHECK(error.message.find("refusing plain http://") != std::string::npos);
    }
    const auto ftp = transport->perform(get("ftp://127.0.0.1/x"));
    REQUIRE(std::holds_alternative<http::TransportError>(ftp));
    CHECK(std::get<http::TransportError>(ftp).message.find("unsupported URL scheme")
          != std::string::npos);
    const auto garbage = transport->perform(get("not a url"));
    REQUIRE(std::holds_alternative<http::TransportError>(garbage));
    CHECK(std::get<http::TransportError>(garbage).kind == http::TransportErrorKind::other);
}

TEST_CASE("loopback hosts are recognised", "[http]")
{
    for (const char* host : {"127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"}) {
        INFO(host);
        CHECK(http::is_loopback_host(host));
    }
    for (const char* host : {"128.0.0.1", "127.0.0", "127.0.0.1.evil", "localhost.evil", "10.0.0.1",
                             "1127.0.0.1", "127.0.0.256", "", "::2"}) {
        INFO(host);
        CHECK_FALSE(http::is_loopback_host(host));
    }
}

TEST_CASE("gzip responses are decoded, User-Agent and keep-alive are as designed",
          "[http][component]")
{
    TestServer s;
    std::string accept_encoding;
    std::string user_agent;
    std::vector<int> remote_ports;
    std::mutex mutex;
    const std::string payload = "{\"items\":[" + std::string(20'000, ' ') + "1]}";
    s.server.Get("/big", [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        accept_encoding = req.get_header_value("Accept-Encoding");
        user_agent = req.get_header_value("User-Agent");
        remote_ports.push_back(req.remote_port);
        res.set_content(payload, "application/json");
    });
    s.start();
    auto transport = http::make_curl_transport(fast_options());
    // By default curl offers every encoding it decodes (the server may pick brotli)…
    const auto first = transport->perform(get(s.url("/big")));
    REQUIRE(std::holds_alternative<http::Response>(first));
    CHECK(accept_encoding.find("gzip") != std::string::npos);
    CHECK(std::get<http::Response>(first).headers.get("content-encoding").has_value());
    CHECK(std::get<http::Response>(first).body == payload);
    CHECK(user_agent == std::string("ml-connector/") + k_version);
    // …and a gzip-only answer is decoded too.
    auto gzip_only = get(s.url("/big"));
    gzip_only.headers.set("Accept-Encoding", "gzip");
    const auto second = transport->perform(gzip_only);
    REQUIRE(std::holds_alternative<http::Response>(second));
    const auto& response = std::get<http::Response>(second);
    CHECK(response.status == 200);
    CHECK(response.headers.get("content-encoding") == "gzip");
    CHECK(response.body == payload);
    REQUIRE(remote_ports.size() == 2);
    CHECK(remote_ports[0] == remote_ports[1]); // the same connection, reused
}

TEST_CASE("methods, bodies and headers go out as given, response headers come back",
          "[http][component]")
{
    TestServer s;
    std::string seen_method, seen_body, seen_company, seen_type;
    s.server.Patch("/rest/v1.0/vendors/sync",
                   [&](const httplib::Request& req, httplib::Response& res) {
                       seen_method = req.method;
                       seen_body = req.body;
                       seen_company = req.get_header_value("Procore-Company-Id");
                       seen_type = req.get_header_value("Content-Type");
                       res.set_header("X-Rate-Limit-Limit", "600");
                       res.set_content(R"({"entities":[],"errors":[]})", "application/json");
                   });
    s.server.Delete("/things/5", [&](const httplib::Request& req, httplib::Response& res) {
        seen_method = req.method;
        res.status = 204;
    });
    s.start();
    auto transport = http::make_curl_transport(fast_options());
    http::Request r;
    r.method = "PATCH";
    r.url = s.url("/rest/v1.0/vendors/sync");
    r.headers.set("Procore-Company-Id", "6452");
    r.headers.set("Content-Type", "application/json");
    r.body = R"({"updates":[{"origin_id":"300000047507499"}]})";
    const auto outcome = transport->perform(r);
    REQUIRE(std::holds_alternative<http::Response>(outcome));
    CHECK(std::get<http::Response>(outcome).headers.get("x-rate-limit-limit") == "600");
    CHECK(seen_method == "PATCH");
    CHECK(seen_body == r.body);
    CHECK(seen_company == "6452");
    CHECK(seen_type == "application/json");

    http::Request d;
    d.method = "DELETE";
    d.url = s.url("/things/5");
    const auto deleted = transport->perform(d);
    REQUIRE(std::holds_alternative<http::Response>(deleted));
    CHECK(std::get<http::Response>(deleted).status == 204);
    CHECK(seen_method == "DELETE");
}

TEST_CASE("a refused connection is a connect error", "[http][component]")
{
    int port = 0;
    {
        TestServer s;
        s.start();
        port = s.port();
    } // stopped: nothing listens on the port now
    auto transport = http::make_curl_transport(fast_options());
    const auto outcome = transport->perform(get("http://127.0.0.1:" + std::to_string(port) + "/x"));
    REQUIRE(std::holds_alternative<http::TransportError>(outcome));
    CHECK(std::get<http::TransportError>(outcome).kind == http::TransportErrorKind::connect);
}

TEST_CASE("a response larger than max_response_bytes is refused", "[http][component]")
{
    TestServer s;
    s.server.Get("/huge", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(64 * 1024, 'a'), "text/plain");
    });
    s.start();
    auto options = fast_options();
    options.max_response_bytes = 1024;
    auto transport = http::make_curl_transport(options);
    const auto outcome = transport->perform(get(s.url("/huge")));
    REQUIRE(std::holds_alternative<http::TransportError>(outcome));
    CHECK(std::get<http::TransportError>(outcome).message.find("exceeds 1024 bytes")
          != std::string::npos);
}

} // namespace http_client_component_test
