#include "sync/flows/suppliers/vendor_plan.hpp"

#include "auth/fingerprint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace mlc::flows {

namespace {

constexpr std::array k_legal_forms = {"inc",  "incorporated", "llc", "ltd",     "limited",
                                      "corp", "corporation",  "co",  "company", "plc",
                                      "llp",  "lp",           "gmbh"};

bool is_legal_form(const std::string& word)
{
    return std::find(k_legal_forms.begin(), k_legal_forms.end(), word) != k_legal_forms.end();
}

const oracle::SupplierAddress* choose_address(const oracle::Supplier& s)
{
    auto first_active = [&s](auto pred) -> const oracle::SupplierAddress* {
        for (const auto& a : s.addresses) {
            if (a.active && pred(a)) {
                return &a;
            }
        }
        return nullptr;
    };
    if (const auto* a = first_active([](const auto& x) { return x.primary; })) {
        return a;
    }
    if (const auto* a = first_active([](const auto& x) { return x.ordering; })) {
        return a;
    }
    if (const auto* a = first_active([](const auto& x) { return x.remit_to; })) {
        return a;
    }
    return first_active([](const auto&) { return true; });
}

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

bool status_active(const oracle::Supplier& s)
{
    return s.status.empty() || upper(s.status) == "ACTIVE";
}

} // namespace

std::string_view to_string(VendorAction action)
{
    switch (action) {
    case VendorAction::create:
        return "create";
    case VendorAction::update:
        return "update";
    case VendorAction::link:
        return "link";
    case VendorAction::skip:
        return "skip";
    case VendorAction::echo:
        return "echo";
    case VendorAction::ambiguous:
        return "ambiguous";
    }
    return "unknown";
}

std::string normalize_vendor_name(std::string_view name)
{
    std::vector<std::string> words;
    std::string word;
    auto flush = [&] {
        if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    };
    for (const char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '.' || c == '\'') {
            continue; // "L.L.C." -> "llc", "O'Brien" -> "obrien"
        }
        if (c == '&') {
            flush();
            words.emplace_back("and");
        } else if (std::isalnum(c) != 0 || c >= 0x80) {
            word += static_cast<char>(std::tolower(c));
        } else {
            flush();
        }
    }
    flush();
    if (!words.empty() && words.front() == "the") {
        words.erase(words.begin());
    }
    while (words.size() > 1 && is_legal_form(words.back())) {
        words.pop_back();
    }
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) {
            out += ' ';
        }
        out += w;
    }
    return out;
}

std::string normalize_tax_id(std::string_view tax_id)
{
    std::string out;
    for (const char ch : tax_id) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0) {
            out += static_cast<char>(std::toupper(c));
        }
    }
    return out;
}

procore::VendorSyncItem map_supplier(const oracle::Supplier& s, std::string_view today)
{
    procore::VendorSyncItem item;
    item.origin_id = std::to_string(s.id);
    item.origin_code = s.number;
    item.name = s.name;
    item.origin_data = "{\"LastUpdateDate\":\"" + s.last_update_date + "\"}";
    if (const auto* a = choose_address(s)) {
        for (const auto* line : {&a->line1, &a->line2, &a->line3, &a->line4}) {
            if (!line->empty()) {
                item.address += item.address.empty() ? "" : ", ";
                item.address += *line;
            }
        }
        item.city = a->city;
        item.state_code = a->state;
        item.zip = a->postal_code;
        item.country_code = upper(a->country_code);
    }
    // InactiveDate is a date (YYYY-MM-DD, possibly with a time): inactive from that day on.
    const std::string inactive_day = s.inactive_date.substr(0, 10);
    const bool date_active = inactive_day.empty() || std::string_view(inactive_day) > today;
    item.is_active = status_active(s) && date_active;
    return item;
}

std::optional<std::string> vendor_due_on(const oracle::Supplier& s, std::string_view today)
{
    const std::string inactive_day = s.inactive_date.substr(0, 10);
    if (!status_active(s) || inactive_day.empty() || std::string_view(inactive_day) <= today) {
        return std::nullopt; // inactive already, or no date: nothing changes by itself
    }
    return inactive_day;
}

