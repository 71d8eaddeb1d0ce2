// post-costs, Procore direct costs and approved change orders -> Oracle GL journals through
// Journal Import, end to end through the real binary and the simulators' data: the journals
// Oracle holds are asserted line by line (accounts with the project's cost center, debits,
// credits, period, names); a rerun imports nothing; --dry-run writes nothing anywhere; a job
// still running is confirmed by the next pass; SIGKILL after the import and a rerun leave each
// journal exactly once; a journal Oracle rejects fails alone; a closed period holds; --plan and
// --apply, and --apply refusing a changed document; an edit and a delete after posting reverse.
#include "core/clock.hpp"
#include "core/json.hpp"
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

namespace {

constexpr std::int64_t k_project1 = 4'300'000'001;
constexpr std::int64_t k_project2 = 4'300'000'002;
const std::string k_import = "/fscmRestApi/resources/11.13.18.05/erpintegrations";

sim::SimOptions sim_options(int ess_polls = 1)
{
    auto o = E2eEnv::default_options();
    o.suppliers = 6;
    o.accounts = 40;
    o.projects = 2;
    o.commitments_per_project = 1;
    o.subcontracts_per_project = 0;
    o.costs_per_project = 0;
    o.ess_polls_to_finish = ess_polls;
    o.procore_spike_limit = 1'000'000;
    o.procore_hourly_limit = 1'000'000;
    return o;
}

struct Doc {
    std::string kind; // dc / co
    std::int64_t id = 0;
    std::int64_t project = 0;
    std::string total;
};

class Env : public E2eEnv {
public:
    explicit Env(const std::string& journal_extra = "", const std::string& posting = "",
                 int ess_polls = 1)
        : E2eEnv(sim_options(ess_polls))
    {
        // The offset: an enabled, postable combination the sim has (a liability on real books).
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
        write(journal_extra, posting);
        run_json({"sync-suppliers", "--json"}, 0);
        prepare();
        reset_stats();
    }

