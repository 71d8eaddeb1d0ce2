#include "sync/flows/invoices/invoice_plan.hpp"

#include "auth/fingerprint.hpp"
#include "core/decimal.hpp"
#include "store/postings.hpp"

#include <fmt/format.h>

namespace mlc::flows {

namespace {

constexpr std::size_t k_description_max = 240; // Oracle's Description length

InvoicePlan failure(InvoicePlan plan, std::string error, const char* error_class)
{
    plan.error = std::move(error);
    plan.error_class = error_class;
    plan.invoice.reset();
    return plan;
}

struct LineMoney {
    Decimal billed;    // work completed this period + materials presently stored
    Decimal retainage; // retained this period - released this period
};

std::optional<LineMoney> line_money(const procore::RequisitionLine& l)
{
    const auto work = Decimal::parse_or_zero(l.work_completed);
    const auto stored = Decimal::parse_or_zero(l.materials_stored);
    const auto wr = Decimal::parse_or_zero(l.work_retained);
    const auto mr = Decimal::parse_or_zero(l.materials_retained);
    const auto wrel = Decimal::parse_or_zero(l.work_released);
    const auto mrel = Decimal::parse_or_zero(l.materials_released);
    if (!work || !stored || !wr || !mr || !wrel || !mrel) {
        return std::nullopt;
    }
    return LineMoney{*work + *stored, (*wr + *mr) - (*wrel + *mrel)};
}

} // namespace

std::string requisition_key(std::int64_t project_id, std::int64_t id)
{
    return fmt::format("req:{}:{}", project_id, id);
}

std::optional<RequisitionRef> parse_requisition_key(const std::string& key)
{
    if (!key.starts_with("req:")) {
        return std::nullopt;
    }
    const auto b = key.find(':', 4);
    if (b == std::string::npos) {
        return std::nullopt;
    }
    try {
        return RequisitionRef{std::stoll(key.substr(4, b - 4)), std::stoll(key.substr(b + 1))};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string invoice_reference_tag(std::int64_t requisition_id)
{
    return fmt::format("[PCR-{}]", requisition_id);
}

std::string invoice_number_of(const procore::Requisition& r, const std::string& commitment_number)
{
    if (!r.invoice_number.empty()) {
        return r.invoice_number;
    }
    return fmt::format(
        "{}-{}", commitment_number.empty() ? std::to_string(r.commitment_id) : commitment_number,
        r.number);
}

void describe(const procore::Requisition& r, InvoicePlan& plan)
{
    std::vector<std::pair<std::string, std::string>> fields{
        {"commitment", std::to_string(r.commitment_id)},
        {"number", std::to_string(r.number)},
        {"invoice_number", r.invoice_number},
        {"period_start", r.period_start},
        {"period_end", r.period_end},
        {"billing_date", r.billing_date}};
    Decimal gross;
    Decimal retained;
    std::string lines;
    int n = 0;
    for (const auto& l : r.lines) {
        ++n;
        const auto m = line_money(l).value_or(LineMoney{});
        const std::string prefix = fmt::format("line{}.", n);
        fields.emplace_back(prefix + "id", std::to_string(l.id));
        fields.emplace_back(prefix + "description", l.description);
        fields.emplace_back(prefix + "cost_code", std::to_string(l.cost_code_id));
        fields.emplace_back(prefix + "billed", m.billed.str());
        fields.emplace_back(prefix + "retainage", m.retainage.str());
        gross += m.billed;
        retained += m.retainage;
        lines +=
            fmt::format("\nline {}: {} | cost code {} | billed {} | retainage {}", n, l.description,
                        l.cost_code_id, m.billed.fixed(2), m.retainage.fixed(2));
    }
    plan.fingerprint = fingerprint(fields);
    plan.summary = fmt::format("requisition {} on commitment {}; period {}..{}\nbilled: {}\n"
                               "retainage: {}",
                               r.number, r.commitment_id, r.period_start, r.period_end,
                               gross.fixed(2), retained.fixed(2))
                   + lines;
    plan.gross = gross.fixed(2);
    plan.retainage = retained.fixed(2);
}

InvoicePlan plan_invoice(const procore::Requisition& r, const InvoicePo& po,
                         const MappingConfig& mapping, const AccountOf& account,
                         const std::string& today)
{
    using namespace store::error_class;
    InvoicePlan plan;
    describe(r, plan);
    const std::string who = fmt::format(
        "requisition {} ({}) on commitment {}", r.number, r.id,
        po.commitment_number.empty() ? std::to_string(r.commitment_id) : po.commitment_number);
    const auto project = mapping.project(r.project_id);
    if (!project) {
        return failure(std::move(plan),
                       fmt::format("{}: project {} is not mapped: add mapping.projects[\"{}\"] "
                                   "(or a \"default\")",
                                   who, r.project_id, r.project_id),
                       config);
    }
    for (const auto& [name, value] : {std::pair{"business_unit", &project->business_unit},
                                      std::pair{"currency", &project->currency},
                                      std::pair{"cost_center", &project->cost_center}}) {
        if (value->empty()) {
            return failure(std::move(plan),
                           fmt::format("{}: mapping.projects has no {} for project {} (nor in "
                                       "\"default\")",
                                       who, name, r.project_id),
                           config);
        }
    }
    if (po.supplier.empty() || po.supplier_site.empty()) {
        return failure(
            std::move(plan),
            fmt::format("{}: purchase order {} has no supplier or supplier site", who, po.number),
            data);
    }
    const auto& im = mapping.invoices;
    const auto cc_index = static_cast<std::size_t>(mapping.chart.cost_center_segment - 1);

    oracle::NewInvoice inv;
    inv.invoice_number = invoice_number_of(r, po.commitment_number);
    inv.currency = project->currency;
    // The period's end is the invoice's date and its accounting date: the cost belongs to the
    // month the work was done in, whenever AP keys or approves it.
    inv.invoice_date =
        !r.period_end.empty() ? r.period_end : (!r.billing_date.empty() ? r.billing_date : today);
    inv.accounting_date = inv.invoice_date;
    inv.business_unit = project->business_unit;
    inv.supplier = po.supplier;
    inv.supplier_site = po.supplier_site;
    inv.payment_terms = im.payment_terms;
    const std::string tag = invoice_reference_tag(r.id);
    std::string text = fmt::format("Procore {} invoice {} period {}..{}", po.commitment_number,
                                   r.number, r.period_start, r.period_end);
    if (text.size() + 1 + tag.size() > k_description_max) {
        text.resize(k_description_max - 1 - tag.size());
    }
    inv.description = text + " " + tag;

    Decimal total;
    Decimal retained;
    int n = 0;
    int sov = 0;
    for (const auto& l : r.lines) {
        ++sov;
        const std::string where = fmt::format(
            "{} line {} ({})", who, l.item_number != 0 ? l.item_number : sov, l.description);
        const auto m = line_money(l);
        if (!m) {
            return failure(std::move(plan), where + ": an amount is not a decimal number", data);
        }
        if (m->billed.is_zero() && m->retainage.is_zero()) {
            continue; // nothing billed on this line this period
        }
        if (l.cost_code_id == 0) {
            return failure(std::move(plan), where + " has no cost code", data);
        }
        auto a = account(r.project_id, l.cost_code_id);
        if (!a.error.empty()) {
            return failure(std::move(plan), where + ": " + a.error, data);
        }
        if (cc_index >= a.segments.size()) {
            return failure(std::move(plan),
                           fmt::format("{}: the account of cost code {} has {} segments, but "
                                       "mapping.chart.cost_center_segment is {}",
                                       where, a.code, a.segments.size(),
                                       mapping.chart.cost_center_segment),
                           config);
        }
        a.segments[cc_index] = project->cost_center;
        const std::string combination = engine::join_account(a.segments, mapping.chart.delimiter);
        // Without a retainage account the line is for what is paid now: billed less retained.
        const Decimal amount = im.retainage_account.empty() ? m->billed - m->retainage : m->billed;
        retained += m->retainage;
        ++n;
        oracle::NewInvoiceLine line;
        line.number = n;
        line.amount = amount.fixed(2);
        line.description = l.description.empty() ? fmt::format("SOV item {}", sov) : l.description;
        line.combination = combination;
        line.po_number = po.number;
        line.distributions.push_back(
            {.number = 1, .amount = line.amount, .combination = combination});
        total += Decimal::parse(line.amount).value_or(Decimal{});
        inv.lines.push_back(std::move(line));
    }
    if (inv.lines.empty()) {
        return failure(std::move(plan), who + " bills nothing this period (no line has an amount)",
                       data);
    }
    if (!im.retainage_account.empty() && !retained.is_zero()) {
        oracle::NewInvoiceLine line;
        line.number = ++n;
        line.amount = (Decimal{} - retained).fixed(2);
        line.description = "Retainage withheld";
        line.combination = im.retainage_account;
        line.distributions.push_back(
            {.number = 1, .amount = line.amount, .combination = im.retainage_account});
        total += Decimal::parse(line.amount).value_or(Decimal{});
        inv.lines.push_back(std::move(line));
        plan.retainage_on_line = true;
    }
    if (total.is_negative() || total.is_zero()) {
        return failure(std::move(plan),
                       fmt::format("{}: the invoice amount would be {}; Payables takes a positive "
                                   "standard invoice",
                                   who, total.fixed(2)),
                       data);
    }
    inv.amount = total.fixed(2);
    // The lines were built to sum to the amount; checked again, since a mismatch is an invoice
    // Oracle would hold or reject after the fact.
    Decimal check;
    for (const auto& l : inv.lines) {
        check += Decimal::parse(l.amount).value_or(Decimal{});
    }
    if (check != Decimal::parse(inv.amount).value_or(Decimal{})) {
        return failure(std::move(plan),
                       fmt::format("{}: the lines sum to {}, not the invoice amount {}", who,
                                   check.fixed(2), inv.amount),
                       data);
    }
    plan.retainage = retained.fixed(2);
    plan.invoice = std::move(inv);
    return plan;
}

} // namespace mlc::flows
