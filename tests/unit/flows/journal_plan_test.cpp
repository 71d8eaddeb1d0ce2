// Planning a Procore cost document as one GL journal: a pure function, so every account rule,
// the balancing, the periods and every refusal are checked here without a server.
#include "core/config.hpp"
#include "sync/flows/journals/journal_plan.hpp"
#include "sync/flows/journals/journals.hpp"

#include <catch2/catch.hpp>

namespace flows_journal_plan_test {

using namespace mlc;
using procore::CostKind;

namespace {

MappingConfig mapping()
{
    MappingConfig m;
    m.projects["default"].cost_center = "1000";
    m.projects["77"].cost_center = "2000";
    m.projects["default"].currency = "USD";
    m.journal.configured = true;
    m.journal.ledger_id = 300000046975971;
    m.journal.offset_direct_cost = "101-0000-2100-000-000";
    m.journal.offset_change_order = "101-0000-2110-000-000";
    CostCodeMappingConfig cc;
    cc.natural_segment = 3;
    m.cost_codes = cc;
    return m;
}

procore::CostDocument direct_cost()
{
    procore::CostDocument d;
    d.kind = CostKind::direct_cost;
    d.id = 4'600'000'001;
    d.project_id = 77;
    d.type = "expense";
    d.status = "approved";
    d.date = "2026-07-14";
    d.number = "INV-100";
    d.description = "Crane rental";
    d.lines = {{.id = 11,
                .description = "Crane",
                .amount = "1500.10",
                .cost_code_id = 5,
                .cost_code = "01-100",
                .cost_code_origin_id = "",
                .standard_cost_code_id = 0,
                .line_item_type_id = 0,
                .line_item_type = "",
                .wbs_code_id = 0,
                .updated_at = ""},
               {.id = 12,
                .description = "Operator",
                .amount = "250.15",
                .cost_code_id = 6,
                .cost_code = "01-200",
                .cost_code_origin_id = "",
                .standard_cost_code_id = 0,
                .line_item_type_id = 3,
                .line_item_type = "Labor",
                .wbs_code_id = 0,
                .updated_at = ""}};
    return d;
}

std::vector<oracle::PeriodStatus> periods()
{
    return {{"Jun-26", "C", "2026-06-01", "2026-06-30"},
            {"Jul-26", "O", "2026-07-01", "2026-07-31"},
            {"Aug-26", "O", "2026-08-01", "2026-08-31"},
            {"Sep-26", "N", "2026-09-01", "2026-09-30"}};
}

struct Fake {
    std::vector<oracle::PeriodStatus> ps = periods();
    flows::JournalLookups lookups()
    {
        flows::JournalLookups l;
        l.periods = &ps;
        l.account = [](std::int64_t, const procore::CostLine& line) {
            const auto code = line.cost_code_id;
            engine::CostCodeAccount a;
            a.code = code == 5 ? "01-100" : "01-200";
            if (code == 99) {
                a.error = "cost code 99 has no GL account";
                return a;
            }
            a.segments = {"101", "0000", code == 5 ? "5110" : "5120", "000", "000"};
            return a;
        };
        return l;
    }
};

std::string account(const flows::JournalLine& l)
{
    return engine::join_account(l.segments, '-');
}

} // namespace

TEST_CASE("a direct cost becomes one balanced journal on the project's cost center",
          "[flows][journals]")
{
    Fake fake;
    const auto plan = flows::plan_journal(direct_cost(), mapping(), fake.lookups());
    REQUIRE(plan.error.empty());
    REQUIRE(plan.held.empty());
    REQUIRE(plan.journal);
    const auto& j = *plan.journal;
    CHECK(j.record_key == "dc:77:4600000001");
    CHECK(j.name == "MLC DC-4600000001 " + plan.fingerprint.substr(0, 8));
    CHECK(j.period == "Jul-26");
    CHECK(j.accounting_date == "2026-07-14");
    CHECK(j.total == "1750.25");
    REQUIRE(j.lines.size() == 3);
    CHECK(account(j.lines[0]) == "101-2000-5110-000-000");
    CHECK(j.lines[0].debit == "1500.10");
    CHECK(j.lines[0].credit.empty());
    CHECK(account(j.lines[1]) == "101-2000-5120-000-000");
    CHECK(j.lines[1].debit == "250.15");
    CHECK(account(j.lines[2]) == "101-0000-2100-000-000"); // the offset keeps its own segments
    CHECK(j.lines[2].credit == "1750.25");
    CHECK(j.lines[0].reference == "dc:77:4600000001 line 11");
}

TEST_CASE("the version is the Procore content: the mapping does not change it", "[flows][journals]")
{
    Fake fake;
    auto m = mapping();
    const auto a = flows::plan_journal(direct_cost(), m, fake.lookups());
    m.projects["77"].cost_center = "3000";
    const auto b = flows::plan_journal(direct_cost(), m, fake.lookups());
    CHECK(a.fingerprint == b.fingerprint);
    auto d = direct_cost();
    d.lines[0].amount = "1500.11";
    const auto c = flows::plan_journal(d, m, fake.lookups());
    CHECK(c.fingerprint != a.fingerprint);
}

TEST_CASE("a cost type listed in mapping.cost_types replaces the natural account",
          "[flows][journals]")
{
    Fake fake;
    auto m = mapping();
    m.cost_types["Labor"] = "5300";
    const auto plan = flows::plan_journal(direct_cost(), m, fake.lookups());
    REQUIRE(plan.journal);
    CHECK(account(plan.journal->lines[0]) == "101-2000-5110-000-000");
    CHECK(account(plan.journal->lines[1]) == "101-2000-5300-000-000");
}

TEST_CASE("a deductive change order credits the cost and debits the offset", "[flows][journals]")
{
    Fake fake;
    auto d = direct_cost();
    d.kind = CostKind::change_order;
    d.type.clear();
    d.lines[0].amount = "-400.00";
    d.lines[1].amount = "100.00";
    const auto plan = flows::plan_journal(d, mapping(), fake.lookups());
    REQUIRE(plan.journal);
    const auto& j = *plan.journal;
    CHECK(j.name.starts_with("MLC CO-4600000001 "));
    CHECK(j.lines[0].credit == "400.00");
    CHECK(j.lines[1].debit == "100.00");
    CHECK(account(j.lines[2]) == "101-0000-2110-000-000");
    CHECK(j.lines[2].debit == "300.00");
    CHECK(j.total == "400.00");
}

TEST_CASE("periods: closed holds, next_open moves the date and says so", "[flows][journals]")
{
    Fake fake;
    auto d = direct_cost();
    d.date = "2026-06-20";
    auto m = mapping();
    const auto held = flows::plan_journal(d, m, fake.lookups());
    CHECK_FALSE(held.journal);
    CHECK(held.error.empty());
    CHECK(held.held.find("period Jun-26 is closed") != std::string::npos);

    m.journal.next_open = true;
    const auto moved = flows::plan_journal(d, m, fake.lookups());
    REQUIRE(moved.journal);
    CHECK(moved.journal->period == "Jul-26");
    CHECK(moved.journal->accounting_date == "2026-07-01");
    CHECK(moved.journal->lines[0].description.find("(dated 2026-06-20)") != std::string::npos);

    d.date = "2026-09-03"; // never opened, and nothing later is open
    const auto none = flows::plan_journal(d, m, fake.lookups());
    CHECK(none.held.find("never opened") != std::string::npos);
    d.date = "2031-01-01";
    CHECK(flows::plan_journal(d, m, fake.lookups()).held.find("no GL period") != std::string::npos);
}

TEST_CASE("bad documents fail with the reason and the class", "[flows][journals]")
{
    Fake fake;
    auto m = mapping();
    auto d = direct_cost();
    d.lines[1].cost_code_id = 99;
    auto p = flows::plan_journal(d, m, fake.lookups());
    CHECK(p.error.find("no GL account") != std::string::npos);
    CHECK(p.error_class == "data");

    d = direct_cost();
    d.lines[0].amount = "0";
    d.lines[1].amount = "0.00";
    p = flows::plan_journal(d, m, fake.lookups());
    CHECK(p.error.find("totals 0.00") != std::string::npos);

    d = direct_cost();
    d.currency = "EUR";
    p = flows::plan_journal(d, m, fake.lookups());
    CHECK(p.error.find("currency EUR is not the ledger's USD") != std::string::npos);

    d = direct_cost();
    d.lines[0].amount = "12.345";
    p = flows::plan_journal(d, m, fake.lookups());
    CHECK(p.error.find("more than 2 decimal places") != std::string::npos);

    d = direct_cost();
    d.lines[0].cost_code_id = 0;
    d.lines[0].wbs_code_id = 8;
    p = flows::plan_journal(d, m, fake.lookups());
    CHECK(p.error.find("budget (WBS) code but no cost code") != std::string::npos);

    d = direct_cost();
    m.projects.erase("default");
    d.project_id = 78;
    p = flows::plan_journal(d, m, fake.lookups());
    CHECK(p.error.find("project 78 has no cost center") != std::string::npos);
    CHECK(p.error_class == "config");
}

TEST_CASE("eligibility: status, type, and another integration's origin_id", "[flows][journals]")
{
    const auto m = mapping();
    auto d = direct_cost();
    CHECK(flows::eligibility(d, m.journal).empty());
    d.type = "invoice";
    CHECK(flows::eligibility(d, m.journal).find("direct_cost_types") != std::string::npos);
    d = direct_cost();
    d.status = "pending";
    CHECK(flows::eligibility(d, m.journal).find("status pending") != std::string::npos);
    d = direct_cost();
    d.origin_id = "AP-12345";
    CHECK(flows::eligibility(d, m.journal).find("already in a ledger") != std::string::npos);
    d.origin_id = "MLC DC-4600000001 abcdef12"; // our own write-back
    CHECK(flows::eligibility(d, m.journal).empty());
}

TEST_CASE("a reversal swaps every line and round-trips through JSON", "[flows][journals]")
{
    Fake fake;
    const auto plan = flows::plan_journal(direct_cost(), mapping(), fake.lookups());
    REQUIRE(plan.journal);
    const auto r = flows::reverse(*plan.journal, "2026-08-03", "Aug-26");
    CHECK(r.reversal);
    CHECK(r.name == plan.journal->name + " REV");
    CHECK(r.lines[0].credit == "1500.10");
    CHECK(r.lines[2].debit == "1750.25");
    CHECK(r.period == "Aug-26");
    const auto back = flows::parse_journal(flows::journal_json(r));
    REQUIRE(back);
    CHECK(flows::journal_json(*back) == flows::journal_json(r));
    const auto file = flows::plan_file_json({*plan.journal, r}, "2026-08-03T10:00:00Z");
    const auto journals = flows::parse_plan_file(file);
    REQUIRE(journals.size() == 2);
    CHECK(journals[1].name == r.name);
    CHECK(flows::parse_cost_key("co:77:5").value().kind == CostKind::change_order);
    CHECK_FALSE(flows::parse_cost_key("dc:77:x"));
}

} // namespace flows_journal_plan_test
