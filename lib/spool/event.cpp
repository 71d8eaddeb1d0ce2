// The webhook payload mapping file: the one place in spool/ that reads JSON (RapidJSON).
#include "spool/event.hpp"

#include "core/json.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>

namespace mlc::spool {
namespace {

// Iterative: a 1 MiB body of '[' must not overflow the stack. Encoding validated: JSON is UTF-8.
constexpr unsigned k_parse_flags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

using Error = std::unexpected<std::string>;

// json::type_name, except that every number is a "number": the messages name JSON's types.
std::string type_name(const rapidjson::Value& v)
{
    std::string name = json::type_name(v);
    return name == "integer" ? "number" : name;
}

const rapidjson::Value* member(const rapidjson::Value& obj, const char* key)
{
    const auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || it->value.IsNull()) {
        return nullptr;
    }
    return &it->value;
}

bool all_digits(std::string_view s)
{
    return !s.empty()
           && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A Procore id: a non-negative integer (v2/v3) or a string of digits (v4), returned as exact
// decimal text. RapidJSON holds integers up to 2^64 exactly (Int64/Uint64); anything it could
// only hold as a double (a fraction, an exponent, beyond 2^64) is refused, never rounded.
std::expected<std::string, std::string> id_text(const rapidjson::Value& obj, const char* key,
                                                bool required)
{
    const auto* v = member(obj, key);
    if (v == nullptr) {
        if (required) {
            return Error(fmt::format("{}: missing", key));
        }
        return std::string{};
    }
    if (v->IsUint64()) {
        return std::to_string(v->GetUint64());
    }
    if (v->IsString()) {
        std::string_view s(v->GetString(), v->GetStringLength());
        if (!all_digits(s)) {
            return Error(fmt::format("{}: expected a string of digits, got \"{}\"", key,
                                     json::escaped_excerpt(s)));
        }
        return std::string(s);
    }
    if (v->IsNumber()) {
        return Error(fmt::format("{}: expected a non-negative integer id", key));
    }
    return Error(
        fmt::format("{}: expected an integer or a string of digits, got {}", key, type_name(*v)));
}

std::expected<std::string, std::string> string_field(const rapidjson::Value& obj, const char* key,
                                                     bool required)
{
    const auto* v = member(obj, key);
    if (v == nullptr) {
        if (required) {
            return Error(fmt::format("{}: missing", key));
        }
        return std::string{};
    }
    if (!v->IsString()) {
        return Error(fmt::format("{}: expected a string, got {}", key, type_name(*v)));
    }
    if (required && v->GetStringLength() == 0) {
        return Error(fmt::format("{}: empty", key));
    }
    return std::string(v->GetString(), v->GetStringLength());
}

int version_of(const rapidjson::Value& obj)
{
    if (const auto* v = member(obj, "api_version"); v != nullptr && v->IsString()) {
        const std::string_view s(v->GetString(), v->GetStringLength());
        if (s.starts_with("v2")) {
            return 2;
        }
        if (s.starts_with("v3")) {
            return 3;
        }
        if (s.starts_with("v4")) {
            return 4;
        }
    }
    if (obj.HasMember("resource_type") || obj.HasMember("reason")) {
        return 4;
    }
    return obj.HasMember("related_resources") ? 3 : 2;
}

// Accepts the first value only if it opens an object; everything else is just validated.
struct ObjectProbe : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ObjectProbe> {
    bool first = true;
    bool is_object = false;
    bool Default()
    {
        first = false;
        return true;
    }
    bool StartObject()
    {
        if (first) {
            is_object = true;
        }
        first = false;
        return true;
    }
};

} // namespace

std::expected<WebhookEvent, std::string> parse_event(std::string_view body)
{
    if (const auto refused = json::refused_before_parse(body)) {
        return Error(
            fmt::format("malformed JSON at offset {}: {}", refused->offset, refused->message));
    }
    rapidjson::Document doc;
    doc.Parse<k_parse_flags>(body.data(), body.size());
    if (doc.HasParseError()) {
        return Error(fmt::format("malformed JSON at offset {}: {}", doc.GetErrorOffset(),
                                 rapidjson::GetParseError_En(doc.GetParseError())));
    }
    if (!doc.IsObject()) {
        return Error(fmt::format("body: expected a JSON object, got {}", type_name(doc)));
    }

    WebhookEvent e;
    e.payload_version = version_of(doc);
    const bool v4 = e.payload_version == 4;

    // id: a number in v2/v3, a ULID string in v4; either way kept as text.
    const auto* id = member(doc, "id");
    if (id == nullptr) {
        return Error(std::string("id: missing"));
    }
    if (id->IsString()) {
        if (id->GetStringLength() == 0) {
            return Error(std::string("id: empty"));
        }
        e.id.assign(id->GetString(), id->GetStringLength());
    } else {
        auto text = id_text(doc, "id", true);
        if (!text) {
            return Error(text.error());
        }
        e.id = *text;
    }

    auto ulid = string_field(doc, "ulid", false);
    if (!ulid) {
        return Error(ulid.error());
    }
    e.ulid = *ulid;
    e.event_id = e.ulid.empty() ? e.id : e.ulid;

    // v4 renamed resource_name -> resource_type and event_type -> reason; take whichever is sent.
    const char* name_key =
        doc.HasMember("resource_name") || !v4 ? "resource_name" : "resource_type";
    const char* type_key = doc.HasMember("event_type") || !v4 ? "event_type" : "reason";
    auto name = string_field(doc, name_key, true);
    if (!name) {
        return Error(name.error());
    }
    e.resource_name = *name;
    auto type = string_field(doc, type_key, false);
    if (!type) {
        return Error(type.error());
    }
    e.event_type = *type;

    struct IdField {
        const char* key;
        std::string* out;
        bool required;
    };
    for (const IdField& f :
         {IdField{"resource_id", &e.resource_id, true}, IdField{"project_id", &e.project_id, false},
          IdField{"company_id", &e.company_id, false}, IdField{"user_id", &e.user_id, false}}) {
        auto text = id_text(doc, f.key, f.required);
        if (!text) {
            return Error(text.error());
        }
        *f.out = *text;
    }

    auto timestamp = string_field(doc, "timestamp", false);
    if (!timestamp) {
        return Error(timestamp.error());
    }
    e.timestamp = *timestamp;

    if (const auto* rel = member(doc, "related_resources"); rel != nullptr && !rel->IsArray()) {
        return Error(fmt::format("related_resources: expected an array, got {}", type_name(*rel)));
    }

    if (const auto* meta = member(doc, "metadata"); meta != nullptr) {
        if (!meta->IsObject()) {
            return Error(fmt::format("metadata: expected an object, got {}", type_name(*meta)));
        }
        if (const auto* app = member(*meta, "source_application_id"); app != nullptr) {
            if (app->IsString()) {
                e.source_application_id = std::string(app->GetString(), app->GetStringLength());
            } else if (app->IsUint64()) {
                e.source_application_id = std::to_string(app->GetUint64());
            } else {
                return Error(fmt::format(
                    "metadata.source_application_id: expected a string, got {}", type_name(*app)));
            }
        }
    }
    return e;
}

bool is_json_object(std::string_view body)
{
    if (json::refused_before_parse(body)) {
        return false;
    }
    rapidjson::MemoryStream ms(body.data(), body.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(ms);
    rapidjson::Reader reader;
    ObjectProbe probe;
    const auto result = reader.Parse<k_parse_flags>(in, probe);
    return !result.IsError() && probe.is_object;
}

} // namespace mlc::spool
