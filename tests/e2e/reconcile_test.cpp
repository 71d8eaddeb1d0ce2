// reconcile, end to end through the real binary and the simulators: a month post-costs posted
// cleanly agrees (exit 0) on every project and account, to the cent, and reconcile writes
// nothing anywhere; then each kind of difference is made in the simulators — a posting held by a
// closed period, a document that cannot be mapped (failed), a journal a person entered in Oracle
// on a project account, a posted journal's amount edited in Oracle, a batch deleted — and each is
// found (exit 1) and attributed to its document, account and amounts.
#include "core/json.hpp"
#include "cost_env.hpp"
#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace reconcile_test {

using namespace mlc;
using namespace cost_env;

namespace {

std::string account(std::int64_t project, const std::string& natural)
{
    return fmt::format("101-{}-{}-000-000", cc(project), natural);
}

// reconcile's JSON row for (project, account), or nullptr.
const json::Value* find_row(const json::Value& doc, std::int64_t project, const std::string& acct)
{
    for (const auto& r : doc["rows"].GetArray()) {
        if (*json::get_id(r, "project_id") == project
            && json::get_string(r, "account").value_or("") == acct) {
            return &r;
        }
    }
    return nullptr;
}

std::string str(const json::Value& v, const char* key)
{
    return json::get_string(v, key).value_or("");
}

// The one difference of `kind` for `record_key` (and `acct` when given).
const json::Value& the_difference(const json::Value& doc, const std::string& kind,
                                  const std::string& record_key, const std::string& acct = "")
{
    const json::Value* found = nullptr;
    for (const auto& d : doc["differences"].GetArray()) {
        if (str(d, "kind") == kind && str(d, "record_key") == record_key
            && (acct.empty() || str(d, "account") == acct)) {
            REQUIRE(found == nullptr);
            found = &d;
        }
    }
    INFO("no " << kind << " difference for " << record_key << " " << acct);
    REQUIRE(found != nullptr);
    return *found;
}

std::string key_of(const Doc& d)
{
    return fmt::format("{}:{}:{}", d.kind, d.project, d.id);
}

} // namespace

TEST_CASE("reconcile: a month posted cleanly agrees to the cent and reconcile writes nothing",
          "[e2e][reconcile]")
{
    Env env;
    env.run_json({"post-costs", "--json"}, 0);
    env.reset_stats();

    const auto out = env.run({"reconcile", "--period", "Jul-26", "--json"});
    INFO(out.out << out.err);
    REQUIRE(out.exit_code == 0);
    const auto doc = test::parse_json(out.out);
    CHECK(*json::get_bool(doc, "agrees"));
    CHECK(str(doc, "start_date") == "2026-07-01");
    CHECK(str(doc, "end_date") == "2026-07-31");
    CHECK(doc["differences"].Empty());

    // The debits of each project's cost accounts, as the documents state them.
    const bool co_in_1 = env.change_order.project == k_project1;
    const std::map<std::pair<std::int64_t, std::string>, std::string> expected{
        {{k_project1, account(k_project1, "5110")}, co_in_1 ? "5700.10" : "1500.10"},
        {{k_project1, account(k_project1, "5120")}, "250.15"},
        {{k_project2, account(k_project2, "5110")}, co_in_1 ? "980.00" : "5180.00"},
        {{k_project2, account(k_project2, "5120")}, "20.00"},
    };
    for (const auto& [where, amount] : expected) {
        INFO("project " << where.first << " account " << where.second);
        const auto* row = find_row(doc, where.first, where.second);
        REQUIRE(row != nullptr);
        CHECK(str(*row, "procore") == amount);
        CHECK(str(*row, "posted") == amount);
        CHECK(str(*row, "oracle") == amount);
        CHECK(str(*row, "cost_center") == cc(where.first));
    }
    // Every row agrees; the offset account's rows are flagged as such (the report's project
    // totals leave them out).
    int offsets = 0;
    for (const auto& r : doc["rows"].GetArray()) {
        CHECK(*json::get_bool(r, "agrees"));
        const bool offset = *json::get_bool(r, "offset");
        CHECK(offset == (str(r, "account") == env.offset));
        offsets += offset ? 1 : 0;
    }
    CHECK(offsets == 2); // one per project
    // Cost by day: what was posted on each accounting date.
    CHECK(str(doc["posted_by_day"], "2026-07-14") == "1750.25");
    CHECK(str(doc["posted_by_day"], "2026-07-20") == "1000.00");
    CHECK(str(doc["posted_by_day"], "2026-07-25") == "4200.00");
    // Reads only.
    CHECK(env.procore_writes() == 0);
    CHECK(env.oracle_writes() == 0);

    // The table and the CSV say the same.
    const auto table = env.run({"reconcile", "--period", "Jul-26"});
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("the ledger agrees with Procore") != std::string::npos);
    const auto csv_path = env.dir() / "jul.csv";
    const auto csv =
        env.run({"reconcile", "--period", "Jul-26", "--format", "csv", "--out", csv_path.string()});
    CHECK(csv.exit_code == 0);
    std::ifstream in(csv_path);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str().starts_with("section,kind,project_id,cost_center,account,"));
    CHECK(text.str().find(fmt::format("row,agrees,{},1000,{},,,,,250.15,250.15,250.15", k_project1,
                                      account(k_project1, "5120")))
          != std::string::npos);

    // A period the ledger does not have is a usage error naming the ones it has.
    const auto bad = env.run({"reconcile", "--period", "Smarch-26"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("no period \"Smarch-26\"") != std::string::npos);
    CHECK(bad.err.find("Jul-26") != std::string::npos);
}

