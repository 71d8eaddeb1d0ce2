// Procore simulator records: field lists per resource, validation, create/update, the sync
// (origin_id upsert) rules shared by every .../sync endpoint, and the seeded data set.
#include "procore_internal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <set>

namespace mlc::sim {

namespace procore {

Alloc g_alloc;

namespace {

constexpr bool W = true;  // writable through the REST API
constexpr bool R = false; // read-only (computed or set by Procore)

const std::vector<FieldSpec> k_vendor_fields = {
    {"id", Kind::integer, R},
    {"name", Kind::str, W},
    {"abbreviated_name", Kind::str, W},
    {"trade_name", Kind::str, W},
    {"legal_name", Kind::str, R},
    {"address", Kind::str, W},
    {"city", Kind::str, W},
    {"zip", Kind::str, W},
    {"state_code", Kind::str, W},
    {"country_code", Kind::str, W},
    {"business_phone", Kind::str, W},
    {"mobile_phone", Kind::str, W},
    {"fax_number", Kind::str, W},
    {"email_address", Kind::str, W},
    {"website", Kind::str, W},
    {"is_active", Kind::boolean, W},
    {"authorized_bidder", Kind::boolean, W},
    {"prequalified", Kind::boolean, W},
    {"labor_union", Kind::str, W},
    {"license_number", Kind::str, W},
    {"union_member", Kind::boolean, W},
    {"non_union_prevailing_wage", Kind::boolean, W},
    {"notes", Kind::str, W},
    {"parent_id", Kind::integer, W},
    {"origin_id", Kind::str, W},
    {"origin_code", Kind::str, W},
    {"origin_data", Kind::str, W},
    {"business_id", Kind::str, R},
    {"business_register", Kind::object, R},
    {"synced_to_erp", Kind::boolean, R},
    {"is_connected", Kind::boolean, R},
    {"project_ids", Kind::array, R},
    {"contact_count", Kind::integer, R},
    {"created_at", Kind::str, R},
    {"updated_at", Kind::str, R},
};

const std::vector<FieldSpec> k_project_fields = {
    {"id", Kind::integer, R},       {"name", Kind::str, W},
    {"display_name", Kind::str, R}, {"project_number", Kind::str, W},
    {"address", Kind::str, W},      {"city", Kind::str, W},
    {"state_code", Kind::str, W},   {"country_code", Kind::str, W},
    {"zip", Kind::str, W},          {"county", Kind::str, W},
    {"latitude", Kind::any, W},     {"longitude", Kind::any, W},
    {"stage", Kind::str, W},        {"phone", Kind::str, W},
    {"created_at", Kind::str, R},   {"updated_at", Kind::str, R},
    {"active", Kind::boolean, W},   {"origin_id", Kind::str, W},
    {"origin_data", Kind::str, W},  {"company", Kind::object, R},
};

const std::vector<FieldSpec> k_list_fields = {
    {"id", Kind::integer, R},      {"name", Kind::str, W},       {"origin_id", Kind::str, W},
    {"origin_data", Kind::str, W}, {"created_at", Kind::str, R}, {"updated_at", Kind::str, R},
};

const std::vector<FieldSpec> k_standard_code_fields = {
    {"id", Kind::integer, R},        {"standard_cost_code_list_id", Kind::integer, W},
    {"parent_id", Kind::integer, W}, {"code", Kind::str, W},
    {"full_code", Kind::str, R},     {"name", Kind::str, W},
    {"origin_id", Kind::str, W},     {"origin_data", Kind::str, W},
    {"created_at", Kind::str, R},    {"updated_at", Kind::str, R},
};

const std::vector<FieldSpec> k_cost_code_fields = {
    {"id", Kind::integer, R},
    {"project_id", Kind::integer, R},
    {"parent_id", Kind::integer, W},
    {"code", Kind::str, W},
    {"full_code", Kind::str, R},
    {"name", Kind::str, W},
    {"standard_cost_code_id", Kind::integer, R},
    {"origin_id", Kind::str, W},
    {"origin_data", Kind::str, W},
    {"created_at", Kind::str, R},
    {"updated_at", Kind::str, R},
};

const std::vector<FieldSpec> k_po_fields = {
    {"id", Kind::integer, R},
    {"number", Kind::str, W},
    {"title", Kind::str, W},
    {"description", Kind::str, W},
    {"status", Kind::str, W},
    {"accounting_method", Kind::str, W},
    {"executed", Kind::boolean, W},
    {"private", Kind::boolean, W},
    {"vendor", Kind::object, R},
    {"project", Kind::object, R},
    {"origin_id", Kind::str, W},
    {"origin_code", Kind::str, W},
    {"origin_data", Kind::str, W},
    {"grand_total", Kind::money, R},
    {"revised_contract", Kind::money, R},
    {"pending_revised_contract", Kind::money, R},
    {"approved_change_orders", Kind::money, R},
    {"pending_change_orders", Kind::money, R},
    {"total_payments", Kind::money, R},
    {"remaining_balance_outstanding", Kind::money, R},
    {"retainage_percent", Kind::money, W},
    {"contract_date", Kind::date, W},
    {"delivery_date", Kind::date, W},
    {"execution_date", Kind::date, W},
    {"issued_on_date", Kind::date, W},
    {"signed_contract_received_date", Kind::date, W},
    {"requisitions_are_enabled", Kind::boolean, W},
    {"deleted_at", Kind::str, R},
    {"created_at", Kind::str, R},
    {"updated_at", Kind::str, R},
    {"line_items", Kind::array, R},
};

const std::vector<FieldSpec> k_requisition_fields = {
    {"id", Kind::integer, R},
    {"number", Kind::integer, R},
    {"invoice_number", Kind::str, W},
    {"project_id", Kind::integer, R},
    {"commitment_id", Kind::integer, R},
    {"vendor", Kind::object, R},
    {"status", Kind::str, W},
    {"billing_date", Kind::date, W},
    {"commitment_type", Kind::str, R},
    {"requisition_start", Kind::date, W},
    {"requisition_end", Kind::date, W},
    {"payment_date", Kind::date, W},
    {"total_claimed_amount", Kind::money, R},
    {"retainage_amount", Kind::money, W},
    {"current_payment_due", Kind::money, R},
    {"summary", Kind::object, R},
    {"origin_id", Kind::str, W},
    {"origin_data", Kind::str, W},
    {"created_at", Kind::str, R},
    {"updated_at", Kind::str, R},
    {"line_items", Kind::array, R},
};

const std::vector<FieldSpec> k_direct_cost_fields = {
    {"id", Kind::integer, R},
    {"project_id", Kind::integer, R},
    {"direct_cost_type", Kind::str, W},
    {"status", Kind::str, W},
    {"vendor", Kind::object, R},
    {"invoice_number", Kind::str, W},
    {"description", Kind::str, W},
    {"terms", Kind::str, W},
    {"direct_cost_date", Kind::date, W},
    {"received_date", Kind::date, W},
    {"paid_date", Kind::date, W},
    {"grand_total", Kind::money, R},
    {"origin_id", Kind::str, W},
    {"origin_data", Kind::str, W},
    {"deleted_at", Kind::str, R},
    {"created_at", Kind::str, R},
    {"updated_at", Kind::str, R},
    {"line_items", Kind::array, R},
};

const std::vector<FieldSpec> k_cco_fields = {
    {"id", Kind::integer, R},          {"project_id", Kind::integer, R},
    {"number", Kind::str, W},          {"title", Kind::str, W},
    {"description", Kind::str, W},     {"status", Kind::str, W},
    {"contract_id", Kind::integer, R}, {"executed", Kind::boolean, W},
    {"due_date", Kind::date, W},       {"approved_date", Kind::date, R},
    {"grand_total", Kind::money, R},   {"origin_id", Kind::str, W},
    {"origin_code", Kind::str, W},     {"origin_data", Kind::str, W},
    {"deleted_at", Kind::str, R},      {"created_at", Kind::str, R},
    {"updated_at", Kind::str, R},      {"line_items", Kind::array, R},
};

// Cost types ("line item types"): company-wide, referenced by line_item_type_id on lines.
const std::vector<FieldSpec> k_line_item_type_fields = {
    {"id", Kind::integer, R},     {"name", Kind::str, W},        {"code", Kind::str, W},
    {"origin_id", Kind::str, W},  {"origin_data", Kind::str, W}, {"created_at", Kind::str, R},
    {"updated_at", Kind::str, R},
};

const std::vector<FieldSpec> k_payment_fields = {
    {"id", Kind::integer, R},
    {"project_id", Kind::integer, R},
    {"contract_id", Kind::integer, W}, // set from the create's top-level contract_id
    {"amount", Kind::money, W},
    {"date", Kind::date, W},
    {"invoice_number", Kind::str, W},
    {"invoice_date", Kind::date, W},
    {"check_number", Kind::str, W},
    {"payment_number", Kind::integer, W},
    {"draw_request_number", Kind::integer, W},
    {"payment_method", Kind::str, W},
    {"notes", Kind::str, W},
    {"origin_id", Kind::str, W},
    {"origin_data", Kind::str, W},
    {"deleted_at", Kind::str, R},
    {"created_at", Kind::str, R},
    {"updated_at", Kind::str, R},
};

const std::set<std::string> k_po_statuses = {
    "Draft", "Processing", "Submitted", "Partially Received", "Received", "Approved", "Closed"};
// Work order contract statuses: the reference does not list them (unconfirmed); these are the
// subcontract statuses of the web UI.
const std::set<std::string> k_wo_statuses = {
    "Draft", "Out For Bid", "Out For Signature", "Approved", "Complete", "Terminated", "Void"};
const std::set<std::string> k_direct_cost_types = {"invoice", "expense", "payroll",
                                                   "subcontractor_invoice"};
const std::set<std::string> k_direct_cost_statuses = {"draft", "pending", "revise_and_resubmit",
                                                      "approved"};
const std::set<std::string> k_requisition_statuses = {
    "draft",    "under_review",      "revise_and_resubmit",
    "approved", "approved_as_noted", "pending_owner_approval"};
const std::set<std::string> k_cco_statuses = {"draft", "pending", "approved", "rejected", "void"};

bool is_blank(const std::string& s)
{
    return std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isspace(ch) != 0; });
}

bool valid_date(const std::string& s)
{
    if (s.size() != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (std::isdigit(static_cast<unsigned char>(s[i])) == 0)
            return false;
    std::int64_t ms = 0;
    return parse_timestamp(s, ms);
}

// Decimal strings to cents and back. Amounts are kept to the cent.
std::optional<std::int64_t> to_cents(const std::string& s)
{
    if (!valid_money(s))
        return std::nullopt;
    bool neg = s[0] == '-';
    std::size_t i = neg ? 1 : 0;
    std::int64_t whole = 0;
    for (; i < s.size() && s[i] != '.'; ++i)
        whole = whole * 10 + (s[i] - '0');
    std::int64_t frac = 0;
    int digits = 0;
    int round_digit = 0;
    if (i < s.size()) {
        for (++i; i < s.size(); ++i) {
            if (digits < 2) {
                frac = frac * 10 + (s[i] - '0');
                ++digits;
            } else if (digits == 2) {
                round_digit = s[i] - '0';
                ++digits;
            }
        }
    }
    while (digits < 2) {
        frac *= 10;
        ++digits;
    }
    std::int64_t cents = whole * 100 + frac + (round_digit >= 5 ? 1 : 0);
    return neg ? -cents : cents;
}

std::string cents_to_money(std::int64_t cents)
{
    bool neg = cents < 0;
    std::int64_t a = neg ? -cents : cents;
    std::string frac = fmt::format("{:02}", a % 100);
    if (frac[1] == '0')
        frac.resize(1);
    return fmt::format("{}{}.{}", neg ? "-" : "", a / 100, frac);
}

RVal str_val(const std::string& s)
{
    return RVal(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), g_alloc);
}

void set_member(RVal& obj, const std::string& name, RVal value)
{
    auto it = obj.FindMember(name.c_str());
    if (it != obj.MemberEnd()) {
        it->value = value;
    } else {
        obj.AddMember(str_val(name), value, g_alloc);
    }
}

std::optional<std::string> member_str(const RVal& obj, const char* name)
{
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || !it->value.IsString())
        return std::nullopt;
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<std::int64_t> member_int(const RVal& obj, const char* name)
{
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || !it->value.IsInt64())
        return std::nullopt;
    return it->value.GetInt64();
}

