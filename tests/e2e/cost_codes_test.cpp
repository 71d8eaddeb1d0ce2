// GL accounts -> standard cost codes end to end (the real binary against the simulators): the
// compound cursor, the list-creating POST that must never make a second list, and a published
// code whose combination is disabled later.
#include "core/json.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/postings.hpp"
#include "store/watermarks.hpp"
#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace cost_codes_test {

using namespace mlc;

namespace {

const std::string k_accounts_path = "/fscmRestApi/resources/11.13.18.05/accountCombinationsLOV";

sim::SimOptions options()
{
    auto o = test::E2eEnv::default_options();
    o.suppliers = 5;
    o.accounts = 20; // the seed stamps combinations four at a time: clusters share a stamp
    return o;
}

void configure(test::E2eEnv& env, const std::string& list_name = "")
{
    env.write_config(fmt::format(
        R"("mapping": {{"cost_codes": {{"natural_account_segment": 3, "code_segments": [2, 3]{}}}}})",
        list_name.empty() ? "" : R"(, "list_name": ")" + list_name + "\""));
}

// sync-suppliers --cost-codes-only --json <args>: the exit code checked, the cost_codes part.
json::Document codes_pass(test::E2eEnv& env, std::vector<std::string> args, int expected_exit = 0)
{
    args.insert(args.begin(), {"sync-suppliers", "--cost-codes-only", "--json"});
    const auto r = env.run(args);
    INFO(r.err);
    REQUIRE(r.exit_code == expected_exit);
    auto doc = json::parse(r.out);
    REQUIRE(doc.has_value());
    REQUIRE(doc->HasMember("cost_codes"));
    json::Document part;
    part.CopyFrom((*doc)["cost_codes"], part.GetAllocator());
    return part;
}

std::int64_t count_of(const json::Document& part, const char* group, const char* what)
{
    return part[group][what].GetInt64();
}

json::Document data(test::E2eEnv& env, bool oracle, const std::string& collection)
{
    auto text = oracle ? env.oracle_admin("GET", "/_sim/data/" + collection)
                       : env.procore_admin("GET", "/_sim/data/" + collection);
    auto doc = json::parse(text);
    REQUIRE(doc.has_value());
    return std::move(*doc);
}

// The standard cost codes we published (they carry an origin_id), by origin_id -> name.
std::vector<std::pair<std::string, std::string>> published_codes(test::E2eEnv& env)
{
    std::vector<std::pair<std::string, std::string>> out;
    const auto codes = data(env, false, "standard_cost_codes");
    for (const auto& c : codes.GetArray()) {
        auto origin = json::get_string(c, "origin_id");
        if (origin && !origin->empty() && !c.HasMember("deleted_at")) {
            out.emplace_back(*origin, json::get_string(c, "name").value_or(""));
        }
    }
    return out;
}

std::int64_t lists_named(test::E2eEnv& env, const std::string& name)
{
    const auto lists = data(env, false, "standard_cost_code_lists");
    return std::count_if(lists.Begin(), lists.End(), [&](const json::Value& l) {
        return json::get_string(l, "name").value_or("") == name;
    });
}

} // namespace

TEST_CASE("GL combinations sharing a LastUpdateDate across pages are published once, and a rerun "
          "reads none of them again",
          "[e2e][cost_codes]")
{
    test::E2eEnv env(options());
    configure(env);
    // Pages of 3 over clusters of 4 records sharing one stamp: every page boundary cuts one.
    const auto first = codes_pass(env, {"--page-size", "3"});
    CHECK(first["read"].GetInt64() == 20);
    const auto created = count_of(first, "applied", "created");
    CHECK(created == count_of(first, "planned", "create"));
    CHECK(created + count_of(first, "planned", "filtered") == 20);
    CHECK(count_of(first, "applied", "failed") == 0);
    CHECK(static_cast<std::int64_t>(published_codes(env).size()) == created);

    // The watermark is the compound cursor of the newest combination.
    const auto accounts = data(env, true, "account_combinations");
    std::string newest_time;
    std::int64_t newest_id = 0;
    for (const auto& a : accounts.GetArray()) {
        const std::string t = json::get_string(a, "LastUpdateDate").value_or("");
        const auto id = *json::get_id(a, "_CODE_COMBINATION_ID");
        if (t > newest_time || (t == newest_time && id > newest_id)) {
            newest_time = t;
            newest_id = id;
        }
    }
    {
        store::Database db(env.state_path());
        const auto wm = store::Watermarks(db).get("oracle.account_combinations");
        REQUIRE(wm.has_value());
        CHECK(wm->cursor_time == newest_time);
        CHECK(wm->cursor_key == std::to_string(newest_id));
    }

    // Nothing changed: the rerun reads past the cursor, so the newest cluster (four records at
    // the watermark's stamp) is not read again, in one GET and with no write.
    env.oracle_admin("POST", "/_sim/stats/reset");
    env.procore_admin("POST", "/_sim/stats/reset");
    const auto rerun = codes_pass(env, {"--page-size", "3"});
    CHECK(rerun["read"].GetInt64() == 0);
    CHECK(rerun["write_calls"].GetInt64() == 0);
    CHECK(env.sims().oracle().stats().count("GET", k_accounts_path) == 1);
}

