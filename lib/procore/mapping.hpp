#pragma once
// The edge between Procore's JSON and our plain structs: the only Procore file that reads JSON.
#include "procore/client.hpp"

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace mlc::procore {

std::expected<std::vector<Company>, std::string> parse_companies(const std::string& body);
std::expected<std::int64_t, std::string> count_array_items(const std::string& body);

} // namespace mlc::procore
