// pull-pos, Procore requisitions (subcontractor invoices) -> Oracle Payables invoices, end to end
// through the real binary and the simulators' data: an approved requisition on a commitment
// that has an Oracle PO becomes one invoice whose header, lines, distributions (combination per
// line), PO reference and amounts are checked one by one; its InvoiceId is written back to the
// requisition; a rerun writes nothing; --dry-run writes nothing; retainage goes either way;
// SIGKILL at every outbox crash point and a rerun leave exactly one invoice; bad input fails per
// record and replays; an invoice number that belongs to a different invoice is reported, never
// overwritten; a requisition revised after its invoice is held. Oracle's payments of those
// invoices come back as Procore contract payments: one per payment (partial payments too), field
// by field, never twice (a rerun, SIGKILL at every outbox crash point), a void reported and not
// deleted, a payment voided before it reached Procore not created.
#include "core/clock.hpp"
#include "core/json.hpp"
#include "store/database.hpp"
#include "store/postings.hpp"
#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <string>
#include <vector>

namespace invoices_test {

using namespace mlc;
using test::E2eEnv;

namespace {

const std::string k_invoice_post = "/fscmRestApi/resources/11.13.18.05/invoices";

sim::SimOptions sim_options()
{
    auto o = E2eEnv::default_options();
    o.suppliers = 8;
    o.accounts = 40;
    o.projects = 1;
    o.commitments_per_project = 1; // the first is Approved
    o.subcontracts_per_project = 0;
    o.costs_per_project = 0;
    o.procore_spike_limit = 1'000'000;
    o.procore_hourly_limit = 1'000'000;
    return o;
}

std::string mapping(const std::string& invoices, const std::string& more = "")
{
    return fmt::format(
        R"("mapping": {{
        "cost_codes": {{"natural_account_segment": 3, "code_segments": [2, 3], "account_types": ["E"],
                        "accounts": {{"01-100": "101-1000-5120-000-000"}}}},
        "projects": {{"default": {{"procurement_bu": "US1 Business Unit",
                    "requisitioning_bu": "US1 Business Unit", "business_unit": "US1 Business Unit",
                    "ship_to_location": "US1 HQ", "buyer_email": "buyer@example.com",
                    "currency": "USD", "cost_center": "1000"}}}},
        "commitments": {{"category": "Construction Materials"}},
        "invoices": {}{}}})",
        invoices, more);
}

class Env : public E2eEnv {
public:
    // sweep_every 0s: every pass lists the project's requisitions (they have no webhook), so a
    // requisition the test adds is seen by the next pass.
    explicit Env(const std::string& invoices = R"({"sweep_every": "0s"})") : E2eEnv(sim_options())
    {
        write_config(test::ConfigOptions{.extra_members = mapping(invoices),
                                         .procore_company_id = 0,
                                         .http = R"("max_backoff_ms": 20, "max_attempts": 3)"});
        run_json({"sync-suppliers", "--json"}, 0);
        prepare();
        reset_stats();
    }

