// sync-suppliers end to end: the real ml-connector binary (and, for the crash test, the library
// pass with a transport that loses an answer) against the in-process simulators.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "http/transport.hpp"
#include "oracle_sim.hpp"
#include "procore_sim.hpp"
#include "simulators.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/links.hpp"
#include "store/lock.hpp"
#include "store/postings.hpp"
#include "store/runs.hpp"
#include "store/watermarks.hpp"
#include "support/e2e_env.hpp"
#include "sync/engine/connections.hpp"
#include "sync/passes/sync_suppliers.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace sync_suppliers_test {

using namespace mlc;
using test::E2eEnv;

namespace {

const std::string k_suppliers_path = "/fscmRestApi/resources/11.13.18.05/suppliers";

sim::SimOptions sim_options(int suppliers)
{
    auto o = E2eEnv::default_options();
    o.suppliers = suppliers;
    o.accounts = 20;
    o.projects = 1;
    o.commitments_per_project = 0;
    o.costs_per_project = 0;
    o.procore_spike_limit = 1'000'000;
    o.procore_hourly_limit = 1'000'000;
    return o;
}

// The shared e2e world with this flow's config (an empty mapping unless a test sets one, and
// fast retries) and readers for the suppliers and vendors the simulators hold.
class Env : public E2eEnv {
public:
    explicit Env(int suppliers) : E2eEnv(sim_options(suppliers)) { set_mapping("{}"); }

    void set_mapping(const std::string& mapping)
    {
        config_.extra_members = R"("mapping": )" + mapping;
        write_config(config_);
    }
    // The config as the binary sees it, for the tests that run the library in this process.
    Config config() const { return load_config(config_path()); }

