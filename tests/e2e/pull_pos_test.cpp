// pull-pos, Procore commitments -> Oracle purchase orders, end to end through the real binary
// and the simulators' data: approved commitments of both kinds become submitted Oracle POs
// with the right supplier, site, lines, quantities, prices and charge accounts; the Oracle
// number is written back to Procore; a rerun writes nothing; --dry-run writes nothing anywhere;
// a webhook for one commitment makes the next pass read just that one; a PO born in Oracle is
// never sent back; every bad input is a recorded, audited, replayable per-record failure; a
// change after the PO exists is held; SIGKILL at every outbox crash point and a rerun leave
// exactly one PO per commitment.
#include "core/clock.hpp"
#include "core/json.hpp"
#include "spool/spool.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/postings.hpp"
#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace pull_pos_test {

using namespace mlc;
using test::E2eEnv;

namespace {

constexpr std::int64_t k_project1 = 4'300'000'001;
constexpr std::int64_t k_project2 = 4'300'000'002;
const std::string k_draft_post = "/fscmRestApi/resources/11.13.18.05/draftPurchaseOrders";

sim::SimOptions sim_options()
{
    auto o = E2eEnv::default_options();
    o.suppliers = 12;
    o.accounts = 40;
    o.projects = 2;
    o.commitments_per_project = 2;
    o.subcontracts_per_project = 1;
    o.costs_per_project = 0;
    o.procore_spike_limit = 1'000'000;
    o.procore_hourly_limit = 1'000'000;
    return o;
}

std::string mapping(const std::string& projects)
{
    return fmt::format(
        R"("mapping": {{
        "cost_codes": {{"natural_account_segment": 3, "code_segments": [2, 3], "account_types": ["E"],
                        "accounts": {{"01-100": "101-1000-5120-000-000"}}}},
        "projects": {},
        "commitments": {{"category": "Construction Materials"}}}})",
        projects);
}

const std::string k_both_projects =
    R"({"default": {"procurement_bu": "US1 Business Unit", "requisitioning_bu": "US1 Business Unit",
                    "ship_to_location": "US1 HQ", "buyer_email": "buyer@example.com",
                    "currency": "USD", "cost_center": "1000"},
        "4300000002": {"cost_center": "2000"}})";

struct Commitment {
    std::string collection; // purchase_order_contracts / work_order_contracts
    std::int64_t id = 0;
    std::int64_t project = 0;
    std::int64_t vendor = 0;
    std::string supplier; // the vendor's origin_id
    std::string reference;
};

class Env : public E2eEnv {
public:
    explicit Env(const std::string& projects = k_both_projects) : E2eEnv(sim_options())
    {
        write_config(test::ConfigOptions{.extra_members = mapping(projects),
                                         .procore_company_id = 0,
                                         .http = R"("max_backoff_ms": 20, "max_attempts": 3)"});
        run_json({"sync-suppliers", "--json"}, 0);
        prepare();
        reset_stats();
    }

