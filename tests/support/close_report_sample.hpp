#pragma once
// A synthetic reconciliation and report extras for the close report's tests: two projects, one
// agreeing and one with differences, a document name written to break HTML, negative and large
// amounts, commitments, postings failed and held, and journals posted on a few days of November.
#include "admin/report.hpp"
#include "store/postings.hpp"

#include <string>

namespace mlc::test {

// A document name that breaks a page which does not escape it.
inline const std::string k_hostile_document =
    R"(direct cost 4600000003 (<script>alert("x")</script> & 'INV-1' </td></tr><img src=x>))";

inline Decimal sample_amount(const char* text)
{
    return *Decimal::parse(text);
}

inline admin::Reconciliation sample_reconciliation()
{
    admin::Reconciliation r;
    r.period = "Nov-26";
    r.start_date = "2026-11-01";
    r.end_date = "2026-11-30";
    r.period_status = "O";
    r.currency = "USD";
    r.generated_at = "2026-12-02T10:00:00.000+00:00";

    admin::AccountRow off;
    off.project_id = 219542;
    off.cost_center = "2100";
    off.account = "101-2100-5100-000-000";
    off.procore = sample_amount("1234567.89");
    off.posted = sample_amount("1230000.00");
    off.oracle = sample_amount("1229000.5");
    admin::AccountRow credit;
    credit.project_id = 219542;
    credit.cost_center = "2100";
    credit.account = "101-2100-5200-000-000";
    credit.procore = sample_amount("-250.25");
    credit.posted = sample_amount("-250.25");
    credit.oracle = sample_amount("-250.25");
    admin::AccountRow agrees;
    agrees.project_id = 219600;
    agrees.cost_center = "2200";
    agrees.account = "101-2200-5100-000-000";
    agrees.procore = sample_amount("800");
    agrees.posted = sample_amount("800");
    agrees.oracle = sample_amount("800");
    r.rows = {off, credit, agrees};

    admin::Difference held;
    held.kind = admin::difference_kind::held;
    held.project_id = 219542;
    held.account = off.account;
    held.record_key = "dc:219542:4600000003";
    held.document = k_hostile_document;
    held.procore = sample_amount("4567.89");
    held.why = "period Oct-26 is closed & \"held\"";
    held.action = "open the period, then ml-connector replay --posting 7";
    admin::Difference foreign;
    foreign.kind = admin::difference_kind::not_from_us;
    foreign.project_id = 219542;
    foreign.account = off.account;
    foreign.document = "journal Accrual Nov (Manual)";
    foreign.journal = "Accrual Nov";
    foreign.batch = "Manual 1234";
    foreign.oracle = sample_amount("-999.5");
    foreign.why = "entered by hand in Oracle";
    foreign.action = "ask who entered it; reverse it or record it in Procore";
    r.differences = {held, foreign};

    admin::CommitmentRow po;
    po.project_id = 219542;
    po.commitment_id = 5500001;
    po.commitment = "PO-0001 Concrete <&> \"ready-mix\"";
    po.order_number = "US1-10042";
    po.procore_committed = sample_amount("50000");
    po.oracle_ordered = sample_amount("48000.10");
    po.procore_invoiced = sample_amount("12000");
    po.oracle_invoiced = sample_amount("12000");
    po.note = "change order 3 not yet on the PO";
    r.commitments = {po};

    r.posted_by_day = {{"2026-11-03", sample_amount("1200.00")},
                       {"2026-11-04", sample_amount("987654.32")},
                       {"2026-11-17", sample_amount("241145.68")}};
    r.api_calls = {{"GET /journalBatches", 3}};
    return r;
}

inline admin::ReportExtras sample_extras()
{
    admin::ReportExtras extras;
    extras.state_exists = true;
    admin::FlowPostings journals;
    journals.flow = "costs";
    store::Posting failed;
    failed.id = 41;
    failed.source_key = "direct_cost:4600000009:v2";
    failed.kind = "journal";
    failed.status = store::posting_status::failed;
    failed.error_class = std::string(store::error_class::data);
    failed.last_error = "EF04 <b>account</b> 101-9999 & \"disabled\"\nsecond line";
    failed.updated_at = "2026-10-30T08:00:00.000+00:00";
    store::Posting held;
    held.id = 7;
    held.source_key = "direct_cost:4600000003:v1";
    held.kind = "journal";
    held.status = store::posting_status::held;
    held.last_error = "period Oct-26 is closed";
    held.updated_at = "2026-11-02T08:00:00.000+00:00";
    journals.failed = {failed};
    journals.held = {held};
    journals.failed_total = 1;
    journals.held_total = 3; // two more than listed
    journals.unconfirmed_total = 2;
    admin::FlowPostings vendors;
    vendors.flow = "vendors";
    extras.flows = {vendors, journals};
    return extras;
}

} // namespace mlc::test