    // One approved purchase order commitment with a vendor sync-suppliers made and two lines
    // (an ERP-copied cost code, GL 5110, and 01-100, mapped to 5120), sent to Oracle by a first
    // pull-pos. The seeded requisitions go back to draft so the test knows what is invoiced.
    void prepare()
    {
        const auto projects = procore_data("projects");
        project = *json::get_id(projects[0], "id");
        std::int64_t vendor = 0;
        const auto vendors = procore_data("vendors");
        for (const auto& v : vendors.GetArray()) {
            if (const auto o = json::get_string(v, "origin_id"); o && !o->empty()) {
                vendor = *json::get_id(v, "id");
                break;
            }
        }
        REQUIRE(vendor != 0);
        std::int64_t erp_code = 0;
        const auto std_codes = procore_data("standard_cost_codes");
        for (const auto& c : std_codes.GetArray()) {
            if (json::get_string(c, "code").value_or("") == "1000-5110") {
                erp_code = *json::get_id(c, "id");
            }
        }
        REQUIRE(erp_code != 0);
        const auto made = test::parse_json(procore_mutate(fmt::format(
            R"({{"op":"create","collection":"cost_codes","project_id":{},"fields":{{"code":"5110",)"
            R"("full_code":"1000-5110","name":"ERP materials","standard_cost_code_id":{}}}}})",
            project, erp_code)));
        erp_cost_code = *json::get_id(made, "id");
        const auto codes = procore_data("cost_codes");
        for (const auto& c : codes.GetArray()) {
            if (*json::get_id(c, "project_id") == project
                && json::get_string(c, "full_code").value_or("") == "01-100") {
                mapped_cost_code = *json::get_id(c, "id");
            }
        }
        REQUIRE(mapped_cost_code != 0);
        const auto pos = procore_data("purchase_order_contracts");
        for (const auto& c : pos.GetArray()) {
            if (json::get_string(c, "status").value_or("") == "Approved") {
                commitment = *json::get_id(c, "id");
            }
        }
        REQUIRE(commitment != 0);
        procore_mutate(fmt::format(
            R"({{"op":"update","collection":"purchase_order_contracts","id":{},"fields":{{)"
            R"("vendor_id":{},"number":"SC-007","line_items":[)"
            R"({{"description":"Framing","amount":"1500.0","cost_code_id":{}}},)"
            R"({{"description":"Site labor","amount":"250.5","cost_code_id":{}}}]}}}})",
            commitment, vendor, erp_cost_code, mapped_cost_code));
        const auto reqs = procore_data("requisitions");
        for (const auto& r : reqs.GetArray()) {
            procore_mutate(fmt::format(
                R"({{"op":"update","collection":"requisitions","id":{},"fields":{{"status":"draft"}}}})",
                *json::get_id(r, "id")));
        }
        run_json({"pull-pos", "--json"}, 0);
        const auto oracle_pos = oracle_data("purchase_orders");
        for (const auto& p : oracle_pos.GetArray()) {
            if (json::get_string(p, "Description")
                    .value_or("")
                    .find(fmt::format("POC-{}", commitment))
                != std::string::npos) {
                po_number = json::get_string(p, "OrderNumber").value_or("");
                supplier = json::get_string(p, "Supplier").value_or("");
                supplier_site = json::get_string(p, "SupplierSite").value_or("");
            }
        }
        REQUIRE_FALSE(po_number.empty());
    }

    // An approved requisition billing 1,000.00 on the ERP code and 250.50 on 01-100 this
    // period, with 125.05 retained; its id.
    std::int64_t add_requisition(const std::string& invoice_number, std::int64_t on_commitment = 0,
                                 std::int64_t second_code = 0, int number = 1)
    {
        const auto made = test::parse_json(procore_mutate(fmt::format(
            R"({{"op":"create","collection":"requisitions","project_id":{},"fields":{{)"
            R"("commitment_id":{},"number":{},"invoice_number":"{}","status":"approved",)"
            R"("billing_date":"2026-11-05","requisition_start":"2026-10-01",)"
            R"("requisition_end":"2026-10-31","retainage_amount":"125.05","line_items":[)"
            R"({{"description":"Framing","amount":"1000.00","cost_code_id":{}}},)"
            R"({{"description":"Site labor","amount":"250.50","cost_code_id":{}}}]}}}})",
            project, on_commitment != 0 ? on_commitment : commitment, number, invoice_number,
            erp_cost_code, second_code != 0 ? second_code : mapped_cost_code)));
        return *json::get_id(made, "id");
    }

    std::int64_t invoice_posts() { return sims().oracle().stats().count("POST", k_invoice_post); }

    std::vector<json::Document> invoices_numbered(const std::string& number)
    {
        std::vector<json::Document> out;
        const auto doc = oracle_data("invoices");
        for (const auto& i : doc.GetArray()) {
            if (json::get_string(i, "InvoiceNumber").value_or("") == number) {
                json::Document d;
                d.CopyFrom(i, d.GetAllocator());
                out.push_back(std::move(d));
            }
        }
        return out;
    }

    json::Document requisition(std::int64_t id)
    {
        const auto doc = procore_data("requisitions");
        for (const auto& r : doc.GetArray()) {
            if (*json::get_id(r, "id") == id) {
                json::Document d;
                d.CopyFrom(r, d.GetAllocator());
                return d;
            }
        }
        FAIL("no requisition " << id);
        return {};
    }

    std::vector<store::Posting> postings(const std::string& status)
    {
        store::Database db(state_path());
        std::vector<store::Posting> out;
        for (auto& p : store::Postings(db).list_by_status(status)) {
            if (p.kind == "invoice") {
                out.push_back(std::move(p));
            }
        }
        return out;
    }

