// The outbox over a fake target: every state transition, a lookup before every send that may
// follow one that reached the target, never a blind resend when the lookup cannot tell, and the
// caller's effects committed with the confirmation or not at all.
#include "store/database.hpp"
#include "store/postings.hpp"
#include "support/temp_dir.hpp"
#include "sync/engine/outbox.hpp"

#include <catch2/catch.hpp>

#include <deque>
#include <stdexcept>

namespace engine_outbox_test {

using namespace mlc;
using engine::PostOutcome;

namespace {

http::Error dropped()
{
    http::Error e;
    e.kind = http::ErrorKind::transport;
    e.message = "dropped: connection reset";
    e.transport = http::TransportErrorKind::dropped;
    return e;
}

http::Error refused_connection()
{
    http::Error e;
    e.kind = http::ErrorKind::transport;
    e.message = "connect: refused";
    e.transport = http::TransportErrorKind::connect;
    return e;
}

http::Error status(int code, std::string message = "refused")
{
    http::Error e;
    e.kind = http::ErrorKind::status;
    e.status = code;
    e.message = std::move(message);
    return e;
}

// A target that answers from scripts and counts what it was asked.
struct FakeTarget {
    std::deque<std::expected<std::string, http::Error>> sends;
    std::deque<engine::LookupResult> lookups;
    int sent = 0;
    int looked_up = 0;
    int confirmed = 0;
    int confirmed_by_lookup = 0;
    int failed = 0;
    bool throw_in_confirm = false;

    engine::PostHandlers handlers()
    {
        engine::PostHandlers h;
        h.send = [this]() -> std::expected<std::string, http::Error> {
            ++sent;
            REQUIRE_FALSE(sends.empty());
            auto a = sends.front();
            sends.pop_front();
            return a;
        };
        h.lookup = [this]() -> engine::LookupResult {
            ++looked_up;
            REQUIRE_FALSE(lookups.empty());
            auto a = lookups.front();
            lookups.pop_front();
            return a;
        };
        h.confirmed = [this](const std::string&, bool found) {
            if (throw_in_confirm) {
                throw std::runtime_error("disk went away while storing the answer");
            }
            ++confirmed;
            confirmed_by_lookup += found ? 1 : 0;
        };
        h.failed = [this](const std::string&, const std::string&) { ++failed; };
        return h;
    }
};

engine::LookupResult found(std::string id)
{
    return std::optional<engine::Found>{engine::Found{std::move(id)}};
}
engine::LookupResult absent()
{
    return std::optional<engine::Found>{};
}

const engine::PostingSpec k_spec{.key = "purchase_order:77:v1",
                                 .kind = "purchase_order",
                                 .target = "oracle",
                                 .request = R"({"OrderNumber":"PC-77"})",
                                 .records = {"77 fp"}};

struct World {
    test::TempDir dir;
    store::Database db{dir.path() / "state.db"};
    engine::Outbox outbox{db, std::nullopt};
    FakeTarget target;