RVal default_for(const FieldSpec& f)
{
    std::string n = f.name;
    if (f.kind == Kind::boolean)
        return RVal(n == "is_active" || n == "active" || n == "requisitions_are_enabled");
    if (f.kind == Kind::array)
        return RVal(rapidjson::kArrayType);
    if (f.kind == Kind::money && !f.writable)
        return str_val("0.0");
    if (n == "contact_count")
        return RVal(static_cast<std::int64_t>(0));
    return RVal(rapidjson::kNullType);
}

} // namespace

bool valid_money(const std::string& s)
{
    std::size_t i = 0;
    if (!s.empty() && s[0] == '-')
        i = 1;
    std::size_t digits = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0; ++i)
        ++digits;
    if (digits == 0)
        return false;
    if (i == s.size())
        return true;
    if (s[i] != '.')
        return false;
    ++i;
    std::size_t frac = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0; ++i)
        ++frac;
    return frac > 0 && i == s.size();
}

std::string money(double v)
{
    return cents_to_money(static_cast<std::int64_t>(std::llround(v * 100.0)));
}

} // namespace procore

using namespace procore;

procore::Collection& ProcoreSim::Impl::coll(const std::string& name)
{
    return collections.at(name);
}

bool ProcoreSim::Impl::project_exists(std::int64_t project_id) const
{
    const auto& projects = collections.at("projects");
    auto it = projects.records.find(project_id);
    return it != projects.records.end() && !it->second.deleted;
}

std::int64_t ProcoreSim::Impl::company_of_scope(const Collection&, std::int64_t) const
{
    return options.company_id;
}

Record* ProcoreSim::Impl::find(Collection& c, std::int64_t id, bool include_deleted)
{
    auto it = c.records.find(id);
    if (it == c.records.end() || (it->second.deleted && !include_deleted))
        return nullptr;
    return &it->second;
}

Record* ProcoreSim::Impl::find_by_origin(Collection& c, std::int64_t scope,
                                         const std::string& origin_id)
{
    auto it = c.by_origin.find(fmt::format("{}:{}", scope, origin_id));
    if (it == c.by_origin.end())
        return nullptr;
    return find(c, it->second);
}

namespace {

struct Staged {
    std::string name;
    RVal value;
};

// Reads one line item; returns its normalized object or adds errors.
RVal stage_line_item(ProcoreSim::Impl& impl, std::int64_t scope, const rapidjson::Value& in,
                     std::size_t index, std::int64_t id, std::int64_t now_ms, FieldErrors& errors)
{
    RVal li(rapidjson::kObjectType);
    auto err = [&](const char* field, const char* msg) {
        errors.emplace_back(fmt::format("line_items[{}].{}", index, field), msg);
    };
    if (!in.IsObject()) {
        errors.emplace_back(fmt::format("line_items[{}]", index), "is invalid");
        return li;
    }
    li.AddMember("id", RVal(id), g_alloc);
    auto desc = json::get_string(in, "description");
    li.AddMember("description", desc ? str_val(*desc) : RVal(rapidjson::kNullType), g_alloc);
    // Money and quantities: decimal strings or numbers. Without an amount, a line with both a
    // quantity and a unit cost is worth their product.
    auto decimal = [&](const char* field) -> std::optional<std::int64_t> { // in cents
        auto it = in.FindMember(field);
        if (it == in.MemberEnd() || it->value.IsNull())
            return std::nullopt;
        if (it->value.IsString() && valid_money(it->value.GetString()))
            return to_cents(it->value.GetString());
        if (it->value.IsNumber())
            return static_cast<std::int64_t>(std::llround(it->value.GetDouble() * 100.0));
        err(field, "is not a number");
        return std::nullopt;
    };
    auto amount = decimal("amount");
    auto quantity = decimal("quantity");
    auto unit_cost = decimal("unit_cost");
    if (!amount && quantity && unit_cost && !in.HasMember("amount"))
        amount = static_cast<std::int64_t>(
            std::llround(static_cast<double>(*quantity) * static_cast<double>(*unit_cost) / 100.0));
    li.AddMember("amount", str_val(cents_to_money(amount.value_or(0))), g_alloc);
    li.AddMember("quantity", str_val(cents_to_money(quantity.value_or(100))), g_alloc);
    li.AddMember("unit_cost", str_val(cents_to_money(unit_cost.value_or(amount.value_or(0)))),
                 g_alloc);
    auto uom = json::get_string(in, "uom");
    li.AddMember("uom", uom ? str_val(*uom) : str_val("LS"), g_alloc);
    auto cc = in.FindMember("cost_code_id");
    if (cc != in.MemberEnd() && !cc->value.IsNull()) {
        auto ccid = json::get_int(in, "cost_code_id");
        auto& codes = impl.coll("cost_codes");
        auto* code = ccid ? impl.find(codes, *ccid) : nullptr;
        if (code == nullptr || code->scope != scope) {
            err("cost_code_id", "is invalid");
            li.AddMember("cost_code_id", RVal(rapidjson::kNullType), g_alloc);
        } else {
            li.AddMember("cost_code_id", RVal(*ccid), g_alloc);
        }
    } else {
        li.AddMember("cost_code_id", RVal(rapidjson::kNullType), g_alloc);
    }
    auto lt = in.FindMember("line_item_type_id");
    if (lt != in.MemberEnd() && !lt->value.IsNull()) {
        auto ltid = json::get_int(in, "line_item_type_id");
        if (!ltid || impl.find(impl.coll("line_item_types"), *ltid) == nullptr) {
            err("line_item_type_id", "is invalid");
            li.AddMember("line_item_type_id", RVal(rapidjson::kNullType), g_alloc);
        } else {
            li.AddMember("line_item_type_id", RVal(*ltid), g_alloc);
        }
    } else {
        li.AddMember("line_item_type_id", RVal(rapidjson::kNullType), g_alloc);
    }
    auto oid = json::get_string(in, "origin_id");
    li.AddMember("origin_id", oid ? str_val(*oid) : RVal(rapidjson::kNullType), g_alloc);
    auto od = json::get_string(in, "origin_data");
    li.AddMember("origin_data", od ? str_val(*od) : RVal(rapidjson::kNullType), g_alloc);
    li.AddMember("created_at", str_val(procore_timestamp(now_ms)), g_alloc);
    li.AddMember("updated_at", str_val(procore_timestamp(now_ms)), g_alloc);
    return li;
}

RVal vendor_ref(const RVal& vendor)
{
    RVal v(rapidjson::kObjectType);
    v.AddMember("id", RVal(vendor["id"].GetInt64()), g_alloc);
    v.AddMember("name", RVal(vendor["name"], g_alloc), g_alloc);
    v.AddMember("company", RVal(vendor["name"], g_alloc), g_alloc);
    v.AddMember("origin_id", RVal(vendor["origin_id"], g_alloc), g_alloc);
    return v;
}

bool sov_locked_status(const RVal& obj)
{
    auto status = member_str(obj, "status");
    return status && (*status == "Approved" || *status == "Complete");
}

std::optional<std::int64_t> current_vendor_id(const RVal& obj)
{
    auto v = obj.FindMember("vendor");
    if (v == obj.MemberEnd() || !v->value.IsObject())
        return std::nullopt;
    return member_int(v->value, "id");
}

// grand_total (and a commitment's contract sums) from the line items.
void recompute_totals(const Collection& c, Record& r)
{
    auto lit = r.obj.FindMember("line_items");
    if (lit == r.obj.MemberEnd() || !lit->value.IsArray() || !r.obj.HasMember("grand_total"))
        return;
    std::int64_t total = 0;
    for (auto& li : lit->value.GetArray())
        if (li.HasMember("amount") && li["amount"].IsString())
            total += to_cents(li["amount"].GetString()).value_or(0);
    std::string t = cents_to_money(total);
    set_member(r.obj, "grand_total", str_val(t));
    if (is_commitment(c)) {
        set_member(r.obj, "revised_contract", str_val(t));
        set_member(r.obj, "pending_revised_contract", str_val(t));
        set_member(r.obj, "remaining_balance_outstanding", str_val(t));
    }
}

} // namespace

