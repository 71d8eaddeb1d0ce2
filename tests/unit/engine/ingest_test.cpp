// ingest_spool against a real temp spool and state database: v2 and v4 payloads, exact ids,
// duplicates counted once, echoes, unrouted resources, corrupt files rejected and audited, a
// crash between commit and move re-ingested harmlessly, and pruning of done/ by retention.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "spool/spool.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/inbox.hpp"
#include "sync/engine/ingest.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>

namespace engine_ingest_test {

namespace fs = std::filesystem;
using mlc::engine::ingest_spool;
using mlc::engine::IngestOptions;

namespace {

struct World {
    fs::path dir;
    mlc::Config config;
    mlc::FakeClock clock;
    std::unique_ptr<mlc::store::Database> db;
    std::unique_ptr<mlc::store::AuditLog> audit;

    World()
    {
        std::string tmpl = (fs::temp_directory_path() / "mlc-ingest-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        dir = tmpl;
        config.procore.client_id = "our-client-id";
        config.procore.company_id = 42;
        config.state.path = dir / "state.db";
        config.state.spool_dir = dir / "spool";
        db = std::make_unique<mlc::store::Database>(config.state.path, clock);
        audit = std::make_unique<mlc::store::AuditLog>(*db, clock);
        mlc::spool::ensure_layout(config.state.spool_dir);
    }
    ~World()
    {
        audit.reset();
        db.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    std::string spool(const std::string& body)
    {
        mlc::spool::SpoolWriter writer(config.state.spool_dir);
        auto name = writer.write(body, clock.now());
        REQUIRE(name.has_value());
        clock.advance(std::chrono::milliseconds{1});
        return *name;
    }

    mlc::engine::IngestSummary ingest()
    {
        return ingest_spool(config, *db, *audit, IngestOptions{.command = "ingest", .run_id = {}},
                            clock);
    }

    std::size_t count(const char* sub) const
    {
        std::size_t n = 0;
        for (const auto& e : fs::directory_iterator(config.state.spool_dir / sub)) {
            n += e.path().extension() == ".json" ? 1U : 0U;
        }
        return n;
    }
};

std::string v2_event(const std::string& id, const std::string& ulid, const std::string& resource,
                     const std::string& resource_id, const std::string& app = "null")
{
    return fmt::format(
        R"({{"id":{},{}"timestamp":"2025-02-06T23:34:12.246562Z","metadata":{{"source_user_id":1,)"
        R"("source_project_id":7,"source_operation_id":null,"source_company_id":42,)"
        R"("source_application_id":{}}},"user_id":1,"company_id":42,"project_id":7,)"
        R"("api_version":"v2.0","event_type":"update","resource_name":"{}","resource_id":{}}})",
        id, ulid.empty() ? "" : "\"ulid\":\"" + ulid + "\",", app, resource, resource_id);
}

} // namespace

TEST_CASE("owning_pass routes resources to the pass that consumes them", "[sync][ingest]")
{
    using mlc::engine::owning_pass;
    CHECK(owning_pass("Purchase Order Contracts") == "pull-pos");
    CHECK(owning_pass("Requisitions") == "pull-pos");
    CHECK(owning_pass("Direct Costs") == "post-costs");
    CHECK(owning_pass("Change Order Packages") == "post-costs");
    CHECK(owning_pass("Direct Cost Line Items") == "post-costs");
    CHECK(owning_pass("Commitment Change Orders").empty()); // not a webhook resource
    CHECK(owning_pass("Company Vendors") == "sync-suppliers");
    CHECK(owning_pass("RFIs").empty());
    CHECK(owning_pass("direct costs").empty()); // exact names only
    CHECK(mlc::engine::resources_of_pass("post-costs")
          == std::vector<std::string>{"Direct Costs", "Direct Cost Line Items",
                                      "Change Order Packages"});
    CHECK(owning_pass("Work Order Contracts") == "pull-pos");
    CHECK(mlc::engine::consumed_resources().size() == 7);
}

TEST_CASE("ingest inserts v2 and v4 events, keeps ids exact and moves files to done/",
          "[sync][ingest]")
{
    World w;
    // v2 without ulid: the event id is the numeric id, beyond 2^53, kept as text.
    w.spool(v2_event("5982324300946918154", "", "Direct Costs", "9007199254740993"));
    w.spool(R"({"id":"01JKB5ZQ3V4W5X6Y7Z8A9B0C1D","timestamp":"2025-02-06T23:34:12Z",)"
            R"("reason":"create","company_id":"42","project_id":"7","user_id":"1",)"
            R"("resource_type":"Requisitions","resource_id":"18446744073709551615"})");
    const auto s = w.ingest();
    CHECK(s.files == 2);
    CHECK(s.inserted == 2);
    CHECK(s.duplicates == 0);
    CHECK(s.rejected == 0);
    CHECK(s.by_pass.at("post-costs") == 1);
    CHECK(s.by_pass.at("pull-pos") == 1);
    CHECK(w.count("new") == 0);
    CHECK(w.count("done") == 2);

    mlc::store::Inbox inbox(*w.db);
    auto v2 = inbox.find("5982324300946918154");
    REQUIRE(v2);
    CHECK(v2->resource_id == "9007199254740993");
    CHECK(v2->status == "new");
    CHECK(v2->project_id == std::optional<std::string>("7"));
    CHECK(v2->payload.find("5982324300946918154") != std::string::npos);
    auto v4 = inbox.find("01JKB5ZQ3V4W5X6Y7Z8A9B0C1D");
    REQUIRE(v4);
    CHECK(v4->resource_name == "Requisitions");
    CHECK(v4->event_type == "create");
    CHECK(v4->resource_id == "18446744073709551615");

    // One audit row per event, action read.
    mlc::store::AuditLog::Filter f;
    f.record_kind = "webhook";
    f.action = "read";
    CHECK(w.audit->query(f).size() == 2);
    CHECK(w.audit->verify().ok);
}

TEST_CASE("a duplicate delivery counts once, also across runs", "[sync][ingest]")
{
    World w;
    const auto body = v2_event("100", "01AAAAAAAAAAAAAAAAAAAAAAAA", "Direct Costs", "5");
    w.spool(body);
    w.spool(body); // Procore delivered it twice
    w.spool(v2_event("101", "01AAAAAAAAAAAAAAAAAAAAAAAB", "Direct Costs", "5"));
    auto s = w.ingest();
    CHECK(s.files == 3);
    CHECK(s.inserted == 2);
    CHECK(s.duplicates == 1);
    CHECK(w.count("done") == 3);

    w.spool(body); // and once more, a day later
    s = w.ingest();
    CHECK(s.inserted == 0);
    CHECK(s.duplicates == 1);
    mlc::store::Inbox inbox(*w.db);
    CHECK(inbox.list("new", {"Direct Costs"}).size() == 2);
}

TEST_CASE("a crash between the commit and the move re-ingests without a second row",
          "[sync][ingest]")
{
    World w;
    const auto name = w.spool(v2_event("7", "01BBBBBBBBBBBBBBBBBBBBBBBB", "Requisitions", "9"));
    REQUIRE(w.ingest().inserted == 1);
    // As if the process died after the commit: the file is back in new/.
    fs::rename(w.config.state.spool_dir / "done" / name, w.config.state.spool_dir / "new" / name);
    const auto s = w.ingest();
    CHECK(s.inserted == 0);
    CHECK(s.duplicates == 1);
    CHECK(w.count("new") == 0);
    CHECK(mlc::store::Inbox(*w.db).counts().at(0).count == 1);
}

TEST_CASE("our own writes are echoes and unconsumed resources are ignored", "[sync][ingest]")
{
    World w;
    w.spool(
        v2_event("1", "01CCCCCCCCCCCCCCCCCCCCCCC1", "Company Vendors", "3", R"("our-client-id")"));
    w.spool(
        v2_event("2", "01CCCCCCCCCCCCCCCCCCCCCCC2", "Company Vendors", "3", R"("someone-else")"));
    w.spool(v2_event("3", "01CCCCCCCCCCCCCCCCCCCCCCC3", "RFIs", "4"));
    const auto s = w.ingest();
    CHECK(s.inserted == 3);
    CHECK(s.echoes == 1);
    CHECK(s.ignored == 1);
    CHECK(s.by_pass.at("sync-suppliers") == 1);
    mlc::store::Inbox inbox(*w.db);
    CHECK(inbox.find("01CCCCCCCCCCCCCCCCCCCCCCC1")->status == "echo");
    CHECK(inbox.find("01CCCCCCCCCCCCCCCCCCCCCCC2")->status == "new");
    CHECK(inbox.find("01CCCCCCCCCCCCCCCCCCCCCCC3")->status == "ignored");
    mlc::store::AuditLog::Filter f;
    f.record_kind = "webhook";
    f.action = "skipped";
    CHECK(w.audit->query(f).size() == 2);
}

TEST_CASE("corrupt spool files go to rejected/ with their reason and an audit row",
          "[sync][ingest]")
{
    World w;
    const auto bad_json = w.spool("{\"id\": 12, ");
    const auto no_resource = w.spool(R"({"id":12,"event_type":"update","resource_name":"RFIs"})");
    w.spool(v2_event("13", "", "Direct Costs", "1"));
    const auto s = w.ingest();
    CHECK(s.files == 3);
    CHECK(s.rejected == 2);
    CHECK(s.inserted == 1);
    CHECK(w.count("rejected") == 2);
    CHECK(w.count("done") == 1);
    std::ifstream reason(w.config.state.spool_dir / "rejected" / (no_resource + ".reason"));
    std::string text;
    std::getline(reason, text);
    CHECK(text.find("resource_id") != std::string::npos);
    CHECK(fs::exists(w.config.state.spool_dir / "rejected" / bad_json));

    mlc::store::AuditLog::Filter f;
    f.record_kind = "webhook";
    f.action = "rejected";
    const auto rows = w.audit->query(f);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].message->find(bad_json) != std::string::npos);
    CHECK(rows[1].message->find("resource_id") != std::string::npos);
}

TEST_CASE("done/ is pruned after the retention, an empty spool is a no-op", "[sync][ingest]")
{
    World w;
    CHECK(w.ingest().files == 0);
    w.config.webhooks.spool_retention_days = 2;
    w.spool(v2_event("1", "", "Direct Costs", "1"));
    CHECK(w.ingest().pruned == 0);
    CHECK(w.count("done") == 1);
    w.clock.advance(std::chrono::hours{24 * 2 + 1});
    CHECK(w.ingest().pruned == 1);
    CHECK(w.count("done") == 0);
    // The inbox keeps the event: pruning only drops the file.
    CHECK(mlc::store::Inbox(*w.db).find("1").has_value());
}

TEST_CASE("every pass takes the spool in first, under its run id, a dry run takes nothing",
          "[sync][ingest]")
{
    World w;
    w.spool(v2_event("1", "", "Direct Costs", "1"));
    {
        mlc::engine::PassRun dry(w.config, "post-costs", /*dry_run=*/true, w.clock);
        CHECK(dry.ingested().files == 0);
        CHECK(ingest_spool(w.config, dry, w.clock).files == 0);
    }
    CHECK(w.count("new") == 1);
    mlc::engine::PassRun run(w.config, "post-costs", /*dry_run=*/false, w.clock);
    CHECK(run.ingested().inserted == 1);
    CHECK(w.count("new") == 0);
    CHECK(ingest_spool(w.config, run, w.clock).files == 0);
    mlc::store::AuditLog::Filter f;
    f.record_kind = "webhook";
    const auto rows = run.audit().query(f);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].command == "post-costs");
    CHECK(rows[0].run_id == run.run_id());
    run.finish(mlc::ExitCode::ok, "{}");
}

TEST_CASE("to_text and to_json summarise an ingest", "[sync][ingest]")
{
    mlc::engine::IngestSummary s;
    s.files = 4;
    s.inserted = 3;
    s.duplicates = 1;
    s.echoes = 1;
    s.by_pass["post-costs"] = 2;
    CHECK(mlc::engine::to_text(s)
          == "ingest: 4 files, 2 new (post-costs 2), 1 duplicate, 1 echo, 0 ignored, 0 rejected");
    CHECK(mlc::engine::to_json(s).find(R"("by_pass":{"post-costs":2})") != std::string::npos);
}

} // namespace engine_ingest_test