    // Runs `sync-suppliers --vendors-only --json <extra>` and parses the summary.
    json::Document sync(const std::vector<std::string>& extra, int expect_exit)
    {
        std::vector<std::string> args{"sync-suppliers", "--vendors-only", "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_json(args, expect_exit);
    }

    std::int64_t supplier_gets() { return sims().oracle().stats().count("GET", k_suppliers_path); }
    std::int64_t vendor_syncs()
    {
        return sims().procore().stats().count("PATCH", "/rest/v1.0/vendors/sync");
    }

    struct VendorRow {
        std::int64_t id = 0;
        std::string name;
        std::string origin_id;
        bool is_active = true;
    };
    std::vector<VendorRow> vendors()
    {
        const auto doc = procore_data("vendors");
        std::vector<VendorRow> out;
        for (const auto& v : doc.GetArray()) {
            VendorRow row;
            row.id = v["id"].GetInt64();
            row.name = json::get_string(v, "name").value_or("");
            row.origin_id = json::get_string(v, "origin_id").value_or("");
            row.is_active = json::get_bool(v, "is_active").value_or(true);
            out.push_back(row);
        }
        return out;
    }
    std::map<std::string, VendorRow> vendors_by_origin()
    {
        std::map<std::string, VendorRow> out;
        for (auto& v : vendors()) {
            if (!v.origin_id.empty()) {
                REQUIRE(out.count(v.origin_id) == 0); // never two vendors for one supplier
                out[v.origin_id] = v;
            }
        }
        return out;
    }
    struct SupplierRow {
        std::int64_t id = 0;
        std::string name;
        std::string last_update;
        bool active = true;
    };
    std::vector<SupplierRow> suppliers()
    {
        const auto doc = oracle_data("suppliers");
        std::vector<SupplierRow> out;
        for (const auto& s : doc.GetArray()) {
            out.push_back({*json::get_id(s, "SupplierId"),
                           json::get_string(s, "Supplier").value_or(""),
                           json::get_string(s, "LastUpdateDate").value_or(""),
                           json::get_string(s, "Status").value_or("ACTIVE") == "ACTIVE"});
        }
        return out;
    }

private:
    test::ConfigOptions config_{.extra_members = {},
                                .procore_company_id = 0,
                                .http = R"("max_backoff_ms": 20, "max_attempts": 4)"};
};

std::int64_t planned(const json::Document& doc, const char* action)
{
    return doc["vendors"]["planned"][action].GetInt64();
}
std::int64_t applied(const json::Document& doc, const char* what)
{
    return doc["vendors"]["applied"][what].GetInt64();
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b)
{
    return (a + b - 1) / b;
}

} // namespace

TEST_CASE(
    "first sync creates one vendor per supplier within the call budget, a rerun writes nothing",
    "[e2e][suppliers]")
{
    constexpr int n = 1200;
    Env env(n);
    const auto pre_existing = env.vendors().size();

    auto first = env.sync({}, 0);
    CHECK(env.supplier_gets() <= ceil_div(n, 500) + 1);
    CHECK(env.vendor_syncs() <= ceil_div(n, 1000));
    CHECK(applied(first, "failed") == 0);
    CHECK(applied(first, "created") + applied(first, "linked") == n);

    // Every supplier has exactly one vendor, named as in Oracle; nothing was duplicated.
    const auto by_origin = env.vendors_by_origin();
    const auto suppliers = env.suppliers();
    REQUIRE(suppliers.size() == static_cast<std::size_t>(n));
    for (const auto& s : suppliers) {
        const auto it = by_origin.find(std::to_string(s.id));
        REQUIRE(it != by_origin.end());
        CHECK(it->second.name == s.name);
    }
    CHECK(env.vendors().size()
          == pre_existing + static_cast<std::size_t>(applied(first, "created")));

    // The state: one link per supplier, a watermark at the newest supplier, audit rows.
    {
        store::Database db(env.state_path());
        CHECK(store::Links(db).count("vendor") == n);
        auto wm = store::Watermarks(db).get("oracle.suppliers");
        REQUIRE(wm.has_value());
        std::string newest;
        for (const auto& s : suppliers) {
            newest = std::max(newest, s.last_update);
        }
        CHECK(wm->cursor_time == newest);
        store::AuditLog audit(db);
        store::AuditLog::Filter f;
        f.action = "created";
        f.limit = 0;
        CHECK(static_cast<std::int64_t>(audit.query(f).size()) == applied(first, "created"));
        CHECK(audit.verify().ok);
        CHECK(store::Postings(db).list_by_status("confirmed").size()
              == static_cast<std::size_t>(env.vendor_syncs()));
    }

    env.reset_stats();
    auto rerun = env.sync({}, 0);
    CHECK(env.procore_writes() == 0);
    CHECK(env.supplier_gets() <= 2);
    CHECK(planned(rerun, "create") == 0);
    CHECK(planned(rerun, "update") == 0);

    // The text form for people: counts and API calls.
    auto text = env.run({"sync-suppliers", "--vendors-only"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("suppliers -> vendors") != std::string::npos);
    CHECK(text.out.find("API calls:") != std::string::npos);
}

TEST_CASE("renamed, deactivated and reactivated suppliers update their vendors in one write",
          "[e2e][suppliers]")
{
    Env env(60);
    env.sync({}, 0);
    auto suppliers = env.suppliers();
    const auto a = suppliers.at(3).id;
    const auto b = suppliers.at(10).id;
    env.oracle_mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"fields":{{"Supplier":"Renamed Paving Group"}}}})",
        a));
    env.oracle_mutate(fmt::format(R"({{"op":"deactivate","collection":"suppliers","id":{}}})", b));

    env.reset_stats();
    auto second = env.sync({}, 0);
    CHECK(planned(second, "update") == 2);
    CHECK(env.vendor_syncs() == 1);
    auto vendors = env.vendors_by_origin();
    CHECK(vendors.at(std::to_string(a)).name == "Renamed Paving Group");
    CHECK_FALSE(vendors.at(std::to_string(b)).is_active);

    env.oracle_mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"fields":{{"Status":"ACTIVE","InactiveDate":null}}}})",
        b));
    env.reset_stats();
    auto third = env.sync({}, 0);
    CHECK(planned(third, "update") == 1);
    CHECK(env.vendor_syncs() == 1);
    CHECK(env.vendors_by_origin().at(std::to_string(b)).is_active);

    // The audit trail names both versions of the renamed supplier.
    store::Database db(env.state_path());
    store::AuditLog audit(db);
    store::AuditLog::Filter f;
    f.key = std::to_string(a);
    f.record_kind = "supplier";
    f.limit = 0;
    const auto rows = audit.query(f);
    REQUIRE(rows.size() >= 2);
    CHECK(rows.front().action == "created");
    const auto updated =
        std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.action == "updated"; });
    REQUIRE(updated != rows.end());
    CHECK(updated->before_fp == rows.front().after_fp);
    CHECK(updated->after_fp != rows.front().after_fp);
}