    // Gives each approved commitment a vendor sync-suppliers made and known lines on a cost
    // code copied from an ERP standard cost code (GL account 5110 of the company segment).
    void prepare()
    {
        std::vector<std::pair<std::int64_t, std::string>> vendors;
        const auto doc1 = procore_data("vendors");
        for (const auto& v : doc1.GetArray()) {
            if (const auto o = json::get_string(v, "origin_id"); o && !o->empty()) {
                vendors.emplace_back(*json::get_id(v, "id"), *o);
            }
        }
        REQUIRE(vendors.size() >= 4);
        std::int64_t erp_code = 0;
        const auto doc2 = procore_data("standard_cost_codes");
        for (const auto& c : doc2.GetArray()) {
            if (json::get_string(c, "code").value_or("") == "1000-5110"
                || json::get_string(c, "full_code").value_or("") == "1000-5110") {
                erp_code = *json::get_id(c, "id");
            }
        }
        REQUIRE(erp_code != 0);
        for (const auto project : {k_project1, k_project2}) {
            const auto made = test::parse_json(procore_mutate(fmt::format(
                R"({{"op":"create","collection":"cost_codes","project_id":{},"fields":{{"code":"5110",)"
                R"("full_code":"1000-5110","name":"ERP materials","standard_cost_code_id":{}}}}})",
                project, erp_code)));
            cost_code[project] = *json::get_id(made, "id");
            const auto doc3 = procore_data("cost_codes");
            for (const auto& c : doc3.GetArray()) {
                if (*json::get_id(c, "project_id") == project
                    && json::get_string(c, "full_code").value_or("") == "01-100") {
                    mapped_code[project] = *json::get_id(c, "id");
                }
            }
        }
        std::size_t next = 0;
        std::set<std::pair<std::string, std::int64_t>> seen;
        for (const char* collection : {"purchase_order_contracts", "work_order_contracts"}) {
            const auto doc4 = procore_data(collection);
            for (const auto& c : doc4.GetArray()) {
                if (json::get_string(c, "status").value_or("") != "Approved") {
                    continue;
                }
                Commitment m;
                m.collection = collection;
                m.id = *json::get_id(c, "id");
                m.project = *json::get_id(c["project"], "id");
                if (!seen.insert({m.collection, m.project}).second) {
                    // One approved commitment of each kind per project: the others go back
                    // to Draft, so the test knows exactly what is posted.
                    procore_mutate(fmt::format(R"({{"op":"update","collection":"{}","id":{},)"
                                               R"("fields":{{"status":"Draft"}}}})",
                                               collection, m.id));
                    continue;
                }
                m.vendor = vendors[next].first;
                m.supplier = vendors[next].second;
                ++next;
                m.reference =
                    fmt::format("[MLC {}-{}]",
                                m.collection == "purchase_order_contracts" ? "POC" : "WOC", m.id);
                const bool goods = m.collection == "purchase_order_contracts";
                procore_mutate(fmt::format(
                    R"({{"op":"update","collection":"{}","id":{},"fields":{{"vendor_id":{},)"
                    R"("line_items":[{{"description":"Lumber","quantity":"{}","unit_cost":"{}",)"
                    R"("amount":"1500.0","uom":"BF","cost_code_id":{}}},)"
                    R"({{"description":"Site labor","amount":"250.25","cost_code_id":{}}}]}}}})",
                    collection, m.id, m.vendor, goods ? "120" : "0", goods ? "12.5" : "0",
                    cost_code[m.project], mapped_code[m.project]));
                approved.push_back(m);
            }
        }
        REQUIRE(approved.size() == 4);
    }

    std::int64_t draft_posts() { return sims().oracle().stats().count("POST", k_draft_post); }

    // Our POs in Oracle (by the reference in Description), submitted or still draft.
    std::vector<json::Document> pos_of(const Commitment& c)
    {
        std::vector<json::Document> out;
        for (const char* coll : {"purchase_orders", "draft_purchase_orders"}) {
            const auto doc = oracle_data(coll);
            for (const auto& p : doc.GetArray()) {
                if (json::get_string(p, "Description").value_or("").find(c.reference)
                    != std::string::npos) {
                    json::Document d;
                    d.CopyFrom(p, d.GetAllocator());
                    out.push_back(std::move(d));
                }
            }
        }
        return out;
    }

    json::Document commitment(const Commitment& c)
    {
        const auto doc = procore_data(c.collection);
        for (const auto& x : doc.GetArray()) {
            if (*json::get_id(x, "id") == c.id) {
                json::Document d;
                d.CopyFrom(x, d.GetAllocator());
                return d;
            }
        }
        FAIL("no commitment " << c.id);
        return {};
    }

    // The commitment postings in `status`.
    std::vector<store::Posting> postings(const std::string& status)
    {
        store::Database db(state_path());
        std::vector<store::Posting> out;
        for (auto& p : store::Postings(db).list_by_status(status)) {
            if (p.kind == "commitment") {
                out.push_back(std::move(p));
            }
        }
        return out;
    }

