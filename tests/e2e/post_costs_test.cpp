// post-costs, Procore direct costs and approved change orders -> Oracle GL journals through
// Journal Import, end to end through the real binary and the simulators' data: the journals
// Oracle holds are asserted line by line (accounts with the project's cost center, debits,
// credits, period, names); a rerun imports nothing; --dry-run writes nothing anywhere; a job
// still running is confirmed by the next pass; SIGKILL after the import and a rerun leave each
// journal exactly once; a journal Oracle rejects fails alone; a closed period holds; --plan and
// --apply, and --apply refusing a changed document; an edit and a delete after posting reverse.
#include "core/clock.hpp"
#include "core/json.hpp"
#include "cost_env.hpp"
#include "spool/spool.hpp"
#include "store/database.hpp"
#include "store/postings.hpp"
#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace post_costs_test {

using namespace mlc;
using test::E2eEnv;

using namespace cost_env;

namespace {

// The journal of a document as Oracle holds it: one debit per line on the line's account with
// the project's cost center, one credit to the offset, balanced, in the document's period.
const json::Value& check_journal(Env& env, std::map<std::string, Env::Held>& held, const Doc& d,
                                 const std::string& period)
{
    INFO("document " << d.kind << " " << d.id);
    const std::string prefix = fmt::format("MLC {}-{} ", d.kind == "dc" ? "DC" : "CO", d.id);
    const Env::Held* found = nullptr;
    for (const auto& [name, h] : held) {
        if (name.starts_with(prefix) && !name.ends_with(" REV")) {
            REQUIRE(found == nullptr);
            found = &h;
        }
    }
    REQUIRE(found != nullptr);
    const auto& h = found->header;
    CHECK(found->batch.starts_with("MLC Procore "));
    CHECK(json::get_string(h, "PeriodName").value_or("") == period);
    CHECK(json::get_string(h, "JournalCategory").value_or("") == "Project Costs");
    CHECK(json::get_string(h, "CurrencyCode").value_or("") == "USD");
    CHECK(json::get_double(h, "RunningTotalEnteredDr").value_or(0) == Approx(std::stod(d.total)));
    CHECK(json::get_double(h, "RunningTotalEnteredCr").value_or(0) == Approx(std::stod(d.total)));
    const auto& lines = h["journalLines"];
    const std::string center = cc(d.project);
    if (d.kind == "dc") {
        REQUIRE(lines.Size() == 3);
        CHECK(json::get_string(lines[0], "AccountCombination").value_or("")
              == "101-" + center + "-5110-000-000");
        CHECK(json::get_string(lines[1], "AccountCombination").value_or("")
              == "101-" + center + "-5120-000-000");
        CHECK(json::get_string(lines[0], "Description").value_or("").find("Crane")
              != std::string::npos);
    } else {
        REQUIRE(lines.Size() == 2);
        CHECK(json::get_string(lines[0], "AccountCombination").value_or("")
              == "101-" + center + "-5110-000-000");
        CHECK(json::get_double(lines[0], "EnteredDebitAmount").value_or(0) == Approx(4200.0));
    }
    const auto& off = lines[lines.Size() - 1];
    CHECK(json::get_string(off, "AccountCombination").value_or("") == env.offset);
    CHECK(json::get_double(off, "EnteredCreditAmount").value_or(0) == Approx(std::stod(d.total)));
    CHECK(off["EnteredDebitAmount"].IsNull());
    return h;
}

} // namespace

TEST_CASE("post-costs: approved direct costs and change orders become balanced journals once",
          "[e2e][post-costs]")
{
    Env env;

    // A dry run prints the controller's table and writes nothing anywhere.
    auto dry = env.run({"post-costs", "--dry-run"});
    REQUIRE(dry.exit_code == 0);
    CHECK(dry.out.find("101-1000-5110-000-000") != std::string::npos);
    CHECK(dry.out.find("1500.10") != std::string::npos);
    CHECK(dry.out.find("change order") != std::string::npos);
    CHECK(env.imports() == 0);
    CHECK(env.oracle_data("journals").Size() == 0);
    CHECK(env.postings("pending").empty());

    const auto first = env.run_json({"post-costs", "--json"}, 0);
    CHECK(env.imports() == 1); // one import for every journal of the pass
    // The lines' inline cost codes tell their accounts: the projects' cost codes are not read.
    REQUIRE(first.HasMember("api_calls"));
    CHECK_FALSE(first["api_calls"].HasMember("GET /rest/v1.0/cost_codes"));
    CHECK(first["api_calls"].HasMember("GET /rest/v1.0/projects/{id}/direct_costs/line_items"));
    // The write-backs go one sync call per project, not one per direct cost.
    CHECK(first["api_calls"]["PATCH /rest/v1.0/projects/{id}/direct_costs/sync"].GetInt() == 2);
    auto held = env.journals();
    CHECK(held.size() == 3); // expense, payroll, the change order; not the invoice nor pending
    check_journal(env, held, env.expense, "Jul-26");
    check_journal(env, held, env.payroll, "Jul-26");
    check_journal(env, held, env.change_order, "Jul-26");
    CHECK(env.postings("confirmed").size() == 3);
    // The write-back: the journal name in the direct cost's origin_id (which locks it).
    CHECK(env.origin_id(env.expense).starts_with(fmt::format("MLC DC-{} ", env.expense.id)));
    CHECK(held.contains(env.origin_id(env.payroll)));
    CHECK(env.origin_id(env.invoice).empty());
    CHECK(env.origin_id(env.pending).empty());

    // A rerun imports nothing.
    env.reset_stats();
    const auto rerun = env.run_json({"post-costs", "--json", "--full"}, 0);
    CHECK(env.imports() == 0);
    CHECK(env.journals().size() == 3);
    // The stamps our write-backs caused are known: nothing is read again one by one.
    CHECK_FALSE(rerun["api_calls"].HasMember("GET /rest/v1.0/projects/{id}/direct_costs/{id}"));
}