// Validates and stages `attrs` against the collection's fields, then writes them into `r`.
// Both create and update come through here, so every path validates the same way.
static bool apply_attrs(ProcoreSim::Impl& impl, Collection& c, Record& r,
                        const rapidjson::Value& attrs, FieldErrors& errors, bool raw, bool creating)
{
    std::vector<Staged> staged;
    const std::int64_t now = impl.clock.now_ms();
    std::optional<std::string> new_origin;
    bool origin_given = false;
    bool lines_given = false;
    RVal lines(rapidjson::kArrayType);

    if (!attrs.IsObject()) {
        errors.emplace_back("base", "is invalid");
        return false;
    }
    // Approved or Complete commitments lock their lines and vendor (procore.md §5); the seed and
    // /_sim/mutate (raw) write as given.
    const bool lock_applies = is_commitment(c) && !raw && !impl.seeding;
    const bool was_locked = lock_applies && !creating && sov_locked_status(r.obj);
    for (auto m = attrs.MemberBegin(); m != attrs.MemberEnd(); ++m) {
        std::string name(m->name.GetString(), m->name.GetStringLength());
        const rapidjson::Value& v = m->value;
        if (name == "id")
            continue;
        if (name == "vendor_id"
            && (is_commitment(c) || c.name == "direct_costs" || c.name == "requisitions")) {
            if (v.IsNull()) {
                if (was_locked && current_vendor_id(r.obj))
                    errors.emplace_back("base", k_sov_locked);
                else
                    staged.push_back({"vendor", RVal(rapidjson::kNullType)});
                continue;
            }
            auto vid = json::get_int(attrs, "vendor_id");
            auto* vendor = vid ? impl.find(impl.coll("vendors"), *vid) : nullptr;
            if (vendor == nullptr) {
                errors.emplace_back("vendor_id", "is invalid");
                continue;
            }
            if (was_locked && current_vendor_id(r.obj) != vid) {
                errors.emplace_back("base", k_sov_locked);
                continue;
            }
            staged.push_back({"vendor", vendor_ref(vendor->obj)});
            continue;
        }
        if (name == "line_items"
            && (is_commitment(c) || c.name == "direct_costs" || c.name == "commitment_change_orders"
                || c.name == "requisitions")) {
            if (!v.IsArray()) {
                errors.emplace_back("line_items", "is invalid");
                continue;
            }
            lines_given = true;
            auto& lic = impl.coll("line_items");
            for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
                lines.PushBack(stage_line_item(impl, r.scope, v[i], i, lic.next_id++, now, errors),
                               g_alloc);
            continue;
        }
        const FieldSpec* spec = nullptr;
        for (const auto& f : *c.fields)
            if (name == f.name)
                spec = &f;
        if (spec == nullptr || (!spec->writable && !raw)) {
            if (raw)
                staged.push_back({name, RVal(v, g_alloc)});
            continue; // unpermitted attributes are dropped, as Rails strong parameters do
        }
        if (v.IsNull()) {
            if (name == "name" && c.name != "requisitions")
                errors.emplace_back(name, "can't be blank");
            else
                staged.push_back({name, RVal(rapidjson::kNullType)});
            if (name == "origin_id") {
                origin_given = true;
                new_origin.reset();
            }
            continue;
        }
        switch (spec->kind) {
        case Kind::str: {
            std::string s;
            if (v.IsString())
                s.assign(v.GetString(), v.GetStringLength());
            else if (v.IsInt64())
                s = std::to_string(v.GetInt64());
            else if (v.IsUint64())
                s = std::to_string(v.GetUint64());
            else {
                errors.emplace_back(name, "is invalid");
                break;
            }
            if ((name == "name"
                 || (name == "code" && (c.name == "standard_cost_codes" || c.name == "cost_codes")))
                && is_blank(s)) {
                errors.emplace_back(name, "can't be blank");
                break;
            }
            if (name == "country_code" && !s.empty()) {
                if (s.size() != 2 || std::isalpha(static_cast<unsigned char>(s[0])) == 0
                    || std::isalpha(static_cast<unsigned char>(s[1])) == 0) {
                    errors.emplace_back(name, "is not a valid ISO 3166-1 alpha-2 country code");
                    break;
                }
                for (auto& ch : s)
                    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            }
            if (name == "email_address" && !s.empty() && s.find('@') == std::string::npos) {
                errors.emplace_back(name, "is invalid");
                break;
            }
            if (name == "status" && !raw) {
                const std::set<std::string>* allowed = nullptr;
                if (c.name == "purchase_order_contracts")
                    allowed = &k_po_statuses;
                if (c.name == "work_order_contracts")
                    allowed = &k_wo_statuses;
                if (c.name == "direct_costs")
                    allowed = &k_direct_cost_statuses;
                if (c.name == "requisitions")
                    allowed = &k_requisition_statuses;
                if (c.name == "commitment_change_orders")
                    allowed = &k_cco_statuses;
                if (allowed != nullptr && allowed->count(s) == 0) {
                    errors.emplace_back(name, "is not included in the list");
                    break;
                }
            }
            if (name == "direct_cost_type" && k_direct_cost_types.count(s) == 0) {
                errors.emplace_back(name, "is not included in the list");
                break;
            }
            if (name == "accounting_method" && s != "amount" && s != "unit") {
                errors.emplace_back(name, "is not included in the list");
                break;
            }
            if (name == "origin_id") {
                origin_given = true;
                new_origin = s;
            }
            staged.push_back({name, str_val(s)});
            break;
        }
        case Kind::boolean:
            if (!v.IsBool())
                errors.emplace_back(name, "is invalid");
            else
                staged.push_back({name, RVal(v.GetBool())});
            break;
        case Kind::integer: {
            auto iv = json::get_int(attrs, name.c_str());
            if (!iv) {
                errors.emplace_back(name, "is invalid");
                break;
            }
            if (name == "parent_id" && (c.name == "vendors" || c.name == "standard_cost_codes")) {
                auto* parent = impl.find(c, *iv);
                if (parent == nullptr || *iv == member_int(r.obj, "id").value_or(-1)) {
                    errors.emplace_back(name, "is invalid");
                    break;
                }
            }
            if (name == "standard_cost_code_list_id"
                && impl.find(impl.coll("standard_cost_code_lists"), *iv) == nullptr) {
                errors.emplace_back(name, "is invalid");
                break;
            }
            if (name == "commitment_id"
                && impl.find(impl.coll("purchase_order_contracts"), *iv) == nullptr
                && impl.find(impl.coll("work_order_contracts"), *iv) == nullptr) {
                errors.emplace_back(name, "is invalid");
                break;
            }
            staged.push_back({name, RVal(*iv)});
            break;
        }
        case Kind::money:
            if (v.IsString() && valid_money(v.GetString()))
                staged.push_back({name, str_val(cents_to_money(*to_cents(v.GetString())))});
            else if (v.IsNumber())
                staged.push_back({name, str_val(money(v.GetDouble()))});
            else
                errors.emplace_back(name, "is not a number");
            break;
        case Kind::date:
            if (v.IsString() && valid_date(v.GetString()))
                staged.push_back({name, str_val(v.GetString())});
            else
                errors.emplace_back(name, "is not a valid date");
            break;
        case Kind::array:
            if (!v.IsArray())
                errors.emplace_back(name, "is invalid");
            else
                staged.push_back({name, RVal(v, g_alloc)});
            break;
        case Kind::object:
            if (!v.IsObject())
                errors.emplace_back(name, "is invalid");
            else
                staged.push_back({name, RVal(v, g_alloc)});
            break;
        case Kind::any:
            staged.push_back({name, RVal(v, g_alloc)});
            break;
        }
    }

    // Required attributes, checked against the record as it would be after the write.
    auto will_have = [&](const char* field) {
        for (const auto& s : staged)
            if (s.name == field)
                return !s.value.IsNull();
        auto it = r.obj.FindMember(field);
        return it != r.obj.MemberEnd() && !it->value.IsNull();
    };
    if (creating && !raw) {
        std::vector<const char*> required;
        if (c.name == "vendors" || c.name == "standard_cost_code_lists" || c.name == "projects")
            required = {"name"};
        if (c.name == "standard_cost_codes")
            required = {"code", "name", "standard_cost_code_list_id"};
        if (c.name == "direct_costs")
            required = {"direct_cost_type", "direct_cost_date"};
        if (c.name == "contract_payments")
            required = {"contract_id", "amount", "date"};
        for (const char* field : required) {
            bool already = std::any_of(errors.begin(), errors.end(),
                                       [&](const auto& e) { return e.first == field; });
            if (!already && !will_have(field))
                errors.emplace_back(field, "can't be blank");
        }
    }

    // Lines change only while the commitment is neither Approved/Complete now nor becomes so in
    // the same write: sync it unapproved, put its lines in, then set the status.
    if (lock_applies && lines_given) {
        std::string after = member_str(r.obj, "status").value_or("");
        for (const auto& st : staged)
            if (st.name == "status" && st.value.IsString())
                after = st.value.GetString();
        if ((was_locked || after == "Approved" || after == "Complete")
            && std::none_of(errors.begin(), errors.end(),
                            [](const auto& e) { return e.second == k_sov_locked; }))
            errors.emplace_back("base", k_sov_locked);
    }

    // origin_id is unique per company (per project for project resources).
    if (origin_given && new_origin) {
        auto* other = impl.find_by_origin(c, r.scope, *new_origin);
        if (other != nullptr && other != &r)
            errors.emplace_back("origin_id", "has already been taken");
    }
    if (!errors.empty())
        return false;

    if (origin_given) {
        auto old = member_str(r.obj, "origin_id");
        if (old)
            c.by_origin.erase(fmt::format("{}:{}", r.scope, *old));
        if (new_origin)
            c.by_origin[fmt::format("{}:{}", r.scope, *new_origin)] =
                member_int(r.obj, "id").value_or(0);
    }
    for (auto& s : staged)
        set_member(r.obj, s.name, std::move(s.value));
    if (lines_given)
        set_member(r.obj, "line_items", std::move(lines));

    // Derived fields.
    if (c.name == "vendors" || c.name == "projects") {
        auto name = member_str(r.obj, "name");
        if (name)
            set_member(r.obj, c.name == "vendors" ? "legal_name" : "display_name", str_val(*name));
    }
    const bool full_code_given = raw && attrs.HasMember("full_code");
    if ((c.name == "standard_cost_codes" || c.name == "cost_codes") && !full_code_given) {
        std::string full = member_str(r.obj, "code").value_or("");
        if (auto pid = member_int(r.obj, "parent_id")) {
            if (auto* parent = impl.find(c, *pid))
                full = member_str(parent->obj, "full_code").value_or("") + "-" + full;
        }
        set_member(r.obj, "full_code", str_val(full));
    }
    recompute_totals(c, r);
    auto lit = r.obj.FindMember("line_items");
    if (c.name == "requisitions" && lit != r.obj.MemberEnd() && lit->value.IsArray()) {
        std::int64_t total = 0;
        for (auto& li : lit->value.GetArray())
            if (li.HasMember("amount") && li["amount"].IsString())
                total += to_cents(li["amount"].GetString()).value_or(0);
        std::int64_t retainage = 0;
        if (auto ret = member_str(r.obj, "retainage_amount"))
            retainage = to_cents(*ret).value_or(0);
        set_member(r.obj, "total_claimed_amount", str_val(cents_to_money(total)));
        set_member(r.obj, "current_payment_due", str_val(cents_to_money(total - retainage)));
        // The summary object of the real list/show views (its amounts as decimal strings).
        RVal summary(rapidjson::kObjectType);
        summary.AddMember("current_payment_due", str_val(cents_to_money(total - retainage)),
                          g_alloc);
        summary.AddMember("total_retainage", str_val(cents_to_money(retainage)), g_alloc);
        summary.AddMember("completed_work_retainage_amount", str_val(cents_to_money(retainage)),
                          g_alloc);
        set_member(r.obj, "summary", std::move(summary));
    }
    // An approved change order carries the day it was approved (kept if already set).
    if (c.name == "commitment_change_orders" && member_str(r.obj, "status") == "approved"
        && !member_str(r.obj, "approved_date"))
        set_member(r.obj, "approved_date", str_val(procore_timestamp(now).substr(0, 10)));
    // A raw write (/_sim/mutate) may state the stamp: a test that edits a record within the
    // second of the connector's own write-back needs the edit to carry a different stamp, as
    // it would on a real system where the two happen at different times.
    std::int64_t stamped = now;
    if (raw) {
        if (auto given = json::get_string(attrs, "updated_at"); given) {
            std::int64_t ms = 0;
            if (parse_timestamp(*given, ms))
                stamped = ms;
        }
    }
    r.updated_ms = stamped;
    set_member(r.obj, "updated_at", str_val(procore_timestamp(stamped)));
    return true;
}

