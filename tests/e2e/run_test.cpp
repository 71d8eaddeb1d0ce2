// `run`, every pass under one lock, end to end through the real binary and the simulators'
// data: a clean run makes the vendors, the Oracle POs and the journals, and a second run creates
// nothing twice; a pass that fails fatally skips the passes that depend on it and not the others,
// and the run's exit code is the worst; another process is refused (exit 4, naming `run`) while
// a run is past its first passes, and a signal stops the rest; --only/--skip; a pass whose mapping
// section is absent is skipped with a note, not failed; --dry-run writes nothing.
#include "child_process.hpp"
#include "core/json.hpp"
#include "store/database.hpp"
#include "store/runs.hpp"
#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace run_test {

using namespace mlc;
using test::E2eEnv;

namespace {

constexpr std::int64_t k_project2 = 4'300'000'002;

sim::SimOptions sim_options()
{
    auto o = E2eEnv::default_options();
    o.suppliers = 8;
    o.accounts = 40;
    o.projects = 2;
    o.commitments_per_project = 1;
    o.subcontracts_per_project = 0;
    o.costs_per_project = 0;
    o.ess_polls_to_finish = 1;
    o.procore_spike_limit = 1'000'000;
    o.procore_hourly_limit = 1'000'000;
    return o;
}

const std::string k_projects =
    R"({"default": {"procurement_bu": "US1 Business Unit", "requisitioning_bu": "US1 Business Unit",
                    "ship_to_location": "US1 HQ", "buyer_email": "buyer@example.com",
                    "currency": "USD", "cost_center": "1000"},
        "4300000002": {"cost_center": "2000"}})";

// The passes of a `run --json` answer, by name.
std::map<std::string, const json::Value*> passes_of(const json::Document& doc)
{
    std::map<std::string, const json::Value*> out;
    for (const auto& p : doc["passes"].GetArray()) {
        out.emplace(json::get_string(p, "pass").value_or(""), &p);
    }
    REQUIRE(out.size() == 4);
    return out;
}

std::string status_of(const json::Value& pass)
{
    return json::get_string(pass, "status").value_or("");
}

int exit_of(const json::Value& pass)
{
    return pass["exit_code"].GetInt();
}

std::string reason_of(const json::Value& pass)
{
    return json::get_string(pass, "reason").value_or("");
}