    void spool_event(const std::string& resource, std::int64_t project, std::int64_t id,
                     std::int64_t event_id)
    {
        const auto body = fmt::format(
            R"({{"id":{},"timestamp":"2026-11-30T10:00:00.000000Z","metadata":{{"source_user_id":7,)"
            R"("source_project_id":{},"source_operation_id":null,"source_company_id":{},)"
            R"("source_application_id":null}},"user_id":7,"company_id":{},"project_id":{},)"
            R"("api_version":"v2.0","event_type":"update","resource_name":"{}","resource_id":{}}})",
            event_id, project, sims().options().company_id, sims().options().company_id, project,
            resource, id);
        spool::ensure_layout(dir() / "state" / "spool");
        spool::SpoolWriter writer(dir() / "state" / "spool");
        REQUIRE(writer.write(body, system_clock().now()).has_value());
    }

    std::vector<Commitment> approved;
    std::map<std::int64_t, std::int64_t> cost_code;   // project -> the ERP-copied cost code
    std::map<std::int64_t, std::int64_t> mapped_code; // project -> 01-100 (accounts mapping)
};

std::string cost_center(std::int64_t project)
{
    return project == k_project2 ? "2000" : "1000";
}

// The PO as Oracle holds it matches the commitment field by field.
void check_po(Env& env, const Commitment& c)
{
    INFO("commitment " << c.id << " " << c.collection);
    const auto pos = env.pos_of(c);
    REQUIRE(pos.size() == 1);
    const auto& po = pos.front();
    CHECK(json::get_string(po, "Status").value_or("") == "OPEN");
    CHECK(std::to_string(*json::get_id(po, "SupplierId")) == c.supplier);
    CHECK_FALSE(json::get_string(po, "SupplierSite").value_or("").empty());
    CHECK(json::get_string(po, "ProcurementBU").value_or("") == "US1 Business Unit");
    CHECK(json::get_string(po, "RequisitioningBU").value_or("") == "US1 Business Unit");
    CHECK(json::get_string(po, "BuyerEmail").value_or("") == "buyer@example.com");
    CHECK(json::get_string(po, "CurrencyCode").value_or("") == "USD");
    const auto& lines = po["lines"];
    REQUIRE(lines.Size() == 2);
    const bool goods = c.collection == "purchase_order_contracts";
    const auto& l1 = lines[0];
    CHECK(json::get_string(l1, "ItemDescription").value_or("") == "Lumber");
    CHECK(json::get_string(l1, "CategoryName").value_or("") == "Construction Materials");
    CHECK(json::get_double(l1, "Amount").value_or(0) == Approx(1500.0));
    if (goods) {
        CHECK(json::get_string(l1, "LineType").value_or("") == "Goods");
        CHECK(json::get_double(l1, "Quantity").value_or(0) == Approx(120.0));
        CHECK(json::get_double(l1, "Price").value_or(0) == Approx(12.5));
        CHECK(json::get_string(l1, "UOM").value_or("") == "BF");
    } else {
        CHECK(json::get_string(l1, "LineType").value_or("") == "Fixed Price Services");
    }
    const auto& d1 = l1["schedules"][0]["distributions"][0];
    CHECK(json::get_string(d1, "POChargeAccount").value_or("")
          == "101-" + cost_center(c.project) + "-5110-000-000");
    const auto& l2 = lines[1];
    CHECK(json::get_double(l2, "Amount").value_or(0) == Approx(250.25));
    if (goods) { // kept by amount only in Procore: one unit at its amount
        CHECK(json::get_double(l2, "Quantity").value_or(0) == Approx(1.0));
        CHECK(json::get_double(l2, "Price").value_or(0) == Approx(250.25));
    }
    // mapping.cost_codes.accounts, with the project's cost center in its segment
    CHECK(json::get_string(l2["schedules"][0]["distributions"][0], "POChargeAccount").value_or("")
          == "101-" + cost_center(c.project) + "-5120-000-000");
    CHECK(json::get_double(po, "Ordered").value_or(0) == Approx(1750.25));

    // Written back: Procore shows the Oracle number.
    const auto pc = env.commitment(c);
    CHECK(json::get_string(pc, "origin_id").value_or("")
          == std::to_string(*json::get_id(po, "POHeaderId")));
    CHECK(json::get_string(pc, "origin_code").value_or("")
          == json::get_string(po, "OrderNumber").value_or("?"));
}