namespace {

// Whether `attrs` would change anything of a record locked by its origin_id: origin_id and
// origin_data stay writable, and an attribute sent with the value it already has is no change
// (a sync that resends the record as it is succeeds).
bool changes_locked_record(const Collection& c, const Record& r, const rapidjson::Value& attrs)
{
    if (!attrs.IsObject())
        return true;
    for (auto m = attrs.MemberBegin(); m != attrs.MemberEnd(); ++m) {
        const std::string name(m->name.GetString(), m->name.GetStringLength());
        if (name == "id" || name == "origin_id" || name == "origin_data")
            continue;
        const FieldSpec* spec = nullptr;
        for (const auto& f : *c.fields)
            if (name == f.name)
                spec = &f;
        if (name == "vendor_id") {
            if (current_vendor_id(r.obj) != json::get_int(attrs, "vendor_id"))
                return true;
            continue;
        }
        if (spec == nullptr || (!spec->writable && name != "line_items"))
            continue; // dropped anyway, as on any write
        auto stored = r.obj.FindMember(name.c_str());
        if (stored == r.obj.MemberEnd())
            return true;
        if (spec->kind == Kind::money && stored->value.IsString()) {
            std::optional<std::int64_t> sent;
            if (m->value.IsString())
                sent = to_cents(m->value.GetString());
            else if (m->value.IsNumber())
                sent = static_cast<std::int64_t>(std::llround(m->value.GetDouble() * 100.0));
            if (!sent || sent != to_cents(stored->value.GetString()))
                return true;
            continue;
        }
        if (name == "line_items" || !(stored->value == m->value))
            return true;
    }
    return false;
}

} // namespace

std::int64_t ProcoreSim::Impl::create(Collection& c, std::int64_t scope,
                                      const rapidjson::Value& attrs, FieldErrors& errors, bool raw)
{
    Record r;
    r.scope = scope;
    const std::int64_t id = c.next_id;
    const std::int64_t now = clock.now_ms();
    r.created_ms = now;
    for (const auto& f : *c.fields)
        r.obj.AddMember(RVal(rapidjson::StringRef(f.name)), default_for(f), g_alloc);
    r.obj["id"] = RVal(id);
    r.obj["created_at"] = str_val(procore_timestamp(now));
    if (r.obj.HasMember("project_id"))
        r.obj["project_id"] = RVal(scope);
    if (is_commitment(c)) {
        if (auto* p = find(coll("projects"), scope)) {
            RVal proj(rapidjson::kObjectType);
            proj.AddMember("id", RVal(scope), g_alloc);
            proj.AddMember("name", RVal(p->obj["name"], g_alloc), g_alloc);
            r.obj["project"] = proj;
        }
    }
    if (c.name == "projects") {
        RVal comp(rapidjson::kObjectType);
        comp.AddMember("id", RVal(options.company_id), g_alloc);
        comp.AddMember("name", str_val(company_name), g_alloc);
        r.obj["company"] = comp;
    }
    if (!apply_attrs(*this, c, r, attrs, errors, raw, true))
        return 0;
    ++c.next_id;
    // apply_attrs indexed origin_id under the id it read from the object, which is set above.
    c.records.emplace(id, std::move(r));
    return id;
}

bool ProcoreSim::Impl::update(Collection& c, Record& r, const rapidjson::Value& attrs,
                              FieldErrors& errors, bool raw)
{
    if (!raw && c.locked_by_origin && member_str(r.obj, "origin_id")
        && changes_locked_record(c, r, attrs)) {
        errors.emplace_back("base", k_origin_locked);
        return false;
    }
    return apply_attrs(*this, c, r, attrs, errors, raw, false);
}

void ProcoreSim::Impl::write_line_items(const Collection& c, const Record& r, json::Writer& w) const
{
    auto lit = r.obj.FindMember("line_items");
    if (lit == r.obj.MemberEnd() || !lit->value.IsArray()) {
        w.StartArray();
        w.EndArray();
        return;
    }
    w.StartArray();
    for (const auto& li : lit->value.GetArray())
        write_line_item(c, r, li, w);
    w.EndArray();
}

// Lines of commitments, direct costs and change orders also show their cost code and cost type,
// read now so a renamed code shows its new name; a direct cost's lines name their holder.
void ProcoreSim::Impl::write_line_item(const Collection& c, const Record& holder, const RVal& li,
                                       json::Writer& w) const
{
    const bool decorate =
        is_commitment(c) || c.name == "direct_costs" || c.name == "commitment_change_orders";
    if (!decorate) {
        li.Accept(w);
        return;
    }
    auto write_ref = [&](const char* collection, const RVal& id,
                         std::initializer_list<const char*> fields) {
        const auto& records = collections.at(collection).records;
        auto it = id.IsInt64() ? records.find(id.GetInt64()) : records.end();
        if (it == records.end()) {
            w.Null();
            return;
        }
        w.StartObject();
        for (const char* field : fields) {
            w.Key(field);
            auto f = it->second.obj.FindMember(field);
            if (f == it->second.obj.MemberEnd())
                w.Null();
            else
                f->value.Accept(w);
        }
        w.EndObject();
    };
    w.StartObject();
    if (c.name == "direct_costs") {
        // Both names for the holder: the all-lines list is read by either (unconfirmed which).
        w.Key("holder_id");
        holder.obj["id"].Accept(w);
        w.Key("direct_cost_id");
        holder.obj["id"].Accept(w);
    }
    for (auto m = li.MemberBegin(); m != li.MemberEnd(); ++m) {
        const std::string_view name(m->name.GetString(), m->name.GetStringLength());
        w.Key(m->name.GetString(), m->name.GetStringLength());
        m->value.Accept(w);
        if (name == "cost_code_id") {
            w.Key("cost_code");
            write_ref("cost_codes", m->value,
                      {"id", "full_code", "name", "origin_id", "standard_cost_code_id"});
        } else if (name == "line_item_type_id") {
            w.Key("line_item_type");
            write_ref("line_item_types", m->value, {"id", "name", "code"});
        }
    }
    w.EndObject();
}