    // Oracle pays `amount` of invoice `number` on `date` (a Payables payment); its CheckId.
    std::int64_t pay(const std::string& number, double amount, const std::string& date)
    {
        const auto inv = invoices_numbered(number);
        REQUIRE(inv.size() == 1);
        const auto made = test::parse_json(oracle_mutate(fmt::format(
            R"({{"op":"create","collection":"payments","fields":{{"InvoiceId":{},"Amount":{},)"
            R"("PaymentDate":"{}"}}}})",
            *json::get_id(inv.front(), "InvoiceId"), amount, date)));
        return *json::get_id(made, "CheckId");
    }

    void void_payment(std::int64_t check_id)
    {
        oracle_mutate(fmt::format(R"({{"op":"void","collection":"payments","id":{}}})", check_id));
    }

    // The Oracle payment `check_id` as the simulator holds it.
    json::Document oracle_payment(std::int64_t check_id)
    {
        const auto doc = oracle_data("payments");
        for (const auto& p : doc.GetArray()) {
            if (*json::get_id(p, "CheckId") == check_id) {
                json::Document d;
                d.CopyFrom(p, d.GetAllocator());
                return d;
            }
        }
        FAIL("no payment " << check_id);
        return {};
    }

    std::vector<json::Document> contract_payments()
    {
        std::vector<json::Document> out;
        const auto doc = procore_data("contract_payments");
        for (const auto& p : doc.GetArray()) {
            json::Document d;
            d.CopyFrom(p, d.GetAllocator());
            out.push_back(std::move(d));
        }
        return out;
    }

    std::int64_t payment_posts()
    {
        return sims().procore().stats().count("POST", "/rest/v1.0/contract_payments");
    }

    std::int64_t project = 0;
    std::int64_t commitment = 0;
    std::int64_t erp_cost_code = 0;
    std::int64_t mapped_cost_code = 0;
    std::string po_number;
    std::string supplier;
    std::string supplier_site;
};

// The invoice Oracle holds for requisition `id`, billed as add_requisition bills it, checked
// field by field; `retainage_line`: the retainage is a line on that account (else net lines).
void check_invoice(Env& env, std::int64_t id, const std::string& number,
                   const std::string& retainage_line = "")
{
    INFO("requisition " << id << " invoice " << number);
    const auto found = env.invoices_numbered(number);
    REQUIRE(found.size() == 1);
    const auto& inv = found.front();
    CHECK(json::get_string(inv, "Supplier").value_or("") == env.supplier);
    CHECK(json::get_string(inv, "SupplierSite").value_or("") == env.supplier_site);
    CHECK(json::get_string(inv, "BusinessUnit").value_or("") == "US1 Business Unit");
    CHECK(json::get_string(inv, "InvoiceCurrency").value_or("") == "USD");
    CHECK(json::get_string(inv, "InvoiceDate").value_or("") == "2026-10-31");
    CHECK(json::get_string(inv, "AccountingDate").value_or("") == "2026-10-31");
    CHECK(json::get_double(inv, "InvoiceAmount").value_or(0) == Approx(1125.45));
    CHECK(json::get_string(inv, "Description").value_or("").find(fmt::format("[PCR-{}]", id))
          != std::string::npos);
    const auto& lines = inv["invoiceLines"];
    const bool on_line = !retainage_line.empty();
    REQUIRE(lines.Size() == (on_line ? 3u : 2u));
    const std::vector<std::pair<double, std::string>> expected{
        {on_line ? 1000.00 : 900.00, "101-1000-5110-000-000"},
        {on_line ? 250.50 : 225.45, "101-1000-5120-000-000"}};
    for (rapidjson::SizeType i = 0; i < 2; ++i) {
        const auto& l = lines[i];
        CHECK(json::get_double(l, "LineAmount").value_or(0) == Approx(expected[i].first));
        CHECK(json::get_string(l, "DistributionCombination").value_or("") == expected[i].second);
        CHECK(json::get_string(l, "PurchaseOrderNumber").value_or("") == env.po_number);
        const auto& dists = l["invoiceDistributions"];
        REQUIRE(dists.Size() == 1);
        CHECK(json::get_double(dists[0], "DistributionAmount").value_or(0)
              == Approx(expected[i].first));
        CHECK(json::get_string(dists[0], "DistributionCombination").value_or("")
              == expected[i].second);
    }
    if (on_line) {
        CHECK(json::get_double(lines[2], "LineAmount").value_or(0) == Approx(-125.05));
        CHECK(json::get_string(lines[2], "DistributionCombination").value_or("") == retainage_line);
    }
    // Written back: the requisition carries the InvoiceId.
    CHECK(json::get_string(env.requisition(id), "origin_id").value_or("")
          == std::to_string(*json::get_id(inv, "InvoiceId")));
}

} // namespace

