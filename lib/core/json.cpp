#include "core/json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cstring>

namespace mlc::json {

std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset)
{
    std::size_t line = 1;
    std::size_t column = 1;
    const std::size_t end = offset < text.size() ? offset : text.size();
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

namespace {

std::expected<rapidjson::Document, ParseError> checked(rapidjson::Document doc,
                                                       std::string_view text)
{
    if (doc.HasParseError()) {
        ParseError err;
        err.offset = doc.GetErrorOffset();
        const auto [line, column] = line_column(text, err.offset);
        err.line = line;
        err.column = column;
        err.message = rapidjson::GetParseError_En(doc.GetParseError());
        return std::unexpected(std::move(err));
    }
    return doc;
}

} // namespace

std::expected<rapidjson::Document, ParseError> parse(std::string_view text)
{
    rapidjson::Document doc;
    // kParseFullPrecisionFlag: decimals parsed exactly as written, not via a fast approximation.
    doc.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
    return checked(std::move(doc), text);
}

std::expected<rapidjson::Document, ParseError> parse_in_place(std::string_view text)
{
    rapidjson::Document doc;
    // The text is copied once into the document's own pool and parsed in situ there: strings
    // are unescaped in place instead of each being copied out on its own. A NUL byte ends the
    // input here as it does for the copying parse, so errors are the same.
    auto* buffer = static_cast<char*>(doc.GetAllocator().Malloc(text.size() + 1));
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    doc.ParseInsitu<rapidjson::kParseFullPrecisionFlag>(buffer);
    return checked(std::move(doc), text);
}

const rapidjson::Value* find(const rapidjson::Value& obj, const char* key)
{
    if (!obj.IsObject()) {
        return nullptr;
    }
    const auto it = obj.FindMember(key);
    return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> get_string(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr || !v->IsString()) {
        return std::nullopt;
    }
    return std::string(v->GetString(), v->GetStringLength());
}

std::optional<std::int64_t> get_int64(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr || !v->IsInt64()) {
        return std::nullopt;
    }
    return v->GetInt64();
}

std::optional<int> get_int(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr || !v->IsInt()) {
        return std::nullopt;
    }
    return v->GetInt();
}

std::optional<double> get_double(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr || !v->IsNumber()) {
        return std::nullopt;
    }
    return v->GetDouble();
}

std::optional<bool> get_bool(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr || !v->IsBool()) {
        return std::nullopt;
    }
    return v->GetBool();
}

std::optional<std::int64_t> get_id(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->IsInt64()) {
        return v->GetInt64();
    }
    if (v->IsString()) {
        const char* first = v->GetString();
        const char* last = first + v->GetStringLength();
        std::int64_t out = 0;
        const auto [ptr, ec] = std::from_chars(first, last, out);
        if (ec == std::errc{} && ptr == last && first != last) {
            return out;
        }
    }
    return std::nullopt;
}

std::string type_name(const rapidjson::Value& v)
{
    switch (v.GetType()) {
    case rapidjson::kNullType:
        return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
        return "boolean";
    case rapidjson::kObjectType:
        return "object";
    case rapidjson::kArrayType:
        return "array";
    case rapidjson::kStringType:
        return "string";
    case rapidjson::kNumberType:
        return v.IsInt64() || v.IsUint64() ? "integer" : "number";
    }
    return "unknown";
}

std::string to_string(const rapidjson::Value& v)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    v.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace mlc::json