// Soft delete: deleted_at and updated_at stamped, hidden from lists (but filters[include_deleted])
// and from GET /{id}; the origin_id is free again. Fires the delete event.
void ProcoreSim::Impl::soft_delete(Collection& c, Record& r, const std::optional<std::string>& app)
{
    const std::int64_t now = clock.now_ms();
    r.deleted = true;
    r.updated_ms = now;
    r.obj["updated_at"] = str_val(procore_timestamp(now));
    if (r.obj.HasMember("deleted_at"))
        r.obj["deleted_at"] = str_val(procore_timestamp(now));
    if (auto oid = member_str(r.obj, "origin_id"))
        c.by_origin.erase(fmt::format("{}:{}", r.scope, *oid));
    fire(c, "delete", member_int(r.obj, "id").value_or(0), r.scope, app);
}

void ProcoreSim::Impl::write_record(Collection& c, const Record& r, json::Writer& w,
                                    bool compact) const
{
    w.StartObject();
    for (auto m = r.obj.MemberBegin(); m != r.obj.MemberEnd(); ++m) {
        const std::string_view name(m->name.GetString(), m->name.GetStringLength());
        if (compact && name == "line_items")
            continue;
        w.Key(m->name.GetString(), m->name.GetStringLength());
        if (name == "line_items")
            write_line_items(c, r, w);
        else
            m->value.Accept(w);
    }
    w.EndObject();
}

namespace {

// Writes one sync error item: the supplied attributes plus "errors": {field: [messages]}.
void write_error_item(json::Writer& ew, const rapidjson::Value& item, const FieldErrors& errors)
{
    ew.StartObject();
    if (item.IsObject()) {
        for (auto m = item.MemberBegin(); m != item.MemberEnd(); ++m) {
            if (std::string_view(m->name.GetString()) == "errors")
                continue;
            ew.Key(m->name.GetString(), m->name.GetStringLength());
            m->value.Accept(ew);
        }
    }
    ew.Key("errors");
    ew.StartObject();
    std::vector<std::string> seen;
    for (const auto& e : errors) {
        if (std::find(seen.begin(), seen.end(), e.first) != seen.end())
            continue;
        seen.push_back(e.first);
        json::key(ew, e.first);
        ew.StartArray();
        for (const auto& e2 : errors)
            if (e2.first == e.first)
                json::write_string(ew, e2.second);
        ew.EndArray();
    }
    ew.EndObject();
    ew.EndObject();
}

} // namespace

// The sync rules applied to one commitment's lines: `id` -> update that line (unknown id is an
// item error); else `origin_id` -> update the line with it or create one; neither -> create.
// Lines of an Approved or Complete commitment are locked. One update event for the commitment.
std::string ProcoreSim::Impl::line_items_sync(Collection& c, Record& r,
                                              const rapidjson::Value& updates,
                                              const std::optional<std::string>& app)
{
    const std::int64_t now = clock.now_ms();
    if (!r.obj.HasMember("line_items") || !r.obj["line_items"].IsArray())
        set_member(r.obj, "line_items", RVal(rapidjson::kArrayType));
    RVal& lines = r.obj["line_items"];
    const bool locked = sov_locked_status(r.obj);
    auto& counter = coll("line_items");
    auto find_line = [&](const char* field,
                         const rapidjson::Value& want) -> std::optional<rapidjson::SizeType> {
        for (rapidjson::SizeType i = 0; i < lines.Size(); ++i) {
            auto f = lines[i].FindMember(field);
            if (f != lines[i].MemberEnd() && f->value == want)
                return i;
        }
        return std::nullopt;
    };

    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    rapidjson::StringBuffer err_buf;
    json::Writer ew(err_buf);
    ew.StartArray();
    w.StartObject();
    w.Key("entities");
    w.StartArray();
    bool changed = false;
    std::size_t index = 0;
    for (const auto& item : updates.GetArray()) {
        FieldErrors errors;
        std::optional<rapidjson::SizeType> pos;
        if (!item.IsObject()) {
            errors.emplace_back("base", "is invalid");
        } else if (locked) {
            errors.emplace_back("base", k_sov_locked);
        } else if (item.HasMember("id") && !item["id"].IsNull()) {
            pos = find_line("id", item["id"]);
            if (!pos)
                errors.emplace_back("id", "Entity with this ID not found");
        } else if (item.HasMember("origin_id") && item["origin_id"].IsString()) {
            pos = find_line("origin_id", item["origin_id"]);
        }
        RVal staged;
        if (errors.empty()) {
            // An update starts from the stored line; a new amount without quantity and unit cost
            // (or a new quantity or unit cost without amount) recomputes the others.
            rapidjson::Document merged(rapidjson::kObjectType);
            auto& a = merged.GetAllocator();
            if (pos)
                merged.CopyFrom(lines[*pos], a);
            const bool has_amount = item.HasMember("amount");
            const bool has_qty = item.HasMember("quantity") || item.HasMember("unit_cost");
            if (has_amount && !has_qty) {
                merged.RemoveMember("quantity");
                merged.RemoveMember("unit_cost");
            } else if (has_qty && !has_amount) {
                merged.RemoveMember("amount");
            }
            for (auto m = item.MemberBegin(); m != item.MemberEnd(); ++m) {
                if (std::string_view(m->name.GetString()) == "id")
                    continue;
                merged.RemoveMember(m->name);
                merged.AddMember(rapidjson::Value(m->name, a), rapidjson::Value(m->value, a), a);
            }
            const std::int64_t id = pos ? lines[*pos]["id"].GetInt64() : counter.next_id;
            staged = stage_line_item(*this, r.scope, merged, index, id, now, errors);
            for (auto& e : errors) // "line_items[0].amount" -> "amount"
                if (auto dot = e.first.find("]."); dot != std::string::npos)
                    e.first = e.first.substr(dot + 2);
            if (auto oid = json::get_string(item, "origin_id")) {
                auto other = find_line("origin_id", item["origin_id"]);
                if (other && other != pos)
                    errors.emplace_back("origin_id", "has already been taken");
            }
        }
        if (errors.empty()) {
            if (pos) {
                set_member(staged, "created_at", RVal(lines[*pos]["created_at"], g_alloc));
                lines[*pos] = staged;
            } else {
                ++counter.next_id;
                lines.PushBack(staged, g_alloc);
            }
            const auto& written = pos ? lines[*pos] : lines[lines.Size() - 1];
            // Reuse the record writer's line shape (with cost_code) through a one-line record.
            Record one;
            one.obj.AddMember("line_items", RVal(rapidjson::kArrayType), g_alloc);
            one.obj["line_items"].PushBack(RVal(written, g_alloc), g_alloc);
            rapidjson::StringBuffer lb;
            json::Writer lw(lb);
            write_line_items(c, one, lw);
            std::string arr(lb.GetString(), lb.GetSize()); // "[{…}]"
            w.RawValue(arr.c_str() + 1, arr.size() - 2, rapidjson::kObjectType);
            changed = true;
        } else {
            write_error_item(ew, item, errors);
        }
        ++index;
    }
    w.EndArray();
    ew.EndArray();
    w.Key("errors");
    w.RawValue(err_buf.GetString(), err_buf.GetSize(), rapidjson::kArrayType);
    w.EndObject();
    if (changed) {
        recompute_totals(c, r);
        r.updated_ms = now;
        set_member(r.obj, "updated_at", str_val(procore_timestamp(now)));
        fire(c, "update", member_int(r.obj, "id").value_or(0), r.scope, app);
    }
    return {buf.GetString(), buf.GetSize()};
}

std::string ProcoreSim::Impl::requisition_detail_json(const Record& r) const
{
    rapidjson::Document out(rapidjson::kArrayType);
    auto& a = out.GetAllocator();
    const std::int64_t retainage =
        to_cents(member_str(r.obj, "retainage_amount").value_or("0")).value_or(0);
    std::vector<std::int64_t> amounts;
    std::int64_t total = 0;
    auto lit = r.obj.FindMember("line_items");
    if (lit != r.obj.MemberEnd() && lit->value.IsArray()) {
        for (const auto& li : lit->value.GetArray()) {
            amounts.push_back(to_cents(member_str(li, "amount").value_or("0")).value_or(0));
            total += amounts.back();
        }
    }
    std::int64_t spread = 0;
    std::size_t i = 0;
    if (lit != r.obj.MemberEnd() && lit->value.IsArray()) {
        for (const auto& li : lit->value.GetArray()) {
            std::int64_t share = 0;
            if (i + 1 == amounts.size()) {
                share = retainage - spread;
            } else if (total != 0) {
                share = retainage * amounts[i] / total;
            }
            spread += share;
            rapidjson::Value d(rapidjson::kObjectType);
            d.AddMember("id", member_int(li, "id").value_or(0), a);
            d.AddMember("item_type", "contract_item", a);
            d.AddMember("item_number", static_cast<std::int64_t>(i + 1), a);
            if (auto cc = member_int(li, "cost_code_id"))
                d.AddMember("cost_code_id", *cc, a);
            else
                d.AddMember("cost_code_id", rapidjson::Value(rapidjson::kNullType), a);
            const std::string desc = member_str(li, "description").value_or("");
            d.AddMember("description_of_work", rapidjson::Value(desc.c_str(), a), a);
            const std::string amount = cents_to_money(amounts[i]);
            d.AddMember("scheduled_value", rapidjson::Value(amount.c_str(), a), a);
            d.AddMember("work_completed_this_period", rapidjson::Value(amount.c_str(), a), a);
            d.AddMember("materials_presently_stored", "0.0", a);
            const std::string held = cents_to_money(share);
            d.AddMember("work_completed_retainage_retained_this_period",
                        rapidjson::Value(held.c_str(), a), a);
            d.AddMember("materials_stored_retainage_retained_this_period", "0.0", a);
            d.AddMember("work_completed_retainage_released_this_period", "0.0", a);
            d.AddMember("materials_stored_retainage_released_this_period", "0.0", a);
            out.PushBack(d, a);
            ++i;
        }
    }
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    out.Accept(w);
    return buf.GetString();
}