// Project `project`'s copy of the ERP standard cost code `code` (made by sync-suppliers from a
// GL combination); its id.
std::int64_t erp_cost_code(Env& env, std::int64_t project, const std::string& code)
{
    std::int64_t standard = 0;
    const auto codes = env.procore_data("standard_cost_codes");
    for (const auto& c : codes.GetArray()) {
        if (json::get_string(c, "code").value_or("") == code) {
            standard = *json::get_id(c, "id");
        }
    }
    REQUIRE(standard != 0);
    const auto made = test::parse_json(env.procore_mutate(fmt::format(
        R"({{"op":"create","collection":"cost_codes","project_id":{},"fields":{{"code":"{}",)"
        R"("full_code":"{}","name":"ERP {}","standard_cost_code_id":{}}}}})",
        project, code, code, code, standard)));
    return *json::get_id(made, "id");
}

// A PO made in Oracle (central procurement): 2 excavators at 4,200.50 charged to `account`.
std::string oracle_po_body(const std::string& supplier, const std::string& description,
                           const std::string& account)
{
    return fmt::format(
        R"({{"op":"create","collection":"purchase_orders","fields":{{"SupplierId":{},)"
        R"("ProcurementBU":"US1 Business Unit","RequisitioningBU":"US1 Business Unit",)"
        R"("CurrencyCode":"USD","BuyerEmail":"central@example.com","Description":"{}",)"
        R"("lines":[{{"LineType":"Goods","ItemDescription":"Excavator 30t","Quantity":2,)"
        R"("UOM":"EA","Price":4200.5,"schedules":[{{"ShipToLocation":"US1 HQ",)"
        R"("NeedByDate":"2026-12-15","distributions":[{{"POChargeAccount":"{}"}}]}}]}}]}}}})",
        supplier, description, account);
}

} // namespace

TEST_CASE("pull-pos: approved commitments become submitted Oracle POs, written back, once",
          "[e2e][pull-pos]")
{
    Env env;

    // --dry-run plans and writes nothing anywhere.
    const auto plan = env.run_json({"pull-pos", "--dry-run", "--json"}, 0);
    CHECK(plan["commitments"]["planned"]["create"].GetInt64() == 4);
    CHECK(env.draft_posts() == 0);
    CHECK(env.procore_writes() == 0);
    for (const char* status : {"pending", "sent", "confirmed", "failed", "held"}) {
        CHECK(env.postings(status).empty()); // nothing recorded locally either
    }

    const auto first = env.run_json({"pull-pos", "--json"}, 0);
    CHECK(first["commitments"]["applied"]["created"].GetInt64() == 4);
    CHECK(env.draft_posts() == 4);
    for (const auto& c : env.approved) {
        check_po(env, c);
    }
    CHECK(env.postings("confirmed").size() == 4);
    CHECK(env.postings("sent").empty());

    // A rerun with nothing changed writes nothing.
    env.reset_stats();
    const auto again = env.run_json({"pull-pos", "--json"}, 0);
    CHECK(again["commitments"]["applied"]["created"].GetInt64() == 0);
    CHECK(env.draft_posts() == 0);
    CHECK(env.procore_writes() == 0);
    for (const auto& c : env.approved) {
        CHECK(env.pos_of(c).size() == 1);
    }
    const auto verify = env.run({"audit", "verify"});
    CHECK(verify.exit_code == 0);
}

TEST_CASE("pull-pos: with webhooks, a pass reads just the commitment an event names",
          "[e2e][pull-pos]")
{
    Env env;
    env.run_json({"pull-pos", "--json", "--full"}, 0); // the sweep, and every PO once
    const auto& c = env.approved.front();
    env.procore_mutate(
        fmt::format(R"({{"op":"update","collection":"{}","id":{},"fields":{{"title":"Renamed"}}}})",
                    c.collection, c.id));
    env.spool_event("Purchase Order Contracts", c.project, c.id, 7001);
    env.reset_stats();
    const auto r = env.run_json({"pull-pos", "--json"}, 1); // changed after post: held
    CHECK(r["commitments"]["read"].GetInt64() == 1);
    auto& stats = env.sims().procore().stats();
    CHECK(stats.count("GET", "/rest/v1.0/purchase_order_contracts") == 0); // no sweep
    CHECK(stats.count("GET", "/rest/v1.0/work_order_contracts") == 0);
    CHECK(stats.count("GET", "/rest/v1.0/purchase_order_contracts/{id}") == 1);
    CHECK(env.draft_posts() == 0);
    // The change is held, with what differs, never posted twice.
    const auto held = env.postings("held");
    REQUIRE(held.size() == 1);
    CHECK_THAT(held.front().last_error.value_or(""), Catch::Contains("changed after post"));
    CHECK(env.pos_of(c).size() == 1);
    const auto status = env.run({"status"});
    CHECK_THAT(status.out, Catch::Contains("held"));
}