TEST_CASE("reconcile: held, failed, a manual journal, an edit and a deletion in Oracle are each "
          "explained by their document",
          "[e2e][reconcile]")
{
    Env env;
    // Project 1's journals in one batch, project 2's in another, so deleting the first in Oracle
    // leaves the second.
    env.run_json({"post-costs", "--json", "--project", std::to_string(k_project1)}, 0);
    env.run_json({"post-costs", "--json"}, 0);

    // A journal a person entered in Oracle on project 1's materials account (its credit on a
    // cost center no project has).
    env.oracle_mutate(fmt::format(
        R"({{"op":"create","collection":"journals","BatchName":"Accrual July","Source":"Manual",)"
        R"("JournalName":"Accrued concrete","AccountingDate":"2026-07-30","lines":[)"
        R"({{"AccountCombination":"{}","EnteredDebitAmount":500.00}},)"
        R"({{"AccountCombination":"{}","EnteredCreditAmount":500.00}}]}})",
        account(k_project1, "5120"), "101-9999-2100-000-000"));

    // The payroll journal's materials line edited in Oracle, from 980.00 to 880.00; the expense
    // journal's batch deleted there.
    const std::string payroll_prefix = fmt::format("MLC DC-{} ", env.payroll.id);
    const std::string expense_prefix = fmt::format("MLC DC-{} ", env.expense.id);
    std::int64_t expense_batch = 0;
    std::string payroll_journal;
    std::int64_t payroll_line = 0;
    const auto batches = env.oracle_data("journals");
    for (const auto& b : batches.GetArray()) {
        for (const auto& h : b["journalHeaders"].GetArray()) {
            const auto name = str(h, "JournalName");
            if (name.starts_with(expense_prefix)) {
                expense_batch = *json::get_id(b, "JeBatchId");
            }
            if (name.starts_with(payroll_prefix)) {
                payroll_journal = name;
                for (const auto& l : h["journalLines"].GetArray()) {
                    if (str(l, "AccountCombination") == account(k_project2, "5110")) {
                        payroll_line = *json::get_id(l, "JeLineNumber");
                    }
                }
            }
        }
    }
    REQUIRE(payroll_line != 0);
    REQUIRE(expense_batch != 0);
    env.oracle_mutate(
        fmt::format(R"({{"op":"delete","collection":"journals","id":{}}})", expense_batch));
    env.oracle_mutate(fmt::format(
        R"({{"op":"update","collection":"journals","JournalName":"{}","JeLineNumber":{},)"
        R"("EnteredDebitAmount":880.00}})",
        payroll_journal, payroll_line));

    // A cost code nothing maps to an account: its direct cost cannot post (failed).
    const auto code = test::parse_json(env.procore_mutate(fmt::format(
        R"({{"op":"create","collection":"cost_codes","project_id":{},"fields":{{"code":"999",)"
        R"("full_code":"99-999","name":"Unmapped"}}}})",
        k_project1)));
    const auto unmapped = test::parse_json(env.procore_mutate(fmt::format(
        R"({{"op":"create","collection":"direct_costs","project_id":{},"fields":{{)"
        R"("direct_cost_type":"expense","status":"approved","direct_cost_date":"2026-07-27",)"
        R"("invoice_number":"INV-U","description":"Unmapped",)"
        R"("line_items":[{{"description":"Misc","amount":"75.00","cost_code_id":{}}}]}}}})",
        k_project1, *json::get_id(code, "id"))));
    const Doc failed{"dc", *json::get_id(unmapped, "id"), k_project1, "75.00"};

    // July closes; a cost approved now for July is held by post-costs (closed_period: hold).
    env.oracle_mutate(
        R"({"op":"update","collection":"accounting_periods","PeriodNameId":"Jul-26","ClosingStatus":"C"})");
    const auto late =
        env.direct_cost(k_project2, "expense", "approved", "2026-07-29", "300.00", "0.50");
    env.run({"post-costs", "--full"});

    const auto out = env.run({"reconcile", "--period", "Jul-26", "--json"});
    INFO(out.out << out.err);
    REQUIRE(out.exit_code == 1);
    const auto doc = test::parse_json(out.out);
    CHECK_FALSE(*json::get_bool(doc, "agrees"));
    CHECK(str(doc, "period_status") == "C");

    // Held: in Procore, not posted, not in Oracle; the reason and the replay command.
    const auto& held = the_difference(doc, "held", key_of(late), account(k_project2, "5110"));
    CHECK(str(held, "procore") == "300.00");
    CHECK(str(held, "posted") == "0.00");
    CHECK(str(held, "oracle") == "0.00");
    CHECK(str(held, "why").find("period") != std::string::npos);
    CHECK(str(held, "action").find("replay --kind costs --held") != std::string::npos);

    // Failed: no account to post to; its Procore amount on "no account".
    const auto& fail = the_difference(doc, "failed", key_of(failed));
    CHECK(str(fail, "account").empty());
    CHECK(str(fail, "procore") == "75.00");
    CHECK(str(fail, "why").find("99-999") != std::string::npos);

    // Not from us: the manual journal, on project 1's 5120 account.
    const json::Value* manual = nullptr;
    for (const auto& d : doc["differences"].GetArray()) {
        if (str(d, "kind") == "not_from_us") {
            REQUIRE(manual == nullptr);
            manual = &d;
        }
    }
    REQUIRE(manual != nullptr);
    CHECK(*json::get_id(*manual, "project_id") == k_project1);
    CHECK(str(*manual, "account") == account(k_project1, "5120"));
    CHECK(str(*manual, "journal") == "Accrued concrete");
    CHECK(str(*manual, "batch") == "Accrual July");
    CHECK(str(*manual, "oracle") == "500.00");
    CHECK(str(*manual, "document").find("Manual") != std::string::npos);

    // Edited in Oracle: posted 980.00, the ledger 880.00, on the payroll document's account.
    const auto& edited =
        the_difference(doc, "edited_in_oracle", key_of(env.payroll), account(k_project2, "5110"));
    CHECK(str(edited, "procore") == "980.00");
    CHECK(str(edited, "posted") == "980.00");
    CHECK(str(edited, "oracle") == "880.00");
    CHECK(str(edited, "journal").find(payroll_journal) != std::string::npos);

    // Missing in Oracle: the expense journal's batch was deleted there.
    const auto& missing =
        the_difference(doc, "missing_in_oracle", key_of(env.expense), account(k_project1, "5120"));
    CHECK(str(missing, "posted") == "250.15");
    CHECK(str(missing, "oracle") == "0.00");
    CHECK_FALSE(str(missing, "batch").empty());

    // The rows: project 1's 5120 account holds the posted 250.15 gone and the manual 500.00.
    const auto* row = find_row(doc, k_project1, account(k_project1, "5120"));
    REQUIRE(row != nullptr);
    CHECK(str(*row, "procore") == "250.15");
    CHECK(str(*row, "posted") == "250.15");
    CHECK(str(*row, "oracle") == "500.00");
    CHECK_FALSE(*json::get_bool(*row, "agrees"));
    // Rows with a difference come first.
    CHECK_FALSE(*json::get_bool(doc["rows"][0], "agrees"));

    // The table leads with the differences and says what to do.
    const auto table =
        env.run({"reconcile", "--period", "Jul-26", "--project", std::to_string(k_project2)});
    CHECK(table.exit_code == 1);
    CHECK(table.out.find("edited_in_oracle") != std::string::npos);
    CHECK(table.out.find("what to do:") != std::string::npos);
    CHECK(table.out.find(std::to_string(k_project1)) == std::string::npos);
}