std::string ProcoreSim::Impl::record_json(Collection& c, const Record& r, bool compact) const
{
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    write_record(c, r, w, compact);
    return {buf.GetString(), buf.GetSize()};
}

// The documented sync rules: `id` given -> update that record (unknown id is an item error);
// else `origin_id` given -> update the record with that origin_id or create one; neither ->
// create. Every item succeeds or fails on its own; the response is always {entities, errors}.
std::string ProcoreSim::Impl::sync(Collection& c, std::int64_t scope,
                                   const rapidjson::Value& updates,
                                   const std::optional<std::string>& app,
                                   const rapidjson::Value* extra)
{
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    rapidjson::StringBuffer err_buf;
    json::Writer ew(err_buf);
    ew.StartArray();
    w.StartObject();
    w.Key("entities");
    w.StartArray();
    for (const auto& item : updates.GetArray()) {
        FieldErrors errors;
        std::int64_t id = 0;
        std::string event;
        // Merge extra attributes the endpoint adds (the cost code list id) into a copy.
        rapidjson::Document merged;
        const rapidjson::Value* attrs = &item;
        if (extra != nullptr && item.IsObject()) {
            merged.CopyFrom(item, merged.GetAllocator());
            for (auto m = extra->MemberBegin(); m != extra->MemberEnd(); ++m)
                if (!merged.HasMember(m->name))
                    merged.AddMember(rapidjson::Value(m->name, merged.GetAllocator()),
                                     rapidjson::Value(m->value, merged.GetAllocator()),
                                     merged.GetAllocator());
            attrs = &merged;
        }
        if (!item.IsObject()) {
            errors.emplace_back("base", "is invalid");
        } else if (item.HasMember("id") && !item["id"].IsNull()) {
            auto want = json::get_int(item, "id");
            Record* r = want ? find(c, *want) : nullptr;
            if (r == nullptr || r->scope != scope) {
                errors.emplace_back("id", "Entity with this ID not found");
            } else if (update(c, *r, *attrs, errors)) {
                id = *want;
                event = "update";
            }
        } else {
            auto origin = json::get_string(item, "origin_id");
            if (!origin && item.HasMember("origin_id") && item["origin_id"].IsInt64())
                origin = std::to_string(item["origin_id"].GetInt64());
            Record* r = origin ? find_by_origin(c, scope, *origin) : nullptr;
            if (r != nullptr) {
                if (update(c, *r, *attrs, errors)) {
                    id = member_int(r->obj, "id").value_or(0);
                    event = "update";
                }
            } else {
                id = create(c, scope, *attrs, errors);
                if (id != 0)
                    event = "create";
            }
        }
        if (errors.empty() && id != 0) {
            auto& rec = c.records.at(id);
            write_record(c, rec, w, false);
            fire(c, event, id, scope, app);
        } else {
            write_error_item(ew, item, errors);
        }
    }
    w.EndArray();
    ew.EndArray();
    w.Key("errors");
    w.RawValue(err_buf.GetString(), err_buf.GetSize(), rapidjson::kArrayType);
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
}

// ---------------------------------------------------------------------------------------------
// Seed data. Timestamps are fixed dates (not the wall clock) so the same seed gives the same data.

namespace {

const std::vector<std::string> k_project_names = {
    "Harbor View Medical Office Building", "Riverside Elementary School Expansion",
    "Summit Ridge Apartments Phase II",    "Westgate Distribution Center",
    "Pine Street Parking Structure",       "Lakeshore Water Treatment Upgrade",
    "Cedar Hills Community Library",       "Northpoint Retail Plaza",
    "Mission Bay Lab Renovation",          "Granite Falls Fire Station No. 4",
};
const std::vector<std::string> k_streets = {
    "Main Street", "Oak Avenue",  "Industrial Parkway", "Harbor Boulevard",
    "Mill Road",   "Ridge Drive", "Commerce Way",       "Lakeview Terrace"};
const std::vector<std::array<const char*, 3>> k_cities = {
    {"Sacramento", "CA", "958"}, {"Portland", "OR", "972"}, {"Denver", "CO", "802"},
    {"Austin", "TX", "787"},     {"Phoenix", "AZ", "850"},  {"Boise", "ID", "837"},
    {"Reno", "NV", "895"},       {"Tacoma", "WA", "984"},
};
const std::vector<std::string> k_vendor_names = {
    "Hargrove Electrical Contractors", "Blue Mesa Concrete Co.",  "Ironline Steel Erectors",
    "Summit Mechanical Services",      "Cascade Glass & Glazing", "Redwood Framing LLC",
    "Precision Site Utilities",        "Keystone Roofing Inc.",
};
// A CSI MasterFormat-style standard cost code list: divisions with children.
const std::vector<std::array<const char*, 3>> k_cost_codes = {
    {"01", "", "General Requirements"},
    {"100", "01", "Supervision"},
    {"500", "01", "Temporary Facilities"},
    {"03", "", "Concrete"},
    {"300", "03", "Cast-in-Place Concrete"},
    {"400", "03", "Precast Concrete"},
    {"05", "", "Metals"},
    {"120", "05", "Structural Steel Framing"},
    {"06", "", "Wood, Plastics, and Composites"},
    {"100", "06", "Rough Carpentry"},
    {"08", "", "Openings"},
    {"800", "08", "Glazing"},
    {"09", "", "Finishes"},
    {"290", "09", "Gypsum Board"},
    {"22", "", "Plumbing"},
    {"100", "22", "Plumbing Piping"},
    {"26", "", "Electrical"},
    {"500", "26", "Lighting"},
    {"31", "", "Earthwork"},
    {"200", "31", "Earth Moving"},
};

} // namespace