    void write(const std::string& journal_extra, const std::string& posting)
    {
        write_config(
            test::ConfigOptions{.extra_members = fmt::format(
                                    R"("mapping": {{
        "cost_codes": {{"natural_account_segment": 3, "code_segments": [2, 3], "account_types": ["E"],
                        "accounts": {{"01-100": "101-1000-5120-000-000"}}}},
        "projects": {{"default": {{"currency": "USD", "cost_center": "1000"}},
                     "4300000002": {{"cost_center": "2000"}}}},
        "journal": {{"ledger_id": 300000046975971, "ledger_name": "US Primary Ledger",
                    "data_access_set_id": 300000046975980, "source": "Procore",
                    "category": "Project Costs",
                    "offset_accounts": {{"direct_cost": "{}"}}{}}}}}{})",
                                    offset, journal_extra, posting.empty() ? "" : ",\n" + posting),
                                .procore_company_id = 0,
                                .http = R"("max_backoff_ms": 20, "max_attempts": 3)"});
    }

    // A cost code copied from the ERP standard code 1000-5110 (GL 101-1000-5110) in each
    // project, the 01-100 code (mapped to 5120 by mapping.cost_codes.accounts), and the
    // documents the tests post.
    void prepare()
    {
        std::int64_t erp_code = 0;
        const auto std_codes = procore_data("standard_cost_codes");
        for (const auto& c : std_codes.GetArray()) {
            if (json::get_string(c, "full_code").value_or("") == "1000-5110"
                || json::get_string(c, "code").value_or("") == "1000-5110") {
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
            const auto codes = procore_data("cost_codes");
            for (const auto& c : codes.GetArray()) {
                if (*json::get_id(c, "project_id") == project
                    && json::get_string(c, "full_code").value_or("") == "01-100") {
                    mapped_code[project] = *json::get_id(c, "id");
                }
            }
            REQUIRE(mapped_code[project] != 0);
        }
        // The seed's own change orders go back to draft: the tests know exactly what posts.
        const auto seeded = procore_data("commitment_change_orders");
        for (const auto& c : seeded.GetArray()) {
            procore_mutate(fmt::format(R"({{"op":"update","collection":"commitment_change_orders",)"
                                       R"("id":{},"fields":{{"status":"draft"}}}})",
                                       *json::get_id(c, "id")));
        }
        expense = direct_cost(k_project1, "expense", "approved", "2026-07-14", "1500.10", "250.15");
        payroll = direct_cost(k_project2, "payroll", "approved", "2026-07-20", "980.00", "20.00");
        invoice = direct_cost(k_project1, "invoice", "approved", "2026-07-21", "100.00", "1.00");
        pending = direct_cost(k_project2, "expense", "pending", "2026-07-22", "100.00", "1.00");
        const auto pos = procore_data("purchase_order_contracts");
        const auto contract = *json::get_id(pos[0], "id");
        const auto co_project = *json::get_id(pos[0]["project"], "id");
        const auto made = test::parse_json(procore_mutate(fmt::format(
            R"({{"op":"create","collection":"commitment_change_orders","project_id":{},)"
            R"("fields":{{"number":"CO-900","title":"Added footings","status":"approved",)"
            R"("approved_date":"2026-07-25","contract_id":{},)"
            R"("line_items":[{{"description":"Footings","amount":"4200.00","cost_code_id":{}}}]}}}})",
            co_project, contract, cost_code[co_project])));
        change_order = Doc{"co", *json::get_id(made, "id"), co_project, "4200.00"};
    }

    Doc direct_cost(std::int64_t project, const std::string& type, const std::string& status,
                    const std::string& date, const std::string& a1, const std::string& a2)
    {
        const auto made = test::parse_json(procore_mutate(fmt::format(
            R"({{"op":"create","collection":"direct_costs","project_id":{},"fields":{{)"
            R"("direct_cost_type":"{}","status":"{}","direct_cost_date":"{}",)"
            R"("invoice_number":"INV-{}","description":"Site costs",)"
            R"("line_items":[{{"description":"Crane","amount":"{}","cost_code_id":{}}},)"
            R"({{"description":"Operator","amount":"{}","cost_code_id":{}}}]}}}})",
            project, type, status, date, date, a1, cost_code[project], a2, mapped_code[project])));
        const auto total = *Decimal_sum(a1, a2);
        return Doc{"dc", *json::get_id(made, "id"), project, total};
    }

    static std::optional<std::string> Decimal_sum(const std::string& a, const std::string& b)
    {
        // Two-place amounts only: exact in cents.
        auto cents = [](const std::string& s) {
            const auto dot = s.find('.');
            return std::stoll(s.substr(0, dot)) * 100 + std::stoll(s.substr(dot + 1));
        };
        const auto c = cents(a) + cents(b);
        return fmt::format("{}.{:02}", c / 100, c % 100);
    }

    std::int64_t imports() { return sims().oracle().stats().count("POST", k_import); }

    // Every journal header Oracle holds, by journal name, with its batch's name.
    struct Held {
        std::string batch;
        json::Document header;
    };
    std::map<std::string, Held> journals()
    {
        std::map<std::string, Held> out;
        const auto batches = oracle_data("journals");
        for (const auto& b : batches.GetArray()) {
            for (const auto& h : b["journalHeaders"].GetArray()) {
                Held held;
                held.batch = json::get_string(b, "BatchName").value_or("");
                held.header.CopyFrom(h, held.header.GetAllocator());
                const auto name = json::get_string(h, "JournalName").value_or("");
                REQUIRE_FALSE(out.contains(name)); // never twice
                out.emplace(name, std::move(held));
            }
        }
        return out;
    }

    std::vector<store::Posting> postings(const std::string& status)
    {
        store::Database db(state_path());
        std::vector<store::Posting> out;
        for (auto& p : store::Postings(db).list_by_status(status)) {
            if (p.kind == "journal") {
                out.push_back(std::move(p));
            }
        }
        return out;
    }

    std::string origin_id(const Doc& d)
    {
        const auto docs = procore_data("direct_costs");
        for (const auto& x : docs.GetArray()) {
            if (*json::get_id(x, "id") == d.id) {
                return json::get_string(x, "origin_id").value_or("");
            }
        }
        return "?";
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

    std::string offset;
    std::map<std::int64_t, std::int64_t> cost_code;
    std::map<std::int64_t, std::int64_t> mapped_code;
    Doc expense, payroll, invoice, pending, change_order;
};

std::string cc(std::int64_t project)
{
    return project == k_project2 ? "2000" : "1000";
}

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