TEST_CASE("pull-pos: an approved requisition becomes one Oracle AP invoice written back once",
          "[e2e][pull-pos][invoices]")
{
    Env env;
    const auto id = env.add_requisition("INV-1001");

    const auto plan = env.run_json({"pull-pos", "--dry-run", "--json"}, 0);
    CHECK(plan["invoices"]["planned"]["create"].GetInt64() == 1);
    CHECK(env.invoice_posts() == 0);
    CHECK(env.procore_writes() == 0);

    const auto first = env.run_json({"pull-pos", "--json"}, 0);
    CHECK(first["invoices"]["applied"]["created"].GetInt64() == 1);
    CHECK(env.invoice_posts() == 1);
    check_invoice(env, id, "INV-1001");
    CHECK(env.postings("confirmed").size() == 1);
    // The retainage withheld is listed, since no retainage account carries it.
    bool listed = false;
    for (const auto& a : first["invoices"]["attention"].GetArray()) {
        listed = listed
                 || json::get_string(a, "message").value_or("").find("retainage 125.05")
                        != std::string::npos;
    }
    CHECK(listed);

    // A rerun (a full sweep) with nothing changed writes nothing anywhere.
    env.reset_stats();
    const auto again = env.run_json({"pull-pos", "--full", "--json"}, 0);
    CHECK(again["invoices"]["applied"]["created"].GetInt64() == 0);
    CHECK(env.invoice_posts() == 0);
    CHECK(env.procore_writes() == 0);
    CHECK(env.invoices_numbered("INV-1001").size() == 1);
    CHECK(env.run({"audit", "verify"}).exit_code == 0);
}

TEST_CASE("pull-pos: with a retainage account the retainage is a negative invoice line",
          "[e2e][pull-pos][invoices]")
{
    Env env(R"({"retainage_account": "101-2000-5120-000-000", "sweep_every": "0s"})");
    const auto id = env.add_requisition("");
    env.run_json({"pull-pos", "--json"}, 0);
    // No invoice number in Procore: <commitment number>-<requisition number>.
    check_invoice(env, id, "SC-007-1", "101-2000-5120-000-000");
}

TEST_CASE("pull-pos: SIGKILL at each outbox crash point then a rerun: exactly one invoice",
          "[e2e][pull-pos][invoices][crash]")
{
    for (const char* point :
         {"outbox.recorded", "outbox.marked_sent", "outbox.answered", "outbox.confirmed"}) {
        DYNAMIC_SECTION(point)
        {
            Env env;
            const auto id = env.add_requisition("INV-2001");
            // The commitment is unchanged: the first outbox posting of this pass is the invoice.
            const auto killed = env.run(
                {"pull-pos", "--json"},
                test::ProcessOptions{.env = {{"ML_CONNECTOR_CRASH_AT", std::string(point) + ":1"}},
                                     .unset_env = {},
                                     .stdin_data = {},
                                     .cwd = {}});
            CHECK(killed.exit_code == -1); // killed by the signal
            env.run_json({"pull-pos", "--json"}, 0);
            check_invoice(env, id, "INV-2001");
            CHECK(env.invoice_posts() <= 1);
            CHECK(env.postings("sent").empty());
            CHECK(env.postings("pending").empty());
            CHECK(env.run({"audit", "verify"}).exit_code == 0);
        }
    }
}

