// The metrics file: exposition-format text (escaping, HELP/TYPE), what is read from the state
// (last run per command, records per flow, postings by state, inbox, spool, the oldest event
// waiting) and the atomic write.
#include "core/clock.hpp"
#include "spool/spool.hpp"
#include "store/database.hpp"
#include "store/inbox.hpp"
#include "store/postings.hpp"
#include "store/runs.hpp"
#include "support/prometheus_text.hpp"
#include "support/temp_dir.hpp"
#include "sync/engine/metrics.hpp"

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace engine_metrics_test {

namespace fs = std::filesystem;
using mlc::engine::ApiObservations;
using mlc::engine::MetricFamily;
using mlc::test::parse_prometheus_text;

TEST_CASE("metrics render as exposition format with escaped label values", "[engine][metrics]")
{
    CHECK(mlc::engine::escape_label_value(R"(a"b\c)"
                                          "\nd")
          == R"(a\"b\\c\nd)");
    std::vector<MetricFamily> families{
        {"ml_connector_x",
         "gauge",
         "Help with a \\ backslash\nand a newline.",
         {{{{"endpoint", "/a\"b\\c\nd"}, {"status", "200"}}, 3}, {{}, 1.5}}},
        {"ml_connector_empty", "gauge", "No samples.", {}}};
    const std::string text = mlc::engine::render_metrics(families);
    CHECK(text
          == "# HELP ml_connector_x Help with a \\\\ backslash\\nand a newline.\n"
             "# TYPE ml_connector_x gauge\n"
             "ml_connector_x{endpoint=\"/a\\\"b\\\\c\\nd\",status=\"200\"} 3\n"
             "ml_connector_x 1.5\n"
             "# HELP ml_connector_empty No samples.\n"
             "# TYPE ml_connector_empty gauge\n");
    const auto parsed = parse_prometheus_text(text);
    REQUIRE(parsed.error.empty());
    REQUIRE(parsed.samples.size() == 2);
    CHECK(parsed.samples[0].labels.at("endpoint") == "/a\"b\\c\nd");
}