TEST_CASE("a lost answer to the list-creating POST never makes a second list", "[e2e][cost_codes]")
{
    test::E2eEnv env(options());
    const std::string name = "Oracle GL Accounts";
    configure(env, name);
    REQUIRE(lists_named(env, name) == 0);

    SECTION("Procore made the list, the answer was dropped: the pass stops, the next one finds "
            "it by name and sends nothing again")
    {
        env.procore_admin(
            "POST", "/_sim/faults",
            R"({"path": "^/rest/v1.0/standard_cost_code_lists$", "method": "POST", "drop": true})");
        // Procore may still be making the list when the connection drops, so a lookup at once
        // could miss it: the pass stops with the posting sent.
        const auto dropped = env.run({"sync-suppliers", "--cost-codes-only", "--json"});
        CHECK(dropped.exit_code == 3);
        CHECK(dropped.err.find("looks the list up by name") != std::string::npos);
        {
            store::Database db(env.state_path());
            CHECK(store::Postings(db).find("cost_code_list:" + name)->status == "sent");
        }
        const auto pass = codes_pass(env, {});
        CHECK(count_of(pass, "applied", "created") > 0);
        CHECK(env.sims().procore().stats().count("POST", "/rest/v1.0/standard_cost_code_lists")
              == 1);
    }
    SECTION("the request never got through (503): looked up, not there, sent once more")
    {
        env.procore_admin(
            "POST", "/_sim/faults",
            R"({"path": "^/rest/v1.0/standard_cost_code_lists$", "method": "POST", "status": 503, "count": 1})");
        const auto pass = codes_pass(env, {});
        CHECK(count_of(pass, "applied", "created") > 0);
    }
    CHECK(lists_named(env, name) == 1);
    // Recorded before it was sent, confirmed with the list id.
    store::Database db(env.state_path());
    const auto posting = store::Postings(db).find("cost_code_list:" + name);
    REQUIRE(posting.has_value());
    CHECK(posting->status == "confirmed");

    // A rerun (or a later pass after a crash) finds the list by name: nothing is posted.
    env.procore_admin("POST", "/_sim/stats/reset");
    env.oracle_admin(
        "POST", "/_sim/mutate",
        R"({"op":"update","collection":"account_combinations","id":300000012345001,"fields":{"_Segment3Description":"Renamed"}})");
    codes_pass(env, {});
    CHECK(env.sims().procore().stats().count("POST", "/rest/v1.0/standard_cost_code_lists") == 0);
    CHECK(lists_named(env, name) == 1);
}

TEST_CASE("a published combination disabled later is marked inactive by name, never deleted, "
          "and restored when enabled again",
          "[e2e][cost_codes]")
{
    test::E2eEnv env(options());
    configure(env);
    codes_pass(env, {});
    const auto before = published_codes(env);
    const std::string id = "300000012345001"; // the seed keeps the first combinations enabled
    const auto original =
        std::find_if(before.begin(), before.end(), [&](const auto& c) { return c.first == id; });
    REQUIRE(original != before.end());

    env.oracle_admin(
        "POST", "/_sim/mutate",
        R"({"op":"update","collection":"account_combinations","id":300000012345001,"fields":{"EnabledFlag":"N"}})");
    const auto retire = codes_pass(env, {});
    CHECK(count_of(retire, "planned", "retire") == 1);
    CHECK(count_of(retire, "applied", "retired") == 1);
    CHECK(retire["samples"]["retire"][0]["message"].GetString()
          == std::string("no longer published (not enabled); renamed, not deleted"));
    auto after = published_codes(env);
    CHECK(after.size() == before.size()); // nothing deleted
    const auto renamed =
        std::find_if(after.begin(), after.end(), [&](const auto& c) { return c.first == id; });
    REQUIRE(renamed != after.end());
    CHECK(renamed->second == "[INACTIVE] " + original->second);
    {
        store::Database db(env.state_path());
        store::AuditLog audit(db);
        store::AuditLog::Filter f;
        f.action = "retired";
        f.limit = 0;
        const auto rows = audit.query(f);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].oracle_key == id);
    }

    // Still disabled and re-read (--full): already retired, nothing sent again.
    const auto again = codes_pass(env, {"--full"});
    CHECK(again["write_calls"].GetInt64() == 0);

    env.oracle_admin(
        "POST", "/_sim/mutate",
        R"({"op":"update","collection":"account_combinations","id":300000012345001,"fields":{"EnabledFlag":"Y"}})");
    const auto back = codes_pass(env, {});
    CHECK(count_of(back, "applied", "updated") == 1);
    after = published_codes(env);
    const auto restored =
        std::find_if(after.begin(), after.end(), [&](const auto& c) { return c.first == id; });
    REQUIRE(restored != after.end());
    CHECK(restored->second == original->second);
}