TEST_CASE("pull-pos: a requisition that cannot be invoiced fails alone and replays once fixed",
          "[e2e][pull-pos][invoices]")
{
    Env env;
    const auto good = env.add_requisition("INV-3001", 0, 0, 1);
    // A cost code no GL account is known for (not copied from Oracle, not in the mapping).
    const auto unmapped_code = *json::get_id(
        test::parse_json(env.procore_mutate(fmt::format(
            R"({{"op":"create","collection":"cost_codes","project_id":{},"fields":{{"code":"777",)"
            R"("full_code":"07-777","name":"Unmapped"}}}})",
            env.project))),
        "id");
    const auto bad = env.add_requisition("INV-3002", 0, unmapped_code, 2);
    // A commitment still in draft: it has no Oracle PO.
    const auto draft = *json::get_id(
        test::parse_json(env.procore_mutate(fmt::format(
            R"({{"op":"create","collection":"purchase_order_contracts","project_id":{},)"
            R"("fields":{{"number":"PO-900","title":"Not yet approved","status":"Draft"}}}})",
            env.project))),
        "id");
    const auto no_po = env.add_requisition("INV-3003", draft, 0, 3);

    const auto r = env.run_json({"pull-pos", "--json"}, 1);
    CHECK(r["invoices"]["applied"]["created"].GetInt64() == 1);
    CHECK(r["invoices"]["applied"]["failed"].GetInt64() == 2);
    check_invoice(env, good, "INV-3001");
    CHECK(env.invoices_numbered("INV-3002").empty());
    CHECK(env.invoices_numbered("INV-3003").empty());
    const auto failed = env.postings("failed");
    REQUIRE(failed.size() == 2);
    std::string errors;
    for (const auto& p : failed) {
        errors += p.last_error.value_or("") + "\n";
    }
    CHECK(errors.find("07-777") != std::string::npos);
    CHECK(errors.find(fmt::format("commitment {} has no Oracle purchase order", draft))
          != std::string::npos);

    // Fixed in Procore (the line moves to a mapped code), then replayed: posted once; the one
    // without a PO still fails.
    env.procore_mutate(fmt::format(
        R"({{"op":"update","collection":"requisitions","id":{},"fields":{{"line_items":[)"
        R"({{"description":"Framing","amount":"1000.00","cost_code_id":{}}},)"
        R"({{"description":"Site labor","amount":"250.50","cost_code_id":{}}}]}}}})",
        bad, env.erp_cost_code, env.mapped_cost_code));
    env.run_json({"replay", "--failed", "--json"}, 1);
    check_invoice(env, bad, "INV-3002");
    CHECK(env.invoices_numbered("INV-3003").empty());
    CHECK(env.postings("failed").size() == 1);
    env.reset_stats();
    env.run_json({"replay", "--failed", "--json"}, 1);
    CHECK(env.invoice_posts() == 0); // INV-3002 is not sent twice
    CHECK(env.requisition(no_po)["status"] == "approved");
}

TEST_CASE(
    "pull-pos: an invoice number that is a different invoice's is reported and not overwritten",
    "[e2e][pull-pos][invoices]")
{
    Env env;
    env.add_requisition("INV-4001", 0, 0, 1);
    env.run_json({"pull-pos", "--json"}, 0);
    const auto second = env.add_requisition("INV-4001", 0, 0, 2); // the same number again
    const auto r = env.run_json({"pull-pos", "--json"}, 1);
    CHECK(r["invoices"]["applied"]["failed"].GetInt64() == 1);
    const auto found = env.invoices_numbered("INV-4001");
    REQUIRE(found.size() == 1);
    CHECK(json::get_string(found.front(), "Description")
              .value_or("")
              .find(fmt::format("[PCR-{}]", second))
          == std::string::npos);
    const auto failed = env.postings("failed");
    REQUIRE(failed.size() == 1);
    CHECK(failed.front().last_error.value_or("").find("already belongs to a different invoice")
          != std::string::npos);
}

// Revised in Procore: 100.00 retained instead of 125.05. Its stamp is a second before the one
// our write-back left: the edit may fall in the same second as the write-back, and Procore's
// stamps have no finer resolution (a --full sweep lists it whatever its stamp).
void revise(Env& env, std::int64_t requisition)
{
    Clock::time_point written;
    REQUIRE(parse_iso8601(json::get_string(env.requisition(requisition), "updated_at").value_or(""),
                          written));
    const auto stamp = format_iso8601(written - std::chrono::seconds(1));
    env.procore_mutate(fmt::format(
        R"({{"op":"update","collection":"requisitions","id":{},"fields":{{"retainage_amount":"100.00",)"
        R"("updated_at":"{}"}}}})",
        requisition, stamp));
}

