// Round trips through the table helpers: runs, watermarks, links and postings.
#include "store/database.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/runs.hpp"
#include "store/watermarks.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

namespace {} // namespace

TEST_CASE("runs are begun, finished and listed newest first", "[store]")
{
    mlc::test::TempDir dir;
    mlc::FakeClock clock;
    mlc::store::Database db(dir.path() / "state.db", clock);
    const auto first = mlc::store::begin_run(db, "sync-suppliers");
    clock.advance(std::chrono::seconds(5));
    mlc::store::finish_run(db, first, 1, R"({"created":3})");
    const auto second = mlc::store::begin_run(db, "post-costs");
    CHECK(second > first);

    const auto runs = mlc::store::recent_runs(db, 10);
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].id == second);
    CHECK(runs[0].command == "post-costs");
    CHECK_FALSE(runs[0].finished_at.has_value());
    CHECK_FALSE(runs[0].exit_code.has_value());
    CHECK(runs[1].id == first);
    CHECK(runs[1].started_at == mlc::format_iso8601(clock.now() - std::chrono::seconds(5)));
    CHECK(runs[1].finished_at == mlc::format_iso8601(clock.now()));
    CHECK(runs[1].exit_code == 1);
    CHECK(runs[1].counts_json == R"({"created":3})");
    CHECK(runs[1].pid == getpid());
    CHECK(mlc::store::recent_runs(db, 1).size() == 1);
}

TEST_CASE("watermarks are upserted per stream", "[store]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    mlc::store::Watermarks marks(db);
    CHECK_FALSE(marks.get("oracle.suppliers").has_value());
    marks.set({"oracle.suppliers", "2026-01-01T00:00:00.000+00:00", "300000047", ""});
    marks.set({"procore.direct_costs", "2026-01-02T00:00:00Z", "", ""});
    marks.set({"oracle.suppliers", "2026-02-01T00:00:00.000+00:00", "300000099", ""});
    const auto got = marks.get("oracle.suppliers");
    REQUIRE(got.has_value());
    CHECK(got->cursor_time == "2026-02-01T00:00:00.000+00:00");
    CHECK(got->cursor_key == "300000099");
    CHECK_FALSE(got->updated_at.empty());
    const auto all = marks.list();
    REQUIRE(all.size() == 2);
    CHECK(all[0].stream == "oracle.suppliers");
    CHECK(all[1].stream == "procore.direct_costs");
}

namespace {

mlc::store::Link link(const char* kind, std::optional<std::string> oracle_key,
                      std::optional<std::string> procore_key, const char* fingerprint,
                      const char* origin)
{
    mlc::store::Link l;
    l.kind = kind;
    l.oracle_key = std::move(oracle_key);
    l.procore_key = std::move(procore_key);
    l.fingerprint = fingerprint;
    l.origin = origin;
    return l;
}

} // namespace

TEST_CASE("links round-trip and are found from either side", "[store]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    mlc::store::Links links(db);
    REQUIRE(links.upsert(link("vendor", "300000047", std::nullopt, "fp1", "oracle")).has_value());
    auto l = links.find_by_oracle("vendor", "300000047");
    REQUIRE(l.has_value());
    CHECK_FALSE(l->procore_key.has_value());
    CHECK_FALSE(l->drift.has_value());
    CHECK(l->fingerprint == "fp1");

    REQUIRE(
        links.upsert(link("vendor", "300000047", "9007199254740993", "fp2", "oracle")).has_value());
    l = links.find_by_procore("vendor", "9007199254740993");
    REQUIRE(l.has_value());
    CHECK(l->oracle_key == "300000047");
    CHECK(l->fingerprint == "fp2");
    CHECK(l->origin == "oracle");
    CHECK(links.count("vendor") == 1);
    CHECK(links.count("cost_code") == 0);
    CHECK_FALSE(links.find_by_procore("cost_code", "9007199254740993").has_value());

    // The same Procore record cannot get a second Oracle partner.
    const auto conflict =
        links.upsert(link("vendor", "300000048", "9007199254740993", "fp3", "oracle"));
    REQUIRE_FALSE(conflict.has_value());
    CHECK_THAT(conflict.error().message, Catch::Contains("already linked to oracle key 300000047"));
    CHECK(links.count("vendor") == 1);
}

TEST_CASE("a record born in Procore is linked before it has an Oracle key", "[store]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    mlc::store::Links links(db);
    // A commitment: known by its Procore id first.
    REQUIRE(links.upsert(link("commitment", std::nullopt, "562949953421312", "v1", "procore"))
                .has_value());
    CHECK_FALSE(links.find_by_procore("commitment", "562949953421312")->oracle_key.has_value());
    // A second one without an Oracle key either: NULLs never collide.
    REQUIRE(links.upsert(link("commitment", std::nullopt, "562949953421313", "v1", "procore"))
                .has_value());
    // Posted: the Oracle key arrives; the link is found from both sides, still one row.
    REQUIRE(links.upsert(link("commitment", "300000099", "562949953421312", "v1", "procore"))
                .has_value());
    CHECK(links.find_by_oracle("commitment", "300000099")->procore_key == "562949953421312");
    CHECK(links.count("commitment") == 2);
    // That Oracle PO cannot be the partner of the other commitment.
    const auto taken =
        links.upsert(link("commitment", "300000099", "562949953421313", "v1", "procore"));
    REQUIRE_FALSE(taken.has_value());

    // Drift is recorded and cleared by procore key, and listed meanwhile.
    links.set_drift_by_procore("commitment", "562949953421312", "edited in Procore");
    REQUIRE(links.drifted().size() == 1);
    CHECK(links.drifted("commitment")[0].drift == "edited in Procore");
    CHECK(links.drifted("vendor").empty());
    links.set_drift_by_procore("commitment", "562949953421312", std::nullopt);
    CHECK(links.drifted().empty());
}

