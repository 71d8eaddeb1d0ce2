#include "json_util.hpp"

#include <rapidjson/error/en.h>

namespace mlc::sim::json {

bool parse(const std::string& text, rapidjson::Document& doc, std::string& error)
{
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError()) {
        error = std::string("malformed JSON at offset ") + std::to_string(doc.GetErrorOffset())
                + ": " + rapidjson::GetParseError_En(doc.GetParseError());
        return false;
    }
    return true;
}

std::optional<std::string> get_string(const rapidjson::Value& obj, const char* key)
{
    if (!obj.IsObject())
        return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || !it->value.IsString())
        return std::nullopt;
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<std::int64_t> get_int(const rapidjson::Value& obj, const char* key)
{
    if (!obj.IsObject())
        return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd())
        return std::nullopt;
    if (it->value.IsInt64())
        return it->value.GetInt64();
    if (it->value.IsUint64())
        return static_cast<std::int64_t>(it->value.GetUint64());
    if (it->value.IsString()) {
        try {
            std::size_t used = 0;
            std::string s = it->value.GetString();
            auto v = std::stoll(s, &used);
            if (used == s.size())
                return v;
        } catch (...) {
        }
    }
    return std::nullopt;
}

std::optional<double> get_number(const rapidjson::Value& obj, const char* key)
{
    if (!obj.IsObject())
        return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd())
        return std::nullopt;
    if (it->value.IsNumber())
        return it->value.GetDouble();
    if (it->value.IsString()) {
        try {
            std::size_t used = 0;
            std::string s = it->value.GetString();
            auto v = std::stod(s, &used);
            if (used == s.size())
                return v;
        } catch (...) {
        }
    }
    return std::nullopt;
}

std::optional<bool> get_bool(const rapidjson::Value& obj, const char* key)
{
    if (!obj.IsObject())
        return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || !it->value.IsBool())
        return std::nullopt;
    return it->value.GetBool();
}

std::string to_string(const rapidjson::Value& value)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    value.Accept(w);
    return {buf.GetString(), buf.GetSize()};
}

std::string object1(std::string_view k, std::string_view value)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    key(w, k);
    write_string(w, value);
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
}

} // namespace mlc::sim::json