TEST_CASE("pull-pos: a requisition revised before payment corrects its invoice in place",
          "[e2e][pull-pos][invoices]")
{
    Env env;
    const auto id = env.add_requisition("INV-5001");
    env.run_json({"pull-pos", "--json"}, 0);
    const auto before = env.invoices_numbered("INV-5001");
    REQUIRE(before.size() == 1);
    const auto invoice_id = *json::get_id(before.front(), "InvoiceId");
    const auto terms_before = json::get_string(before.front(), "TermsDate").value_or("");
    revise(env, id);
    env.reset_stats();
    const auto plan = env.run_json({"pull-pos", "--full", "--dry-run", "--json"}, 0);
    CHECK(plan["invoices"]["planned"]["update"].GetInt64() == 1);
    CHECK(env.oracle_writes() == 0);

    const auto r = env.run_json({"pull-pos", "--full", "--json"}, 0);
    CHECK(r["invoices"]["applied"]["updated"].GetInt64() == 1);
    CHECK(env.invoice_posts() == 0); // corrected, never a second invoice
    const auto after = env.invoices_numbered("INV-5001");
    REQUIRE(after.size() == 1);
    const auto& inv = after.front();
    CHECK(*json::get_id(inv, "InvoiceId") == invoice_id);
    CHECK(json::get_double(inv, "InvoiceAmount").value_or(0) == Approx(1150.50));
    // The simulator's PATCH cascades nothing: every line and distribution holds what we sent.
    const auto& lines = inv["invoiceLines"];
    REQUIRE(lines.Size() == 2);
    double sum = 0;
    const std::vector<std::string> combos{"101-1000-5110-000-000", "101-1000-5120-000-000"};
    for (rapidjson::SizeType i = 0; i < 2; ++i) {
        const auto amount = json::get_double(lines[i], "LineAmount").value_or(0);
        sum += amount;
        const auto& dists = lines[i]["invoiceDistributions"];
        REQUIRE(dists.Size() == 1);
        CHECK(json::get_double(dists[0], "DistributionAmount").value_or(0) == Approx(amount));
        CHECK(json::get_string(dists[0], "DistributionCombination").value_or("") == combos[i]);
    }
    CHECK(sum == Approx(1150.50));
    CHECK(json::get_double(lines[0], "LineAmount").value_or(0) > 900.00);
    // The invoice date did not change, so neither did the terms date.
    CHECK(json::get_string(inv, "TermsDate").value_or("") == terms_before);
    CHECK(env.postings("held").empty());

    // Corrected once: a rerun sends nothing.
    env.reset_stats();
    const auto again = env.run_json({"pull-pos", "--full", "--json"}, 0);
    CHECK(again["invoices"]["applied"]["updated"].GetInt64() == 0);
    CHECK(env.oracle_writes() == 0);
    CHECK(env.run({"audit", "verify"}).exit_code == 0);
}

TEST_CASE("pull-pos: a requisition revised after its invoice is paid is held and never sent twice",
          "[e2e][pull-pos][invoices]")
{
    Env env;
    const auto id = env.add_requisition("INV-5002");
    env.run_json({"pull-pos", "--json"}, 0);
    env.pay("INV-5002", 100.00, "2026-11-20"); // paid in part: Payables is past changing it
    env.run_json({"pull-pos", "--json"}, 0);
    revise(env, id);
    env.reset_stats();
    const auto r = env.run_json({"pull-pos", "--full", "--json"}, 1);
    CHECK(r["invoices"]["postings"]["held"].GetInt64() == 1);
    CHECK(env.oracle_writes() == 0);
    CHECK(env.invoices_numbered("INV-5002").size() == 1);
    CHECK(json::get_double(env.invoices_numbered("INV-5002").front(), "InvoiceAmount").value_or(0)
          == Approx(1125.45));
    REQUIRE(env.postings("held").size() == 1);
    CHECK(env.postings("held").front().last_error.value_or("").find("never changed")
          != std::string::npos);
    // Held, not retried into a second invoice or a correction (the held posting stays for a
    // person: `replay --held` once Payables has it right).
    env.reset_stats();
    env.run({"pull-pos", "--full", "--json"});
    CHECK(env.oracle_writes() == 0);
    CHECK(env.postings("held").size() == 1);
}

namespace {

// The contract payment Procore holds for Oracle payment `check_id` of invoice `number`.
void check_payment(Env& env, std::int64_t check_id, const std::string& number, double amount,
                   const std::string& date, std::int64_t draw_request = 1)
{
    INFO("payment " << check_id << " of invoice " << number);
    const auto oracle = env.oracle_payment(check_id);
    const auto& related = oracle["relatedInvoices"];
    REQUIRE(related.Size() == 1);
    const auto origin = std::to_string(*json::get_id(related[0], "InvoicePaymentId"));
    int found = 0;
    for (const auto& p : env.contract_payments()) {
        if (json::get_string(p, "origin_id").value_or("") != origin) {
            continue;
        }
        ++found;
        CHECK(*json::get_id(p, "contract_id") == env.commitment);
        CHECK(*json::get_id(p, "project_id") == env.project);
        CHECK(std::stod(json::get_string(p, "amount").value_or("0")) == Approx(amount));
        CHECK(json::get_string(p, "date").value_or("") == date);
        CHECK(json::get_string(p, "invoice_number").value_or("") == number);
        CHECK(json::get_string(p, "check_number").value_or("")
              == std::to_string(*json::get_id(oracle, "PaymentNumber")));
        CHECK(json::get_id(p, "draw_request_number").value_or(0) == draw_request);
        CHECK(json::get_string(p, "origin_data").value_or("").find(std::to_string(check_id))
              != std::string::npos);
    }
    CHECK(found == 1);
}

} // namespace

