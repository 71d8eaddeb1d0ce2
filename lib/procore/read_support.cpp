#include "procore/read_support.hpp"

#include <utility>

namespace mlc::procore::read {

std::string text(const rapidjson::Value& obj, const char* key)
{
    return json::get_string(obj, key).value_or(std::string{});
}

std::string parse_error_text(const json::ParseError& e)
{
    return "malformed JSON at line " + std::to_string(e.line) + ": " + e.message;
}

std::expected<std::string, std::string> decimal_of(const rapidjson::Value& obj, const char* key,
                                                   const std::string& where)
{
    const auto* v = json::find(obj, key);
    if (v == nullptr || v->IsNull()) {
        return std::string{};
    }
    if (auto d = json::get_decimal_text(obj, key)) {
        return std::move(*d);
    }
    return std::unexpected(
        where + ": " + key + " is not a decimal ("
        + (v->IsString()
               ? "\"" + json::escaped_excerpt({v->GetString(), v->GetStringLength()}) + "\""
               : json::type_name(*v))
        + ")");
}

const rapidjson::Value* object_member(const rapidjson::Value& obj, const char* key)
{
    const auto* v = json::find(obj, key);
    return v != nullptr && v->IsObject() ? v : nullptr;
}

std::int64_t id_flat_or_nested(const rapidjson::Value& obj, const char* flat, const char* nested)
{
    if (auto id = json::get_id(obj, flat)) {
        return *id;
    }
    if (const auto* n = object_member(obj, nested)) {
        return json::get_id(*n, "id").value_or(0);
    }
    return 0;
}

std::string date_part(std::string value)
{
    if (value.size() > 10 && value[10] == 'T') {
        value.resize(10);
    }
    return value;
}

std::string updated_range(const std::string& since, const std::string& until)
{
    const std::string from = since.empty() ? std::string("1970-01-01T00:00:00Z") : since;
    return http::url_encode("filters[updated_at]") + "=" + http::url_encode(from + "..." + until);
}

bool is_not_found(const http::Error& e)
{
    return e.kind == http::ErrorKind::status && e.status == 404;
}

} // namespace mlc::procore::read