void ProcoreSim::Impl::seed()
{
    auto make = [&](const std::string& name, const std::string& resource, bool project_scoped,
                    bool locked, std::int64_t first_id, const std::vector<FieldSpec>* fields) {
        Collection c;
        c.name = name;
        c.resource_name = resource;
        c.project_scoped = project_scoped;
        c.locked_by_origin = locked;
        c.next_id = first_id;
        c.fields = fields;
        collections.emplace(name, std::move(c));
    };
    // Ids above 2^32 on purpose: Procore ids outgrew 32 bits (procore.md §1).
    make("projects", "Projects", false, false, 4'300'000'001, &k_project_fields);
    make("vendors", "Company Vendors", false, false, 4'400'000'001, &k_vendor_fields);
    make("standard_cost_code_lists", "Standard Cost Code Lists", false, false, 600'001,
         &k_list_fields);
    make("standard_cost_codes", "Standard Cost Codes", false, false, 700'001,
         &k_standard_code_fields);
    make("cost_codes", "Cost Codes", true, false, 800'001, &k_cost_code_fields);
    make("purchase_order_contracts", "Purchase Order Contracts", true, false, 4'500'000'001,
         &k_po_fields);
    make("work_order_contracts", "Work Order Contracts", true, false, 5'300'000'001, &k_po_fields);
    make("requisitions", "Requisitions", true, true, 5'100'000'001, &k_requisition_fields);
    make("direct_costs", "Direct Costs", true, true, 4'600'000'001, &k_direct_cost_fields);
    // Commitment change orders fire as "Change Order Packages": the webhook service has no
    // "Commitment Change Orders" resource (procore.md §6).
    make("commitment_change_orders", "Change Order Packages", true, false, 5'000'000'001,
         &k_cco_fields);
    make("line_item_types", "", false, false, 100'001, &k_line_item_type_fields);
    make("contract_payments", "Contract Payments", true, true, 5'200'000'001, &k_payment_fields);
    make("line_items", "", true, false, 900'001,
         &k_list_fields); // only an id counter for line items

    seeding = true;
    company_name = "Meridian Ridge Builders, Inc.";
    default_user_id = 987'654'321;
    const std::int64_t company = options.company_id;

    auto at = [&](Collection& c, std::int64_t id, std::int64_t ms) {
        auto& r = c.records.at(id);
        r.created_ms = ms;
        r.updated_ms = ms;
        r.obj["created_at"] = str_val(procore_timestamp(ms));
        r.obj["updated_at"] = str_val(procore_timestamp(ms));
        // Seeded lines were written with their record, not at the wall clock of the seeding.
        auto lines = r.obj.FindMember("line_items");
        if (lines != r.obj.MemberEnd() && lines->value.IsArray())
            for (auto& li : lines->value.GetArray()) {
                set_member(li, "created_at", str_val(procore_timestamp(ms)));
                set_member(li, "updated_at", str_val(procore_timestamp(ms)));
            }
    };
    auto seeded = [&](Collection& c, std::int64_t scope, rapidjson::Document& d, std::int64_t ms) {
        FieldErrors errors;
        std::int64_t id = create(c, scope, d, errors, true);
        if (id == 0)
            throw std::logic_error(
                "procore seed: "
                + (errors.empty() ? "?" : errors[0].first + " " + errors[0].second));
        at(c, id, ms);
        return id;
    };
    auto day_ms = [&](std::int64_t day) {
        return k_seed_base_ms + day * 86'400'000 + rng.between(0, 36'000) * 1000;
    };
    auto date_of = [](std::int64_t ms) { return procore_timestamp(ms).substr(0, 10); };
    auto day_ms_fixed = [](std::int64_t day) { return k_seed_base_ms + day * 86'400'000; };

    // Projects.
    std::vector<std::int64_t> projects;
    for (int i = 0; i < options.projects; ++i) {
        rapidjson::Document d(rapidjson::kObjectType);
        auto& a = d.GetAllocator();
        const auto& city = k_cities[static_cast<std::size_t>(i) % k_cities.size()];
        std::string name = k_project_names[static_cast<std::size_t>(i) % k_project_names.size()];
        if (i >= static_cast<int>(k_project_names.size()))
            name += fmt::format(" ({})", i / static_cast<int>(k_project_names.size()) + 1);
        d.AddMember("name", rapidjson::Value(name.c_str(), a), a);
        d.AddMember("project_number", rapidjson::Value(fmt::format("2025-{:03}", i + 1).c_str(), a),
                    a);
        d.AddMember(
            "address",
            rapidjson::Value(
                fmt::format("{} {}", rng.between(100, 9800), rng.pick(k_streets)).c_str(), a),
            a);
        d.AddMember("city", rapidjson::StringRef(city[0]), a);
        d.AddMember("state_code", rapidjson::StringRef(city[1]), a);
        d.AddMember("country_code", "US", a);
        d.AddMember(
            "zip", rapidjson::Value(fmt::format("{}{:02}", city[2], rng.between(1, 99)).c_str(), a),
            a);
        d.AddMember("latitude", 30.0 + static_cast<double>(rng.between(0, 150000)) / 10000.0, a);
        d.AddMember("longitude", -122.0 + static_cast<double>(rng.between(0, 200000)) / 10000.0, a);
        d.AddMember("stage", "Course of Construction", a);
        d.AddMember(
            "phone",
            rapidjson::Value(
                fmt::format("({}) 555-{:04}", rng.between(201, 989), rng.between(0, 9999)).c_str(),
                a),
            a);
        projects.push_back(seeded(coll("projects"), company, d, day_ms(i)));
    }

    // Standard cost code lists: the Procore default list and the ERP list the connector syncs into.
    auto make_list = [&](const char* name) {
        rapidjson::Document d(rapidjson::kObjectType);
        d.AddMember("name", rapidjson::StringRef(name), d.GetAllocator());
        return seeded(coll("standard_cost_code_lists"), company, d, day_ms(0));
    };
    std::int64_t procore_list = make_list("Procore Standard Cost Code List");
    erp_list_id = make_list("ERP Standard Cost Code List");
    std::vector<std::pair<std::int64_t, std::string>> std_codes; // id, parent code
    std::map<std::string, std::int64_t> division_ids;
    for (const auto& cc : k_cost_codes) {
        rapidjson::Document d(rapidjson::kObjectType);
        auto& a = d.GetAllocator();
        d.AddMember("standard_cost_code_list_id", procore_list, a);
        d.AddMember("code", rapidjson::StringRef(cc[0]), a);
        d.AddMember("name", rapidjson::StringRef(cc[2]), a);
        if (*cc[1] != '\0')
            d.AddMember("parent_id", division_ids.at(cc[1]), a);
        std::int64_t id = seeded(coll("standard_cost_codes"), company, d, day_ms(0));
        if (*cc[1] == '\0')
            division_ids[cc[0]] = id;
        std_codes.emplace_back(id, cc[1]);
    }

    // The company's cost types, as Procore ships them (no random draws: the stream is unchanged).
    std::map<std::string, std::int64_t> cost_type; // code -> id
    for (const auto& [code, name] :
         std::vector<std::pair<const char*, const char*>>{{"L", "Labor"},
                                                          {"M", "Material"},
                                                          {"E", "Equipment"},
                                                          {"S", "Subcontract"},
                                                          {"O", "Other"}}) {
        rapidjson::Document d(rapidjson::kObjectType);
        d.AddMember("code", rapidjson::StringRef(code), d.GetAllocator());
        d.AddMember("name", rapidjson::StringRef(name), d.GetAllocator());
        cost_type[code] = seeded(coll("line_item_types"), company, d, day_ms_fixed(0));
    }

    // Hand-made vendors, typed in by users: no origin_id.
    std::vector<std::int64_t> vendors;
    for (std::size_t i = 0; i < k_vendor_names.size(); ++i) {
        rapidjson::Document d(rapidjson::kObjectType);
        auto& a = d.GetAllocator();
        const auto& city = rng.pick(k_cities);
        d.AddMember("name", rapidjson::StringRef(k_vendor_names[i].c_str()), a);
        d.AddMember(
            "abbreviated_name",
            rapidjson::Value(k_vendor_names[i].substr(0, k_vendor_names[i].find(' ')).c_str(), a),
            a);
        d.AddMember(
            "address",
            rapidjson::Value(
                fmt::format("{} {}", rng.between(10, 9999), rng.pick(k_streets)).c_str(), a),
            a);
        d.AddMember("city", rapidjson::StringRef(city[0]), a);
        d.AddMember("state_code", rapidjson::StringRef(city[1]), a);
        d.AddMember("country_code", "US", a);
        d.AddMember(
            "zip", rapidjson::Value(fmt::format("{}{:02}", city[2], rng.between(1, 99)).c_str(), a),
            a);
        d.AddMember(
            "business_phone",
            rapidjson::Value(
                fmt::format("({}) 555-{:04}", rng.between(201, 989), rng.between(0, 9999)).c_str(),
                a),
            a);
        std::string domain = k_vendor_names[i].substr(0, k_vendor_names[i].find(' '));
        for (auto& ch : domain)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        d.AddMember("email_address",
                    rapidjson::Value(fmt::format("ap@{}.example.com", domain).c_str(), a), a);
        d.AddMember(
            "license_number",
            rapidjson::Value(fmt::format("{}-{}", city[1], rng.between(100000, 999999)).c_str(), a),
            a);
        d.AddMember("project_ids", rapidjson::Value(rapidjson::kArrayType), a);
        for (auto p : projects)
            d["project_ids"].PushBack(p, a);
        vendors.push_back(
            seeded(coll("vendors"), company, d, day_ms(static_cast<std::int64_t>(i))));
    }

    // Per project: cost codes copied from the standard list, commitments with line items,
    // requisitions, change orders, direct costs.
    std::int64_t req_number = 1;
    std::vector<std::vector<std::int64_t>> leaf_codes_of(projects.size());
    for (std::size_t pi = 0; pi < projects.size(); ++pi) {
        const std::int64_t project = projects[pi];
        std::vector<std::int64_t>& leaf_codes = leaf_codes_of[pi];
        std::map<std::string, std::int64_t> proj_divisions;
        for (std::size_t k = 0; k < k_cost_codes.size(); ++k) {
            const auto& cc = k_cost_codes[k];
            rapidjson::Document d(rapidjson::kObjectType);
            auto& a = d.GetAllocator();
            d.AddMember("code", rapidjson::StringRef(cc[0]), a);
            d.AddMember("name", rapidjson::StringRef(cc[2]), a);
            d.AddMember("standard_cost_code_id", std_codes[k].first, a);
            if (*cc[1] != '\0')
                d.AddMember("parent_id", proj_divisions.at(cc[1]), a);
            std::int64_t id =
                seeded(coll("cost_codes"), project, d, day_ms(static_cast<std::int64_t>(pi)));
            if (*cc[1] == '\0')
                proj_divisions[cc[0]] = id;
            else
                leaf_codes.push_back(id);
        }
        auto line_items = [&](rapidjson::Document& d, int count, std::int64_t lo, std::int64_t hi,
                              const char* what) {
            auto& a = d.GetAllocator();
            rapidjson::Value lines(rapidjson::kArrayType);
            for (int l = 0; l < count; ++l) {
                rapidjson::Value li(rapidjson::kObjectType);
                std::int64_t cents = rng.between(lo, hi) * 100 + rng.between(0, 99);
                li.AddMember("description",
                             rapidjson::Value(fmt::format("{} {}", what, l + 1).c_str(), a), a);
                li.AddMember("amount", rapidjson::Value(cents_to_money(cents).c_str(), a), a);
                li.AddMember("cost_code_id", rng.pick(leaf_codes), a);
                lines.PushBack(li, a);
            }
            d.AddMember("line_items", lines, a);
        };
        static const std::vector<std::string> po_statuses = {"Approved", "Approved",  "Approved",
                                                             "Draft",    "Submitted", "Processing"};
        for (int ci = 0; ci < options.commitments_per_project; ++ci) {
            rapidjson::Document d(rapidjson::kObjectType);
            auto& a = d.GetAllocator();
            std::int64_t vendor = rng.pick(vendors);
            std::string status = ci == 0 ? "Approved" : rng.pick(po_statuses);
            std::int64_t ms = day_ms(static_cast<std::int64_t>(10 + pi * 3) + ci);
            d.AddMember("number", rapidjson::Value(fmt::format("PO-{:03}", ci + 1).c_str(), a), a);
            d.AddMember(
                "title",
                rapidjson::Value(
                    fmt::format("{} - {}",
                                k_cost_codes[static_cast<std::size_t>(rng.between(0, 19))][2],
                                coll("vendors").records.at(vendor).obj["name"].GetString())
                        .c_str(),
                    a),
                a);
            d.AddMember("status", rapidjson::Value(status.c_str(), a), a);
            d.AddMember("accounting_method", "amount", a);
            d.AddMember("executed", status == "Approved", a);
            d.AddMember("vendor_id", vendor, a);
            d.AddMember("retainage_percent", "10.0", a);
            d.AddMember("contract_date", rapidjson::Value(date_of(ms).c_str(), a), a);
            line_items(d, static_cast<int>(rng.between(1, 4)), 2'000, 150'000,
                       "Material and labor, item");
            // Raw creation skips the vendor_id special case; resolve it the validated way.
            FieldErrors errors;
            auto& pos = coll("purchase_order_contracts");
            std::int64_t id = create(pos, project, d, errors, false);
            if (id == 0)
                throw std::logic_error("procore seed: commitment " + errors[0].first);
            at(pos, id, ms);
            auto& po = pos.records.at(id);
            if (status != "Approved")
                continue;
            // Requisitions (subcontractor invoices) against approved commitments.
            static const std::vector<std::string> req_statuses = {"approved", "approved",
                                                                  "under_review", "draft"};
            int reqs = static_cast<int>(rng.between(1, 2));
            for (int ri = 0; ri < reqs; ++ri) {
                rapidjson::Document rq(rapidjson::kObjectType);
                auto& ra = rq.GetAllocator();
                std::int64_t rms = ms + (ri + 1) * 30LL * 86'400'000;
                rq.AddMember("number", req_number++, ra);
                rq.AddMember(
                    "invoice_number",
                    rapidjson::Value(fmt::format("INV-{}", rng.between(10000, 99999)).c_str(), ra),
                    ra);
                rq.AddMember("commitment_id", id, ra);
                rq.AddMember("vendor_id", vendor, ra);
                rq.AddMember("status", rapidjson::Value(rng.pick(req_statuses).c_str(), ra), ra);
                rq.AddMember("billing_date", rapidjson::Value(date_of(rms).c_str(), ra), ra);
                rq.AddMember("requisition_start",
                             rapidjson::Value(date_of(rms - 30LL * 86'400'000).c_str(), ra), ra);
                rq.AddMember("requisition_end", rapidjson::Value(date_of(rms).c_str(), ra), ra);
                rapidjson::Value lines(rapidjson::kArrayType);
                std::int64_t claimed = 0;
                for (auto& li : po.obj["line_items"].GetArray()) {
                    rapidjson::Value l(rapidjson::kObjectType);
                    std::int64_t cents =
                        to_cents(li["amount"].GetString()).value_or(0) * rng.between(10, 40) / 100;
                    claimed += cents;
                    l.AddMember("description", rapidjson::Value(li["description"].GetString(), ra),
                                ra);
                    l.AddMember("amount", rapidjson::Value(cents_to_money(cents).c_str(), ra), ra);
                    if (li["cost_code_id"].IsInt64())
                        l.AddMember("cost_code_id", li["cost_code_id"].GetInt64(), ra);
                    lines.PushBack(l, ra);
                }
                rq.AddMember("retainage_amount",
                             rapidjson::Value(cents_to_money(claimed / 10).c_str(), ra), ra);
                rq.AddMember("line_items", lines, ra);
                auto& reqc = coll("requisitions");
                FieldErrors re;
                std::int64_t rid = create(reqc, project, rq, re, false);
                if (rid == 0)
                    throw std::logic_error("procore seed: requisition " + re[0].first);
                at(reqc, rid, rms);
                // "number", "commitment_id" and "status" are not writable through the API.
                auto& rr = reqc.records.at(rid);
                rr.obj["number"] = RVal(rq["number"].GetInt64());
                rr.obj["commitment_id"] = RVal(id);
            }
            // One change order on some approved commitments.
            if (rng.between(0, 1) == 1) {
                rapidjson::Document co(rapidjson::kObjectType);
                auto& ca = co.GetAllocator();
                std::int64_t cms = ms + 20LL * 86'400'000;
                co.AddMember("number",
                             rapidjson::Value(fmt::format("CO-{:03}", ci + 1).c_str(), ca), ca);
                co.AddMember("title", "Added scope per owner directive", ca);
                co.AddMember("status",
                             rapidjson::StringRef(rng.between(0, 2) == 0 ? "pending" : "approved"),
                             ca);
                co.AddMember("due_date", rapidjson::Value(date_of(cms).c_str(), ca), ca);
                line_items(co, 1, 500, 20'000, "Change order item");
                auto& ccos = coll("commitment_change_orders");
                FieldErrors ce;
                std::int64_t cid = create(ccos, project, co, ce, false);
                if (cid == 0)
                    throw std::logic_error("procore seed: change order " + ce[0].first);
                at(ccos, cid, cms);
                ccos.records.at(cid).obj["contract_id"] = RVal(id);
                ccos.records.at(cid).obj["executed"] =
                    RVal(std::string(co["status"].GetString()) == "approved");
                // Approved the day it was created (the seed's date, not the wall clock).
                if (std::string(co["status"].GetString()) == "approved")
                    ccos.records.at(cid).obj["approved_date"] = str_val(date_of(cms));
            }
        }
        static const std::vector<std::string> dc_types = {"invoice", "invoice", "expense",
                                                          "payroll"};
        static const std::vector<std::string> dc_statuses = {"approved", "approved", "pending",
                                                             "draft"};
        for (int di = 0; di < options.costs_per_project; ++di) {
            rapidjson::Document d(rapidjson::kObjectType);
            auto& a = d.GetAllocator();
            std::int64_t ms = day_ms(static_cast<std::int64_t>(40 + pi * 2) + di);
            std::string type = rng.pick(dc_types);
            d.AddMember("direct_cost_type", rapidjson::Value(type.c_str(), a), a);
            d.AddMember("status", rapidjson::Value(rng.pick(dc_statuses).c_str(), a), a);
            if (type != "payroll")
                d.AddMember("vendor_id", rng.pick(vendors), a);
            d.AddMember("invoice_number",
                        rapidjson::Value(fmt::format("{}-{}", type == "payroll" ? "PR" : "INV",
                                                     rng.between(1000, 99999))
                                             .c_str(),
                                         a),
                        a);
            d.AddMember("description",
                        rapidjson::Value(type == "payroll"   ? "Weekly field payroll"
                                         : type == "expense" ? "Equipment rental and consumables"
                                                             : "Materials delivered to site",
                                         a),
                        a);
            d.AddMember("direct_cost_date", rapidjson::Value(date_of(ms).c_str(), a), a);
            d.AddMember("received_date", rapidjson::Value(date_of(ms).c_str(), a), a);
            line_items(d, static_cast<int>(rng.between(1, 3)), 150, 25'000, "Cost line");
            // Cost type by kind of cost, without a random draw.
            for (auto& li : d["line_items"].GetArray())
                li.AddMember("line_item_type_id",
                             cost_type.at(type == "payroll"   ? "L"
                                          : type == "expense" ? "E"
                                                              : "M"),
                             a);
            auto& dcs = coll("direct_costs");
            FieldErrors errors;
            std::int64_t id = create(dcs, project, d, errors, false);
            if (id == 0)
                throw std::logic_error("procore seed: direct cost " + errors[0].first);
            at(dcs, id, ms);
        }
    }

    // Work order contracts (subcontracts), last and from their own random stream, so everything
    // above is the same whatever subcontracts_per_project says.
    Rng wrng(options.seed * 6151 + 29);
    static const std::vector<std::string> wo_statuses = {
        "Approved", "Approved", "Draft", "Out For Bid", "Out For Signature", "Complete"};
    auto& wos = coll("work_order_contracts");
    for (std::size_t pi = 0; pi < projects.size(); ++pi) {
        for (int wi = 0; wi < options.subcontracts_per_project; ++wi) {
            rapidjson::Document d(rapidjson::kObjectType);
            auto& a = d.GetAllocator();
            const std::int64_t vendor = wrng.pick(vendors);
            const std::string status = wi == 0 ? "Approved" : wrng.pick(wo_statuses);
            const std::int64_t ms = k_seed_base_ms
                                    + (12 + static_cast<std::int64_t>(pi) * 3 + wi) * 86'400'000
                                    + wrng.between(0, 36'000) * 1000;
            d.AddMember("number", rapidjson::Value(fmt::format("SC-{:03}", wi + 1).c_str(), a), a);
            d.AddMember(
                "title",
                rapidjson::Value(
                    fmt::format("{} subcontract - {}",
                                k_cost_codes[static_cast<std::size_t>(wrng.between(0, 19))][2],
                                coll("vendors").records.at(vendor).obj["name"].GetString())
                        .c_str(),
                    a),
                a);
            d.AddMember("status", rapidjson::Value(status.c_str(), a), a);
            d.AddMember("accounting_method", "amount", a);
            d.AddMember("executed", status == "Approved" || status == "Complete", a);
            d.AddMember("vendor_id", vendor, a);
            d.AddMember("retainage_percent", "10.0", a);
            d.AddMember("contract_date", rapidjson::Value(date_of(ms).c_str(), a), a);
            rapidjson::Value lines(rapidjson::kArrayType);
            const auto n_lines = wrng.between(1, 4);
            for (std::int64_t l = 0; l < n_lines; ++l) {
                rapidjson::Value li(rapidjson::kObjectType);
                std::int64_t cents = wrng.between(5'000, 400'000) * 100 + wrng.between(0, 99);
                li.AddMember(
                    "description",
                    rapidjson::Value(fmt::format("Subcontract scope, item {}", l + 1).c_str(), a),
                    a);
                li.AddMember("amount", rapidjson::Value(cents_to_money(cents).c_str(), a), a);
                li.AddMember("cost_code_id", wrng.pick(leaf_codes_of[pi]), a);
                lines.PushBack(li, a);
            }
            d.AddMember("line_items", lines, a);
            FieldErrors errors;
            std::int64_t id = create(wos, projects[pi], d, errors, false);
            if (id == 0)
                throw std::logic_error("procore seed: work order " + errors[0].first);
            at(wos, id, ms);
        }
    }
    seeding = false;
}

void ProcoreSim::Impl::add_bulk_vendors(int count, bool with_origin_id)
{
    auto& vendors = coll("vendors");
    for (int i = 0; i < count; ++i) {
        const std::int64_t n = vendors.next_id - 4'400'000'000;
        rapidjson::Document d(rapidjson::kObjectType);
        auto& a = d.GetAllocator();
        const auto& city = rng.pick(k_cities);
        d.AddMember("name",
                    rapidjson::Value(
                        fmt::format("{} {} #{}", rng.pick(k_vendor_names), city[0], n).c_str(), a),
                    a);
        d.AddMember("city", rapidjson::StringRef(city[0]), a);
        d.AddMember("state_code", rapidjson::StringRef(city[1]), a);
        d.AddMember("country_code", "US", a);
        if (with_origin_id) {
            d.AddMember("origin_id", rapidjson::Value(fmt::format("SUP-{}", n).c_str(), a), a);
            d.AddMember("origin_code", rapidjson::Value(fmt::format("{}", 100000 + n).c_str(), a),
                        a);
        }
        FieldErrors errors;
        if (create(vendors, options.company_id, d, errors, true) == 0)
            throw std::logic_error("bulk vendor");
    }
}

} // namespace mlc::sim