TEST_CASE("pull-pos: Oracle payments of our invoice come back once as Procore contract payments",
          "[e2e][pull-pos][payments]")
{
    Env env;
    env.add_requisition("SUB-7001");
    env.run_json({"pull-pos", "--json"}, 0);
    // Nothing paid yet: nothing to write.
    env.reset_stats();
    const auto none = env.run_json({"pull-pos", "--json"}, 0);
    CHECK(none["payments"]["planned"]["create"].GetInt64() == 0);
    CHECK(env.payment_posts() == 0);

    // A partial payment (the invoice is 1,125.45 net of retainage).
    const auto first = env.pay("SUB-7001", 600.00, "2026-11-20");
    const auto plan = env.run_json({"pull-pos", "--dry-run", "--json"}, 0);
    CHECK(plan["payments"]["planned"]["create"].GetInt64() == 1);
    CHECK(env.payment_posts() == 0);
    CHECK(env.contract_payments().empty());

    const auto r = env.run_json({"pull-pos", "--json"}, 0);
    CHECK(r["payments"]["applied"]["created"].GetInt64() == 1);
    CHECK(env.payment_posts() == 1);
    check_payment(env, first, "SUB-7001", 600.00, "2026-11-20");

    // The rest: a second contract payment; the first is not written again.
    const auto second = env.pay("SUB-7001", 525.45, "2026-11-27");
    env.reset_stats();
    env.run_json({"pull-pos", "--json"}, 0);
    CHECK(env.payment_posts() == 1);
    REQUIRE(env.contract_payments().size() == 2);
    check_payment(env, second, "SUB-7001", 525.45, "2026-11-27");
    check_payment(env, first, "SUB-7001", 600.00, "2026-11-20");

    // A full re-read of Oracle's payments writes nothing.
    env.reset_stats();
    const auto again = env.run_json({"pull-pos", "--full", "--json"}, 0);
    CHECK(again["payments"]["applied"]["created"].GetInt64() == 0);
    CHECK(env.payment_posts() == 0);
    CHECK(env.procore_writes() == 0);

    // Voided in Oracle: reported, and the Procore payment (locked by its origin_id) stays.
    env.void_payment(first);
    const auto voided = env.run_json({"pull-pos", "--json"}, 0);
    bool reported = false;
    for (const auto& a : voided["payments"]["attention"].GetArray()) {
        reported = reported
                   || json::get_string(a, "message").value_or("").find("voided in Oracle")
                          != std::string::npos;
    }
    CHECK(reported);
    CHECK(env.contract_payments().size() == 2);
    const auto audit = env.run({"audit", "--action", "drift"});
    CHECK(audit.out.find("voided in Oracle") != std::string::npos);

    // A payment voided before it reached Procore is not created.
    env.add_requisition("SUB-7002", 0, 0, 2);
    env.run_json({"pull-pos", "--json"}, 0);
    const auto gone = env.pay("SUB-7002", 100.00, "2026-11-28");
    env.void_payment(gone);
    env.reset_stats();
    env.run_json({"pull-pos", "--json"}, 0);
    CHECK(env.payment_posts() == 0);
    CHECK(env.contract_payments().size() == 2);
    CHECK(env.run({"audit", "verify"}).exit_code == 0);
}

TEST_CASE("pull-pos: SIGKILL at each outbox crash point then a rerun: exactly one contract payment",
          "[e2e][pull-pos][payments][crash]")
{
    for (const char* point :
         {"outbox.recorded", "outbox.marked_sent", "outbox.answered", "outbox.confirmed"}) {
        DYNAMIC_SECTION(point)
        {
            Env env;
            env.add_requisition("SUB-8001");
            env.run_json({"pull-pos", "--json"}, 0);
            const auto check = env.pay("SUB-8001", 1125.45, "2026-11-30");
            // Nothing else changed: the first outbox posting of this pass is the payment.
            const auto killed = env.run(
                {"pull-pos", "--json"},
                test::ProcessOptions{.env = {{"ML_CONNECTOR_CRASH_AT", std::string(point) + ":1"}},
                                     .unset_env = {},
                                     .stdin_data = {},
                                     .cwd = {}});
            CHECK(killed.exit_code == -1); // killed by the signal
            env.run_json({"pull-pos", "--json"}, 0);
            CHECK(env.payment_posts() <= 1);
            REQUIRE(env.contract_payments().size() == 1);
            check_payment(env, check, "SUB-8001", 1125.45, "2026-11-30");
            CHECK(env.run({"audit", "verify"}).exit_code == 0);
        }
    }
}