TEST_CASE("pull-pos: bad input fails per record, the pass goes on, replay posts it once fixed",
          "[e2e][pull-pos]")
{
    // Project 2 is not mapped (no default): a config failure for its commitments.
    Env env(R"({"4300000001": {"procurement_bu": "US1 Business Unit",
               "requisitioning_bu": "US1 Business Unit", "ship_to_location": "US1 HQ",
               "buyer_email": "buyer@example.com", "currency": "USD", "cost_center": "1000"}})");
    const auto& po1 = env.approved[0]; // project 1, purchase order
    const auto& wo1 = env.approved[2].project == k_project1 ? env.approved[2] : env.approved[3];
    // A zero line on the subcontract.
    env.procore_mutate(fmt::format(
        R"({{"op":"update","collection":"work_order_contracts","id":{},"fields":{{"line_items":[)"
        R"({{"description":"Nothing","amount":"0","cost_code_id":{}}}]}}}})",
        wo1.id, env.cost_code[k_project1]));
    // Without a default, the sweep covers the mapped projects; the company's webhooks still
    // name commitments of the others.
    for (const auto& c : env.approved) {
        if (c.project == k_project2) {
            env.spool_event(c.collection == "purchase_order_contracts" ? "Purchase Order Contracts"
                                                                       : "Work Order Contracts",
                            c.project, c.id, 8000 + c.id % 1000);
        }
    }
    const auto r = env.run_json({"pull-pos", "--json", "--full"}, 1);
    const auto& f = r["commitments"];
    CHECK(f["applied"]["created"].GetInt64() == 1); // po1 goes; the others fail
    std::map<std::string, std::string> failures;
    for (const auto& row : f["failures"].GetArray()) {
        failures[json::get_string(row, "source_key").value_or("")] =
            json::get_string(row, "message").value_or("");
    }
    CHECK_THAT(failures[fmt::format("wo:{}:{}", k_project1, wo1.id)],
               Catch::Contains("is not positive"));
    int unmapped = 0;
    for (const auto& [key, message] : failures) {
        if (message.find("project 4300000002 is not mapped") != std::string::npos) {
            ++unmapped;
        }
    }
    CHECK(unmapped == 2);
    check_po(env, po1);
    const auto failed = env.postings("failed");
    CHECK(failed.size() == 3);

    // Map project 2, replay its failed postings: each is posted once.
    env.write_config(test::ConfigOptions{.extra_members = mapping(k_both_projects),
                                         .procore_company_id = 0,
                                         .http = R"("max_backoff_ms": 20, "max_attempts": 3)"});
    std::vector<std::string> args{"replay", "--json"};
    for (const auto& p : failed) {
        if (p.last_error.value_or("").find("not mapped") != std::string::npos) {
            args.push_back("--posting");
            args.push_back(std::to_string(p.id));
        }
    }
    REQUIRE(args.size() == 6);
    env.reset_stats();
    env.run_json(args, 0);
    CHECK(env.draft_posts() == 2);
    for (const auto& c : env.approved) {
        if (c.project == k_project2) {
            check_po(env, c);
        }
    }
    // Replay again: nothing more is posted.
    env.reset_stats();
    env.run({"replay", "--json"});
    CHECK(env.draft_posts() == 0);
}