TEST_CASE("post-costs: a running job is confirmed next pass and SIGKILL never posts twice",
          "[e2e][post-costs]")
{
    SECTION("the pass does not wait past posting.wait_seconds")
    {
        Env env("", R"("posting": {"wait_seconds": 0})", 50);
        auto first = env.run({"post-costs"});
        CHECK(first.exit_code == 0);
        CHECK(first.out.find("still") != std::string::npos);
        CHECK(env.postings("sent").size() == 3);
        CHECK(env.imports() == 1);
        env.oracle_admin("POST", "/_sim/clock", R"({"advance_seconds": 120})");
        env.run_json({"post-costs", "--json"}, 0);
        CHECK(env.imports() == 1); // no new import
        CHECK(env.postings("confirmed").size() == 3);
        CHECK(env.journals().size() == 3);
    }
    for (const char* point : {"outbox.answered", "import.requested", "outbox.confirmed"}) {
        DYNAMIC_SECTION("killed at " << point)
        {
            Env env;
            auto killed = env.run({"post-costs"},
                                  test::ProcessOptions{.env = {{"ML_CONNECTOR_CRASH_AT", point}},
                                                       .unset_env = {},
                                                       .stdin_data = {},
                                                       .cwd = {}});
            CHECK(killed.exit_code == -1); // killed by the signal
            env.oracle_admin("POST", "/_sim/clock", R"({"advance_seconds": 120})");
            env.run_json({"post-costs", "--json"}, 0);
            const auto held = env.journals();
            CHECK(held.size() == 3);
            CHECK(env.postings("confirmed").size() == 3);
            // The write-back a kill may have cut short is made by the rerun.
            CHECK(held.contains(env.origin_id(env.expense)));
            CHECK(held.contains(env.origin_id(env.payroll)));
            env.run_json({"post-costs", "--json", "--full"}, 0);
            CHECK(env.journals().size() == 3);
        }
    }
    SECTION("killed after marking sent, before the upload: never resent blindly")
    {
        Env env;
        auto killed =
            env.run({"post-costs"},
                    test::ProcessOptions{.env = {{"ML_CONNECTOR_CRASH_AT", "outbox.marked_sent"}},
                                         .unset_env = {},
                                         .stdin_data = {},
                                         .cwd = {}});
        CHECK(killed.exit_code == -1); // killed by the signal
        env.run_json({"post-costs", "--json"}, 0);
        CHECK(env.imports() == 0); // not found, and too recent to say it never went
        CHECK(env.postings("sent").size() == 3);
        CHECK(env.journals().empty());
    }
}