TEST_CASE("pull-pos: nothing echoes: a requisition another integration owns and a payment of an "
          "invoice that is not ours",
          "[e2e][pull-pos][invoices][payments]")
{
    Env env;
    const auto foreign = env.add_requisition("INV-9001");
    env.procore_mutate(fmt::format(
        R"({{"op":"update","collection":"requisitions","id":{},"fields":{{"origin_id":"EXT-77"}}}})",
        foreign));
    env.add_requisition("INV-9002", 0, 0, 2);
    env.run_json({"pull-pos", "--json"}, 0);
    CHECK(env.invoices_numbered("INV-9001").empty()); // owned elsewhere: never posted
    CHECK(env.invoices_numbered("INV-9002").size() == 1);
    CHECK(json::get_string(env.requisition(foreign), "origin_id").value_or("") == "EXT-77");

    // Oracle pays an invoice it had before ml-connector (the simulator's seeded INV-7000).
    REQUIRE(env.invoices_numbered("INV-7000").size() == 1);
    env.pay("INV-7000", 10.00, "2026-11-25");
    env.reset_stats();
    const auto r = env.run_json({"pull-pos", "--json"}, 0);
    CHECK(r["payments"]["planned"]["create"].GetInt64() == 0);
    CHECK(env.payment_posts() == 0);
    CHECK(env.contract_payments().empty());
}

TEST_CASE("reconcile: a commitment's total and its approved requisitions agree with Oracle's PO "
          "and invoices, and a requisition not yet pulled is a difference",
          "[e2e][reconcile][invoices]")
{
    Env env;
    env.add_requisition("SUB-77");
    env.run_json({"pull-pos", "--json"}, 0);
    // reconcile reads the ledger's periods: it needs the journal mapping.
    env.write_config(
        test::ConfigOptions{.extra_members = mapping(R"({"sweep_every": "0s"})",
                                                     R"(, "journal": {"ledger_id": 300000046975971,
                     "offset_accounts": {"direct_cost": "101-1000-5120-000-000"}})"),
                            .procore_company_id = 0,
                            .http = R"("max_backoff_ms": 20, "max_attempts": 3)"});

    const auto agree = env.run({"reconcile", "--period", "Jul-26", "--json"});
    INFO(agree.out << agree.err);
    REQUIRE(agree.exit_code == 0);
    const auto doc = test::parse_json(agree.out);
    REQUIRE(doc["commitments"].Size() == 1);
    const auto& c = doc["commitments"][0];
    CHECK(*json::get_id(c, "commitment_id") == env.commitment);
    CHECK(json::get_string(c, "order_number").value_or("") == env.po_number);
    CHECK(json::get_string(c, "procore_committed").value_or("") == "1750.50");
    CHECK(json::get_string(c, "oracle_ordered").value_or("") == "1750.50");
    // Billed 1,250.50, retained 125.05: 1,125.45 due, as the Oracle invoice states it.
    CHECK(json::get_string(c, "procore_invoiced").value_or("") == "1125.45");
    CHECK(json::get_string(c, "oracle_invoiced").value_or("") == "1125.45");
    CHECK(*json::get_bool(c, "agrees"));

    // A second requisition approved in Procore, not yet pulled: invoiced differs.
    env.add_requisition("SUB-78", 0, 0, 2);
    const auto differ = env.run({"reconcile", "--period", "Jul-26", "--json"});
    REQUIRE(differ.exit_code == 1);
    const auto after = test::parse_json(differ.out);
    const auto& d = after["commitments"][0];
    CHECK(json::get_string(d, "procore_invoiced").value_or("") == "2250.90");
    CHECK(json::get_string(d, "oracle_invoiced").value_or("") == "1125.45");
    CHECK(json::get_string(d, "note").value_or("").find("approved requisitions 2250.90 due")
          != std::string::npos);
    CHECK_FALSE(*json::get_bool(after, "agrees"));
}

} // namespace invoices_test