TEST_CASE("a pre-existing vendor is linked by name, an ambiguous one is reported and left alone",
          "[e2e][suppliers]")
{
    Env env(30);
    env.procore_mutate(
        R"({"op":"create","collection":"vendors","fields":{"name":"Northwind Paving, Inc.","city":"Reno"}})");
    env.procore_mutate(
        R"({"op":"create","collection":"vendors","fields":{"name":"Twin Peaks Drywall"}})");
    env.procore_mutate(
        R"({"op":"create","collection":"vendors","fields":{"name":"TWIN PEAKS DRYWALL LLC"}})");
    const auto northwind = env.oracle_mutate(
        R"({"op":"create","collection":"suppliers","fields":{"Supplier":"Northwind Paving LLC"}})");
    const auto twin = env.oracle_mutate(
        R"({"op":"create","collection":"suppliers","fields":{"Supplier":"Twin Peaks Drywall"}})");
    const auto northwind_id = *json::get_id(*json::parse(northwind), "SupplierId");
    const auto twin_id = *json::get_id(*json::parse(twin), "SupplierId");
    const auto before = env.vendors().size();

    auto doc = env.sync({}, 0);
    CHECK(planned(doc, "ambiguous") == 1);
    CHECK(applied(doc, "linked") >= 1);
    const auto& amb = doc["vendors"]["samples"]["ambiguous"];
    REQUIRE(amb.Size() == 1);
    CHECK(std::string(amb[0]["oracle_key"].GetString()) == std::to_string(twin_id));

    auto vendors = env.vendors();
    // Linked, not duplicated: the hand-made Northwind vendor now carries the SupplierId.
    int northwinds = 0;
    for (const auto& v : vendors) {
        if (v.name.find("Northwind") != std::string::npos) {
            ++northwinds;
            CHECK(v.origin_id == std::to_string(northwind_id));
        }
        if (v.name.find("win Peaks") != std::string::npos
            || v.name.find("WIN PEAKS") != std::string::npos) {
            CHECK(v.origin_id.empty()); // never guessed
        }
    }
    CHECK(northwinds == 1);
    CHECK(env.vendors_by_origin().count(std::to_string(twin_id)) == 0);
    CHECK(vendors.size() == before + static_cast<std::size_t>(applied(doc, "created")));
}

TEST_CASE("a per-item sync error is recorded, audited and queued, the pass goes on with exit 1",
          "[e2e][suppliers]")
{
    Env env(40);
    env.sync({}, 0);
    const auto bad = env.suppliers().at(5).id;
    const auto good = env.suppliers().at(6).id;
    env.oracle_mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"fields":{{"Supplier":"   "}}}})",
        bad));
    env.oracle_mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"fields":{{"Supplier":"Still Fine Builders"}}}})",
        good));

    auto doc = env.sync({}, 1);
    CHECK(applied(doc, "failed") == 1);
    CHECK(applied(doc, "updated") == 1);
    const auto& failures = doc["vendors"]["failures"];
    REQUIRE(failures.Size() == 1);
    CHECK(std::string(failures[0]["oracle_key"].GetString()) == std::to_string(bad));
    CHECK(std::string(failures[0]["message"].GetString()).find("blank") != std::string::npos);
    CHECK(env.vendors_by_origin().at(std::to_string(good)).name == "Still Fine Builders");

    store::Database db(env.state_path());
    const auto failed = store::Postings(db).list_by_status("failed");
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].source_key.find("vendor:" + std::to_string(bad)) == 0);
    CHECK(failed[0].last_error.value_or("").find("blank") != std::string::npos);
    store::AuditLog audit(db);
    store::AuditLog::Filter f;
    f.action = "failed";
    f.limit = 0;
    const auto rows = audit.query(f);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].oracle_key == std::to_string(bad));
    CHECK(rows[0].remote_status == 200);
}