TEST_CASE("pull-pos: unlinked vendor, no cost code, no GL account, inactive supplier",
          "[e2e][pull-pos]")
{
    Env env;
    const auto& a = env.approved[0];
    const auto& b = env.approved[1];
    const auto& c = env.approved[2];
    const auto& d = env.approved[3];
    // a: a hand-made vendor (no supplier link)
    std::int64_t hand_made = 0;
    const auto doc5 = env.procore_data("vendors");
    for (const auto& v : doc5.GetArray()) {
        if (json::get_string(v, "origin_id").value_or("").empty()) {
            hand_made = *json::get_id(v, "id");
        }
    }
    env.procore_mutate(
        fmt::format(R"({{"op":"update","collection":"{}","id":{},"fields":{{"vendor_id":{}}}}})",
                    a.collection, a.id, hand_made));
    // b: a line with no cost code
    env.procore_mutate(
        fmt::format(R"({{"op":"update","collection":"{}","id":{},"fields":{{"line_items":[)"
                    R"({{"description":"Loose","amount":"10.0","cost_code_id":null}}]}}}})",
                    b.collection, b.id));
    // c: a cost code with no GL account (a seeded CSI code, not in the accounts mapping)
    std::int64_t csi = 0;
    const auto doc6 = env.procore_data("cost_codes");
    for (const auto& cc : doc6.GetArray()) {
        if (*json::get_id(cc, "project_id") == c.project
            && json::get_string(cc, "full_code").value_or("") == "03-300") {
            csi = *json::get_id(cc, "id");
        }
    }
    REQUIRE(csi != 0);
    env.procore_mutate(
        fmt::format(R"({{"op":"update","collection":"{}","id":{},"fields":{{"line_items":[)"
                    R"({{"description":"Concrete","amount":"99.0","cost_code_id":{}}}]}}}})",
                    c.collection, c.id, csi));
    // d: its supplier made inactive in Oracle: Oracle's 400 is kept verbatim
    env.oracle_mutate(fmt::format(R"({{"op":"update","collection":"suppliers","id":{},)"
                                  R"("fields":{{"Status":"INACTIVE"}}}})",
                                  d.supplier));
    const auto r = env.run_json({"pull-pos", "--json"}, 1);
    std::map<std::string, std::string> failures;
    for (const auto& row : r["commitments"]["failures"].GetArray()) {
        failures[json::get_string(row, "source_key").value_or("")] =
            json::get_string(row, "message").value_or("");
    }
    const auto key = [](const Commitment& x) {
        return fmt::format("{}:{}:{}", x.collection == "purchase_order_contracts" ? "po" : "wo",
                           x.project, x.id);
    };
    CHECK_THAT(failures[key(a)], Catch::Contains("is not linked to an Oracle supplier"));
    CHECK_THAT(failures[key(b)], Catch::Contains("has no cost code"));
    CHECK_THAT(failures[key(c)], Catch::Contains("03-300 has no GL account"));
    CHECK_THAT(failures[key(d)], Catch::Contains("Supplier"));
    CHECK(env.draft_posts() == 1); // only d reached Oracle, and was refused
    for (const auto& p : env.postings("failed")) {
        CHECK(p.error_class.value_or("") == "data");
    }
    // Audited, each.
    const auto audit = env.run({"audit", "--action", "failed", "--limit", "0"});
    CHECK(audit.exit_code == 0);
    for (const auto* x : {&a, &b, &c, &d}) {
        CHECK_THAT(audit.out, Catch::Contains(key(*x)));
    }
}

TEST_CASE("pull-pos: SIGKILL at each outbox crash point, then a rerun: exactly one PO each",
          "[e2e][pull-pos][crash]")
{
    for (const char* point :
         {"outbox.recorded", "outbox.marked_sent", "outbox.answered", "outbox.confirmed"}) {
        DYNAMIC_SECTION(point)
        {
            Env env;
            const auto killed = env.run(
                {"pull-pos", "--json"},
                test::ProcessOptions{.env = {{"ML_CONNECTOR_CRASH_AT", std::string(point) + ":2"}},
                                     .unset_env = {},
                                     .stdin_data = {},
                                     .cwd = {}});
            CHECK(killed.exit_code == -1); // killed by the signal
            env.run_json({"pull-pos", "--json"}, 0);
            for (const auto& c : env.approved) {
                check_po(env, c);
            }
            CHECK(env.postings("sent").empty());
            CHECK(env.postings("pending").empty());
            CHECK(env.run({"audit", "verify"}).exit_code == 0);
        }
    }
}

