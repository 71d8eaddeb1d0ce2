// Tests of the shared simulator machinery: timestamps, path templates, stats, faults (via the
// admin API on a live listener), the virtual clock and the RAII listener.
#include "sim_core.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

using namespace mlc::sim;

namespace {

// A side with one collection and a mutate that echoes, enough to drive mount_admin.
class FakeSide : public SimSide {
public:
    std::optional<std::string> data_json(const std::string& c) override
    {
        if (c == "things")
            return std::string(R"([{"id":1}])");
        return std::nullopt;
    }
    std::pair<int, std::string> mutate(const std::string& body) override { return {200, body}; }
};

struct Fixture {
    VirtualClock clock;
    Stats stats;
    Faults faults;
    FakeSide side;
    Listener listener;
    Fixture()
    {
        mount_admin(listener.server(), side, stats, faults, clock);
        listener.server().Get(R"(/api/things/(\d+))",
                              [](const httplib::Request&, httplib::Response& res) {
                                  res.set_content(std::string(200, 'x'), "text/plain");
                              });
        listener.start("127.0.0.1", 0);
    }
    httplib::Client client() const
    {
        httplib::Client c("127.0.0.1", listener.port());
        c.set_read_timeout(5, 0);
        return c;
    }
};

} // namespace

TEST_CASE("timestamps round-trip in both styles", "[sim][core]")
{
    std::int64_t ms = 0;
    REQUIRE(parse_timestamp("2026-11-27T16:15:49.123+00:00", ms));
    CHECK(oracle_timestamp(ms) == "2026-11-27T16:15:49.123+00:00");
    CHECK(procore_timestamp(ms) == "2026-11-27T16:15:49Z");
    std::int64_t other = 0;
    REQUIRE(parse_timestamp("2026-11-27T11:15:49.123-05:00", other));
    CHECK(other == ms);
    REQUIRE(parse_timestamp("2026-11-27", other));
    CHECK(oracle_timestamp(other) == "2026-11-27T00:00:00.000+00:00");
    REQUIRE(parse_timestamp("2024/02/29", other));
    CHECK(procore_timestamp(other) == "2024-02-29T00:00:00Z");
    CHECK(oracle_timestamp(0) == "1970-01-01T00:00:00.000+00:00");
}

TEST_CASE("malformed timestamps are rejected", "[sim][core]")
{
    std::int64_t ms = 0;
    CHECK_FALSE(parse_timestamp("", ms));
    CHECK_FALSE(parse_timestamp("2026-13-01", ms));
    CHECK_FALSE(parse_timestamp("2026-11-27T25:00:00Z", ms));
    CHECK_FALSE(parse_timestamp("2026-11-27T10:00:00+0", ms));
    CHECK_FALSE(parse_timestamp("yesterday", ms));
    CHECK_FALSE(parse_timestamp("2026-11-27Tjunk", ms));
}

TEST_CASE("path templates replace ids", "[sim][core]")
{
    CHECK(path_template("/rest/v1.0/vendors/123") == "/rest/v1.0/vendors/{id}");
    CHECK(path_template("/rest/v1.0/projects/5/direct_costs/77")
          == "/rest/v1.0/projects/{id}/direct_costs/{id}");
    CHECK(path_template("/fscmRestApi/resources/11.13.18.05/invoices/00020000000EACED00057708")
          == "/fscmRestApi/resources/11.13.18.05/invoices/{id}");
    CHECK(path_template("/fscmRestApi/resources/latest/suppliers")
          == "/fscmRestApi/resources/latest/suppliers");
}

TEST_CASE("Rng is deterministic per seed", "[sim][core]")
{
    Rng a(42), b(42), c(43);
    auto x = a.next();
    CHECK(x == b.next());
    CHECK(x != c.next());
    for (int i = 0; i < 1000; ++i) {
        auto v = a.between(3, 7);
        REQUIRE(v >= 3);
        REQUIRE(v <= 7);
    }
}

TEST_CASE("stats count templates, skip admin calls, and reset", "[sim][core]")
{
    Fixture f;
    auto c = f.client();
    REQUIRE(c.Get("/api/things/1")->status == 200);
    REQUIRE(c.Get("/api/things/22")->status == 200);
    REQUIRE(c.Get("/_sim/stats")->status == 200);
    CHECK(f.stats.count("GET", "/api/things/{id}") == 2);
    auto body = c.Get("/_sim/stats")->body;
    CHECK(body.find(R"({"method":"GET","path":"/api/things/{id}","count":2})")
          != std::string::npos);
    CHECK(body.find("\"total\":2") != std::string::npos);
    REQUIRE(c.Post("/_sim/stats/reset", "", "application/json")->status == 200);
    CHECK(f.stats.count("GET", "/api/things/{id}") == 0);
}