TEST_CASE("reconcile: with closed_period next_open, a document dated in a closed period is shown "
          "in both periods as posted in the other",
          "[e2e][reconcile]")
{
    Env env(R"(, "closed_period": "next_open")");
    env.oracle_mutate(
        R"({"op":"update","collection":"accounting_periods","PeriodNameId":"Jul-26","ClosingStatus":"C"})");
    env.run_json({"post-costs", "--json"}, 0);

    const auto july = env.run({"reconcile", "--period", "Jul-26", "--json"});
    INFO(july.out << july.err);
    REQUIRE(july.exit_code == 1);
    const auto jul = test::parse_json(july.out);
    const auto& dated =
        the_difference(jul, "other_period", key_of(env.expense), account(k_project1, "5120"));
    CHECK(str(dated, "procore") == "250.15");
    CHECK(str(dated, "posted") == "0.00");
    const std::string why = str(dated, "why");
    REQUIRE(why.starts_with("posted in "));
    const std::string went = why.substr(10, why.find(':') - 10);
    CHECK(went != "Jul-26");
    // Nothing else is wrong with July: every difference is one of these.
    for (const auto& d : jul["differences"].GetArray()) {
        CHECK(str(d, "kind") == "other_period");
    }

    const auto there = env.run({"reconcile", "--period", went, "--json"});
    INFO(there.out << there.err);
    REQUIRE(there.exit_code == 1);
    const auto doc = test::parse_json(there.out);
    const auto& posted =
        the_difference(doc, "other_period", key_of(env.expense), account(k_project1, "5120"));
    CHECK(str(posted, "procore") == "0.00");
    CHECK(str(posted, "posted") == "250.15");
    CHECK(str(posted, "oracle") == "250.15");
    CHECK(str(posted, "why") == "dated in Jul-26, posted here");
}

} // namespace reconcile_test