TEST_CASE(
    "post-costs: a rejected journal fails alone and a closed period holds and bad input fails",
    "[e2e][post-costs]")
{
    Env env;
    // The 01-100 account (5120, cost center 1000) no longer takes postings: Oracle rejects the
    // expense's journal (EF04); the others import.
    const auto accounts = env.oracle_data("account_combinations");
    std::int64_t ccid = 0;
    for (const auto& a : accounts.GetArray()) {
        if (json::get_string(a, "Segment2").value_or("") == "1000"
            && json::get_string(a, "Segment3").value_or("") == "5120") {
            ccid = *json::get_id(a, "_CODE_COMBINATION_ID");
        }
    }
    REQUIRE(ccid != 0);
    env.oracle_mutate(fmt::format(R"({{"op":"update","collection":"account_combinations",)"
                                  R"("id":{},"DetailPostingAllowed":"N"}})",
                                  ccid));
    // The payroll is dated in a period closed since.
    env.oracle_mutate(
        R"({"op":"update","collection":"accounting_periods","PeriodNameId":"Jun-26","ClosingStatus":"C"})");
    env.procore_mutate(fmt::format(R"({{"op":"update","collection":"direct_costs","id":{},)"
                                   R"("fields":{{"direct_cost_date":"2026-06-20"}}}})",
                                   env.payroll.id));
    // A direct cost whose cost code has no GL account.
    const auto unmapped = test::parse_json(env.procore_mutate(fmt::format(
        R"({{"op":"create","collection":"cost_codes","project_id":{},"fields":{{"code":"999",)"
        R"("full_code":"99-999","name":"Nowhere"}}}})",
        k_project1)));
    const auto bad = test::parse_json(env.procore_mutate(fmt::format(
        R"({{"op":"create","collection":"direct_costs","project_id":{},"fields":{{)"
        R"("direct_cost_type":"expense","status":"approved","direct_cost_date":"2026-07-02",)"
        R"("line_items":[{{"description":"Misc","amount":"10.00","cost_code_id":{}}}]}}}})",
        k_project1, *json::get_id(unmapped, "id"))));
    const auto bad_id = *json::get_id(bad, "id");

    auto r = env.run({"post-costs"});
    CHECK(r.exit_code == 1);
    INFO(r.out);
    auto held = env.journals();
    CHECK(held.size() == 1); // the change order alone
    check_journal(env, held, env.change_order, "Jul-26");
    const auto failed = env.postings("failed");
    REQUIRE(failed.size() == 2);
    std::map<std::string, std::string> why;
    for (const auto& p : failed) {
        why[p.records.front().substr(0, p.records.front().find(' '))] = p.last_error.value_or("");
    }
    CHECK(why[fmt::format("dc:{}:{}", k_project1, env.expense.id)].find("EF04")
          != std::string::npos);
    CHECK(why[fmt::format("dc:{}:{}", k_project1, bad_id)].find("has no GL account")
          != std::string::npos);
    const auto held_postings = env.postings("held");
    REQUIRE(held_postings.size() == 1);
    CHECK(held_postings.front().last_error.value_or("").find("period Jun-26 is closed")
          != std::string::npos);

    // The account takes postings again and the period reopens: replay and the next pass post
    // each exactly once.
    env.oracle_mutate(fmt::format(R"({{"op":"update","collection":"account_combinations",)"
                                  R"("id":{},"DetailPostingAllowed":"Y"}})",
                                  ccid));
    env.oracle_mutate(
        R"({"op":"update","collection":"accounting_periods","PeriodNameId":"Jun-26","ClosingStatus":"O"})");
    // replay posts the rejected one (the unmapped document still fails); the next pass posts
    // the held one, its period open again, without being asked.
    auto replayed = env.run({"replay", "--kind", "journal"});
    CHECK(replayed.exit_code == 1);
    CHECK(replayed.out.find("failed -> confirmed") != std::string::npos);
    held = env.journals();
    CHECK(held.size() == 2);
    check_journal(env, held, env.expense, "Jul-26");
    CHECK(env.run({"post-costs"}).exit_code == 1);
    held = env.journals();
    CHECK(held.size() == 3);
    check_journal(env, held, env.payroll, "Jun-26");
    CHECK(env.postings("held").empty());
    env.reset_stats();
    CHECK(env.run({"post-costs", "--full"}).exit_code == 1);
    CHECK(env.imports() == 0);
    CHECK(env.journals().size() == 3);
}

