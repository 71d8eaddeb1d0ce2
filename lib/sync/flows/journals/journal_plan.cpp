#include "sync/flows/journals/journal_plan.hpp"

#include "auth/fingerprint.hpp"
#include "core/decimal.hpp"
#include "core/json.hpp"
#include "core/json_writer.hpp"
#include "store/postings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace mlc::flows {

namespace {

constexpr const char* data = store::error_class::data;
constexpr const char* config = store::error_class::config;
constexpr std::size_t k_text_max = 240; // REFERENCE fields: Oracle's description length

JournalPlan failure(JournalPlan plan, std::string error, const char* error_class)
{
    plan.journal.reset();
    plan.error = std::move(error);
    plan.error_class = error_class;
    return plan;
}

std::optional<Decimal> money(const std::string& text)
{
    if (text.empty()) {
        return std::nullopt;
    }
    return Decimal::parse(text);
}

std::string clip(std::string text)
{
    if (text.size() > k_text_max) {
        text.resize(k_text_max);
    }
    return text;
}

const char* kind_prefix(procore::CostKind kind)
{
    return kind == procore::CostKind::direct_cost ? "dc" : "co";
}

std::string who(const procore::CostDocument& d)
{
    return fmt::format("{} {} of project {}",
                       d.kind == procore::CostKind::direct_cost ? "direct cost" : "change order",
                       d.id, d.project_id);
}

bool listed(const std::vector<std::string>& list, const std::string& value)
{
    return std::ranges::any_of(list, [&](const std::string& v) {
        return v.size() == value.size()
               && std::equal(v.begin(), v.end(), value.begin(), [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a))
                             == std::tolower(static_cast<unsigned char>(b));
                  });
    });
}

} // namespace

std::string cost_key(const procore::CostDocument& d)
{
    return fmt::format("{}:{}:{}", kind_prefix(d.kind), d.project_id, d.id);
}

