#pragma once
// What the Oracle resource files share when they read a body: members as text, Y/N flags, an
// expanded child's rows, and the message for a body that is not JSON. Internal to lib/oracle.
#include "core/json.hpp"

#include <string>

namespace mlc::oracle::read {

// The member as a string; "" when absent, null or not a string.
std::string text(const rapidjson::Value& obj, const char* key);
// Oracle flags arrive as JSON booleans, or as "Y"/"N" (or "true"/"false") strings on some pods:
// true for true, "Y", "YES" or "TRUE" in any case; false otherwise, also when absent.
bool flag(const rapidjson::Value& obj, const char* key);
// An expanded child's rows: a bare array (framework v1/v2) or the items of a child collection
// object {"items": […]} (v3+); nullptr when the child is absent, null or neither.
const rapidjson::Value* child_rows(const rapidjson::Value& item, const char* child);
// "malformed JSON at line N: …"
std::string parse_error_text(const json::ParseError& e);

} // namespace mlc::oracle::read