// A world where every pass has work: Oracle suppliers become vendors (the first sync-suppliers
// is made here, so the commitments can be given vendors it linked), each approved Procore
// purchase order has a linked vendor and lines on a cost code copied from an ERP standard cost
// code, and one approved expense direct cost per project waits to post.
class Env : public E2eEnv {
public:
    explicit Env(const std::string& http = R"("max_backoff_ms": 20, "max_attempts": 3)")
        : E2eEnv(sim_options())
    {
        const auto accounts = oracle_data("account_combinations");
        for (const auto& a : accounts.GetArray()) {
            if (json::get_string(a, "EnabledFlag").value_or("") == "Y"
                && json::get_string(a, "DetailPostingAllowed").value_or("") == "Y"
                && json::get_string(a, "Segment3").value_or("") != "5110"
                && json::get_string(a, "Segment3").value_or("") != "5120") {
                offset =
                    fmt::format("{}-{}-{}-{}-{}", *json::get_string(a, "Segment1"),
                                *json::get_string(a, "Segment2"), *json::get_string(a, "Segment3"),
                                *json::get_string(a, "Segment4"), *json::get_string(a, "Segment5"));
                break;
            }
        }
        REQUIRE_FALSE(offset.empty());
        write_config(test::ConfigOptions{.extra_members = fmt::format(
                                             R"("mapping": {{
        "cost_codes": {{"natural_account_segment": 3, "code_segments": [2, 3], "account_types": ["E"],
                        "accounts": {{"01-100": "101-1000-5120-000-000"}}}},
        "projects": {},
        "commitments": {{"category": "Construction Materials"}},
        "journal": {{"ledger_id": 300000046975971, "ledger_name": "US Primary Ledger",
                    "data_access_set_id": 300000046975980, "source": "Procore",
                    "category": "Project Costs", "offset_accounts": {{"direct_cost": "{}"}}}}}})",
                                             k_projects, offset),
                                         .procore_company_id = 0,
                                         .http = http});
        run_json({"sync-suppliers", "--json"}, 0);
        prepare();
        reset_stats();
    }

    void prepare()
    {
        std::vector<std::int64_t> vendors;
        const auto vendor_doc = procore_data("vendors");
        for (const auto& v : vendor_doc.GetArray()) {
            if (const auto o = json::get_string(v, "origin_id"); o && !o->empty()) {
                vendors.push_back(*json::get_id(v, "id"));
            }
        }
        REQUIRE(vendors.size() >= 2);
        std::int64_t erp_code = 0;
        const auto std_codes = procore_data("standard_cost_codes");
        for (const auto& c : std_codes.GetArray()) {
            if (json::get_string(c, "code").value_or("") == "1000-5110"
                || json::get_string(c, "full_code").value_or("") == "1000-5110") {
                erp_code = *json::get_id(c, "id");
            }
        }
        REQUIRE(erp_code != 0);
        std::map<std::int64_t, std::int64_t> cost_code;
        for (const auto project : {k_project2 - 1, k_project2}) {
            const auto made = test::parse_json(procore_mutate(fmt::format(
                R"({{"op":"create","collection":"cost_codes","project_id":{},"fields":{{"code":"5110",)"
                R"("full_code":"1000-5110","name":"ERP materials","standard_cost_code_id":{}}}}})",
                project, erp_code)));
            cost_code[project] = *json::get_id(made, "id");
        }
        // Every approved purchase order gets a vendor sync-suppliers linked and known lines.
        std::size_t next = 0;
        const auto pos = procore_data("purchase_order_contracts");
        for (const auto& c : pos.GetArray()) {
            if (json::get_string(c, "status").value_or("") != "Approved") {
                continue;
            }
            const auto id = *json::get_id(c, "id");
            const auto project = *json::get_id(c["project"], "id");
            procore_mutate(fmt::format(
                R"({{"op":"update","collection":"purchase_order_contracts","id":{},"fields":{{)"
                R"("vendor_id":{},"line_items":[{{"description":"Lumber","quantity":"120",)"
                R"("unit_cost":"12.5","amount":"1500.0","uom":"BF","cost_code_id":{}}}]}}}})",
                id, vendors[next++ % vendors.size()], cost_code[project]));
            commitments.push_back(fmt::format("[MLC POC-{}]", id));
        }
        REQUIRE_FALSE(commitments.empty());
        // The seed's change orders go back to draft: the test knows exactly what posts.
        const auto seeded = procore_data("commitment_change_orders");
        for (const auto& c : seeded.GetArray()) {
            procore_mutate(fmt::format(R"({{"op":"update","collection":"commitment_change_orders",)"
                                       R"("id":{},"fields":{{"status":"draft"}}}})",
                                       *json::get_id(c, "id")));
        }
        for (const auto project : {k_project2 - 1, k_project2}) {
            const auto made = test::parse_json(procore_mutate(fmt::format(
                R"({{"op":"create","collection":"direct_costs","project_id":{},"fields":{{)"
                R"("direct_cost_type":"expense","status":"approved","direct_cost_date":"2026-07-14",)"
                R"("invoice_number":"INV-{}","description":"Site costs",)"
                R"("line_items":[{{"description":"Crane","amount":"1500.10","cost_code_id":{}}}]}}}})",
                project, project, cost_code[project])));
            direct_costs.push_back(*json::get_id(made, "id"));
        }
    }

    // Oracle purchase orders (submitted or draft) carrying `reference` in their description.
    int pos_with(const std::string& reference)
    {
        int n = 0;
        for (const char* coll : {"purchase_orders", "draft_purchase_orders"}) {
            const auto doc = oracle_data(coll);
            for (const auto& p : doc.GetArray()) {
                if (json::get_string(p, "Description").value_or("").find(reference)
                    != std::string::npos) {
                    ++n;
                }
            }
        }
        return n;
    }

    // Journals Oracle holds for a direct cost (named "MLC DC-<id> ...").
    int journals_of(std::int64_t direct_cost)
    {
        int n = 0;
        const auto batches = oracle_data("journals");
        for (const auto& b : batches.GetArray()) {
            for (const auto& h : b["journalHeaders"].GetArray()) {
                if (json::get_string(h, "JournalName")
                        .value_or("")
                        .starts_with(fmt::format("MLC DC-{} ", direct_cost))) {
                    ++n;
                }
            }
        }
        return n;
    }

    int linked_vendors()
    {
        int n = 0;
        const auto doc = procore_data("vendors");
        for (const auto& v : doc.GetArray()) {
            n += json::get_string(v, "origin_id").value_or("").empty() ? 0 : 1;
        }
        return n;
    }

    // The newest runs rows, oldest first: command -> exit code (-1 while unknown).
    std::vector<std::pair<std::string, int>> last_runs(int n)
    {
        store::Database db(state_path());
        std::vector<std::pair<std::string, int>> out;
        for (const auto& r : store::recent_runs(db, n)) {
            out.emplace(out.begin(), r.command, r.exit_code.value_or(-1));
        }
        return out;
    }

    std::string offset;
    std::vector<std::string> commitments; // the references our POs carry
    std::vector<std::int64_t> direct_costs;
};