TEST_CASE("admin data and mutate reach the side", "[sim][core]")
{
    Fixture f;
    auto c = f.client();
    auto r = c.Get("/_sim/data/things");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == R"([{"id":1}])");
    CHECK(c.Get("/_sim/data/nothing")->status == 404);
    auto m = c.Post("/_sim/mutate", R"({"op":"x"})", "application/json");
    CHECK(m->body == R"({"op":"x"})");
}

TEST_CASE("faults replace status, count down, and clear", "[sim][core]")
{
    Fixture f;
    auto c = f.client();
    REQUIRE(c.Post("/_sim/faults",
                   R"({"path":"/api/things","status":429,"count":2,"retry_after":7})",
                   "application/json")
                ->status
            == 201);
    auto r1 = c.Get("/api/things/1");
    REQUIRE(r1);
    CHECK(r1->status == 429);
    CHECK(r1->get_header_value("Retry-After") == "7");
    CHECK(c.Get("/api/things/1")->status == 429);
    CHECK(c.Get("/api/things/1")->status == 200);

    REQUIRE(
        c.Post("/_sim/faults", R"({"path":"things","status":503,"count":-1})", "application/json")
            ->status
        == 201);
    CHECK(c.Get("/api/things/1")->status == 503);
    CHECK(c.Get("/api/things/1")->status == 503);
    REQUIRE(c.Delete("/_sim/faults")->status == 200);
    CHECK(c.Get("/api/things/1")->status == 200);
}

TEST_CASE("faults filter by method", "[sim][core]")
{
    Fixture f;
    auto c = f.client();
    REQUIRE(c.Post("/_sim/faults", R"({"path":"things","method":"POST","status":500})",
                   "application/json")
                ->status
            == 201);
    CHECK(c.Get("/api/things/1")->status == 200);
}

TEST_CASE("bad fault definitions are 400", "[sim][core]")
{
    Fixture f;
    auto c = f.client();
    CHECK(c.Post("/_sim/faults", "{not json", "application/json")->status == 400);
    CHECK(c.Post("/_sim/faults", R"({"status":500})", "application/json")->status == 400);
    CHECK(c.Post("/_sim/faults", R"({"path":"([","status":500})", "application/json")->status
          == 400);
    CHECK(c.Post("/_sim/faults", R"({"path":"x"})", "application/json")->status == 400);
    CHECK(c.Post("/_sim/faults", R"({"path":"x","status":42})", "application/json")->status == 400);
}

TEST_CASE("drop and truncate faults cut the body short", "[sim][core]")
{
    Fixture f;
    auto c = f.client();
    REQUIRE(
        c.Post("/_sim/faults", R"({"path":"things","truncate":true})", "application/json")->status
        == 201);
    auto t = c.Get("/api/things/1");
    // httplib reports a short read as an error (no response) - the client must treat it as
    // transport failure.
    CHECK((!t || t->body.size() < 200));
    REQUIRE(c.Post("/_sim/faults", R"({"path":"things","drop":true})", "application/json")->status
            == 201);
    auto d = f.client().Get("/api/things/1");
    CHECK((!d || d->body.empty()));
    // the next call is healthy again
    auto ok = f.client().Get("/api/things/1");
    REQUIRE(ok);
    CHECK(ok->body.size() == 200);
}

TEST_CASE("delay faults slow the answer but keep it", "[sim][core]")
{
    Fixture f;
    auto c = f.client();
    REQUIRE(c.Post("/_sim/faults", R"({"path":"things","delay_ms":50})", "application/json")->status
            == 201);
    auto start = std::chrono::steady_clock::now();
    auto r = c.Get("/api/things/1");
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(took >= std::chrono::milliseconds(50));
}

TEST_CASE("the virtual clock advances through the admin API", "[sim][core]")
{
    Fixture f;
    auto c = f.client();
    auto before = f.clock.now_s();
    REQUIRE(c.Post("/_sim/clock", R"({"advance_seconds":3600})", "application/json")->status
            == 200);
    CHECK(f.clock.now_s() - before >= 3600);
    CHECK(c.Post("/_sim/clock", R"({"advance_seconds":-5})", "application/json")->status == 400);
    CHECK(c.Post("/_sim/clock", R"({})", "application/json")->status == 400);
}

TEST_CASE("listener stops and frees its port", "[sim][core]")
{
    int port = 0;
    {
        Listener l;
        l.server().Get("/x", [](const httplib::Request&, httplib::Response& res) {
            res.set_content("y", "text/plain");
        });
        l.start("127.0.0.1", 0);
        port = l.port();
        REQUIRE(port > 0);
        httplib::Client c("127.0.0.1", port);
        REQUIRE(c.Get("/x"));
    }
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(1, 0);
    CHECK_FALSE(c.Get("/x"));
}