TEST_CASE("429, 503 and 401 injected mid-pass: the pass still completes", "[e2e][suppliers]")
{
    constexpr int n = 1100;
    Env env(n);
    auto& of = env.sims().oracle().faults();
    auto& pf = env.sims().procore().faults();
    REQUIRE(of.add_json(R"({"path":"/suppliers$","status":503,"count":1})").empty());
    REQUIRE(
        of.add_json(R"({"path":"/suppliers$","status":429,"count":1,"retry_after":0})").empty());
    REQUIRE(of.add_json(R"({"path":"/suppliers$","status":401,"count":1})").empty());
    REQUIRE(pf.add_json(R"({"path":"/vendors/sync$","status":401,"count":1})").empty());
    REQUIRE(
        pf.add_json(R"({"path":"/vendors/sync$","status":429,"count":1,"retry_after":0})").empty());
    REQUIRE(pf.add_json(R"({"path":"/vendors/sync$","status":503,"count":1})").empty());

    auto doc = env.sync({}, 0);
    CHECK(applied(doc, "failed") == 0);
    CHECK(env.vendors_by_origin().size() >= static_cast<std::size_t>(n));
    // The faults were hit: more calls than the fault-free minimum.
    CHECK(env.supplier_gets() > ceil_div(n, 500));
    CHECK(env.vendor_syncs() > ceil_div(n, 1000));
}

namespace {

// The libcurl transport, except that from the `fail_from`-th vendors/sync on, the request is
// delivered but its answer is lost: the worst case (applied remotely, unknown locally).
class LosingTransport final : public http::Transport {
public:
    LosingTransport(std::unique_ptr<http::Transport> inner, int fail_from)
        : inner_(std::move(inner)), fail_from_(fail_from)
    {}
    http::Outcome perform(const http::Request& request) override
    {
        auto outcome = inner_->perform(request);
        if (request.method == "PATCH" && request.url.find("/vendors/sync") != std::string::npos
            && ++syncs_ >= fail_from_) {
            return http::TransportError{http::TransportErrorKind::dropped,
                                        "connection reset (test)"};
        }
        return outcome;
    }
    int syncs() const { return syncs_; }

private:
    std::unique_ptr<http::Transport> inner_;
    int fail_from_;
    std::atomic<int> syncs_{0};
};

} // namespace