std::optional<CostRef> parse_cost_key(const std::string& key)
{
    CostRef ref;
    if (key.starts_with("dc:")) {
        ref.kind = procore::CostKind::direct_cost;
    } else if (key.starts_with("co:")) {
        ref.kind = procore::CostKind::change_order;
    } else {
        return std::nullopt;
    }
    const auto colon = key.find(':', 3);
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    try {
        std::size_t used = 0;
        const std::string project = key.substr(3, colon - 3);
        const std::string id = key.substr(colon + 1);
        ref.project_id = std::stoll(project, &used);
        if (used != project.size()) {
            return std::nullopt;
        }
        ref.id = std::stoll(id, &used);
        if (used != id.size()) {
            return std::nullopt;
        }
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return ref;
}

std::string journal_name(const std::string& record_key, const std::string& version, bool reversal)
{
    const auto ref = parse_cost_key(record_key);
    const std::string doc =
        ref ? fmt::format("{}-{}", ref->kind == procore::CostKind::direct_cost ? "DC" : "CO",
                          ref->id)
            : record_key;
    return fmt::format("MLC {} {}{}", doc, version.substr(0, 8), reversal ? " REV" : "");
}

bool is_our_journal_name(const std::string& origin_id)
{
    return origin_id.starts_with("MLC DC-") || origin_id.starts_with("MLC CO-");
}

void describe(const procore::CostDocument& d, JournalPlan& plan)
{
    std::vector<std::pair<std::string, std::string>> fields{
        {"kind", kind_prefix(d.kind)},
        {"project", std::to_string(d.project_id)},
        {"id", std::to_string(d.id)},
        {"type", d.type},
        {"date", d.date},
        {"number", d.number},
        {"description", d.description},
        {"currency", d.currency}};
    std::string summary =
        fmt::format("{} {} {}", d.type.empty() ? "change order" : d.type, d.number, d.date);
    Decimal total;
    int n = 0;
    for (const auto& l : d.lines) {
        ++n;
        const std::string prefix = fmt::format("line{}.", n);
        const auto amount = money(l.amount).value_or(Decimal{});
        total += amount;
        fields.emplace_back(prefix + "id", std::to_string(l.id));
        fields.emplace_back(prefix + "description", l.description);
        fields.emplace_back(prefix + "amount", amount.str());
        fields.emplace_back(prefix + "cost_code", std::to_string(l.cost_code_id));
        fields.emplace_back(prefix + "type", std::to_string(l.line_item_type_id));
        fields.emplace_back(prefix + "wbs", std::to_string(l.wbs_code_id));
        summary += fmt::format("; line {}: {} {}", n,
                               l.cost_code.empty() ? std::to_string(l.cost_code_id) : l.cost_code,
                               amount.fixed(2));
    }
    plan.fingerprint = fingerprint(fields);
    plan.summary = fmt::format("total {}; {}", total.fixed(2), summary);
}

std::string eligibility(const procore::CostDocument& d, const JournalMappingConfig& journal)
{
    if (d.kind == procore::CostKind::direct_cost) {
        if (!listed(journal.statuses, d.status)) {
            return fmt::format("status {} is not one that posts (mapping.journal.statuses)",
                               d.status.empty() ? "(none)" : d.status);
        }
        if (!listed(journal.direct_cost_types, d.type)) {
            return fmt::format("type {} does not post (mapping.journal.direct_cost_types)",
                               d.type.empty() ? "(none)" : d.type);
        }
    } else {
        if (!journal.change_orders) {
            return "change orders do not post (mapping.journal.change_orders is false)";
        }
        if (!listed({"approved"}, d.status)) {
            return fmt::format("status {} is not approved", d.status.empty() ? "(none)" : d.status);
        }
    }
    if (!d.origin_id.empty() && !is_our_journal_name(d.origin_id)) {
        return fmt::format("it carries origin_id {}: it is already in a ledger through another "
                           "integration, and is never posted twice",
                           d.origin_id);
    }
    return {};
}

JournalPlan plan_journal(const procore::CostDocument& d, const MappingConfig& mapping,
                         const JournalLookups& lookups)
{
    JournalPlan plan;
    describe(d, plan);
    const std::string w = who(d);
    const auto& jm = mapping.journal;

    const auto project = mapping.project(d.project_id);
    if (!project || project->cost_center.empty()) {
        return failure(std::move(plan),
                       fmt::format("{}: project {} has no cost center: add it to "
                                   "mapping.projects (or mapping.projects.default)",
                                   w, d.project_id),
                       config);
    }
    const std::string currency = !jm.currency.empty()
                                     ? jm.currency
                                     : (!project->currency.empty() ? project->currency : "USD");
    if (!d.currency.empty() && d.currency != currency) {
        return failure(std::move(plan),
                       fmt::format("{}: currency {} is not the ledger's {}, and no conversion is "
                                   "configured",
                                   w, d.currency, currency),
                       data);
    }
    if (d.date.size() != 10) {
        return failure(std::move(plan), fmt::format("{} has no date", w), data);
    }
    if (d.lines.empty()) {
        return failure(std::move(plan), fmt::format("{} has no line items", w), data);
    }
    const std::string& offset =
        d.kind == procore::CostKind::change_order && !jm.offset_change_order.empty()
            ? jm.offset_change_order
            : jm.offset_direct_cost;
    if (offset.empty()) {
        return failure(std::move(plan), "mapping.journal.offset_accounts.direct_cost is not set",
                       config);
    }

    // The period: the document's own when open (or future-enterable), else held, or with
    // closed_period "next_open" the first open period after it.
    std::string date = d.date;
    std::string period;
    std::string moved_from;
    if (lookups.periods != nullptr) {
        const auto* p = oracle::period_of(*lookups.periods, date);
        const bool enterable =
            p != nullptr && (p->closing_status == "O" || p->closing_status == "F");
        if (enterable) {
            period = p->name;
        } else {
            const std::string why =
                p == nullptr
                    ? fmt::format("no GL period of ledger {} contains {}", jm.ledger_id, date)
                    : fmt::format("period {} is {}", p->name,
                                  p->closing_status == "C"   ? "closed"
                                  : p->closing_status == "P" ? "permanently closed"
                                  : p->closing_status == "N" ? "never opened"
                                                             : p->closing_status);
            const oracle::PeriodStatus* next = nullptr;
            if (jm.next_open) {
                for (const auto& candidate : *lookups.periods) {
                    if (candidate.start_date > date && candidate.open()) {
                        next = &candidate;
                        break;
                    }
                }
            }
            if (next == nullptr) {
                plan.held = fmt::format("{}: {}; {}{}", w, why, k_held_for_period,
                                        jm.next_open ? " (no later period is open)" : "");
                return plan;
            }
            moved_from = date;
            date = next->start_date;
            period = next->name;
        }
    }

    const auto cc_index = static_cast<std::size_t>(mapping.chart.cost_center_segment - 1);
    const std::size_t natural_index =
        mapping.cost_codes ? static_cast<std::size_t>(mapping.cost_codes->natural_segment - 1)
                           : std::string::npos;
    Journal j;
    j.record_key = cost_key(d);
    j.version = plan.fingerprint.substr(0, 16);
    j.name = journal_name(j.record_key, j.version, false);
    j.accounting_date = date;
    j.period = period;
    j.currency = currency;
    j.project_id = d.project_id;
    j.cost_center = project->cost_center;
    j.source_document =
        d.kind == procore::CostKind::direct_cost
            ? fmt::format("direct cost {} ({}, {})", d.id,
                          d.number.empty() ? "no number" : d.number, d.type)
            : fmt::format("change order {} ({})", d.id, d.number.empty() ? "no number" : d.number);
    j.reference = clip(fmt::format("Procore {}", j.source_document));
    j.description =
        clip(fmt::format("Procore {} {}{}", j.source_document, d.description,
                         moved_from.empty() ? "" : fmt::format(" (dated {})", moved_from)));

    Decimal total;
    int n = 0;
    for (const auto& l : d.lines) {
        ++n;
        const std::string where = fmt::format("{} line {} ({})", w, n, l.description);
        if (l.amount.empty()) {
            return failure(std::move(plan), where + " has no amount", data);
        }
        const auto amount = money(l.amount);
        if (!amount) {
            return failure(std::move(plan),
                           fmt::format("{}: amount {} is not a decimal number", where, l.amount),
                           data);
        }
        const Decimal cents = amount->rounded(2);
        if (!(cents == *amount)) {
            return failure(
                std::move(plan),
                fmt::format("{}: amount {} has more than 2 decimal places", where, l.amount), data);
        }
        if (amount->is_zero()) {
            continue; // nothing to post; the document's total decides whether anything posts
        }
        if (l.cost_code_id == 0) {
            return failure(std::move(plan),
                           l.wbs_code_id != 0
                               ? where
                                     + " has a budget (WBS) code but no cost code; only lines "
                                       "with a cost code post"
                               : where + " has no cost code",
                           data);
        }
        auto account = lookups.account(d.project_id, l);
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
        if (!mapping.cost_types.empty()) {
            auto type = mapping.cost_types.end();
            if (!l.line_item_type.empty()) {
                type = mapping.cost_types.find(l.line_item_type);
            }
            if (type != mapping.cost_types.end()) {
                if (natural_index >= account.segments.size()) {
                    return failure(std::move(plan),
                                   "mapping.cost_types needs mapping.cost_codes."
                                   "natural_account_segment within the chart",
                                   config);
                }
                account.segments[natural_index] = type->second;
            }
        }
        JournalLine line;
        line.segments = std::move(account.segments);
        const Decimal magnitude = amount->is_negative() ? Decimal{} - *amount : *amount;
        (amount->is_negative() ? line.credit : line.debit) = magnitude.fixed(2);
        line.description = clip(fmt::format(
            "{} {}{}", account.code, l.description.empty() ? d.description : l.description,
            moved_from.empty() ? "" : fmt::format(" (dated {})", moved_from)));
        line.reference = fmt::format("{} line {}", j.record_key, l.id != 0 ? l.id : n);
        total += *amount;
        j.lines.push_back(std::move(line));
    }
    if (total.is_zero()) {
        return failure(std::move(plan), fmt::format("{} totals 0.00: there is nothing to post", w),
                       data);
    }
    JournalLine off;
    off.segments = engine::split_account(offset, mapping.chart.delimiter);
    const Decimal magnitude = total.is_negative() ? Decimal{} - total : total;
    (total.is_negative() ? off.debit : off.credit) = magnitude.fixed(2);
    off.description = clip(fmt::format("Offset for Procore {}", j.source_document));
    off.reference = j.record_key + " offset";
    j.lines.push_back(std::move(off));

    // Balanced by construction; checked again, exactly, before anything is written.
    Decimal dr;
    Decimal cr;
    for (const auto& l : j.lines) {
        dr += l.debit.empty() ? Decimal{} : *Decimal::parse(l.debit);
        cr += l.credit.empty() ? Decimal{} : *Decimal::parse(l.credit);
    }
    if (!(dr == cr)) {
        return failure(std::move(plan),
                       fmt::format("{}: the journal does not balance (debits {}, credits {})", w,
                                   dr.fixed(2), cr.fixed(2)),
                       data);
    }
    j.total = dr.fixed(2);
    plan.journal = std::move(j);
    return plan;
}

Journal reverse(const Journal& posted, const std::string& accounting_date,
                const std::string& period)
{
    Journal r = posted;
    r.reversal = true;
    r.name = journal_name(posted.record_key, posted.version, true);
    r.accounting_date = accounting_date;
    r.period = period;
    r.description = clip("Reversal of " + posted.name + ": " + posted.description);
    for (auto& l : r.lines) {
        std::swap(l.debit, l.credit);
        l.description = clip("Reversal: " + l.description);
    }
    return r;
}

std::string journal_json(const Journal& j)
{
    json::Writer w;
    w.begin_object()
        .field("record", j.record_key)
        .field("version", j.version)
        .field("reversal", j.reversal)
        .field("name", j.name)
        .field("description", j.description)
        .field("reference", j.reference)
        .field("accounting_date", j.accounting_date)
        .field("period", j.period)
        .field("currency", j.currency)
        .field("project_id", j.project_id)
        .field("cost_center", j.cost_center)
        .field("source_document", j.source_document)
        .key("total")
        .string(j.total)
        .key("lines")
        .begin_array();
    for (const auto& l : j.lines) {
        w.begin_object().key("segments").begin_array();
        for (const auto& s : l.segments) {
            w.string(s);
        }
        w.end_array()
            .field("debit", l.debit)
            .field("credit", l.credit)
            .field("description", l.description)
            .field("reference", l.reference)
            .end_object();
    }
    w.end_array().end_object();
    return w.str();
}

std::optional<Journal> parse_journal(const std::string& text)
{
    auto doc = json::parse(text);
    if (!doc || !doc->IsObject()) {
        return std::nullopt;
    }
    const auto& v = *doc;
    Journal j;
    j.record_key = json::get_string(v, "record").value_or("");
    j.version = json::get_string(v, "version").value_or("");
    j.reversal = json::get_bool(v, "reversal").value_or(false);
    j.name = json::get_string(v, "name").value_or("");
    j.description = json::get_string(v, "description").value_or("");
    j.reference = json::get_string(v, "reference").value_or("");
    j.accounting_date = json::get_string(v, "accounting_date").value_or("");
    j.period = json::get_string(v, "period").value_or("");
    j.currency = json::get_string(v, "currency").value_or("");
    j.project_id = json::get_int64(v, "project_id").value_or(0);
    j.cost_center = json::get_string(v, "cost_center").value_or("");
    j.source_document = json::get_string(v, "source_document").value_or("");
    j.total = json::get_string(v, "total").value_or("");
    const auto* lines = json::find(v, "lines");
    if (lines == nullptr || !lines->IsArray() || j.record_key.empty() || j.name.empty()) {
        return std::nullopt;
    }
    for (const auto& l : lines->GetArray()) {
        if (!l.IsObject()) {
            return std::nullopt;
        }
        JournalLine line;
        if (const auto* segs = json::find(l, "segments"); segs != nullptr && segs->IsArray()) {
            for (const auto& s : segs->GetArray()) {
                line.segments.emplace_back(s.IsString() ? s.GetString() : "");
            }
        }
        line.debit = json::get_string(l, "debit").value_or("");
        line.credit = json::get_string(l, "credit").value_or("");
        line.description = json::get_string(l, "description").value_or("");
        line.reference = json::get_string(l, "reference").value_or("");
        j.lines.push_back(std::move(line));
    }
    return j;
}

JournalLookups journal_lookups(engine::CostAccounts& accounts,
                               const std::vector<oracle::PeriodStatus>& periods)
{
    JournalLookups lookups;
    lookups.periods = &periods;
    lookups.account = [&accounts](std::int64_t project, const procore::CostLine& line) {
        if (line.cost_code.empty()) {
            return accounts.of(project, line.cost_code_id);
        }
        procore::ProjectCostCode code;
        code.id = line.cost_code_id;
        code.full_code = line.cost_code;
        code.origin_id = line.cost_code_origin_id;
        code.standard_cost_code_id = line.standard_cost_code_id;
        return accounts.of(project, code);
    };
    return lookups;
}

SentRequest parse_request(const std::string& text)
{
    SentRequest r;
    auto doc = json::parse(text);
    if (!doc || !doc->IsObject()) {
        return r;
    }
    r.batch = json::get_string(*doc, "batch").value_or("");
    r.group_id = json::get_int64(*doc, "group_id").value_or(0);
    r.request_id = json::get_int64(*doc, "request_id").value_or(0);
    r.sent_at = json::get_string(*doc, "sent_at").value_or("");
    if (const auto* j = json::find(*doc, "journal"); j != nullptr && j->IsObject()) {
        r.journal = parse_journal(json::to_string(*j));
    }
    return r;
}

} // namespace mlc::flows
