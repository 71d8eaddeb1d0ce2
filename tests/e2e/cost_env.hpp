#pragma once
// The cost documents post-costs and reconcile are tested with, in the simulators: two projects
// (cost centers 1000 and 2000), a cost code copied from the ERP code 1000-5110 in each and the
// 01-100 code mapped to 5120, an offset account, three approved direct costs and a pending one
// dated July 2026, and one approved change order. Shared by the e2e tests of both commands.
#include "core/clock.hpp"
#include "core/json.hpp"
#include "spool/spool.hpp"
#include "store/database.hpp"
#include "store/postings.hpp"
#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cost_env {

using namespace mlc;
using test::E2eEnv;

inline constexpr std::int64_t k_project1 = 4'300'000'001;
inline constexpr std::int64_t k_project2 = 4'300'000'002;
inline const std::string k_import = "/fscmRestApi/resources/11.13.18.05/erpintegrations";

inline sim::SimOptions sim_options(int ess_polls = 1)
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

inline std::string cc(std::int64_t project)
{
    return project == k_project2 ? "2000" : "1000";
}

} // namespace cost_env