TEST_CASE("a batch whose answer is lost stays sent, and the rerun confirms it by lookup without "
          "a second write",
          "[e2e][suppliers]")
{
    constexpr int n = 90;
    Env env(n);
    const auto config = env.config();
    // The pass runs in this process: it reads the client secrets from our environment.
    for (const auto& [name, value] : env.secret_env()) {
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    passes::SyncSuppliersOptions options;
    options.cost_codes = false;
    options.pass.batch_size = 25;
    options.pass.page_size = 20; // batches end mid-page, pages end mid-timestamp-cluster

    FakeClock clock;
    {
        auto transport = std::make_unique<LosingTransport>(
            http::make_curl_transport(engine::transport_options(config)), 2);
        engine::Connections connections(
            config, clock, http::make_curl_transport(engine::transport_options(config)),
            std::move(transport));
        CHECK_THROWS_AS(passes::run_sync_suppliers(config, connections, clock, options),
                        UnreachableError);
    }
    std::string first_cursor;
    {
        store::Database db(env.state_path());
        // Only the first batch is known applied: 25 links, the watermark at its last record.
        CHECK(store::Links(db).count("vendor") == 25);
        auto wm = store::Watermarks(db).get("oracle.suppliers");
        REQUIRE(wm.has_value());
        first_cursor = wm->cursor_time;
        const auto suppliers = env.suppliers();
        CHECK(first_cursor == suppliers.at(24).last_update);
        CHECK(wm->cursor_key == std::to_string(suppliers.at(24).id));
        // The second batch: sent, outcome unknown. Never marked failed, never resent blindly.
        const auto sent = store::Postings(db).list_by_status("sent");
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].kind == "vendor_batch");
        CHECK(sent[0].records.size() == 25);
        CHECK(store::Postings(db).list_by_status("failed").empty());
        // The run's row has the real exit code of a pass that could not reach Procore.
        const auto runs = store::recent_runs(db, 1);
        REQUIRE(runs.size() == 1);
        CHECK(runs[0].exit_code == 3);
    }
    // The second batch reached Procore before its answer was lost.
    CHECK(env.vendors_by_origin().size() == 50);

    // Rerun (the binary, as cron would): the lost batch is looked up (the listing includes
    // Procore's inactive vendors, which are kept apart) and confirmed, never sent again.
    std::int64_t lost_inactive = 0;
    const auto rows = env.suppliers();
    for (std::size_t i = 25; i < 50; ++i) {
        lost_inactive += rows[i].active ? 0 : 1;
    }
    CHECK(lost_inactive > 0); // the seed has some, so the inactive listing is exercised
    env.reset_stats();
    auto doc = env.sync({"--batch-size", "25", "--page-size", "20"}, 0);
    CHECK(doc["vendors"]["postings"]["resolved"].GetInt64() == 1);
    CHECK(doc["vendors"]["postings"]["lost"].GetInt64() == 0);
    CHECK(applied(doc, "linked") == 0);
    CHECK(applied(doc, "created") == n - 50);
    CHECK(env.vendor_syncs() == ceil_div(n - 50, 25)); // only the 40 never sent
    const auto by_origin = env.vendors_by_origin();
    CHECK(by_origin.size() == static_cast<std::size_t>(n)); // every supplier, once
    for (const auto& s : env.suppliers()) {
        CHECK(by_origin.count(std::to_string(s.id)) == 1);
    }
    store::Database db(env.state_path());
    CHECK(store::Links(db).count("vendor") == n);
    CHECK(store::Postings(db).list_by_status("sent").empty());
    auto wm = store::Watermarks(db).get("oracle.suppliers");
    REQUIRE(wm.has_value());
    CHECK(wm->cursor_time == env.suppliers().back().last_update);
    CHECK(store::AuditLog(db).verify().ok);
}

TEST_CASE("suppliers sharing a LastUpdateDate across a page boundary are all synced",
          "[e2e][suppliers]")
{
    constexpr int n = 80;
    Env env(n);
    const auto suppliers = env.suppliers();
    // Find a page size that splits a cluster of equal timestamps across two pages.
    int page = 0;
    for (int size = 3; size <= 12 && page == 0; ++size) {
        for (int i = size; i < n; i += size) {
            if (suppliers[static_cast<std::size_t>(i - 1)].last_update
                == suppliers[static_cast<std::size_t>(i)].last_update) {
                page = size;
                break;
            }
        }
    }
    REQUIRE(page > 0);
    auto doc = env.sync({"--page-size", std::to_string(page)}, 0);
    CHECK(doc["vendors"]["read"].GetInt64() == n);
    const auto by_origin = env.vendors_by_origin();
    for (const auto& s : suppliers) {
        CHECK(by_origin.count(std::to_string(s.id)) == 1);
    }
    // A supplier changed now lands after the watermark and is picked up by the next pass.
    env.oracle_mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"fields":{{"Supplier":"Tie Breaker Inc."}}}})",
        suppliers[0].id));
    auto again = env.sync({"--page-size", std::to_string(page)}, 0);
    CHECK(planned(again, "update") == 1);
}

