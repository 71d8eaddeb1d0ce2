#include "core/json.hpp"

#include "core/decimal.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

namespace mlc::json {

std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset)
{
    std::size_t line = 1;
    std::size_t column = 1;
    const std::size_t end = offset < text.size() ? offset : text.size();
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

namespace {

ParseError error_at(std::string_view text, std::size_t offset, std::string message)
{
    ParseError err;
    err.offset = offset;
    const auto [line, column] = line_column(text, offset);
    err.line = line;
    err.column = column;
    err.message = std::move(message);
    return err;
}

bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The code unit of a `\uXXXX` escape starting at text[i] (the backslash); nullopt when there is
// none there.
std::optional<unsigned> escape_at(std::string_view text, std::size_t i)
{
    if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u') {
        return std::nullopt;
    }
    unsigned unit = 0;
    for (std::size_t k = i + 2; k < i + 6; ++k) {
        if (!is_hex(text[k])) {
            return std::nullopt;
        }
        const char c = text[k];
        unit = unit * 16
               + static_cast<unsigned>(c <= '9'   ? c - '0'
                                       : c <= 'F' ? c - 'A' + 10
                                                  : c - 'a' + 10);
    }
    return unit;
}

} // namespace

std::string escaped_excerpt(std::string_view s, std::size_t max_bytes)
{
    std::size_t cut = std::min(s.size(), max_bytes);
    while (cut > 0 && cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    std::string out;
    for (const char c : s.substr(0, cut)) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte == 0x7F) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(byte));
            out += escape;
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<ParseError> refused_before_parse(std::string_view text)
{
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size() && text[i] != '\0'; ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                const auto unit = escape_at(text, i);
                if (unit && *unit >= 0xD800 && *unit <= 0xDBFF) {
                    // A high surrogate: RapidJSON checks that a low one follows and combines them.
                    const auto next = escape_at(text, i + 6);
                    i += next && *next >= 0xDC00 && *next <= 0xDFFF ? std::size_t{11}
                                                                    : std::size_t{5};
                } else if (unit && *unit >= 0xDC00 && *unit <= 0xDFFF) {
                    return error_at(text, i,
                                    "a \\u escape of a low surrogate without the high one "
                                    "before it (not a character)");
                } else {
                    ++i; // the escaped character, which may be a quote
                }
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > k_max_depth) {
                return error_at(text, i,
                                "arrays and objects nested deeper than "
                                    + std::to_string(k_max_depth) + " levels");
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

namespace {

std::expected<rapidjson::Document, ParseError> checked(rapidjson::Document doc,
                                                       std::string_view text)
{
    if (doc.HasParseError()) {
        return std::unexpected(
            error_at(text, doc.GetErrorOffset(), rapidjson::GetParseError_En(doc.GetParseError())));
    }
    return doc;
}

} // namespace

std::expected<rapidjson::Document, ParseError> parse(std::string_view text)
{
    if (auto refused = refused_before_parse(text)) {
        return std::unexpected(std::move(*refused));
    }
    rapidjson::Document doc;
    // kParseFullPrecisionFlag: decimals parsed exactly as written, not via a fast approximation.
    doc.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
    return checked(std::move(doc), text);
}

std::expected<rapidjson::Document, ParseError> parse_in_place(std::string_view text)
{
    if (auto refused = refused_before_parse(text)) {
        return std::unexpected(std::move(*refused));
    }
    rapidjson::Document doc;
    // The text is copied once into the document's own pool and parsed in situ there: strings
    // are unescaped in place instead of each being copied out on its own. A NUL byte ends the
    // input here as it does for the copying parse, so errors are the same.
    auto* buffer = static_cast<char*>(doc.GetAllocator().Malloc(text.size() + 1));
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    doc.ParseInsitu<rapidjson::kParseFullPrecisionFlag>(buffer);
    return checked(std::move(doc), text);
}

std::expected<rapidjson::Document, ParseError> parse_numbers_as_text(std::string_view text)
{
    if (auto refused = refused_before_parse(text)) {
        return std::unexpected(std::move(*refused));
    }
    rapidjson::Document doc;
    // kParseNumbersAsStringsFlag: the handler is given each number's text (RawNumber), which
    // the document keeps as a string value.
    doc.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseNumbersAsStringsFlag>(
        text.data(), text.size());
    return checked(std::move(doc), text);
}

const rapidjson::Value* find(const rapidjson::Value& obj, const char* key)
{
    if (!obj.IsObject()) {
        return nullptr;
    }
    const auto it = obj.FindMember(key);
    return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> get_string(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr || !v->IsString()) {
        return std::nullopt;
    }
    return std::string(v->GetString(), v->GetStringLength());
}

std::optional<std::int64_t> get_int64(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr || !v->IsInt64()) {
        return std::nullopt;
    }
    return v->GetInt64();
}

std::optional<int> get_int(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr || !v->IsInt()) {
        return std::nullopt;
    }
    return v->GetInt();
}