TEST_CASE("metrics are read from the state, the spool and what the pass saw", "[engine][metrics]")
{
    mlc::test::TempDir dir("mlc-metrics");
    mlc::FakeClock clock;
    mlc::store::Database db(dir.path() / "state.db", clock);

    // Two runs of sync-suppliers (the last one counts) and a pull-pos killed mid-way.
    const auto first = mlc::store::begin_run(db, "sync-suppliers");
    mlc::store::finish_run(db, first, 3, R"({"error":"unreachable"})");
    clock.advance(std::chrono::seconds{60});
    const auto second = mlc::store::begin_run(db, "sync-suppliers");
    clock.advance(std::chrono::seconds{7});
    mlc::store::finish_run(
        db, second, 1,
        R"({"command":"sync-suppliers","vendors":{"read":12,"applied":{"created":3,"updated":2,"linked":1,"retired":0,"failed":2}},"cost_codes":{"skipped":"no mapping","read":0,"applied":{"created":0,"updated":0,"linked":0,"retired":0,"failed":0}},"api_calls":{"GET /suppliers":2}})");
    const auto killed = mlc::store::begin_run(db, "pull-pos");
    mlc::store::mark_interrupted_runs(db, 0);
    (void)killed;

    mlc::store::Postings postings(db);
    const auto p1 = postings.record_pending("vendor:1:a", "vendors_batch", "procore", "{}", {"1"});
    postings.mark_sent(p1.id);
    postings.mark_failed(p1.id, "data", "refused");
    postings.record_pending("vendor:2:a", "vendors_batch", "procore", "{}", {"2"});

    // An event waiting in the inbox since 10 minutes ago, one in the spool since 5.
    const auto now = clock.now();
    mlc::store::InboxEvent event;
    event.event_id = "e1";
    event.resource_name = "Purchase Order Contracts";
    event.event_type = "update";
    event.resource_id = "9";
    event.received_at = mlc::format_iso8601(now - std::chrono::minutes{10});
    event.payload = "{}";
    REQUIRE(mlc::store::Inbox(db).insert(event));
    mlc::spool::SpoolWriter writer(dir.path() / "spool");
    REQUIRE(writer.write(R"({"id":1})", now - std::chrono::minutes{5}).has_value());

    ApiObservations api;
    api.calls[{"GET /suppliers", "200"}] = 2;
    api.calls[{"PATCH /rest/v1.0/vendors/sync", "429"}] = 1;
    api.calls[{"PATCH /rest/v1.0/vendors/sync", "transport"}] = 1;
    api.procore_rate_limit = mlc::http::RateLimit{3600, 3590, 1'800'003'600};

    const auto text = mlc::engine::render_metrics(
        mlc::engine::collect_metrics(db, dir.path() / "spool", "sync-suppliers", api, now));
    INFO(text);
    const auto m = parse_prometheus_text(text);
    REQUIRE(m.error.empty());
    const auto value = [&m](const std::string& name,
                            const std::map<std::string, std::string>& labels = {}) {
        const auto found = m.find(name, labels);
        REQUIRE(found.size() == 1);
        return found.front().value;
    };

    CHECK(value("ml_connector_last_run_exit_code", {{"command", "sync-suppliers"}}) == 1);
    CHECK(value("ml_connector_last_run_duration_seconds", {{"command", "sync-suppliers"}}) == 7);
    CHECK(value("ml_connector_last_run_timestamp_seconds", {{"command", "sync-suppliers"}})
          == 1'800'000'067);
    CHECK(value("ml_connector_last_run_interrupted", {{"command", "sync-suppliers"}}) == 0);
    CHECK(value("ml_connector_last_run_interrupted", {{"command", "pull-pos"}}) == 1);
    CHECK(value("ml_connector_last_run_exit_code", {{"command", "pull-pos"}}) == -1);
    const auto records = [&](const char* flow, const char* outcome) {
        return value("ml_connector_last_run_records",
                     {{"command", "sync-suppliers"}, {"flow", flow}, {"outcome", outcome}});
    };
    CHECK(records("vendors", "read") == 12);
    CHECK(records("vendors", "written") == 6);
    CHECK(records("vendors", "failed") == 2);
    CHECK(records("cost_codes", "read") == 0);
    CHECK(m.find("ml_connector_last_run_records", {{"flow", "api_calls"}}).empty());
    CHECK(value("ml_connector_last_run_api_calls",
                {{"command", "sync-suppliers"}, {"method", "GET"}, {"endpoint", "/suppliers"}})
          == 2);

    CHECK(value("ml_connector_postings", {{"state", "failed"}}) == 1);
    CHECK(value("ml_connector_postings", {{"state", "pending"}}) == 1);
    CHECK(value("ml_connector_postings", {{"state", "confirmed"}}) == 0);
    CHECK(m.find("ml_connector_postings").size() == 6);

    CHECK(value("ml_connector_inbox_events", {{"status", "new"}}) == 1);
    CHECK(value("ml_connector_spool_files", {{"dir", "new"}}) == 1);
    CHECK(value("ml_connector_spool_files", {{"dir", "tmp"}}) == 0);
    CHECK(value("ml_connector_oldest_unprocessed_event_age_seconds") == 600);

    CHECK(value("ml_connector_api_calls", {{"command", "sync-suppliers"},
                                           {"method", "GET"},
                                           {"endpoint", "/suppliers"},
                                           {"status", "200"}})
          == 2);
    CHECK(value("ml_connector_api_calls",
                {{"endpoint", "/rest/v1.0/vendors/sync"}, {"status", "transport"}})
          == 1);
    CHECK(value("ml_connector_procore_rate_limit_remaining") == 3590);
    CHECK(value("ml_connector_procore_rate_limit_limit") == 3600);
    CHECK(value("ml_connector_procore_rate_limit_reset_timestamp_seconds") == 1'800'003'600);
    CHECK(value("ml_connector_metrics_timestamp_seconds", {{"command", "sync-suppliers"}})
          == 1'800'000'067);
}

TEST_CASE("metrics of an empty state: no spool, nothing waiting, no rate limit seen",
          "[engine][metrics]")
{
    mlc::test::TempDir dir("mlc-metrics");
    mlc::FakeClock clock;
    mlc::store::Database db(dir.path() / "state.db", clock);
    const auto text = mlc::engine::render_metrics(mlc::engine::collect_metrics(
        db, dir.path() / "no-spool", "ingest", ApiObservations{}, clock.now()));
    const auto m = parse_prometheus_text(text);
    REQUIRE(m.error.empty());
    CHECK(m.find("ml_connector_oldest_unprocessed_event_age_seconds").front().value == 0);
    CHECK(m.find("ml_connector_spool_files", {{"dir", "new"}}).front().value == 0);
    CHECK(m.find("ml_connector_api_calls").empty());
    CHECK(m.find("ml_connector_procore_rate_limit_remaining").empty());
    CHECK(!fs::exists(dir.path() / "no-spool"));
}

TEST_CASE("the metrics file is replaced atomically, readable by others, no temp file left",
          "[engine][metrics]")
{
    mlc::test::TempDir dir("mlc-metrics");
    const auto path = dir.path() / "ml-connector.prom";
    REQUIRE(mlc::engine::write_metrics_file(path, "a 1\n").has_value());
    REQUIRE(mlc::engine::write_metrics_file(path, "b 2\n").has_value());
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    CHECK(ss.str() == "b 2\n");
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) {
        ++files;
    }
    CHECK(files == 1);

    const auto missing = mlc::engine::write_metrics_file(dir.path() / "nope" / "x.prom", "c 3\n");
    REQUIRE(!missing.has_value());
    CHECK(missing.error().find("nope") != std::string::npos);
}

} // namespace engine_metrics_test