TEST_CASE("post-costs: --plan and --apply then an edit and a delete after posting reverse",
          "[e2e][post-costs]")
{
    Env env(R"(, "write_back": false)");
    const auto plan = (env.dir() / "plan.json").string();
    auto p = env.run({"post-costs", "--plan", plan});
    REQUIRE(p.exit_code == 0);
    CHECK(p.out.find("plan written to") != std::string::npos);
    CHECK(p.out.find(env.offset) != std::string::npos);
    CHECK(env.imports() == 0);
    CHECK(env.oracle_data("journals").Size() == 0);

    // A document changed since the plan: --apply refuses the whole plan.
    env.procore_mutate(fmt::format(
        R"({{"op":"update","collection":"direct_costs","id":{},"fields":{{"description":"Site costs, revised"}}}})",
        env.expense.id));
    auto refused = env.run({"post-costs", "--apply", plan});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("out of date") != std::string::npos);
    CHECK(env.imports() == 0);

    // A new plan, applied: exactly its journals.
    REQUIRE(env.run({"post-costs", "--plan", plan}).exit_code == 0);
    REQUIRE(env.run({"post-costs", "--apply", plan}).exit_code == 0);
    CHECK(env.journals().size() == 3);

    // An edit after posting: a reversal of what was posted and a new journal.
    env.procore_mutate(fmt::format(
        R"({{"op":"update","collection":"direct_costs","id":{},"fields":{{"line_items":[)"
        R"({{"description":"Crane","amount":"1600.00","cost_code_id":{}}}]}}}})",
        env.expense.id, env.cost_code[k_project1]));
    // A delete after posting: a reversal.
    env.procore_mutate(
        fmt::format(R"({{"op":"delete","collection":"direct_costs","id":{}}})", env.payroll.id));
    env.reset_stats();
    REQUIRE(env.run({"post-costs", "--full"}).exit_code == 0);
    CHECK(env.imports() == 1);
    const auto held = env.journals();
    CHECK(held.size() == 6);
    int reversals = 0;
    for (const auto& [name, h] : held) {
        if (name.ends_with(" REV")) {
            ++reversals;
            const auto& lines = h.header["journalLines"];
            // The offset line of a reversal is a debit.
            CHECK(json::get_string(lines[lines.Size() - 1], "AccountCombination").value_or("")
                  == env.offset);
            CHECK(lines[lines.Size() - 1]["EnteredCreditAmount"].IsNull());
        }
    }
    CHECK(reversals == 2);
    // Nothing more on a rerun: nothing is even planned (the link follows the newest version).
    env.reset_stats();
    const auto again = env.run({"post-costs", "--full"});
    REQUIRE(again.exit_code == 0);
    CHECK(env.imports() == 0);
    CHECK(again.out.find("post 0") == std::string::npos);
    CHECK(again.out.find("reverse") == std::string::npos);
    CHECK(again.err.find("already linked") == std::string::npos);
    // A second edit, in the same second (so the sweep cannot tell it by updated_at: its
    // webhook event brings it), reverses the second version, never the first again.
    env.spool_event("Direct Costs", k_project1, env.expense.id, 7001);
    env.procore_mutate(fmt::format(
        R"({{"op":"update","collection":"direct_costs","id":{},"fields":{{"line_items":[)"
        R"({{"description":"Crane","amount":"1700.00","cost_code_id":{}}}]}}}})",
        env.expense.id, env.cost_code[k_project1]));
    const auto third = env.run({"post-costs"});
    INFO(third.out << third.err);
    REQUIRE(third.exit_code == 0);
    const auto after = env.journals();
    CHECK(after.size() == 8);
    int of_expense = 0;
    for (const auto& [name, h] : after) {
        if (name.starts_with(fmt::format("MLC DC-{} ", env.expense.id))) {
            ++of_expense;
        }
    }
    CHECK(of_expense == 5); // v1, v1 REV, v2, v2 REV, v3
}

TEST_CASE("post-costs: a mapping Oracle does not have is exit 2 and a refused or lost import "
          "never posts twice",
          "[e2e][post-costs]")
{
    SECTION("an offset account that is not a combination: exit 2 before anything is read")
    {
        Env env;
        env.offset = "101-9999-9999-999-999";
        env.write("", "");
        const auto r = env.run({"post-costs"});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("/mapping/journal/offset_accounts") != std::string::npos);
        CHECK(r.err.find("101-9999-9999-999-999") != std::string::npos);
        CHECK(env.imports() == 0);
        CHECK(env.postings("pending").empty());
        CHECK(env.procore_writes() == 0);
    }
    SECTION("Oracle refuses the import (400): every journal fails, replay posts them once")
    {
        Env env;
        env.oracle_admin("POST", "/_sim/faults",
                         R"({"path": "/erpintegrations", "method": "POST", "status": 400})");
        auto r = env.run({"post-costs"});
        CHECK(r.exit_code == 1);
        CHECK(env.postings("failed").size() == 3);
        CHECK(env.journals().empty());
        auto replayed = env.run({"replay", "--kind", "journal"});
        INFO(replayed.out << replayed.err);
        CHECK(replayed.exit_code == 0);
        CHECK(env.journals().size() == 3);
        CHECK(env.postings("confirmed").size() == 3);
    }
    SECTION("the answer is lost (500): the journals are looked up, not sent again")
    {
        Env env;
        env.oracle_admin("POST", "/_sim/faults",
                         R"({"path": "/erpintegrations", "method": "POST", "status": 500})");
        auto r = env.run({"post-costs"});
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("looked up in journalBatches") != std::string::npos);
        CHECK(env.postings("sent").size() == 3);
        env.run({"post-costs"});
        CHECK(env.imports() == 1); // never resent while Oracle may still have it
        CHECK(env.postings("sent").size() == 3);
    }
}

} // namespace post_costs_test