    store::Posting row() { return *store::Postings(db).find(k_spec.key); }
};

} // namespace

TEST_CASE("outbox: recorded, sent once, confirmed, and the same key again sends nothing",
          "[engine][outbox]")
{
    World w;
    w.target.sends.push_back("300000100");
    auto r = w.outbox.post(k_spec, w.target.handlers());
    CHECK(r.outcome == PostOutcome::sent);
    CHECK(r.remote_id == "300000100");
    CHECK(w.target.sent == 1);
    CHECK(w.target.looked_up == 0); // a first send owes no lookup
    CHECK(w.target.confirmed == 1);
    CHECK(w.row().status == "confirmed");
    CHECK(w.row().attempts == 1);
    CHECK(w.row().records == std::vector<std::string>{"77 fp"});

    r = w.outbox.post(k_spec, w.target.handlers());
    CHECK(r.outcome == PostOutcome::already);
    CHECK(r.remote_id == "300000100");
    CHECK(w.target.sent == 1);
    CHECK(w.target.looked_up == 0);
}

TEST_CASE("outbox: a lost answer stays sent, and the next attempt looks up before any resend",
          "[engine][outbox]")
{
    World w;
    w.target.sends.push_back(std::unexpected(dropped()));
    auto r = w.outbox.post(k_spec, w.target.handlers());
    CHECK(r.outcome == PostOutcome::unknown);
    REQUIRE(r.error.has_value());
    CHECK(w.row().status == "sent");
    CHECK(w.row().attempts == 1);
    CHECK(w.row().last_error.value_or("").find("dropped") != std::string::npos);

    SECTION("the target has it: confirmed by lookup, never sent again")
    {
        w.target.lookups.push_back(found("300000100"));
        r = w.outbox.post(k_spec, w.target.handlers());
        CHECK(r.outcome == PostOutcome::found);
        CHECK(w.target.sent == 1);
        CHECK(w.target.confirmed_by_lookup == 1);
        CHECK(w.row().status == "confirmed");
        CHECK(w.row().remote_id == "300000100");
    }
    SECTION("the target definitely lacks it: sent again, once")
    {
        w.target.lookups.push_back(absent());
        w.target.sends.push_back("300000101");
        r = w.outbox.post(k_spec, w.target.handlers());
        CHECK(r.outcome == PostOutcome::sent);
        CHECK(w.target.looked_up == 1);
        CHECK(w.target.sent == 2);
        CHECK(w.row().attempts == 2);
        CHECK(w.row().status == "confirmed");
    }
    SECTION("the lookup cannot tell: nothing is sent, the posting stays sent")
    {
        w.target.lookups.push_back(std::unexpected(status(503, "maintenance")));
        r = w.outbox.post(k_spec, w.target.handlers());
        CHECK(r.outcome == PostOutcome::unknown);
        CHECK(w.target.sent == 1);
        CHECK(w.row().status == "sent");
        CHECK(w.row().last_error.value_or("").find("lookup failed") != std::string::npos);
        // And again: still a lookup first, still no blind send.
        w.target.lookups.push_back(std::unexpected(dropped()));
        r = w.outbox.post(k_spec, w.target.handlers());
        CHECK(r.outcome == PostOutcome::unknown);
        CHECK(w.target.looked_up == 2);
        CHECK(w.target.sent == 1);
    }
}

TEST_CASE("outbox: 5xx and unreadable 2xx answers may have been applied, so they stay sent",
          "[engine][outbox]")
{
    World w;
    SECTION("502")
    {
        w.target.sends.push_back(std::unexpected(status(502, "Bad Gateway")));
    }
    SECTION("2xx we cannot read")
    {
        w.target.sends.push_back(std::unexpected(http::shape_error(201, "malformed JSON")));
    }
    const auto r = w.outbox.post(k_spec, w.target.handlers());
    CHECK(r.outcome == PostOutcome::unknown);
    CHECK(w.row().status == "sent");
    CHECK(w.row().attempts == 1);
}

TEST_CASE("outbox: a refusal of the content fails the posting, and a retry looks up first",
          "[engine][outbox]")
{
    World w;
    w.target.sends.push_back(std::unexpected(status(400, "Supplier is inactive")));
    auto r = w.outbox.post(k_spec, w.target.handlers());
    CHECK(r.outcome == PostOutcome::refused);
    CHECK(w.target.failed == 1);
    CHECK(w.row().status == "failed");
    CHECK(w.row().error_class == "data");
    CHECK(w.row().last_error == "HTTP 400: Supplier is inactive");

    // A duplicate answer can hide a write that went through (Oracle answers 400 "duplicate"
    // after a lost answer): the retry asks first.
    w.target.lookups.push_back(found("300000100"));
    r = w.outbox.post(k_spec, w.target.handlers());
    CHECK(r.outcome == PostOutcome::found);
    CHECK(w.target.sent == 1);
    CHECK(w.row().status == "confirmed");
}

TEST_CASE("outbox: refused before acting (connect, 401, 429, 503) is as if never sent",
          "[engine][outbox]")
{
    World w;
    w.target.sends.push_back(std::unexpected(
        GENERATE(refused_connection(), status(429, "slow"), status(401), status(503))));
    auto r = w.outbox.post(k_spec, w.target.handlers());
    CHECK(r.outcome == PostOutcome::not_sent);
    CHECK(w.row().status == "pending");
    CHECK(w.row().attempts == 0);
    // No lookup is owed: nothing reached the target.
    w.target.sends.push_back("300000100");
    r = w.outbox.post(k_spec, w.target.handlers());
    CHECK(r.outcome == PostOutcome::sent);
    CHECK(w.target.looked_up == 0);
    CHECK(w.target.sent == 2);
}

TEST_CASE("outbox: resolving a posting left sent, and replay's resolve that marks nothing",
          "[engine][outbox]")
{
    World w;
    w.target.sends.push_back(std::unexpected(dropped()));
    (void)w.outbox.post(k_spec, w.target.handlers());
    REQUIRE(w.row().status == "sent");

    SECTION("found")
    {
        w.target.lookups.push_back(found("300000100"));
        const auto r = w.outbox.resolve(w.row(), w.target.handlers());
        CHECK(r.outcome == PostOutcome::found);
        CHECK(w.row().status == "confirmed");
        CHECK(w.target.confirmed_by_lookup == 1);
    }
    SECTION("absent: failed, retryable, for its records to be sent again")
    {
        w.target.lookups.push_back(absent());
        const auto r = w.outbox.resolve(w.row(), w.target.handlers());
        CHECK(r.outcome == PostOutcome::lost);
        CHECK(w.row().status == "failed");
        CHECK(w.row().error_class == "retryable");
        CHECK(w.row().last_error.value_or("").starts_with("lost:"));
        CHECK(w.target.failed == 1);
    }
    SECTION("absent, for replay: reported, the posting left as it is")
    {
        w.target.lookups.push_back(absent());
        const auto r = w.outbox.resolve(w.row(), w.target.handlers(), /*mark_lost=*/false);
        CHECK(r.outcome == PostOutcome::lost);
        CHECK(w.row().status == "sent");
        CHECK(w.target.failed == 0);
    }
    SECTION("cannot tell: stays sent")
    {
        w.target.lookups.push_back(std::unexpected(dropped()));
        const auto r = w.outbox.resolve(w.row(), w.target.handlers());
        CHECK(r.outcome == PostOutcome::unknown);
        CHECK(w.row().status == "sent");
    }
    CHECK(w.target.sent == 1);
}

TEST_CASE("outbox: held and superseded postings are never sent", "[engine][outbox]")
{
    World w;
    store::Postings postings(w.db);
    const auto p = postings.record_pending(k_spec.key, k_spec.kind, k_spec.target, k_spec.request,
                                           k_spec.records);
    SECTION("held")
    {
        postings.mark_held(p.id, "period JUN-26 is closed");
        CHECK(w.outbox.post(k_spec, w.target.handlers()).outcome == PostOutcome::held);
    }
    SECTION("superseded after it was sent")
    {
        postings.mark_sent(p.id);
        postings.mark_superseded(p.id, "a newer version replaced it");
        CHECK(w.outbox.post(k_spec, w.target.handlers()).outcome == PostOutcome::superseded);
    }
    CHECK(w.target.sent == 0);
    CHECK(w.target.looked_up == 0);
}

TEST_CASE("outbox: the caller's effects commit with the confirmation, or neither does",
          "[engine][outbox]")
{
    World w;
    w.target.sends.push_back("300000100");
    w.target.throw_in_confirm = true;
    CHECK_THROWS_AS(w.outbox.post(k_spec, w.target.handlers()), std::runtime_error);
    // The answer was not stored: the posting is still sent, so the next attempt looks it up
    // and finds it instead of posting a second time.
    CHECK(w.row().status == "sent");
    w.target.throw_in_confirm = false;
    w.target.lookups.push_back(found("300000100"));
    const auto r = w.outbox.post(k_spec, w.target.handlers());
    CHECK(r.outcome == PostOutcome::found);
    CHECK(w.target.sent == 1);
    CHECK(w.row().status == "confirmed");
}

} // namespace engine_outbox_test
