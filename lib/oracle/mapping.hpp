#pragma once
// The edge between Oracle's JSON and our plain structs: the only Oracle file that reads JSON.
#include "oracle/client.hpp"

#include <expected>
#include <string>

namespace mlc::oracle {

// Reads count/hasMore/limit/offset from a collection envelope.
std::expected<PageMeta, std::string> parse_page_meta(const std::string& body);

} // namespace mlc::oracle