using Runs = std::vector<std::pair<std::string, int>>;

} // namespace

TEST_CASE("run: every pass in order, one summary, and a second run creates nothing twice",
          "[e2e][run]")
{
    Env env;
    const auto doc = env.run_json({"run", "--json"}, 0);
    CHECK(json::get_string(doc, "command").value_or("") == "run");
    CHECK(doc["exit_code"].GetInt() == 0);
    auto passes = passes_of(doc);
    for (const char* name : {"ingest", "sync-suppliers", "pull-pos", "post-costs"}) {
        INFO(name);
        CHECK(status_of(*passes[name]) == "ran");
        CHECK(exit_of(*passes[name]) == 0);
        CHECK((*passes[name]).HasMember("summary"));
    }
    // Each pass's summary is the one it prints alone, its API calls its own.
    CHECK((*passes["pull-pos"])["summary"]["commitments"]["applied"]["created"].GetInt64()
          == static_cast<std::int64_t>(env.commitments.size()));
    CHECK_FALSE((*passes["post-costs"])["summary"]["api_calls"].HasMember("GET /suppliers"));
    // In the simulators' data: one PO per approved commitment, one journal per direct cost.
    for (const auto& reference : env.commitments) {
        INFO(reference);
        CHECK(env.pos_with(reference) == 1);
    }
    for (const auto id : env.direct_costs) {
        CHECK(env.journals_of(id) == 1);
    }
    const int vendors = env.linked_vendors();
    CHECK(vendors == 8);
    // One runs row per pass, as when each runs alone; none for `run` itself.
    CHECK(env.last_runs(4)
          == Runs{{"ingest", 0}, {"sync-suppliers", 0}, {"pull-pos", 0}, {"post-costs", 0}});

    env.reset_stats();
    const auto again = env.run_json({"run", "--json"}, 0);
    CHECK(again["exit_code"].GetInt() == 0);
    CHECK(env.oracle_writes() == 0);
    CHECK(env.procore_writes() == 0);
    for (const auto& reference : env.commitments) {
        CHECK(env.pos_with(reference) == 1);
    }
    for (const auto id : env.direct_costs) {
        CHECK(env.journals_of(id) == 1);
    }
    CHECK(env.linked_vendors() == vendors);

    // The text summary: each pass's own summary, then one line per pass and the exit code.
    const auto text = env.run({"run"});
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("== sync-suppliers ==\nsuppliers -> vendors"));
    CHECK_THAT(text.out, Catch::Contains("\n  pull-pos        exit 0\n"));
    CHECK_THAT(text.out, Catch::EndsWith("  post-costs      exit 0\nrun: exit 0\n"));
    // -q: a clean run prints nothing.
    const auto quiet = env.run({"-q", "run"});
    CHECK(quiet.exit_code == 0);
    CHECK(quiet.out.empty());
}

