#pragma once
// The edge between Oracle's JSON and our plain structs: the only Oracle file that reads JSON.
#include "core/json.hpp"
#include "oracle/client.hpp"

#include <expected>
#include <string>

namespace mlc::oracle {

// Reads count/hasMore/limit/offset from a collection envelope.
std::expected<PageMeta, std::string> parse_page_meta(const std::string& body);
// The same of a parsed envelope `doc` whose items array is `items` (numbers as numbers or as
// text: parse_numbers_as_text).
PageMeta page_meta_of(const rapidjson::Value& doc, const rapidjson::Value& items);
// The href of an item's "self" link ("" when it has none): the URL Oracle wants PATCHes and
// actions sent to (its key may be a hash, not the id).
std::string self_href_of(const rapidjson::Value& item);

} // namespace mlc::oracle