std::string vendor_fingerprint(const procore::VendorSyncItem& item)
{
    return fingerprint({
        {"origin_id", item.origin_id},
        {"origin_code", item.origin_code},
        {"name", item.name},
        {"address", item.address},
        {"city", item.city},
        {"state_code", item.state_code},
        {"zip", item.zip},
        {"country_code", item.country_code},
        {"is_active", item.is_active ? "true" : "false"},
    });
}

procore::VendorSyncItem vendor_item_of(const procore::Vendor& vendor)
{
    procore::VendorSyncItem item;
    item.origin_id = vendor.origin_id;
    item.origin_code = vendor.origin_code;
    item.name = vendor.name;
    item.address = vendor.address;
    item.city = vendor.city;
    item.state_code = vendor.state_code;
    item.zip = vendor.zip;
    item.country_code = vendor.country_code;
    item.is_active = vendor.is_active;
    return item;
}

std::vector<std::string> vendor_differences(const procore::VendorSyncItem& held,
                                            const procore::VendorSyncItem& wanted)
{
    std::vector<std::string> out;
    auto cmp = [&out](const char* field, const std::string& a, const std::string& b) {
        if (a != b) {
            out.push_back(fmt::format("{}: \"{}\" in Procore, \"{}\" from Oracle", field, a, b));
        }
    };
    cmp("origin_code", held.origin_code, wanted.origin_code);
    cmp("name", held.name, wanted.name);
    cmp("address", held.address, wanted.address);
    cmp("city", held.city, wanted.city);
    cmp("state_code", held.state_code, wanted.state_code);
    cmp("zip", held.zip, wanted.zip);
    cmp("country_code", held.country_code, wanted.country_code);
    cmp("is_active", held.is_active ? "true" : "false", wanted.is_active ? "true" : "false");
    return out;
}

void VendorIndex::add(const procore::Vendor& vendor)
{
    const std::size_t at = vendors_.size();
    vendors_.push_back(vendor);
    if (!vendor.origin_id.empty()) {
        by_origin_.emplace(vendor.origin_id, at);
    }
    by_name_[normalize_vendor_name(vendor.name)].push_back(at);
}

const procore::Vendor* VendorIndex::by_origin_id(const std::string& origin_id) const
{
    const auto it = by_origin_.find(origin_id);
    return it == by_origin_.end() ? nullptr : &vendors_[it->second];
}

std::vector<const procore::Vendor*>
VendorIndex::free_by_name(const std::string& normalized_name) const
{
    std::vector<const procore::Vendor*> out;
    if (normalized_name.empty()) {
        return out; // a nameless supplier matches nothing
    }
    const auto it = by_name_.find(normalized_name);
    if (it == by_name_.end()) {
        return out;
    }
    for (const std::size_t i : it->second) {
        const auto& v = vendors_[i];
        if (v.origin_id.empty() && !claimed(v.id)) {
            out.push_back(&v);
        }
    }
    return out;
}

MappedVendor map_vendor(const oracle::Supplier& supplier, std::string_view today)
{
    MappedVendor m;
    m.item = map_supplier(supplier, today);
    m.fingerprint = vendor_fingerprint(m.item);
    m.item_json = procore::vendor_sync_item_json(m.item);
    return m;
}

VendorDecision plan_vendor(const oracle::Supplier& supplier,
                           const std::optional<VendorLinkState>& link, const VendorIndex* index,
                           std::string_view today)
{
    return plan_vendor(supplier, map_vendor(supplier, today), link, index);
}