TEST_CASE("run: a pass failing fatally skips its dependents, not the independent passes",
          "[e2e][run]")
{
    SECTION("pull-pos cannot authenticate to Oracle: post-costs still posts")
    {
        Env env;
        env.oracle_admin(
            "POST", "/_sim/faults",
            R"({"path": "draftPurchaseOrders", "method": "POST", "status": 401, "count": -1})");
        const auto doc = env.run_json({"run", "--json"}, 3);
        CHECK(doc["exit_code"].GetInt() == 3);
        auto passes = passes_of(doc);
        CHECK(status_of(*passes["ingest"]) == "ran");
        CHECK(status_of(*passes["sync-suppliers"]) == "ran");
        CHECK(status_of(*passes["pull-pos"]) == "failed");
        CHECK(exit_of(*passes["pull-pos"]) == 3);
        CHECK_FALSE(json::get_string(*passes["pull-pos"], "error").value_or("").empty());
        CHECK(status_of(*passes["post-costs"]) == "ran");
        CHECK(exit_of(*passes["post-costs"]) == 0);
        for (const auto& reference : env.commitments) {
            CHECK(env.pos_with(reference) == 0);
        }
        for (const auto id : env.direct_costs) {
            CHECK(env.journals_of(id) == 1);
        }
        CHECK(env.last_runs(4)
              == Runs{{"ingest", 0}, {"sync-suppliers", 0}, {"pull-pos", 3}, {"post-costs", 0}});

        // The text run names the failure on stderr and in its last lines.
        const auto text = env.run({"-q", "run"});
        CHECK(text.exit_code == 3);
        CHECK_THAT(text.err, Catch::Contains("error: pull-pos: "));
        CHECK_THAT(text.out, Catch::Contains("\n  pull-pos        exit 3: "));
        CHECK_THAT(text.out, Catch::Contains("\n  post-costs      exit 0\nrun: exit 3\n"));

        // Oracle accepts again: the next run posts the POs, once.
        env.oracle_admin("DELETE", "/_sim/faults", "");
        env.run_json({"run", "--json"}, 0);
        for (const auto& reference : env.commitments) {
            CHECK(env.pos_with(reference) == 1);
        }
    }
    SECTION("sync-suppliers cannot reach Oracle: pull-pos and post-costs are skipped, naming it")
    {
        Env env;
        env.oracle_admin("POST", "/_sim/faults",
                         R"({"path": "/suppliers$", "status": 401, "count": -1})");
        const auto doc = env.run_json({"run", "--json"}, 3);
        auto passes = passes_of(doc);
        CHECK(status_of(*passes["ingest"]) == "ran");
        CHECK(status_of(*passes["sync-suppliers"]) == "failed");
        CHECK(exit_of(*passes["sync-suppliers"]) == 3);
        for (const char* name : {"pull-pos", "post-costs"}) {
            INFO(name);
            CHECK(status_of(*passes[name]) == "skipped");
            CHECK(reason_of(*passes[name]) == "sync-suppliers failed (exit 3)");
        }
        CHECK(env.oracle_writes() == 0);
        CHECK(env.procore_writes() == 0);
        for (const auto& reference : env.commitments) {
            CHECK(env.pos_with(reference) == 0);
        }
        for (const auto id : env.direct_costs) {
            CHECK(env.journals_of(id) == 0);
        }
        CHECK(env.last_runs(2) == Runs{{"ingest", 0}, {"sync-suppliers", 3}});
        const auto text = env.run({"run"});
        CHECK_THAT(text.out,
                   Catch::Contains("  pull-pos        skipped: sync-suppliers failed (exit 3)\n"));
    }
    SECTION("records failing (exit 1) skip nothing")
    {
        Env env;
        // A direct cost on a cost code nothing maps to an account fails alone.
        const auto made = test::parse_json(env.procore_mutate(fmt::format(
            R"({{"op":"create","collection":"cost_codes","project_id":{},"fields":{{"code":"999",)"
            R"("full_code":"99-999","name":"Unmapped"}}}})",
            k_project2)));
        env.procore_mutate(fmt::format(
            R"({{"op":"create","collection":"direct_costs","project_id":{},"fields":{{)"
            R"("direct_cost_type":"expense","status":"approved","direct_cost_date":"2026-07-15",)"
            R"("invoice_number":"INV-X","description":"Unmapped",)"
            R"("line_items":[{{"description":"Bad","amount":"10.00","cost_code_id":{}}}]}}}})",
            k_project2, *json::get_id(made, "id")));
        const auto doc = env.run_json({"run", "--json"}, 1);
        auto passes = passes_of(doc);
        CHECK(exit_of(*passes["post-costs"]) == 1);
        CHECK(status_of(*passes["post-costs"]) == "ran");
        CHECK(exit_of(*passes["pull-pos"]) == 0);
        for (const auto id : env.direct_costs) {
            CHECK(env.journals_of(id) == 1);
        }
    }
}

