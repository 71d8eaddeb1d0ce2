#pragma once
// Small RapidJSON helpers shared by the simulators: parse a request body, read optional
// members with a type check, and write a JSON string quickly. Only the simulator uses these.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlc::sim::json {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Parses `text`; false (and `error` set) on malformed JSON.
bool parse(const std::string& text, rapidjson::Document& doc, std::string& error);

std::optional<std::string> get_string(const rapidjson::Value& obj, const char* key);
std::optional<std::int64_t> get_int(const rapidjson::Value& obj, const char* key);
std::optional<double> get_number(const rapidjson::Value& obj, const char* key);
std::optional<bool> get_bool(const rapidjson::Value& obj, const char* key);

// Serializes any RapidJSON value.
std::string to_string(const rapidjson::Value& value);

// {"key": "value"} style one-liners for error and status bodies.
std::string object1(std::string_view key, std::string_view value);

inline void write_string(Writer& w, std::string_view s)
{
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline void key(Writer& w, std::string_view s)
{
    w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

} // namespace mlc::sim::json
