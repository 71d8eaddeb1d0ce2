#include "sync/flows/commitments/commitment_plan.hpp"

#include "auth/fingerprint.hpp"
#include "core/decimal.hpp"
#include "store/postings.hpp"

#include <fmt/format.h>

#include <map>
#include <sstream>

namespace mlc::flows {

namespace {

constexpr std::size_t k_description_max = 240; // Oracle's Description length

std::string type_prefix(procore::CommitmentType t)
{
    return t == procore::CommitmentType::purchase_order ? "po" : "wo";
}

std::string label(const procore::Commitment& c)
{
    return fmt::format("{} {} ({})",
                       c.type == procore::CommitmentType::purchase_order ? "purchase order"
                                                                         : "subcontract",
                       c.number.empty() ? std::to_string(c.id) : c.number, c.id);
}

CommitmentPlan failure(CommitmentPlan plan, std::string error, const char* error_class)
{
    plan.error = std::move(error);
    plan.error_class = error_class;
    plan.po.reset();
    return plan;
}

// "2026-05-01" plus n days, by the civil calendar.
std::string add_days(const std::string& date, int days)
{
    if (days == 0 || date.size() < 10) {
        return date.substr(0, 10);
    }
    const int y = std::stoi(date.substr(0, 4));
    const unsigned m = static_cast<unsigned>(std::stoi(date.substr(5, 2)));
    const unsigned d = static_cast<unsigned>(std::stoi(date.substr(8, 2)));
    const std::chrono::sys_days day = std::chrono::year_month_day{
        std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    const std::chrono::year_month_day out{day + std::chrono::days{days}};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(out.year()),
                       static_cast<unsigned>(out.month()), static_cast<unsigned>(out.day()));
}

} // namespace

std::string commitment_key(const procore::Commitment& c)
{
    return fmt::format("{}:{}:{}", type_prefix(c.type), c.project_id, c.id);
}

std::optional<CommitmentRef> parse_commitment_key(const std::string& key)
{
    const auto a = key.find(':');
    const auto b = key.find(':', a == std::string::npos ? a : a + 1);
    if (a == std::string::npos || b == std::string::npos) {
        return std::nullopt;
    }
    CommitmentRef ref;
    const std::string type = key.substr(0, a);
    if (type == "po") {
        ref.type = procore::CommitmentType::purchase_order;
    } else if (type == "wo") {
        ref.type = procore::CommitmentType::work_order;
    } else {
        return std::nullopt;
    }
    try {
        ref.project_id = std::stoll(key.substr(a + 1, b - a - 1));
        ref.id = std::stoll(key.substr(b + 1));
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return ref;
}

std::string commitment_reference(const procore::Commitment& c)
{
    return fmt::format("{}-{}", c.type == procore::CommitmentType::purchase_order ? "POC" : "WOC",
                       c.id);
}

void describe(const procore::Commitment& c, CommitmentPlan& plan)
{
    std::vector<std::pair<std::string, std::string>> fields{
        {"type", type_prefix(c.type)}, {"vendor", std::to_string(c.vendor_id)},
        {"number", c.number},          {"title", c.title},
        {"total", c.grand_total},      {"delivery", c.delivery_date},
        {"contract", c.contract_date}};
    std::string summary =
        fmt::format("vendor: {} ({})\ntotal: {}", c.vendor_name, c.vendor_id,
                    Decimal::parse_or_zero(c.grand_total).value_or(Decimal{}).fixed(2));
    int n = 0;
    for (const auto& l : c.lines) {
        ++n;
        const std::string prefix = fmt::format("line{}.", n);
        fields.emplace_back(prefix + "description", l.description);
        fields.emplace_back(prefix + "amount",
                            Decimal::parse_or_zero(l.amount).value_or(Decimal{}).str());
        fields.emplace_back(prefix + "quantity",
                            Decimal::parse_or_zero(l.quantity).value_or(Decimal{}).str());
        fields.emplace_back(prefix + "unit_cost",
                            Decimal::parse_or_zero(l.unit_cost).value_or(Decimal{}).str());
        fields.emplace_back(prefix + "uom", l.uom);
        fields.emplace_back(prefix + "cost_code", std::to_string(l.cost_code_id));
        fields.emplace_back(prefix + "type", std::to_string(l.line_item_type_id));
        summary += fmt::format("\nline {}: {} | cost code {} | {} x {} = {}", n, l.description,
                               l.cost_code_id,
                               Decimal::parse_or_zero(l.quantity).value_or(Decimal{}).str(),
                               Decimal::parse_or_zero(l.unit_cost).value_or(Decimal{}).str(),
                               Decimal::parse_or_zero(l.amount).value_or(Decimal{}).fixed(2));
    }
    plan.fingerprint = fingerprint(fields);
    plan.summary = std::move(summary);
}

CommitmentPlan plan_commitment(const procore::Commitment& c, const MappingConfig& mapping,
                               const CommitmentLookups& lookups, const std::string& today)
{
    using namespace store::error_class;
    CommitmentPlan plan;
    describe(c, plan);
    const std::string who = label(c);

    if (c.vendor_id == 0) {
        return failure(std::move(plan), who + " has no vendor: choose one in Procore", data);
    }
    const auto supplier = lookups.supplier_of_vendor(c.vendor_id);
    if (!supplier) {
        return failure(std::move(plan),
                       fmt::format("{}: vendor {} ({}) is not linked to an Oracle supplier: run "
                                   "sync-suppliers, or link the vendor to its supplier",
                                   who, c.vendor_name, c.vendor_id),
                       data);
    }
    const auto project = mapping.project(c.project_id);
    if (!project) {
        return failure(std::move(plan),
                       fmt::format("{}: project {} is not mapped: add mapping.projects[\"{}\"] "
                                   "(or a \"default\")",
                                   who, c.project_id, c.project_id),
                       config);
    }
    for (const auto& [name, value] : {std::pair{"procurement_bu", &project->procurement_bu},
                                      std::pair{"requisitioning_bu", &project->requisitioning_bu},
                                      std::pair{"ship_to_location", &project->ship_to_location},
                                      std::pair{"buyer_email", &project->buyer_email},
                                      std::pair{"currency", &project->currency},
                                      std::pair{"cost_center", &project->cost_center}}) {
        if (value->empty()) {
            return failure(std::move(plan),
                           fmt::format("{}: mapping.projects has no {} for project {} (nor in "
                                       "\"default\")",
                                       who, name, c.project_id),
                           config);
        }
    }
    if (c.lines.empty()) {
        return failure(std::move(plan), who + " has no line items", data);
    }

    // The supplier site: configured, else the one active purchasing site in the procurement BU.
    std::string site;
    if (mapping.commitments.supplier_site) {
        site = *mapping.commitments.supplier_site;
    } else {
        std::vector<std::string> candidates;
        for (const auto& s : lookups.sites(supplier->first)) {
            const bool active = s.inactive_date.empty() || s.inactive_date > today;
            if (s.purchasing && active && s.procurement_bu == project->procurement_bu) {
                candidates.push_back(s.name);
            }
        }
        if (candidates.empty()) {
            return failure(std::move(plan),
                           fmt::format("{}: supplier {} has no active purchasing site in {}: add "
                                       "one in Oracle, or set mapping.commitments.supplier_site",
                                       who, supplier->second, project->procurement_bu),
                           data);
        }
        if (candidates.size() > 1) {
            std::string names;
            for (const auto& n : candidates) {
                names += (names.empty() ? "" : ", ") + n;
            }
            return failure(std::move(plan),
                           fmt::format("{}: supplier {} has several active purchasing sites in "
                                       "{} ({}): set mapping.commitments.supplier_site",
                                       who, supplier->second, project->procurement_bu, names),
                           data);
        }
        site = candidates.front();
    }

    const bool services = c.type == procore::CommitmentType::work_order;
    const auto& cm = mapping.commitments;
    const std::string need_by =
        add_days(!c.delivery_date.empty() ? c.delivery_date
                                          : (!c.contract_date.empty() ? c.contract_date : today),
                 cm.need_by_days);
    const auto cc_index = static_cast<std::size_t>(mapping.chart.cost_center_segment - 1);

    oracle::DraftPurchaseOrder po;
    po.procurement_bu = project->procurement_bu;
    po.requisitioning_bu = project->requisitioning_bu;
    po.bill_to_bu = project->bill_to_bu;
    po.supplier_id = supplier->first;
    po.supplier = supplier->second;
    po.supplier_site = site;
    po.buyer_email = project->buyer_email;
    po.currency = project->currency;
    po.reference = commitment_reference(c);
    po.dff_attribute = cm.reference_dff;
    const std::string tag = oracle::po_reference_tag(po.reference);
    std::string text = fmt::format("Procore {} {}", c.number, c.title);
    if (text.size() + 1 + tag.size() > k_description_max) {
        text.resize(k_description_max - 1 - tag.size());
    }
    po.description = text + " " + tag;

    Decimal total;
    int n = 0;
    for (const auto& l : c.lines) {
        ++n;
        const std::string where = fmt::format("{} line {} ({})", who, n, l.description);
        const auto amount = Decimal::parse_or_zero(l.amount);
        const auto quantity = Decimal::parse_or_zero(l.quantity);
        const auto unit_cost = Decimal::parse_or_zero(l.unit_cost);
        if (!amount || !quantity || !unit_cost) {
            return failure(std::move(plan), where + ": an amount is not a decimal number", data);
        }
        if (amount->is_negative() || amount->is_zero()) {
            return failure(std::move(plan),
                           fmt::format("{}: amount {} is not positive; a purchase order line "
                                       "needs a positive amount",
                                       where, amount->fixed(2)),
                           data);
        }
        if (l.cost_code_id == 0) {
            return failure(std::move(plan), where + " has no cost code", data);
        }
        auto account = lookups.account(c.project_id, l.cost_code_id);
        if (!account.error.empty()) {
            return failure(std::move(plan), where + ": " + account.error, data);
        }
        if (cc_index >= account.segments.size()) {
            return failure(std::move(plan),
                           fmt::format("{}: the account of cost code {} has {} segments, but "
                                       "mapping.chart.cost_center_segment is {}",
                                       where, account.code, account.segments.size(),
                                       mapping.chart.cost_center_segment),
                           config);
        }
        account.segments[cc_index] = project->cost_center;
        std::string charge;
        for (const auto& s : account.segments) {
            if (!charge.empty()) {
                charge += mapping.chart.delimiter;
            }
            charge += s;
        }

        oracle::PoLine line;
        line.number = n;
        line.description = l.description.empty() ? c.title : l.description;
        line.category = cm.category;
        oracle::PoSchedule schedule;
        schedule.ship_to_location = project->ship_to_location;
        schedule.need_by_date = need_by;
        oracle::PoDistribution dist;
        dist.charge_account = charge;
        if (services) {
            line.line_type = cm.services_line_type;
            line.amount_based = true;
            line.amount = amount->fixed(2);
            schedule.amount = line.amount;
            dist.amount = line.amount;
        } else {
            line.line_type = cm.goods_line_type;
            line.uom = l.uom.empty() ? cm.uom : l.uom;
            // Quantity x price when it makes the line's amount to the cent; a line kept by
            // amount only (or whose product does not match) is one unit at its amount.
            const bool by_units = !quantity->is_zero() && !unit_cost->is_zero()
                                  && (*quantity * *unit_cost).rounded(2) == amount->rounded(2);
            line.quantity = by_units ? quantity->str() : "1";
            line.price = by_units ? unit_cost->str() : amount->str();
            if (!by_units) {
                line.uom = cm.uom;
            }
            schedule.quantity = line.quantity;
            dist.quantity = line.quantity;
        }
        total += amount->rounded(2);
        schedule.distributions.push_back(std::move(dist));
        line.schedules.push_back(std::move(schedule));
        po.lines.push_back(std::move(line));
    }
    if (const auto grand = Decimal::parse_or_zero(c.grand_total);
        grand && !c.grand_total.empty() && grand->rounded(2) != total) {
        return failure(std::move(plan),
                       fmt::format("{}: its line items sum to {} but its total is {}", who,
                                   total.fixed(2), grand->fixed(2)),
                       data);
    }
    plan.po = std::move(po);
    return plan;
}

std::string summary_diff(const std::string& before, const std::string& after)
{
    const auto entries = [](const std::string& s) {
        std::map<std::string, std::string> out;
        std::istringstream in(s);
        std::string line;
        while (std::getline(in, line)) {
            const auto colon = line.find(": ");
            out[line.substr(0, colon)] = colon == std::string::npos ? "" : line.substr(colon + 2);
        }
        return out;
    };
    const auto a = entries(before);
    const auto b = entries(after);
    std::string diff;
    const auto add = [&](const std::string& part) { diff += (diff.empty() ? "" : "; ") + part; };
    for (const auto& [k, v] : a) {
        const auto it = b.find(k);
        if (it == b.end()) {
            add(fmt::format("{} removed ({})", k, v));
        } else if (it->second != v) {
            add(fmt::format("{}: {} -> {}", k, v, it->second));
        }
    }
    for (const auto& [k, v] : b) {
        if (!a.contains(k)) {
            add(fmt::format("{} added ({})", k, v));
        }
    }
    return diff;
}

} // namespace mlc::flows
