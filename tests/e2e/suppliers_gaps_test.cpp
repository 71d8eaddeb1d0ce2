// Suppliers -> vendors end to end, for what the first version of the pass missed: inactive
// Procore vendors in the matching index, an InactiveDate that comes with no other change, and
// ambiguous matches listed and audited in full.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/json.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/retries.hpp"
#include "support/e2e_env.hpp"
#include "sync/engine/connections.hpp"
#include "sync/passes/sync_suppliers.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace suppliers_gaps_test {

using namespace mlc;

namespace {

const std::string k_suppliers_path = "/fscmRestApi/resources/11.13.18.05/suppliers";

sim::SimOptions options(int suppliers)
{
    auto o = test::E2eEnv::default_options();
    o.suppliers = suppliers;
    o.accounts = 5;
    return o;
}

// sync-suppliers --vendors-only --json: the exit code checked, the vendors part returned.
json::Document vendor_pass(test::E2eEnv& env, int expected_exit = 0)
{
    const auto r = env.run({"sync-suppliers", "--vendors-only", "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == expected_exit);
    auto doc = json::parse(r.out);
    REQUIRE(doc.has_value());
    json::Document part;
    part.CopyFrom((*doc)["vendors"], part.GetAllocator());
    return part;
}

json::Document sim_data(test::E2eEnv& env, bool oracle, const std::string& collection)
{
    auto doc = json::parse(oracle ? env.oracle_admin("GET", "/_sim/data/" + collection)
                                  : env.procore_admin("GET", "/_sim/data/" + collection));
    REQUIRE(doc.has_value());
    return std::move(*doc);
}

struct Vendor {
    std::int64_t id = 0;
    std::string name;
    bool active = true;
};

// Procore vendors (not deleted) by origin_id; "" collects the ones without.
std::multimap<std::string, Vendor> vendors_by_origin(test::E2eEnv& env)
{
    std::multimap<std::string, Vendor> out;
    const auto doc = sim_data(env, false, "vendors");
    for (const auto& v : doc.GetArray()) {
        if (v.HasMember("deleted_at") && !v["deleted_at"].IsNull()) {
            continue;
        }
        out.emplace(json::get_string(v, "origin_id").value_or(""),
                    Vendor{*json::get_id(v, "id"), json::get_string(v, "name").value_or(""),
                           json::get_bool(v, "is_active").value_or(true)});
    }
    return out;
}

std::vector<std::int64_t> supplier_ids(test::E2eEnv& env)
{
    std::vector<std::int64_t> ids;
    const auto doc = sim_data(env, true, "suppliers");
    for (const auto& s : doc.GetArray()) {
        ids.push_back(*json::get_id(s, "SupplierId"));
    }
    return ids;
}

void oracle_update(test::E2eEnv& env, std::int64_t id, const std::string& fields)
{
    env.oracle_admin(
        "POST", "/_sim/mutate",
        fmt::format(R"({{"op":"update","collection":"suppliers","id":{},"fields":{}}})", id,
                    fields));
}

std::int64_t procore_create_vendor(test::E2eEnv& env, const std::string& name)
{
    const auto created = json::parse(env.procore_admin(
        "POST", "/_sim/mutate",
        fmt::format(R"({{"op":"create","collection":"vendors","fields":{{"name":"{}"}}}})", name)));
    REQUIRE(created.has_value());
    return *json::get_id(*created, "id");
}

std::int64_t n(const json::Document& part, const char* group, const char* what)
{
    return part[group][what].GetInt64();
}

} // namespace

TEST_CASE("an inactive vendor that carries our origin_id is linked after lost state, not "
          "created again, and a hand-made inactive vendor is matched by name",
          "[e2e][suppliers][gaps]")
{
    test::E2eEnv env(options(30));
    env.write_config();
    const auto ids = supplier_ids(env);
    // A hand-made vendor, made inactive, for a supplier with the same name.
    oracle_update(env, ids.at(5), R"({"Supplier":"Zebra Quarry Works"})");
    const auto handmade = procore_create_vendor(env, "Zebra Quarry Works, LLC");
    env.procore_admin(
        "POST", "/_sim/mutate",
        fmt::format(R"({{"op":"deactivate","collection":"vendors","id":{}}})", handmade));

    const auto first = vendor_pass(env);
    CHECK(n(first, "applied", "failed") == 0);
    auto vendors = vendors_by_origin(env);
    const auto zebra = vendors.equal_range(std::to_string(ids.at(5)));
    REQUIRE(std::distance(zebra.first, zebra.second) == 1);
    CHECK(zebra.first->second.id == handmade); // linked, not a second "Zebra Quarry Works"

    // Another supplier goes inactive; its vendor follows.
    oracle_update(env, ids.at(7), R"({"Status":"INACTIVE","InactiveDate":"2020-01-01"})");
    vendor_pass(env);
    REQUIRE_FALSE(vendors_by_origin(env).find(std::to_string(ids.at(7)))->second.active);

    // The state is lost. Every supplier's vendor, active or not, is found and linked.
    std::filesystem::remove_all(env.state_path().parent_path());
    const auto before = vendors_by_origin(env).size();
    env.procore_admin("POST", "/_sim/stats/reset");
    const auto rerun = vendor_pass(env);
    CHECK(n(rerun, "planned", "create") == 0);
    CHECK(n(rerun, "applied", "created") == 0);
    CHECK(n(rerun, "applied", "linked") == static_cast<std::int64_t>(ids.size()));
    CHECK(vendors_by_origin(env).size() == before);
    // One listing of each kind, and only because links were missing.
    CHECK(env.sims().procore().stats().count("GET", "/rest/v1.0/companies/{id}/vendors/inactive")
          == 1);

    // With links in place, nothing is listed at all.
    env.procore_admin("POST", "/_sim/stats/reset");
    vendor_pass(env);
    CHECK(env.sims().procore().stats().count("GET", "/rest/v1.0/companies/{id}/vendors/inactive")
          == 0);
    CHECK(env.sims().procore().stats().count("GET", "/rest/v1.0/vendors") == 0);
}

TEST_CASE("a supplier whose InactiveDate comes with no other change turns its vendor inactive "
          "on that day, re-reading only that supplier",
          "[e2e][suppliers][gaps]")
{
    test::E2eEnv env(options(20));
    env.write_config();
    const auto& o = env.sims().options();
    ::setenv("ML_CONNECTOR_ORACLE_CLIENT_SECRET", o.oracle_client_secret.c_str(), 1);
    ::setenv("ML_CONNECTOR_PROCORE_CLIENT_SECRET", o.procore_client_secret.c_str(), 1);
    const Config config = load_config(env.config_path());

    FakeClock clock(system_clock().now());
    auto day = [&](int days) {
        return format_iso8601(clock.now() + std::chrono::hours{24 * days}).substr(0, 10);
    };
    const auto ids = supplier_ids(env);
    const std::int64_t leaving = ids.at(4);
    const std::string inactive_on = day(3);
    oracle_update(env, leaving,
                  fmt::format(R"({{"Status":"ACTIVE","InactiveDate":"{}"}})", inactive_on));

    passes::SyncSuppliersOptions pass;
    pass.cost_codes = false;
    auto run = [&] {
        engine::Connections connections(config, clock);
        env.oracle_admin("POST", "/_sim/stats/reset");
        auto result = passes::run_sync_suppliers(config, connections, clock, pass);
        REQUIRE(result.exit_code == ExitCode::ok);
        REQUIRE(result.flows.size() == 1);
        return result.flows[0];
    };
    auto vendor_active = [&] {
        return vendors_by_origin(env).find(std::to_string(leaving))->second.active;
    };

    run();
    CHECK(vendor_active()); // not yet
    {
        store::Database db(config.state.path);
        const auto due = store::Retries(db).all("oracle.suppliers");
        REQUIRE(due.size() == 1);
        CHECK(due[0].record_key == std::to_string(leaving));
        CHECK(due[0].reason == "InactiveDate");
        CHECK(due[0].due_at == inactive_on + "T00:00:00Z");
    }

    // A day later nothing is due: one GET, as any pass with nothing changed.
    clock.advance(std::chrono::hours{24});
    auto quiet = run();
    CHECK(quiet.read == 0);
    CHECK(env.sims().oracle().stats().count("GET", k_suppliers_path) == 1);
    CHECK(vendor_active());

    // The day has come (and gone): the supplier is re-read by id and its vendor turns inactive.
    clock.advance(std::chrono::hours{24 * 3});
    auto due = run();
    CHECK(due.read == 1);
    CHECK(due.planned["update"] == 1);
    CHECK(due.updated == 1);
    CHECK(env.sims().oracle().stats().count("GET", k_suppliers_path) == 2);
    CHECK_FALSE(vendor_active());
    {
        store::Database db(config.state.path);
        CHECK(store::Retries(db).all("oracle.suppliers").empty());
    }

    // And then it is done: nothing re-read, nothing written.
    auto after = run();
    CHECK(after.read == 0);
    CHECK(after.write_calls == 0);
    CHECK(env.sims().oracle().stats().count("GET", k_suppliers_path) == 1);
}

TEST_CASE("every ambiguous vendor match is listed and audited, and the pass still exits 0",
          "[e2e][suppliers][gaps]")
{
    test::E2eEnv env(options(20));
    env.write_config();
    const auto ids = supplier_ids(env);
    constexpr int k_ambiguous = 7; // more than the sample rows shown per action (5)
    for (int i = 0; i < k_ambiguous; ++i) {
        const std::string name = fmt::format("Twofold Masonry {}", static_cast<char>('A' + i));
        oracle_update(env, ids.at(static_cast<std::size_t>(i)),
                      fmt::format(R"({{"Supplier":"{}"}})", name));
        procore_create_vendor(env, name);
        procore_create_vendor(env, name + " Inc.");
    }
    const auto pass = vendor_pass(env, 0);
    CHECK(n(pass, "planned", "ambiguous") == k_ambiguous);
    REQUIRE(pass["attention"].Size() == static_cast<rapidjson::SizeType>(k_ambiguous));
    for (const auto& row : pass["attention"].GetArray()) {
        CHECK(std::string(row["action"].GetString()) == "ambiguous");
        CHECK(std::string(row["name"].GetString()).starts_with("Twofold Masonry"));
    }
    CHECK(pass["samples"]["ambiguous"].Size() == 5);
    // Left alone: no vendor got one of these origin_ids.
    const auto vendors = vendors_by_origin(env);
    for (int i = 0; i < k_ambiguous; ++i) {
        CHECK(vendors.count(std::to_string(ids.at(static_cast<std::size_t>(i)))) == 0);
    }
    {
        store::Database db(env.state_path());
        store::AuditLog audit(db);
        store::AuditLog::Filter f;
        f.action = "ambiguous";
        f.limit = 0;
        CHECK(audit.query(f).size() == static_cast<std::size_t>(k_ambiguous));
        // Waiting on a person, not on Oracle: each is re-read daily until it is linked.
        const auto queued = store::Retries(db).all("oracle.suppliers", "ambiguous");
        CHECK(queued.size() == static_cast<std::size_t>(k_ambiguous));
    }
    // The text summary names every one of them, not "… and 2 more".
    const auto text = env.run({"sync-suppliers", "--vendors-only", "--dry-run", "--full"});
    CHECK(text.exit_code == 0);
    INFO(text.out);
    for (int i = 0; i < k_ambiguous; ++i) {
        CHECK(text.out.find(fmt::format("Twofold Masonry {}", static_cast<char>('A' + i)))
              != std::string::npos);
    }
}

} // namespace suppliers_gaps_test
