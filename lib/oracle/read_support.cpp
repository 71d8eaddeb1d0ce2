#include "oracle/read_support.hpp"

#include <algorithm>
#include <cctype>

namespace mlc::oracle::read {

std::string text(const rapidjson::Value& obj, const char* key)
{
    return json::get_string(obj, key).value_or(std::string{});
}

bool flag(const rapidjson::Value& obj, const char* key)
{
    if (auto b = json::get_bool(obj, key)) {
        return *b;
    }
    std::string v = text(obj, key);
    std::transform(v.begin(), v.end(), v.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return v == "Y" || v == "YES" || v == "TRUE";
}

const rapidjson::Value* child_rows(const rapidjson::Value& item, const char* child)
{
    const auto* v = json::find(item, child);
    if (v != nullptr && v->IsObject()) {
        v = json::find(*v, "items");
    }
    return v != nullptr && v->IsArray() ? v : nullptr;
}

std::string parse_error_text(const json::ParseError& e)
{
    return "malformed JSON at line " + std::to_string(e.line) + ": " + e.message;
}

} // namespace mlc::oracle::read