TEST_CASE("pull-pos: an Oracle-born PO becomes a Procore commitment, once, and never echoes",
          "[e2e][pull-pos]")
{
    Env env;
    const auto project_code = erp_cost_code(env, k_project2, "2000-5110");
    const auto& supplier = env.approved.front().supplier;
    const auto po_body = [&](const std::string& description, const std::string& account) {
        return oracle_po_body(supplier, description, account);
    };
    const auto po = test::parse_json(env.oracle_mutate(
        po_body("Excavator rental, central procurement", "101-2000-5110-000-000")));
    const auto po_id = *json::get_id(po, "POHeaderId");
    const auto elsewhere = test::parse_json(
        env.oracle_mutate(po_body("Crane for another business", "101-3100-5110-000-000")));
    const auto elsewhere_id = *json::get_id(elsewhere, "POHeaderId");

    const auto r = env.run_json({"pull-pos", "--json"}, 0);
    CHECK(r["oracle_pos"]["applied"]["created"].GetInt64() == 1);
    // The other PO charges cost center 3100, which no project maps: skipped, reason listed.
    bool listed = false;
    for (const auto& row : r["oracle_pos"]["attention"].GetArray()) {
        if (json::get_string(row, "source_key").value_or("") == std::to_string(elsewhere_id)) {
            listed =
                json::get_string(row, "message").value_or("").find("3100") != std::string::npos;
        }
    }
    CHECK(listed);
    // Our own POs (made from Procore commitments) are never sent back.
    CHECK(r["oracle_pos"]["planned"]["echo"].GetInt64() == 4);

    // The commitment in Procore, field by field.
    const auto pcs = env.procore_data("purchase_order_contracts");
    int found = 0;
    for (const auto& c : pcs.GetArray()) {
        if (json::get_string(c, "origin_id").value_or("") != std::to_string(po_id)) {
            continue;
        }
        ++found;
        CHECK(json::get_string(c, "origin_code").value_or("")
              == json::get_string(po, "OrderNumber").value_or("?"));
        CHECK(json::get_string(c, "status").value_or("") == "Approved");
        CHECK(*json::get_id(c["project"], "id") == k_project2);
        CHECK(json::get_string(c["vendor"], "origin_id").value_or("") == supplier);
        CHECK(json::get_string(c, "title").value_or("") == "Excavator rental, central procurement");
        CHECK(json::get_string(c, "grand_total").value_or("") == "8401.0");
        REQUIRE(c["line_items"].Size() == 1);
        const auto& l = c["line_items"][0];
        CHECK(json::get_string(l, "description").value_or("") == "Excavator 30t");
        CHECK(json::get_string(l, "quantity").value_or("") == "2.0");
        CHECK(json::get_string(l, "unit_cost").value_or("") == "4200.5");
        CHECK(json::get_string(l, "uom").value_or("") == "EA");
        CHECK(*json::get_id(l, "cost_code_id") == project_code);
    }
    CHECK(found == 1);

    // A rerun writes nothing either way; the new commitment is not sent to Oracle (no echo).
    env.reset_stats();
    const auto again = env.run_json({"pull-pos", "--json", "--full"}, 0);
    CHECK(env.procore_writes() == 0);
    CHECK(env.draft_posts() == 0);
    CHECK(again["commitments"]["planned"]["echo"].GetInt64() == 1);

    // Procore refuses a commitment (its vendor was deleted in Procore): Procore's message is
    // kept in the failed posting, the pass goes on (exit 1).
    const auto& other = env.approved[1];
    env.procore_mutate(
        fmt::format(R"({{"op":"delete","collection":"vendors","id":{}}})", other.vendor));
    const auto orphan = test::parse_json(env.oracle_mutate(fmt::format(
        R"({{"op":"create","collection":"purchase_orders","fields":{{"SupplierId":{},)"
        R"("ProcurementBU":"US1 Business Unit","RequisitioningBU":"US1 Business Unit",)"
        R"("CurrencyCode":"USD","BuyerEmail":"central@example.com","Description":"Scaffolding",)"
        R"("lines":[{{"LineType":"Goods","ItemDescription":"Scaffold","Quantity":1,"UOM":"EA",)"
        R"("Price":900,"schedules":[{{"ShipToLocation":"US1 HQ","NeedByDate":"2026-12-15",)"
        R"("distributions":[{{"POChargeAccount":"101-2000-5110-000-000"}}]}}]}}]}}}})",
        other.supplier)));
    const auto refused = env.run_json({"pull-pos", "--json"}, 1);
    REQUIRE(refused["oracle_pos"]["failures"].Size() == 1);
    const auto& failure = refused["oracle_pos"]["failures"][0];
    CHECK(json::get_string(failure, "source_key").value_or("")
          == std::to_string(*json::get_id(orphan, "POHeaderId")));
    CHECK_THAT(json::get_string(failure, "message").value_or(""), Catch::Contains("vendor"));
    {
        store::Database db(env.state_path());
        int failed = 0;
        for (const auto& p : store::Postings(db).list_by_status("failed")) {
            if (p.kind == "oracle_po") {
                ++failed;
                CHECK_THAT(p.last_error.value_or(""), Catch::Contains("vendor"));
            }
        }
        CHECK(failed == 1);
    }

    // A change in Oracle (a new line) after the commitment was approved is held, not written.
    env.oracle_mutate(fmt::format(
        R"({{"op":"update","collection":"purchase_orders","id":{},"fields":{{"Description":"Excavator and operator"}}}})",
        po_id));
    env.reset_stats();
    const auto renamed = env.run_json({"pull-pos", "--json"}, 0); // the refused one waits an hour
    CHECK(renamed["oracle_pos"]["applied"]["updated"].GetInt64() == 1); // the title only
    const auto pcs2 = env.procore_data("purchase_order_contracts");
    for (const auto& c : pcs2.GetArray()) {
        if (json::get_string(c, "origin_id").value_or("") == std::to_string(po_id)) {
            CHECK(json::get_string(c, "title").value_or("") == "Excavator and operator");
            CHECK(json::get_string(c, "status").value_or("") == "Approved");
        }
    }
}

