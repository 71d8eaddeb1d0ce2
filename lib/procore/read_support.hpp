#pragma once
// What the Procore resource files share when they read a body: members as text, money kept as
// decimal text (never through a double), ids flat or nested, dates, the updated_at range filter
// and "not found". Internal to lib/procore.
#include "core/json.hpp"
#include "http/client.hpp"

#include <cstdint>
#include <expected>
#include <string>

namespace mlc::procore::read {

// The member as a string; "" when absent, null or not a string.
std::string text(const rapidjson::Value& obj, const char* key);
// "malformed JSON at line N: …"
std::string parse_error_text(const json::ParseError& e);
// A money member: "" when absent or null; an error naming `where` when it holds something that
// is not a decimal (a wrong amount must not read as no amount).
std::expected<std::string, std::string> decimal_of(const rapidjson::Value& obj, const char* key,
                                                   const std::string& where);
// The member when it is an object, else null.
const rapidjson::Value* object_member(const rapidjson::Value& obj, const char* key);
// `<flat>` (an id), else the nested `<nested>{id}`; 0 when neither.
std::int64_t id_flat_or_nested(const rapidjson::Value& obj, const char* flat, const char* nested);
// "2026-07-31T14:00:00Z" -> "2026-07-31"; a date stays as it is.
std::string date_part(std::string value);
// filters[updated_at]=<since>...<until>, URL-encoded: Procore takes a range, not a single value.
// An empty `since` reads from the beginning.
std::string updated_range(const std::string& since, const std::string& until);
bool is_not_found(const http::Error& e);

} // namespace mlc::procore::read