std::optional<double> get_double(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr || !v->IsNumber()) {
        return std::nullopt;
    }
    return v->GetDouble();
}

std::optional<bool> get_bool(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr || !v->IsBool()) {
        return std::nullopt;
    }
    return v->GetBool();
}

std::optional<std::int64_t> get_id(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->IsInt64()) {
        return v->GetInt64();
    }
    if (v->IsString()) {
        const char* first = v->GetString();
        const char* last = first + v->GetStringLength();
        std::int64_t out = 0;
        const auto [ptr, ec] = std::from_chars(first, last, out);
        if (ec == std::errc{} && ptr == last && first != last) {
            return out;
        }
    }
    return std::nullopt;
}

namespace {

bool all_digits(std::string_view s)
{
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// "1.5E3" -> "1500", "-2.5e-3" -> "-0.0025": a JSON number's exponent form as plain decimal
// text, by moving the point (exact, no arithmetic). nullopt when `text` is not of that form or
// the exponent is beyond any amount or quantity (the text would be absurdly long).
std::optional<std::string> expand_exponent(std::string_view text)
{
    const auto e = text.find_first_of("eE");
    if (e == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view mantissa = text.substr(0, e);
    std::string_view exponent = text.substr(e + 1);
    std::string sign;
    if (!mantissa.empty() && (mantissa.front() == '-' || mantissa.front() == '+')) {
        if (mantissa.front() == '-') {
            sign = "-";
        }
        mantissa.remove_prefix(1);
    }
    const auto point = mantissa.find('.');
    const std::string_view whole = mantissa.substr(0, point);
    const std::string_view frac =
        point == std::string_view::npos ? std::string_view{} : mantissa.substr(point + 1);
    if (!all_digits(whole) || (point != std::string_view::npos && !all_digits(frac))) {
        return std::nullopt;
    }
    bool negative_exp = false;
    if (!exponent.empty() && (exponent.front() == '-' || exponent.front() == '+')) {
        negative_exp = exponent.front() == '-';
        exponent.remove_prefix(1);
    }
    int exp = 0;
    const auto [ptr, ec] = std::from_chars(exponent.data(), exponent.data() + exponent.size(), exp);
    if (!all_digits(exponent) || ec != std::errc{} || ptr != exponent.data() + exponent.size()
        || exp > 40) {
        return std::nullopt;
    }
    const std::string digits = std::string(whole) + std::string(frac);
    // Where the point goes, counted in digits from the left.
    const long at = static_cast<long>(whole.size()) + (negative_exp ? -exp : exp);
    std::string int_part;
    std::string frac_part;
    if (at <= 0) {
        int_part = "0";
        frac_part = std::string(static_cast<std::size_t>(-at), '0') + digits;
    } else if (static_cast<std::size_t>(at) >= digits.size()) {
        int_part = digits + std::string(static_cast<std::size_t>(at) - digits.size(), '0');
    } else {
        int_part = digits.substr(0, static_cast<std::size_t>(at));
        frac_part = digits.substr(static_cast<std::size_t>(at));
    }
    const auto first = int_part.find_first_not_of('0');
    int_part = first == std::string::npos ? "0" : int_part.substr(first);
    return sign + int_part + (frac_part.empty() ? "" : "." + frac_part);
}

std::optional<std::string> decimal_text(std::string_view text)
{
    if (Decimal::parse(text)) {
        return std::string(text);
    }
    auto expanded = expand_exponent(text);
    if (expanded && Decimal::parse(*expanded)) {
        return expanded;
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> get_decimal_text(const rapidjson::Value& obj, const char* key)
{
    const auto* v = find(obj, key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->IsString()) {
        return decimal_text(std::string_view(v->GetString(), v->GetStringLength()));
    }
    if (v->IsInt64()) {
        return std::to_string(v->GetInt64());
    }
    if (v->IsUint64()) {
        return std::to_string(v->GetUint64());
    }
    if (v->IsDouble()) {
        // Shortest text that reads back as the same double, in plain notation: the sender's
        // digits whenever it sent at most 15 significant ones.
        std::array<char, 400> buffer{};
        const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                                             v->GetDouble(), std::chars_format::fixed);
        if (ec != std::errc{}) {
            return std::nullopt;
        }
        return decimal_text(
            std::string_view(buffer.data(), static_cast<std::size_t>(end - buffer.data())));
    }
    return std::nullopt;
}

std::string type_name(const rapidjson::Value& v)
{
    switch (v.GetType()) {
    case rapidjson::kNullType:
        return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
        return "boolean";
    case rapidjson::kObjectType:
        return "object";
    case rapidjson::kArrayType:
        return "array";
    case rapidjson::kStringType:
        return "string";
    case rapidjson::kNumberType:
        return v.IsInt64() || v.IsUint64() ? "integer" : "number";
    }
    return "unknown";
}

std::string to_string(const rapidjson::Value& v)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    v.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace mlc::json
