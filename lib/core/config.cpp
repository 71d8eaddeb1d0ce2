#include "core/config.hpp"

#include "core/embedded.hpp"
#include "core/error.hpp"
#include "core/json.hpp"

#include <fmt/format.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string_view>

namespace mlc {
namespace {

constexpr const char* k_hint = "see ml-connector init";
constexpr const char* k_rest_root = "/fscmRestApi/resources/11.13.18.05";

int segment_number(const rapidjson::Value& v, const std::string& pointer)
{
    int n = 0;
    if (v.IsInt()) {
        n = v.GetInt();
    } else if (v.IsString()) {
        std::string s = v.GetString();
        if (s.starts_with("Segment")) {
            s = s.substr(7);
        }
        try {
            n = std::stoi(s);
        } catch (const std::exception&) {
            n = 0;
        }
    }
    if (n < 1 || n > k_max_account_segments) {
        throw ConfigError(pointer + ": expected a segment number 1.."
                              + std::to_string(k_max_account_segments) + " or \"SegmentN\"",
                          "e.g. \"natural_account_segment\": 4");
    }
    return n;
}

// nullopt when the mapping has no cost_codes section; ConfigError naming the JSON pointer when
// it is malformed.
std::optional<CostCodeMappingConfig> parse_cost_code_mapping(const rapidjson::Value& mapping)
{
    if (!mapping.IsObject()) {
        throw ConfigError("/mapping: expected an object");
    }
    const auto* cc = json::find(mapping, "cost_codes");
    if (cc == nullptr) {
        return std::nullopt;
    }
    if (!cc->IsObject()) {
        throw ConfigError("/mapping/cost_codes: expected object, got " + json::type_name(*cc));
    }
    CostCodeMappingConfig m;
    const auto* nat = json::find(*cc, "natural_account_segment");
    if (nat == nullptr && cc->MemberCount() == 1 && json::find(*cc, "accounts") != nullptr) {
        return std::nullopt; // only accounts for hand-made cost codes: no GL -> cost code flow
    }
    if (nat == nullptr) {
        throw ConfigError("/mapping/cost_codes/natural_account_segment: missing",
                          "name the segment that holds the natural account, e.g. 4");
    }
    m.natural_segment = segment_number(*nat, "/mapping/cost_codes/natural_account_segment");
    if (const auto* segs = json::find(*cc, "code_segments")) {
        if (!segs->IsArray()) {
            throw ConfigError("/mapping/cost_codes/code_segments: expected array, got "
                              + json::type_name(*segs));
        }
        for (rapidjson::SizeType i = 0; i < segs->Size(); ++i) {
            m.code_segments.push_back(segment_number(
                (*segs)[i], "/mapping/cost_codes/code_segments/" + std::to_string(i)));
        }
    }
    if (const auto* types = json::find(*cc, "account_types")) {
        if (!types->IsArray()) {
            throw ConfigError("/mapping/cost_codes/account_types: expected array, got "
                              + json::type_name(*types));
        }
        for (rapidjson::SizeType i = 0; i < types->Size(); ++i) {
            if (!(*types)[i].IsString()) {
                throw ConfigError("/mapping/cost_codes/account_types/" + std::to_string(i)
                                  + ": expected string, got " + json::type_name((*types)[i]));
            }
            m.account_types.emplace_back((*types)[i].GetString());
        }
    }
    if (const auto* ranges = json::find(*cc, "account_ranges")) {
        if (!ranges->IsArray()) {
            throw ConfigError("/mapping/cost_codes/account_ranges: expected array, got "
                              + json::type_name(*ranges));
        }
        for (rapidjson::SizeType i = 0; i < ranges->Size(); ++i) {
            const auto& r = (*ranges)[i];
            if (!r.IsArray() || r.Size() != 2 || !r[0].IsString() || !r[1].IsString()) {
                throw ConfigError("/mapping/cost_codes/account_ranges/" + std::to_string(i)
                                      + ": expected [\"from\", \"to\"]",
                                  "e.g. [[\"5000\", \"5999\"]]");
            }
            m.ranges.emplace_back(r[0].GetString(), r[1].GetString());
        }
    }
    if (auto name = json::get_string(*cc, "list_name")) {
        if (name->empty()) {
            throw ConfigError("/mapping/cost_codes/list_name: must not be empty");
        }
        m.list_name = *name;
    }
    return m;
}

// Replaces // comments outside strings with spaces, so offsets (and line:column in parse
// errors) still point at the user's text.
std::string string_or(const rapidjson::Value& obj, const char* key, std::string fallback)
{
    auto v = json::get_string(obj, key);
    return v ? *v : std::move(fallback);
}

std::map<std::string, std::string> string_map(const rapidjson::Value* obj)
{
    std::map<std::string, std::string> out;
    if (obj != nullptr && obj->IsObject()) {
        for (const auto& m : obj->GetObject()) {
            if (m.value.IsString()) {
                out.emplace(m.name.GetString(), m.value.GetString());
            }
        }
    }
    return out;
}

std::vector<std::string> string_list(const rapidjson::Value* arr)
{
    std::vector<std::string> out;
    if (arr != nullptr && arr->IsArray()) {
        for (const auto& v : arr->GetArray()) {
            if (v.IsString()) {
                out.emplace_back(v.GetString());
            }
        }
    }
    return out;
}

// The parts of the mapping the schema already checked for shape; what it cannot say (a segment
// past the chart's end) is checked here, naming the pointer.
std::int64_t duration_seconds(const std::string& text, const std::string& pointer);

void parse_mapping(const rapidjson::Value& m, MappingConfig& out)
{
    if (const auto* chart = json::find(m, "chart"); chart != nullptr) {
        if (auto d = json::get_string(*chart, "delimiter"); d && d->size() == 1) {
            out.chart.delimiter = (*d)[0];
        }
        out.chart.cost_center_segment =
            json::get_int(*chart, "cost_center_segment").value_or(out.chart.cost_center_segment);
        out.chart.segments = string_list(json::find(*chart, "segments"));
        out.chart.chart_of_accounts_id = json::get_int64(*chart, "chart_of_accounts_id");
        if (!out.chart.segments.empty()
            && out.chart.cost_center_segment > static_cast<int>(out.chart.segments.size())) {
            throw ConfigError(fmt::format("/mapping/chart/cost_center_segment: {} is past the {} "
                                          "segments named in /mapping/chart/segments",
                                          out.chart.cost_center_segment, out.chart.segments.size()),
                              k_hint);
        }
    }
    if (const auto* projects = json::find(m, "projects"); projects != nullptr) {
        for (const auto& p : projects->GetObject()) {
            const std::string key = p.name.GetString();
            if (key != "default"
                && (key.empty() || key.size() > 18
                    || key.find_first_not_of("0123456789") != std::string::npos)) {
                throw ConfigError("/mapping/projects/" + key
                                      + ": expected a Procore project id or \"default\"",
                                  k_hint);
            }
            const auto& v = p.value;
            ProjectMapping pm;
            pm.procurement_bu = string_or(v, "procurement_bu", "");
            pm.requisitioning_bu = string_or(v, "requisitioning_bu", "");
            pm.business_unit = string_or(v, "business_unit", "");
            pm.bill_to_bu = string_or(v, "bill_to_bu", "");
            pm.ship_to_location = string_or(v, "ship_to_location", "");
            pm.buyer_email = string_or(v, "buyer_email", "");
            pm.currency = string_or(v, "currency", "");
            pm.cost_center = string_or(v, "cost_center", "");
            out.projects.emplace(p.name.GetString(), std::move(pm));
        }
    }
    if (const auto* c = json::find(m, "commitments"); c != nullptr) {
        auto& cm = out.commitments;
        if (const auto* st = json::find(*c, "statuses"); st != nullptr) {
            cm.statuses = string_list(st);
        }
        if (const auto* types = json::find(*c, "types"); types != nullptr) {
            const auto list = string_list(types);
            cm.purchase_orders = std::ranges::find(list, "purchase_order") != list.end();
            cm.work_orders = std::ranges::find(list, "work_order") != list.end();
        }
        if (auto site = json::get_string(*c, "supplier_site"); site) {
            cm.supplier_site = *site;
        }
        cm.category = string_or(*c, "category", cm.category);
        cm.uom = string_or(*c, "uom", cm.uom);
        cm.goods_line_type = string_or(*c, "goods_line_type", cm.goods_line_type);
        cm.services_line_type = string_or(*c, "services_line_type", cm.services_line_type);
        cm.reference_dff = string_or(*c, "reference_dff", "");
        cm.need_by_days = json::get_int(*c, "need_by_days").value_or(0);
    }
    if (const auto* cc = json::find(m, "cost_codes"); cc != nullptr) {
        out.cost_code_accounts = string_map(json::find(*cc, "accounts"));
    }
    out.cost_types = string_map(json::find(m, "cost_types"));
    if (const auto* j = json::find(m, "journal"); j != nullptr) {
        auto& jm = out.journal;
        jm.configured = true;
        jm.ledger_id = json::get_int64(*j, "ledger_id").value_or(0);
        jm.ledger_name = string_or(*j, "ledger_name", "");
        if (auto das = json::get_int64(*j, "data_access_set_id"); das) {
            jm.data_access_set_id = std::to_string(*das);
        }
        jm.source = string_or(*j, "source", jm.source);
        jm.category = string_or(*j, "category", jm.category);
        jm.currency = string_or(*j, "currency", "");
        if (const auto* off = json::find(*j, "offset_accounts"); off != nullptr) {
            jm.offset_direct_cost = string_or(*off, "direct_cost", "");
            jm.offset_change_order = string_or(*off, "change_order", "");
        }
        if (const auto* t = json::find(*j, "direct_cost_types"); t != nullptr) {
            jm.direct_cost_types = string_list(t);
        }
        if (const auto* st = json::find(*j, "statuses"); st != nullptr) {
            jm.statuses = string_list(st);
        }
        jm.change_orders = json::get_bool(*j, "change_orders").value_or(true);
        jm.next_open = string_or(*j, "closed_period", "hold") == "next_open";
        jm.write_back = json::get_bool(*j, "write_back").value_or(true);
    }
    if (const auto* inv = json::find(m, "invoices"); inv != nullptr) {
        auto& im = out.invoices;
        im.enabled = json::get_bool(*inv, "enabled").value_or(true);
        if (const auto* st = json::find(*inv, "statuses"); st != nullptr) {
            im.statuses = string_list(st);
        }
        im.retainage_account = string_or(*inv, "retainage_account", "");
        im.payment_terms = string_or(*inv, "payment_terms", "");
        if (auto every = json::get_string(*inv, "sweep_every"); every) {
            im.sweep_every_seconds = duration_seconds(*every, "/mapping/invoices/sweep_every");
        }
        im.write_back = json::get_bool(*inv, "write_back").value_or(true);
        im.payments = json::get_bool(*inv, "payments").value_or(true);
    }
}

// "24h" -> 86400. The schema has checked the form (<digits><s|m|h|d>). A duration past 100 years
// is refused, naming `pointer`: the passes compare it with clock durations counted in
// nanoseconds, which overflow past 292 years (and its digits could overflow an int64 before).
std::int64_t duration_seconds(const std::string& text, const std::string& pointer)
{
    constexpr std::int64_t k_max_seconds = 36500LL * 86400;
    std::int64_t unit = 1;
    switch (text.empty() ? 's' : text.back()) {
    case 'd':
        unit = 86400;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'm':
        unit = 60;
        break;
    default:
        break;
    }
    const std::string_view digits =
        text.empty() ? std::string_view{} : std::string_view(text).substr(0, text.size() - 1);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
        throw ConfigError(
            pointer + ": expected a duration like 24h, 30m or 1d, got \"" + text + "\"", k_hint);
    }
    std::int64_t n = 0;
    const auto read = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (read.ec != std::errc{} || n > k_max_seconds / unit) {
        throw ConfigError(pointer + ": " + text + " is longer than 100 years (36500d)", k_hint);
    }
    return n * unit;
}

std::string strip_comments(const std::string& text)
{
    std::string out = text;
    bool in_string = false;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const char c = out[i];
        if (in_string) {
            if (c == '\\') {
                ++i; // skip the escaped character, which may be a quote
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
            while (i < out.size() && out[i] != '\n') {
                out[i] = ' ';
                ++i;
            }
        }
    }
    return out;
}

std::string lower(std::string s)
{
    std::ranges::transform(s, s.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool looks_like_secret_key(const std::string& key)
{
    static const std::array<std::string, 8> exact = {
        "secret", "client_secret", "password",      "passwd",
        "token",  "access_token",  "refresh_token", "api_key"};
    const std::string k = lower(key);
    if (std::ranges::find(exact, k) != exact.end()) {
        return true;
    }
    return k.ends_with("_secret") || k.ends_with("_password") || k.ends_with("_token");
}

// JSON pointer escaping (RFC 6901): ~ -> ~0, / -> ~1.
std::string pointer_token(const std::string& key)
{
    std::string out;
    for (const char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

// Secrets never belong in a config file (it is copied, versioned, mailed around): refuse any
// key named like one, anywhere, before the schema gets a chance to call it merely "unknown".
void refuse_secret_keys(const rapidjson::Value& v, const std::string& pointer)
{
    if (v.IsObject()) {
        for (const auto& m : v.GetObject()) {
            const std::string key(m.name.GetString(), m.name.GetStringLength());
            const std::string child = pointer + "/" + pointer_token(key);
            if (looks_like_secret_key(key)) {
                throw ConfigError(
                    child + ": secrets do not belong in the config file",
                    "store it with `ml-connector creds set NAME < secret.txt`, or set "
                    "ML_CONNECTOR_<NAME>_CLIENT_SECRET");
            }
            refuse_secret_keys(m.value, child);
        }
    } else if (v.IsArray()) {
        rapidjson::SizeType i = 0;
        for (const auto& item : v.GetArray()) {
            refuse_secret_keys(item, pointer + "/" + std::to_string(i++));
        }
    }
}

// The embedded schema, parsed once. Kept as a Document too: messages read "required" and our
// "x-expected" annotation from it (a SchemaDocument does not expose its source).
const rapidjson::Document& config_schema_source()
{
    static const rapidjson::Document doc = [] {
        for (const auto& f : embedded::schemas()) {
            if (f.name == "config.schema.json") {
                auto parsed = json::parse(f.content);
                if (!parsed) {
                    throw Fatal(ExitCode::usage,
                                "embedded config schema is malformed: " + parsed.error().message);
                }
                return std::move(*parsed);
            }
        }
        throw Fatal(ExitCode::usage, "embedded config schema is missing");
    }();
    return doc;
}

const rapidjson::SchemaDocument& config_schema()
{
    static const rapidjson::SchemaDocument schema(config_schema_source());
    return schema;
}

std::string stringify(const rapidjson::Pointer& p)
{
    rapidjson::StringBuffer buffer;
    p.Stringify(buffer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string schema_types(const rapidjson::Value& schema)
{
    const auto* t = json::find(schema, "type");
    if (t == nullptr) {
        return "a value";
    }
    if (t->IsString()) {
        return t->GetString();
    }
    std::string out;
    if (t->IsArray()) {
        for (const auto& item : t->GetArray()) {
            if (item.IsString()) {
                out += out.empty() ? "" : " or ";
                out += item.GetString();
            }
        }
    }
    return out.empty() ? "a value" : out;
}

std::string short_value(const rapidjson::Value& v)
{
    std::string text = json::to_string(v);
    if (text.size() > 60) {
        text = text.substr(0, 57) + "...";
    }
    return text;
}

// One schema violation: where (a JSON pointer into the document), what, and what broke.
struct Violation {
    std::string where;
    std::string detail;
    std::string keyword;
    rapidjson::Pointer doc_ptr;
    const rapidjson::Value* schema = nullptr; // the subschema that failed
    std::string missing;                      // "required": the first missing key
};

// Turns RapidJSON's (keyword, schema pointer, document pointer) into the message users read:
// "/procore/company_id: expected integer, got string".
Violation describe_violation(const rapidjson::SchemaValidator& validator,
                             const rapidjson::Value& doc)
{
    static const rapidjson::Value empty(rapidjson::kObjectType);
    Violation v;
    v.keyword = validator.GetInvalidSchemaKeyword();
    v.doc_ptr = validator.GetInvalidDocumentPointer();
    v.where = stringify(v.doc_ptr);
    v.schema = validator.GetInvalidSchemaPointer().Get(config_schema_source());
    if (v.schema == nullptr) {
        v.schema = &empty;
    }
    const rapidjson::Value& schema = *v.schema;
    const rapidjson::Value* value = v.doc_ptr.Get(doc);
    const std::string& keyword = v.keyword;
    std::string& detail = v.detail;
    if (keyword == "type") {
        detail = "expected " + schema_types(schema) + ", got "
                 + (value ? json::type_name(*value) : "nothing");
    } else if (keyword == "required") {
        detail = "missing a required key";
        if (const auto* req = json::find(schema, "required");
            req != nullptr && req->IsArray() && value) {
            for (const auto& name : req->GetArray()) {
                if (name.IsString() && json::find(*value, name.GetString()) == nullptr) {
                    detail = fmt::format("missing required key \"{}\"", name.GetString());
                    v.missing = name.GetString();
                    break;
                }
            }
        }
    } else if (keyword == "additionalProperties") {
        detail = "unknown key";
    } else if (keyword == "minimum" || keyword == "maximum") {
        const auto* bound = json::find(schema, keyword.c_str());
        detail =
            fmt::format("expected {} {} {}, got {}", schema_types(schema),
                        keyword == "minimum" ? ">=" : "<=", bound ? json::to_string(*bound) : "?",
                        value ? short_value(*value) : "nothing");
    } else if (keyword == "minLength") {
        detail = "expected a non-empty string";
    } else if (keyword == "pattern") {
        const auto expected = json::get_string(schema, "x-expected");
        const auto pattern = json::get_string(schema, "pattern");
        detail = fmt::format("expected {}, got {}",
                             expected ? *expected : "a string matching " + pattern.value_or("?"),
                             value ? short_value(*value) : "nothing");
    } else {
        detail = "fails the schema rule \"" + keyword + "\"";
    }
    if (v.where.empty()) {
        v.where = "/";
    }
    return v;
}

// A value `schema` accepts, to stand in for a wrong or missing one so that validation can go on
// to the next error: the schema's default, first enum value or first example, else one made
// from its type. nullopt when none can be had (a string with a pattern and no example).
std::optional<rapidjson::Value> stand_in(const rapidjson::Value& schema,
                                         rapidjson::Document::AllocatorType& alloc)
{
    for (const char* key : {"default", "enum", "examples"}) {
        if (const auto* v = json::find(schema, key); v != nullptr) {
            const rapidjson::Value& pick = v->IsArray() ? (v->Empty() ? *v : (*v)[0]) : *v;
            if (!(v->IsArray() && v->Empty())) {
                return rapidjson::Value(pick, alloc);
            }
        }
    }
    // The type, or the first of a list of types.
    const auto* type = json::find(schema, "type");
    if (type != nullptr && type->IsArray()) {
        type = type->Empty() ? nullptr : &(*type)[0];
    }
    const std::string t = type != nullptr && type->IsString() ? type->GetString() : "";
    if (t == "object") {
        return rapidjson::Value(rapidjson::kObjectType);
    }
    if (t == "array") {
        return rapidjson::Value(rapidjson::kArrayType);
    }
    if (t == "boolean") {
        return rapidjson::Value(false);
    }
    if (t == "integer" || t == "number") {
        const auto* min = json::find(schema, "minimum");
        return rapidjson::Value(min != nullptr && min->IsInt64() ? min->GetInt64() : 1);
    }
    if (t == "string" && json::find(schema, "pattern") == nullptr) {
        return rapidjson::Value("x", alloc);
    }
    return std::nullopt;
}

// Every schema violation in `doc`, not only the first. RapidJSON 1.1's validator stops at the
// first, so each one found is recorded and then repaired in a scratch copy (an unknown key
// removed, a wrong value replaced by a stand-in, a missing key added as one) and the copy is
// validated again. What a repair adds is not reported again: a missing section added as {}
// does not then list each of its keys. Stops when a violation cannot be repaired or repeats;
// the first error is always the one a single validation would give.
std::vector<std::string> schema_violations(const rapidjson::Document& doc)
{
    rapidjson::Document work;
    work.CopyFrom(doc, work.GetAllocator());
    auto& alloc = work.GetAllocator();
    std::vector<std::string> out;
    std::vector<std::string> added; // pointers of stand-ins: what is under them is not the user's
    const auto under_added = [&added](const std::string& where) {
        return std::ranges::any_of(added, [&where](const std::string& a) {
            return where == a || where.starts_with(a + "/");
        });
    };
    for (int round = 0; round < 100; ++round) {
        rapidjson::SchemaValidator validator(config_schema());
        if (work.Accept(validator)) {
            break;
        }
        const Violation v = describe_violation(validator, work);
        std::string message = v.where + ": " + v.detail;
        if (std::ranges::find(out, message) != out.end()) {
            break; // a repair did not take: stop rather than loop
        }
        if (!under_added(v.where)) {
            out.push_back(std::move(message));
        }
        if (v.keyword == "additionalProperties") {
            if (v.doc_ptr.GetTokenCount() == 0 || !v.doc_ptr.Erase(work)) {
                break;
            }
        } else if (v.keyword == "required") {
            rapidjson::Value* object = v.doc_ptr.Get(work);
            const auto* props = json::find(*v.schema, "properties");
            const auto* sub = props != nullptr ? json::find(*props, v.missing.c_str()) : nullptr;
            auto value = sub != nullptr ? stand_in(*sub, alloc) : std::nullopt;
            if (object == nullptr || !object->IsObject() || v.missing.empty() || !value) {
                break;
            }
            object->AddMember(rapidjson::Value(v.missing.c_str(), alloc), std::move(*value), alloc);
            added.push_back((v.where == "/" ? "" : v.where) + "/" + v.missing);
        } else {
            rapidjson::Value* target = v.doc_ptr.Get(work);
            auto value = stand_in(*v.schema, alloc);
            if (target == nullptr || !value) {
                break;
            }
            *target = std::move(*value);
            added.push_back(v.where);
        }
    }
    return out;
}

int get_int_or(const rapidjson::Value& obj, const char* key, int fallback)
{
    return json::get_int(obj, key).value_or(fallback);
}

std::string get_string_or(const rapidjson::Value& obj, const char* key, const std::string& fallback)
{
    return json::get_string(obj, key).value_or(fallback);
}

std::filesystem::path resolve(const std::filesystem::path& p, const std::filesystem::path& base)
{
    if (p.is_absolute() || base.empty()) {
        return p;
    }
    return base / p;
}

bool is_loopback_host(std::string host)
{
    host = lower(std::move(host));
    if (host == "localhost" || host == "[::1]") {
        return true;
    }
    if (!host.starts_with("127.")) {
        return false;
    }
    return std::ranges::all_of(host, [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
}

} // namespace

std::string oracle_rest_root(const std::string& base_url)
{
    std::string url = base_url;
    while (url.ends_with('/')) {
        url.pop_back();
    }
    const std::string marker = "/fscmRestApi/resources/";
    if (const auto pos = url.find(marker);
        pos != std::string::npos && pos + marker.size() < url.size()) {
        return url; // a version is already there: taken whole
    }
    if (url.ends_with("/fscmRestApi/resources")) {
        return url + "/11.13.18.05";
    }
    if (url.ends_with("/fscmRestApi")) {
        return url + "/resources/11.13.18.05";
    }
    return url + k_rest_root;
}

void require_secure_url(const std::string& url, const std::string& pointer)
{
    const std::string l = lower(url);
    if (l.starts_with("https://") && l.size() > 8) {
        return;
    }
    if (!l.starts_with("http://")) {
        throw ConfigError(pointer + ": expected an https URL, got \"" + url + "\"", k_hint);
    }
    std::string authority = l.substr(7);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (const auto at = authority.rfind('@'); at != std::string::npos) {
        authority = authority.substr(at + 1);
    }
    std::string host;
    if (authority.starts_with('[')) {
        host =
            authority.substr(0, authority.find(']') == std::string::npos ? authority.size()
                                                                         : authority.find(']') + 1);
    } else {
        host = authority.substr(0, authority.find(':'));
    }
    if (!is_loopback_host(host)) {
        throw ConfigError(pointer
                              + ": plain http is allowed only for loopback hosts (127.0.0.1, "
                                "localhost, [::1]); use https",
                          k_hint);
    }
}

Config parse_config(const std::string& json_text, const std::filesystem::path& origin)
{
    const std::string text = strip_comments(json_text);
    auto parsed = json::parse(text);
    if (!parsed) {
        const auto& e = parsed.error();
        throw ConfigError::at(fmt::format("{}:{}:{}", origin.string(), e.line, e.column), e.message,
                              k_hint);
    }
    const rapidjson::Document& doc = *parsed;
    refuse_secret_keys(doc, "");

    if (const auto violations = schema_violations(doc); !violations.empty()) {
        // Every violation at once, on one line: a user fixes them all in one edit.
        throw ConfigErrors(violations, k_hint);
    }

    Config cfg;
    cfg.file = origin;
    const rapidjson::Value empty(rapidjson::kObjectType);
    const auto section = [&](const char* name) -> const rapidjson::Value& {
        const auto* v = json::find(doc, name);
        return v != nullptr ? *v : empty;
    };

    const auto& o = section("oracle");
    cfg.oracle.base_url = get_string_or(o, "base_url", "");
    cfg.oracle.token_url = get_string_or(o, "token_url", "");
    cfg.oracle.client_id = get_string_or(o, "client_id", "");
    cfg.oracle.scope = get_string_or(o, "scope", cfg.oracle.scope);
    cfg.oracle.poll_overlap_seconds =
        get_int_or(o, "poll_overlap_seconds", cfg.oracle.poll_overlap_seconds);
    cfg.oracle.rest_framework_version =
        get_int_or(o, "rest_framework_version", cfg.oracle.rest_framework_version);
    require_secure_url(cfg.oracle.base_url, "/oracle/base_url");
    require_secure_url(cfg.oracle.token_url, "/oracle/token_url");
    cfg.oracle.rest_root = oracle_rest_root(cfg.oracle.base_url);

    const auto& p = section("procore");
    cfg.procore.base_url = get_string_or(p, "base_url", cfg.procore.base_url);
    cfg.procore.token_url = get_string_or(p, "token_url", cfg.procore.token_url);
    cfg.procore.client_id = get_string_or(p, "client_id", "");
    cfg.procore.company_id = json::get_int64(p, "company_id").value_or(0);
    if (auto every = json::get_string(p, "sweep_every"); every) {
        cfg.procore.sweep_every_seconds = duration_seconds(*every, "/procore/sweep_every");
    }
    while (cfg.procore.base_url.ends_with('/')) {
        cfg.procore.base_url.pop_back();
    }
    require_secure_url(cfg.procore.base_url, "/procore/base_url");
    require_secure_url(cfg.procore.token_url, "/procore/token_url");

    const std::filesystem::path base = origin.parent_path();
    const auto& s = section("state");
    cfg.state.path = resolve(get_string_or(s, "path", cfg.state.path.string()), base);
    cfg.state.spool_dir =
        resolve(get_string_or(s, "spool_dir", cfg.state.spool_dir.string()), base);
    cfg.state.key_file = resolve(get_string_or(s, "key_file", cfg.state.key_file.string()), base);

    const auto& h = section("http");
    cfg.http.connect_timeout_ms = get_int_or(h, "connect_timeout_ms", cfg.http.connect_timeout_ms);
    cfg.http.total_timeout_ms = get_int_or(h, "total_timeout_ms", cfg.http.total_timeout_ms);
    cfg.http.max_attempts = get_int_or(h, "max_attempts", cfg.http.max_attempts);
    cfg.http.max_backoff_ms = get_int_or(h, "max_backoff_ms", cfg.http.max_backoff_ms);
    cfg.http.ca_bundle = get_string_or(h, "ca_bundle", "");
    if (!cfg.http.ca_bundle.empty()) {
        cfg.http.ca_bundle = resolve(cfg.http.ca_bundle, base).string();
    }

    const auto& w = section("webhooks");
    cfg.webhooks.listen_addr = get_string_or(w, "listen_addr", cfg.webhooks.listen_addr);
    cfg.webhooks.path = get_string_or(w, "path", cfg.webhooks.path);
    cfg.webhooks.header = get_string_or(w, "header", cfg.webhooks.header);
    cfg.webhooks.destination_url = get_string_or(w, "destination_url", "");
    cfg.webhooks.namespace_name = get_string_or(w, "namespace", cfg.webhooks.namespace_name);
    cfg.webhooks.spool_retention_days =
        get_int_or(w, "spool_retention_days", cfg.webhooks.spool_retention_days);
    if (!cfg.webhooks.destination_url.empty()) {
        require_secure_url(cfg.webhooks.destination_url, "/webhooks/destination_url");
    }

    const auto& posting = section("posting");
    cfg.posting.wait_seconds = get_int_or(posting, "wait_seconds", cfg.posting.wait_seconds);
    cfg.posting.settle_seconds = get_int_or(posting, "settle_seconds", cfg.posting.settle_seconds);

    const auto& metrics = section("metrics");
    if (const auto file = json::get_string(metrics, "file"); file) {
        cfg.metrics.file = resolve(*file, base);
    }

    if (const auto* m = json::find(doc, "mapping"); m != nullptr) {
        cfg.mapping_json = json::to_string(*m);
        cfg.mapping.cost_codes = parse_cost_code_mapping(*m);
        parse_mapping(*m, cfg.mapping);
    }
    return cfg;
}

std::optional<ProjectMapping> MappingConfig::project(std::int64_t project_id) const
{
    const auto own = projects.find(std::to_string(project_id));
    const auto def = projects.find("default");
    if (own == projects.end() && def == projects.end()) {
        return std::nullopt;
    }
    ProjectMapping out = def != projects.end() ? def->second : ProjectMapping{};
    if (own != projects.end()) {
        const auto& o = own->second;
        for (auto [field, value] :
             {std::pair{&out.procurement_bu, &o.procurement_bu},
              std::pair{&out.requisitioning_bu, &o.requisitioning_bu},
              std::pair{&out.business_unit, &o.business_unit},
              std::pair{&out.bill_to_bu, &o.bill_to_bu},
              std::pair{&out.ship_to_location, &o.ship_to_location},
              std::pair{&out.buyer_email, &o.buyer_email}, std::pair{&out.currency, &o.currency},
              std::pair{&out.cost_center, &o.cost_center}}) {
            if (!value->empty()) {
                *field = *value;
            }
        }
    }
    return out;
}

std::vector<std::int64_t> MappingConfig::project_ids() const
{
    std::vector<std::int64_t> ids;
    for (const auto& [key, _] : projects) {
        if (key != "default") {
            ids.push_back(std::stoll(key));
        }
    }
    return ids;
}

Config load_config(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw ConfigError("cannot read " + file.string(), "run ml-connector init");
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw ConfigError("cannot read " + file.string(), "run ml-connector init");
    }
    std::error_code ec;
    auto absolute = std::filesystem::absolute(file, ec);
    return parse_config(text.str(), ec ? file : absolute.lexically_normal());
}

std::vector<std::string> starter_placeholders(const Config& config)
{
    // The values starter_config_text() writes; keep the two in step.
    std::vector<std::string> out;
    const auto placeholder = [&out](bool is, const char* pointer) {
        if (is) {
            out.emplace_back(pointer);
        }
    };
    placeholder(config.oracle.base_url.find("acme.fa.us2.oraclecloud.com") != std::string::npos,
                "/oracle/base_url");
    placeholder(config.oracle.token_url.find("idcs-example.") != std::string::npos,
                "/oracle/token_url");
    placeholder(config.oracle.client_id.starts_with("replace-with-"), "/oracle/client_id");
    placeholder(config.procore.client_id.starts_with("replace-with-"), "/procore/client_id");
    placeholder(config.procore.company_id == 1234, "/procore/company_id");
    return out;
}

std::string starter_config_text()
{
    return R"(// ml-connector configuration. JSON with // line comments (stripped before parsing).
// Validated against schemas/config.schema.json: unknown keys are errors, so typos show up.
// Secrets never go here: store them with `ml-connector creds set oracle|procore|webhook`
// (read from stdin, encrypted in the state folder) or set ML_CONNECTOR_ORACLE_CLIENT_SECRET,
// ML_CONNECTOR_PROCORE_CLIENT_SECRET and ML_CONNECTOR_WEBHOOK_SECRET in the environment.
{
  "oracle": {
    // Your Fusion pod URL, taken whole. /fscmRestApi/resources/11.13.18.05 is appended.
    "base_url": "https://acme.fa.us2.oraclecloud.com",
    // The identity domain's token endpoint (client credentials).
    "token_url": "https://idcs-example.identity.oraclecloud.com/oauth2/v1/token",
    // The confidential application's client id; it must map to a Fusion user with the roles
    // for suppliers, purchasing, payables and general ledger.
    "client_id": "replace-with-oracle-client-id",
    "scope": "urn:opc:resource:consumer::all",
    // Polling re-reads this many seconds before the last watermark, to catch late commits.
    "poll_overlap_seconds": 300,
    // Sent as REST-Framework-Version.
    "rest_framework_version": 4
  },
  "procore": {
    "base_url": "https://api.procore.com",
    "token_url": "https://login.procore.com/oauth/token",
    // The Developer Portal app's client id (the app must be installed in your company).
    "client_id": "replace-with-procore-client-id",
    // Your company id (a number): sent as Procore-Company-Id on every request.
    "company_id": 1234
  },
  "state": {
    // Relative paths are resolved against this file's folder.
    "path": "ml-connector.db",
    "spool_dir": "spool",
    // 32-byte key (base64) that encrypts the credentials vault; must be mode 0600.
    // ML_CONNECTOR_KEY in the environment takes precedence.
    "key_file": "ml-connector.key"
  },
  "http": {
    "connect_timeout_ms": 10000,
    "total_timeout_ms": 120000,
    // Attempts per request for retriable failures (429, 502-504, transport errors).
    "max_attempts": 6,
    "max_backoff_ms": 60000,
    // Extra CA bundle for a corporate TLS proxy; empty uses the system store.
    "ca_bundle": ""
  },
  "webhooks": {
    // Where `ml-connector listen` accepts Procore deliveries.
    "listen_addr": "127.0.0.1:8787",
    "path": "/webhooks/procore",
    // The custom header carrying the webhook secret (`creds set webhook`).
    "header": "Authorization",
    // The public URL Procore delivers to (used by `webhooks install`).
    "destination_url": "https://connector.example.com/webhooks/procore",
    "namespace": "ml-connector",
    "spool_retention_days": 14
  },
  // How records map between the systems (docs/pull-pos.md, docs/post-costs.md,
  // docs/vendor-mapping.md).
  "mapping": {
    // The chart of accounts: delimiter and which segment is the cost center. Add
    // "segments": the attribute names accountCombinationsLOV uses for the segments, in order
    // (live pods: the chart's segment codes, e.g. ["entity", "department", "account"]; default
    // Segment1..), and "chart_of_accounts_id" to read only that chart's combinations.
    "chart": { "delimiter": "-", "cost_center_segment": 2 },
    // Oracle GL account combinations -> Procore standard cost codes (sync-suppliers,
    // docs/cost-codes.md): the natural-account segment, the segments that make a cost code's
    // number, and which account types become cost codes (E: expense).
    "cost_codes": { "natural_account_segment": 3, "code_segments": [2, 3], "account_types": ["E"],
                    // A Procore cost code that did not come from Oracle -> its combination.
                    "accounts": { "01-100": "101-1000-5100-000-000" } },
    // One cost code split by cost type: a Procore line item type (name or code) -> the natural
    // account that replaces the cost code's.
    "cost_types": { "Labor": "5110", "Materials": "5120" },
    // Per Procore project id, over "default": the Oracle side of its purchase orders. A project
    // overrides only what differs, e.g. "219542": { "cost_center": "2100" } (only projects
    // that exist: each one listed is read).
    "projects": {
      "default": { "procurement_bu": "US1 Business Unit", "requisitioning_bu": "US1 Business Unit",
                   "business_unit": "US1 Business Unit", "ship_to_location": "US1 HQ",
                   "buyer_email": "buyer@example.com", "currency": "USD", "cost_center": "1000" }
    },
    // Procore commitments -> Oracle purchase orders (pull-pos).
    "commitments": { "statuses": ["Approved"], "category": "Construction Materials",
                     "uom": "Each", "goods_line_type": "Goods",
                     "services_line_type": "Fixed Price Services" },
    // Approved Procore requisitions (subcontractor invoices) -> Oracle Payables invoices
    // (pull-pos, docs/pull-pos.md). Without this section none are sent. Add
    // "retainage_account": "101-0000-2450-000-000" to invoice retainage as a negative line to
    // that account (else the invoice is for the net amount). "payments": false stops Oracle's
    // payments of these invoices coming back to Procore as contract payments.
    "invoices": { "statuses": ["approved"], "sweep_every": "1h", "payments": true },
    // Procore direct costs and approved change orders -> GL journals (post-costs,
    // docs/post-costs.md). The offset accounts must be enabled combinations in Oracle.
    "journal": { "ledger_id": 300000046975971, "ledger_name": "US Primary Ledger",
                 "source": "Procore", "category": "Project Costs",
                 "offset_accounts": { "direct_cost": "101-0000-2100-000-000" },
                 "direct_cost_types": ["expense", "payroll"], "closed_period": "hold" }
  },
  // How long a pass waits for Oracle's Journal Import job before leaving it to the next.
  "posting": { "wait_seconds": 120 }
  // Add "metrics": { "file": "ml-connector.prom" } to have every pass rewrite a Prometheus text
  // file for node_exporter's textfile collector (README, "Operate it").
}
)";
}

} // namespace mlc