TEST_CASE("pull-pos: SIGKILL while an Oracle-born PO is written to Procore, then a rerun: one "
          "commitment",
          "[e2e][pull-pos][crash]")
{
    for (const char* point : {"outbox.marked_sent", "outbox.answered", "outbox.confirmed"}) {
        DYNAMIC_SECTION(point)
        {
            Env env;
            env.run_json({"pull-pos", "--json"}, 0); // the Procore-born ones, without a crash
            erp_cost_code(env, k_project2, "2000-5110");
            const auto po = test::parse_json(env.oracle_mutate(oracle_po_body(
                env.approved.front().supplier, "Excavator rental", "101-2000-5110-000-000")));
            const auto po_id = std::to_string(*json::get_id(po, "POHeaderId"));
            const auto killed =
                env.run({"pull-pos", "--json"},
                        test::ProcessOptions{.env = {{"ML_CONNECTOR_CRASH_AT", std::string(point)}},
                                             .unset_env = {},
                                             .stdin_data = {},
                                             .cwd = {}});
            CHECK(killed.exit_code == -1); // killed by the signal
            {
                // ... while writing the Oracle-born PO: its posting was recorded.
                store::Database db(env.state_path());
                store::PostingFilter f;
                f.kinds = {"oracle_po"};
                CHECK(store::Postings(db).list(f).size() == 1);
            }
            env.run_json({"pull-pos", "--json"}, 0);
            int found = 0;
            const auto pcs = env.procore_data("purchase_order_contracts");
            for (const auto& c : pcs.GetArray()) {
                if (json::get_string(c, "origin_id").value_or("") == po_id) {
                    ++found;
                    CHECK(json::get_string(c, "status").value_or("") == "Approved");
                    CHECK(c["line_items"].Size() == 1);
                }
            }
            CHECK(found == 1);
            store::Database db(env.state_path());
            for (const auto& p : store::Postings(db).list_by_status("sent")) {
                CHECK(p.kind != "oracle_po");
            }
            for (const auto& p : store::Postings(db).list_by_status("pending")) {
                CHECK(p.kind != "oracle_po");
            }
            CHECK(env.run({"audit", "verify"}).exit_code == 0);
        }
    }
}

} // namespace pull_pos_test