TEST_CASE("postings: recorded before sending, unique per source key, then marked", "[store]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    const auto run = mlc::store::begin_run(db, "post-costs");
    mlc::store::Postings postings(db);
    CHECK_FALSE(postings.find("direct_cost:123:v4").has_value());

    const auto p = postings.record_pending("direct_cost:123:v4", "journal", "oracle",
                                           R"({"amount":"10.00"})", {"123"}, run);
    CHECK(p.id > 0);
    CHECK(p.status == "pending");
    CHECK(p.attempts == 0);
    CHECK(p.run_id == run);
    CHECK(p.records == std::vector<std::string>{"123"});

    postings.mark_sent(p.id);
    // The same source key again hands back the existing row, never a second one.
    const auto again =
        postings.record_pending("direct_cost:123:v4", "journal", "oracle", "{}", {}, std::nullopt);
    CHECK(again.id == p.id);
    CHECK(again.status == "sent");
    CHECK(again.attempts == 1);
    CHECK(again.request == R"({"amount":"10.00"})");

    postings.mark_confirmed(p.id, "300000123456789");
    auto got = postings.find("direct_cost:123:v4");
    REQUIRE(got.has_value());
    CHECK(got->status == "confirmed");
    CHECK(got->remote_id == "300000123456789");

    const auto q =
        postings.record_pending("direct_cost:124:v1", "journal", "oracle", "{}", {"124", "125"});
    postings.mark_sent(q.id);
    postings.mark_failed(q.id, "data", "422: Supplier site is inactive");
    CHECK(postings.find(q.id)->last_error == "422: Supplier site is inactive");
    CHECK(postings.find(q.id)->error_class == "data");
    CHECK(postings.find(q.id)->records == std::vector<std::string>{"124", "125"});
    CHECK(postings.list_by_status("failed").size() == 1);
    CHECK(postings.list_by_status("confirmed").size() == 1);

    // Groups for `status`: per kind and status, with the oldest and its error.
    const auto groups = postings.groups();
    REQUIRE(groups.size() == 2);
    CHECK(groups[0].status == "confirmed");
    CHECK(groups[1].status == "failed");
    CHECK(groups[1].oldest_id == q.id);
    CHECK(groups[1].oldest_error == "422: Supplier site is inactive");

    CHECK_THROWS_AS(postings.mark_sent(9999), mlc::store::StoreError);
}

TEST_CASE("postings never sent are superseded and reopened, sent ones never are", "[store]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    mlc::store::Postings postings(db);
    const auto unsent =
        postings.record_pending("vendor_batch:a", "vendor_batch", "procore", "{}", {"1 fp"});
    const auto sent =
        postings.record_pending("vendor_batch:b", "vendor_batch", "procore", "{}", {"2 fp"});
    postings.mark_sent(sent.id);
    // Refused before acting (429): pending again, the attempt not counted.
    const auto refused =
        postings.record_pending("vendor_batch:c", "vendor_batch", "procore", "{}", {"3 fp"});
    postings.mark_sent(refused.id);
    postings.mark_unsent(refused.id, "HTTP 429");
    CHECK(postings.find(refused.id)->attempts == 0);
    CHECK(postings.find(refused.id)->status == "pending");

    CHECK(postings.supersede_unsent({"vendor_batch"}) == 2);
    CHECK(postings.find(unsent.id)->status == "superseded");
    CHECK(postings.find(sent.id)->status == "sent"); // may have reached Procore: never dropped
    // The same content planned again: the never-sent row is pending again, not a second row.
    const auto reopened =
        postings.record_pending("vendor_batch:a", "vendor_batch", "procore", "{}", {"1 fp"});
    CHECK(reopened.id == unsent.id);
    CHECK(reopened.status == "pending");

    // A record's failed versions are superseded once a newer one is applied.
    const auto v1 = postings.record_pending("vendor:7:aaaa", "vendor", "procore", "{}", {"7 a"});
    postings.mark_sent(v1.id);
    postings.mark_failed(v1.id, "data", "country_code: is invalid");
    const auto other = postings.record_pending("vendor:77:bbbb", "vendor", "procore", "{}", {});
    postings.mark_sent(other.id);
    postings.mark_failed(other.id, "data", "name: blank");
    CHECK(postings.supersede_failed("vendor", "7", "applied later") == 1);
    CHECK(postings.find(v1.id)->status == "superseded");
    CHECK(postings.find(other.id)->status == "failed"); // "77" is not "7"
    // A superseded posting that was sent is not reopened by its key.
    CHECK(postings.record_pending("vendor:7:aaaa", "vendor", "procore", "{}", {}).status
          == "superseded");
}

TEST_CASE("a posting may not reference a run that does not exist", "[store]")
{
    mlc::test::TempDir dir;
    mlc::store::Database db(dir.path() / "state.db");
    mlc::store::Postings postings(db);
    CHECK_THROWS_AS(postings.record_pending("k:1", "journal", "oracle", "{}", {}, 424242),
                    mlc::store::StoreError);
}