TEST_CASE("run: another process is refused while a run holds the lock between passes, and a "
          "signal stops the rest",
          "[e2e][run]")
{
    // Long backoffs: the run waits in pull-pos until the test stops it.
    Env env(R"("max_backoff_ms": 600000, "max_attempts": 5, "total_timeout_ms": 10000)");
    env.oracle_admin(
        "POST", "/_sim/faults",
        R"({"path": "draftPurchaseOrders", "status": 429, "retry_after": 600, "count": -1})");
    std::vector<std::string> argv{MLC_BINARY, "--config", env.config_path().string(),
                                  "-v",       "run",      "--json"};
    test::ChildProcess child(
        argv,
        test::ProcessOptions{.env = env.secret_env(), .unset_env = {}, .stdin_data = {}, .cwd = {}},
        test::ChildProcess::Lines::err);
    for (;;) {
        const auto line = child.read_line(std::chrono::seconds(60));
        REQUIRE(line);
        if (line->find("retrying in") != std::string::npos) {
            break;
        }
    }
    // The run has finished ingest and sync-suppliers (their rows are closed) and is in
    // pull-pos: the lock it holds is the run's, taken before its first pass.
    {
        const auto runs = env.last_runs(3);
        REQUIRE(runs.size() == 3);
        CHECK(runs[0] == std::pair<std::string, int>{"ingest", 0});
        CHECK(runs[1] == std::pair<std::string, int>{"sync-suppliers", 0});
        CHECK(runs[2] == std::pair<std::string, int>{"pull-pos", -1});
    }
    for (const char* command : {"sync-suppliers", "run"}) {
        const auto refused = env.run({command});
        CHECK(refused.exit_code == 4);
        CHECK_THAT(refused.err, Catch::Contains("another run holds"));
        CHECK_THAT(refused.err, Catch::Contains(", run)"));
    }

    CHECK(child.stop(SIGTERM) == 143);
    const auto doc = test::parse_json(child.err());
    CHECK(doc["exit_code"].GetInt() == 143);
    CHECK(json::get_string(doc, "stopped_by").value_or("") == "SIGTERM");
    auto passes = passes_of(doc);
    CHECK(status_of(*passes["pull-pos"]) == "failed");
    CHECK(exit_of(*passes["pull-pos"]) == 143);
    CHECK(status_of(*passes["post-costs"]) == "skipped");
    CHECK(reason_of(*passes["post-costs"]) == "the run was stopped by SIGTERM");
    for (const auto id : env.direct_costs) {
        CHECK(env.journals_of(id) == 0);
    }
    // The lock went with the run.
    env.oracle_admin("DELETE", "/_sim/faults", "");
    env.write_config(test::ConfigOptions{.extra_members = R"("mapping": {})"});
    CHECK(env.run({"sync-suppliers"}).exit_code == 0);
}

TEST_CASE("run: --only and --skip select passes, unknown names are refused, absent mapping "
          "sections skip their pass, --dry-run writes nothing",
          "[e2e][run]")
{
    E2eEnv env;
    env.write_config(test::ConfigOptions{.extra_members = R"("mapping": {})"});
    CHECK(env.run({"run", "--only", "pull-posts"}).exit_code == 2);
    CHECK(env.run({"run", "--skip", "reconcile"}).exit_code == 2);
    CHECK(env.run({"run", "--only", "ingest", "--skip", "pull-pos"}).exit_code == 2);
    {
        store::Database db(env.state_path());
        CHECK(store::recent_runs(db, 10).empty()); // refused before anything ran
    }

    // A customer who uses neither commitments nor journals: those passes say why they did not
    // run, and the run is clean.
    const auto doc = env.run_json({"run", "--json"}, 0);
    auto passes = passes_of(doc);
    CHECK(status_of(*passes["sync-suppliers"]) == "ran");
    CHECK(status_of(*passes["pull-pos"]) == "skipped");
    CHECK_THAT(reason_of(*passes["pull-pos"]), Catch::StartsWith("mapping.projects is not"));
    CHECK(status_of(*passes["post-costs"]) == "skipped");
    CHECK(reason_of(*passes["post-costs"]) == "mapping.journal is not configured");

    const auto only = env.run_json({"run", "--json", "--only", "ingest"}, 0);
    auto selected = passes_of(only);
    CHECK(status_of(*selected["ingest"]) == "ran");
    CHECK(reason_of(*selected["sync-suppliers"]) == "not selected (--only)");
    const auto skip = env.run_json({"run", "--json", "--skip", "ingest"}, 0);
    auto skipped = passes_of(skip);
    CHECK(reason_of(*skipped["ingest"]) == "left out (--skip)");
    CHECK(status_of(*skipped["sync-suppliers"]) == "ran"); // a pass left out blocks nothing

    // A dry run: nothing written anywhere, no runs rows.
    env.oracle_mutate(
        R"({"op":"create","collection":"suppliers","fields":{"Supplier":"Dry Run Supplier"}})");
    std::size_t rows = 0;
    {
        store::Database db(env.state_path());
        rows = store::recent_runs(db, 100).size();
    }
    env.reset_stats();
    const auto dry = env.run_json({"run", "--dry-run", "--json"}, 0);
    CHECK(dry["dry_run"].GetBool());
    auto planned = passes_of(dry);
    CHECK(status_of(*planned["ingest"]) == "skipped");
    CHECK(status_of(*planned["sync-suppliers"]) == "ran");
    CHECK((*planned["sync-suppliers"])["summary"]["vendors"]["planned"]["create"].GetInt64() == 1);
    CHECK(env.procore_writes() == 0);
    CHECK(env.oracle_writes() == 0);
    store::Database db(env.state_path());
    CHECK(store::recent_runs(db, 100).size() == rows);
}

} // namespace run_test
