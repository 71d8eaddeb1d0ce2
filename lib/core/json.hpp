#pragma once
// Small helpers over RapidJSON, the one home of the JSON library outside the API mapping files:
// parse with an error that says where (offset, line, column) and why, and typed getters that
// return std::optional instead of asserting. Ids are read as int64 straight from the parser's
// integer, never through a double, so large Oracle ids survive.
#include <rapidjson/document.h>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace mlc::json {

// The parsed tree. Code outside the JSON homes names these, never rapidjson:: directly.
using Value = rapidjson::Value;
using Document = rapidjson::Document;
using SizeType = rapidjson::SizeType;

// How deep arrays and objects may nest. RapidJSON's parser, and every walk over a document
// (writing it out, the schema validator, copies), recurse once per level, so a body of 100,000
// '[' would exhaust the stack; the answers of Oracle and Procore, the config and webhook
// payloads nest a dozen levels at most. Every parse below refuses deeper text before parsing it,
// with a ParseError at the bracket that opens the level too many.
inline constexpr std::size_t k_max_depth = 256;

struct ParseError {
    std::size_t offset = 0; // byte offset into the text
    std::size_t line = 1;   // 1-based
    std::size_t column = 1; // 1-based, in bytes
    std::string message;    // RapidJSON's English description
};

// What every parse below refuses before RapidJSON sees the text, with the error it gives:
// nesting deeper than k_max_depth, and a `\uDC00`-`\uDFFF` escape (a low surrogate) without
// the high one before it. RapidJSON 1.1 pairs a high surrogate with the low one after it, but
// writes a lone low surrogate out as three bytes that are not UTF-8, even when told to validate
// the encoding; that text would then reach logs, the audit trail and the other system.
std::optional<ParseError> refused_before_parse(std::string_view text);

// The start of a value from outside, for an error message: at most `max_bytes` of it (never
// cutting a UTF-8 sequence), with quotes, backslashes and control characters escaped as JSON
// escapes them, so the message stays one short line whatever the value holds (it goes into
// logs, the audit trail and the .reason note beside a rejected spool file). Without quotes
// around it; the caller adds them.
std::string escaped_excerpt(std::string_view text, std::size_t max_bytes = 40);

// Parses `text` into a document (numbers kept exact: int64 when they fit, never rounded).
std::expected<rapidjson::Document, ParseError> parse(std::string_view text);

// The same parse, the same errors, for large bodies read straight into plain structs (a
// supplier page, a vendors/sync answer): the text is copied once into the document's pool and
// parsed in place, instead of every string being copied out on its own. Its strings are
// RapidJSON "const" strings pointing into that pool, which a copy made with CopyFrom or the
// Value(value, allocator) constructor shares rather than copies: such a copy dangles once the
// document is gone. Keep the document inside the function that parsed it, and take strings
// out as std::string (get_string).
std::expected<rapidjson::Document, ParseError> parse_in_place(std::string_view text);

// The same parse for bodies that carry money and quantities as JSON numbers (Oracle's
// Ordered, Quantity, Price): every number is kept as the text it was sent as, in a string
// value, so 0.1 stays "0.1" instead of passing through a double. Read such numbers with
// get_decimal_text, ids with get_id (it takes digit strings); get_int, get_int64 and
// get_double see no numbers in such a document, and get_string reads a number's text.
std::expected<rapidjson::Document, ParseError> parse_numbers_as_text(std::string_view text);

// Typed member getters: nullopt when the member is absent or has another type.
std::optional<std::string> get_string(const rapidjson::Value& obj, const char* key);
std::optional<std::int64_t> get_int64(const rapidjson::Value& obj, const char* key);
std::optional<int> get_int(const rapidjson::Value& obj, const char* key);
std::optional<double> get_double(const rapidjson::Value& obj, const char* key);
std::optional<bool> get_bool(const rapidjson::Value& obj, const char* key);
// An id that a system may send either as a JSON integer or as a string of digits.
std::optional<std::int64_t> get_id(const rapidjson::Value& obj, const char* key);
// The decimal text of a member sent as a number or as a string ("1234.56", "-0.25", "250.0"),
// as written, for Decimal::parse; an exponent form ("1.5E3", which a number may take) is
// rewritten exactly as plain decimal text ("1500"). nullopt when the member is absent, null,
// of another type, or not a decimal number. A number that parse() read as a double is given
// in its shortest exact round-trip form: parse with parse_numbers_as_text when the sender's
// text matters.
std::optional<std::string> get_decimal_text(const rapidjson::Value& obj, const char* key);
// The member itself, or nullptr when absent (or `obj` is not an object).
const rapidjson::Value* find(const rapidjson::Value& obj, const char* key);

// "string", "integer", "number", "boolean", "object", "array" or "null": the JSON Schema name
// of a value's type, for messages like "expected integer, got string".
std::string type_name(const rapidjson::Value& v);

// Compact serialisation of a value.
std::string to_string(const rapidjson::Value& v);

// (line, column), both 1-based, of a byte offset in `text`.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset);

} // namespace mlc::json