TEST_CASE("on a pod whose combinations carry the chart's segment codes and Y/N flags and no "
          "LastUpdateDate sync-suppliers publishes the cost codes and a rerun writes nothing",
          "[e2e][cost_codes][sync_suppliers]")
{
    auto o = options();
    o.accounts_pod_shape = true;
    test::E2eEnv env(o);
    env.write_config(
        R"("mapping": {"chart": {"segments": ["entity", "department", "account", "subAccount", "future1"],)"
        R"( "chart_of_accounts_id": 101},)"
        R"( "cost_codes": {"natural_account_segment": 3, "code_segments": [2, 3], "account_types": ["E"]}})");

    // The whole pass (suppliers too): before, the cost-code read ordered by LastUpdateDate and
    // the pass stopped with exit 3.
    auto first = env.run_json({"sync-suppliers", "--json"});
    const auto& codes = first["cost_codes"];
    CHECK(std::string(codes["read_mode"].GetString()).starts_with("whole"));
    CHECK(codes["applied"]["failed"].GetInt64() == 0);

    // Field by field: every enabled, detail-posting expense combination is a code in the ERP
    // list, named by its code (such a pod sends no segment descriptions), with no origin_data
    // stamp; nothing else was published.
    std::map<std::string, std::string> expected; // origin_id -> code
    const auto combinations = data(env, true, "account_combinations");
    for (const auto& a : combinations.GetArray()) {
        if (json::get_string(a, "EnabledFlag") == "Y"
            && json::get_string(a, "DetailPostingAllowed") == "Y"
            && json::get_string(a, "AccountType") == "E") {
            expected[std::to_string(*json::get_id(a, "_CODE_COMBINATION_ID"))] =
                *json::get_string(a, "Segment2") + "-" + *json::get_string(a, "Segment3");
        }
    }
    REQUIRE(expected.size() >= 5);
    const auto lists = data(env, false, "standard_cost_code_lists");
    std::int64_t list_id = 0;
    for (const auto& l : lists.GetArray()) {
        if (json::get_string(l, "name") == "ERP Standard Cost Code List") {
            list_id = *json::get_id(l, "id");
        }
    }
    REQUIRE(list_id != 0);
    std::map<std::string, std::string> published;
    const auto codes_held = data(env, false, "standard_cost_codes");
    for (const auto& c : codes_held.GetArray()) {
        const auto origin = json::get_string(c, "origin_id").value_or("");
        if (origin.empty()) {
            continue;
        }
        INFO("origin_id " << origin);
        CHECK(json::get_id(c, "standard_cost_code_list_id") == list_id);
        const auto code = json::get_string(c, "code").value_or("");
        CHECK(json::get_string(c, "name").value_or("") == code);
        CHECK(json::get_string(c, "origin_data").value_or("").empty());
        published[origin] = code;
    }
    CHECK(published == expected);
    CHECK(codes["applied"]["created"].GetInt64() == static_cast<std::int64_t>(expected.size()));

    // Nothing changed: the rerun reads the combinations whole again and writes nothing.
    env.reset_stats();
    auto rerun = env.run_json({"sync-suppliers", "--json"});
    CHECK(rerun["cost_codes"]["write_calls"].GetInt64() == 0);
    CHECK(rerun["cost_codes"]["planned"]["skip"].GetInt64()
          == static_cast<std::int64_t>(expected.size()));
    CHECK(env.procore_writes() == 0);

    // A published combination disabled in Oracle drops out of the whole read (EnabledFlag='Y'):
    // it is re-read by id and retired, once.
    const std::string id = "300000012345001"; // 101-1000-5110, expense, kept enabled by the seed
    REQUIRE(expected.contains(id));
    env.oracle_mutate(
        R"({"op":"update","collection":"account_combinations","id":300000012345001,"fields":{"EnabledFlag":"N"}})");
    auto retire = env.run_json({"sync-suppliers", "--cost-codes-only", "--json"});
    CHECK(retire["cost_codes"]["applied"]["retired"].GetInt64() == 1);
    bool renamed = false;
    const auto codes_after = data(env, false, "standard_cost_codes");
    for (const auto& c : codes_after.GetArray()) {
        if (json::get_string(c, "origin_id") == id) {
            renamed = json::get_string(c, "name") == "[INACTIVE] " + expected[id];
        }
    }
    CHECK(renamed);
    env.reset_stats();
    auto after = env.run_json({"sync-suppliers", "--cost-codes-only", "--json"});
    CHECK(after["cost_codes"]["write_calls"].GetInt64() == 0);
    CHECK(env.procore_writes() == 0);
}

} // namespace cost_codes_test