TEST_CASE("a dry run (--dry-run) plans but writes nothing, remote or local", "[e2e][suppliers]")
{
    Env env(50);
    auto plan = env.sync({"--dry-run"}, 0);
    CHECK(plan["dry_run"].GetBool());
    CHECK(planned(plan, "create") + planned(plan, "link") == 50);
    CHECK(plan["vendors"]["samples"]["create"].Size() > 0);
    CHECK(env.procore_writes() == 0);
    {
        store::Database db(env.state_path());
        CHECK(store::Links(db).count("vendor") == 0);
        CHECK_FALSE(store::Watermarks(db).get("oracle.suppliers").has_value());
        CHECK(store::Postings(db).list_by_status("pending").empty());
        store::AuditLog audit(db);
        CHECK(audit.query({}).empty());
    }

    env.sync({}, 0);
    env.oracle_mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"fields":{{"Supplier":"Dry Run Only"}}}})",
        env.suppliers().at(1).id));
    std::string wm_before;
    {
        store::Database db(env.state_path());
        wm_before = store::Watermarks(db).get("oracle.suppliers")->cursor_time;
    }
    env.reset_stats();
    auto dry = env.sync({"--dry-run"}, 0);
    CHECK(planned(dry, "update") == 1);
    CHECK(env.procore_writes() == 0);
    store::Database db(env.state_path());
    CHECK(store::Watermarks(db).get("oracle.suppliers")->cursor_time == wm_before);
    CHECK(env.vendors_by_origin().at(std::to_string(env.suppliers().at(1).id)).name
          != "Dry Run Only");
}

TEST_CASE("sync-suppliers refuses bad options and a held lock", "[e2e][suppliers]")
{
    Env env(5);
    CHECK(env.run({"sync-suppliers", "--since", "yesterday", "--vendors-only"}).exit_code == 2);
    CHECK(env.run({"sync-suppliers", "--batch-size", "5000"}).exit_code == 2);
    CHECK(env.run({"sync-suppliers", "--full", "--since", "2026-01-01T00:00:00Z"}).exit_code == 2);
    const auto config = env.config();
    store::RunLock lock(config.state.path, "test");
    auto held = env.run({"sync-suppliers", "--vendors-only"});
    CHECK(held.exit_code == 4);
    CHECK(held.err.find("error:") != std::string::npos);
}

TEST_CASE("GL accounts become standard cost codes, a rerun writes nothing", "[e2e][suppliers]")
{
    Env env(5);
    env.set_mapping(
        R"({"cost_codes":{"natural_account_segment":3,"code_segments":[2,3],"account_types":["E"],"account_ranges":[["5000","5999"]]}})");
    const auto doc = env.run_json({"sync-suppliers", "--cost-codes-only", "--json"}, 0);
    const auto created = doc["cost_codes"]["applied"]["created"].GetInt64();
    CHECK(created > 0);
    CHECK(doc["cost_codes"]["planned"]["filtered"].GetInt64() > 0);
    CHECK(env.sims().procore().stats().count("PATCH", "/rest/v1.0/standard_cost_codes/sync") == 1);

    // Every published code carries its combination id; none outside the 5000-5999 range.
    const auto codes = env.procore_data("standard_cost_codes");
    std::int64_t ours = 0;
    for (const auto& c : codes.GetArray()) {
        const auto origin = json::get_string(c, "origin_id").value_or("");
        if (origin.empty()) {
            continue;
        }
        ++ours;
        const auto code = json::get_string(c, "code").value_or("");
        const auto natural = code.substr(code.find('-') + 1);
        CHECK(natural >= "5000");
        CHECK(natural <= "5999");
    }
    CHECK(ours == created);

    env.reset_stats();
    auto again = env.run({"sync-suppliers", "--cost-codes-only", "--json"});
    CHECK(again.exit_code == 0);
    CHECK(env.procore_writes() == 0);

    env.set_mapping(R"({"cost_codes":{"natural_account_segment":"nope"}})");
    auto bad = env.run({"sync-suppliers", "--cost-codes-only"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("/mapping/cost_codes/natural_account_segment") != std::string::npos);
}

} // namespace sync_suppliers_test
