#pragma once
// RFC 4648 base64 (standard alphabet, padded): how erpintegrations carries a zip in JSON
// (DocumentContent) both ways, and how HTTP Basic carries credentials.
#include <optional>
#include <string>
#include <string_view>

namespace mlc {

std::string base64_encode(std::string_view data);

// The bytes, or nullopt when `text` is not base64: a character outside the alphabet, padding
// anywhere but the end, or a length that is not a whole number of quads once whitespace (CR, LF,
// space, tab: line-wrapped encoders) is dropped.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace mlc