VendorDecision plan_vendor(const oracle::Supplier& supplier, MappedVendor mapped,
                           const std::optional<VendorLinkState>& link, const VendorIndex* index)
{
    VendorDecision d;
    d.supplier_id = supplier.id;
    d.item = std::move(mapped.item);
    d.fingerprint = std::move(mapped.fingerprint);
    d.item_json = std::move(mapped.item_json);

    if (link && link->origin == "procore") {
        d.action = VendorAction::echo;
        d.before_fp = link->fingerprint;
        d.message = "the vendor came from Procore; not sent back";
        return d;
    }
    if (link && link->target_key) {
        d.before_fp = link->fingerprint;
        try {
            d.procore_id = std::stoll(*link->target_key);
        } catch (const std::exception&) {
            d.procore_id.reset();
        }
        d.action = link->fingerprint == d.fingerprint ? VendorAction::skip : VendorAction::update;
        return d;
    }
    if (link) {
        d.before_fp = link->fingerprint; // an earlier attempt never learnt the vendor id
    }
    if (index == nullptr) {
        d.action = VendorAction::create;
        return d;
    }
    // Ours already (the local state was lost, or an earlier answer never arrived): re-attach.
    if (const auto* own = index->by_origin_id(d.item.origin_id)) {
        d.action = VendorAction::link;
        d.procore_id = own->id;
        d.item.id = own->id;
        d.item_json.clear(); // the item now carries an id
        d.message = "vendor " + std::to_string(own->id) + " already carries this origin_id";
        return d;
    }
    auto candidates = index->free_by_name(normalize_vendor_name(supplier.name));
    const std::string tax = normalize_tax_id(supplier.taxpayer_id);
    if (!tax.empty() && !candidates.empty()) {
        std::vector<const procore::Vendor*> same_tax;
        std::vector<const procore::Vendor*> unknown_tax;
        for (const auto* v : candidates) {
            const std::string vt = normalize_tax_id(v->tax_id);
            if (vt == tax) {
                same_tax.push_back(v);
            } else if (vt.empty()) {
                unknown_tax.push_back(v);
            } // a different known tax id: another company with the same name
        }
        candidates = same_tax.size() == 1 ? same_tax : (same_tax.empty() ? unknown_tax : same_tax);
    }
    if (candidates.empty()) {
        d.action = VendorAction::create;
        return d;
    }
    if (candidates.size() == 1) {
        d.action = VendorAction::link;
        d.procore_id = candidates.front()->id;
        d.item.id = candidates.front()->id;
        d.item_json.clear(); // the item now carries an id
        d.message = "matched pre-existing vendor " + std::to_string(candidates.front()->id) + " \""
                    + candidates.front()->name + "\" by name";
        if (!tax.empty() && normalize_tax_id(candidates.front()->tax_id) == tax) {
            d.message += " and tax id";
        }
        return d;
    }
    d.action = VendorAction::ambiguous;
    d.message = std::to_string(candidates.size()) + " pre-existing vendors match \"" + supplier.name
                + "\":";
    for (const auto* v : candidates) {
        d.message += " " + std::to_string(v->id);
    }
    d.message += "; link one by hand (set its origin_id to " + d.item.origin_id + ")";
    return d;
}

void VendorPlanSummary::count(VendorAction action)
{
    switch (action) {
    case VendorAction::create:
        ++create;
        break;
    case VendorAction::update:
        ++update;
        break;
    case VendorAction::link:
        ++link;
        break;
    case VendorAction::skip:
        ++skip;
        break;
    case VendorAction::echo:
        ++echo;
        break;
    case VendorAction::ambiguous:
        ++ambiguous;
        break;
    }
}

VendorPlan
plan_vendors(const std::vector<oracle::Supplier>& suppliers,
             const std::function<std::optional<VendorLinkState>(std::int64_t)>& find_link,
             VendorIndex* index, std::string_view today)
{
    // Last occurrence of each SupplierId wins (a record updated while we paged shows up twice).
    std::unordered_map<std::int64_t, std::size_t> last;
    for (std::size_t i = 0; i < suppliers.size(); ++i) {
        last[suppliers[i].id] = i;
    }
    VendorPlan plan;
    for (std::size_t i = 0; i < suppliers.size(); ++i) {
        if (last[suppliers[i].id] != i) {
            continue;
        }
        auto d = plan_vendor(suppliers[i], find_link(suppliers[i].id), index, today);
        if (d.action == VendorAction::link && index != nullptr && d.procore_id) {
            index->claim(*d.procore_id);
        }
        plan.summary.count(d.action);
        plan.decisions.push_back(std::move(d));
    }
    return plan;
}

} // namespace mlc::flows
