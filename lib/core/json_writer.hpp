#pragma once
// Writes JSON text (summaries, --json output, request bodies) without exposing RapidJSON to
// the caller. Keys and values are escaped; int64 values are written exactly; decimals are
// passed as already-formatted text so money never goes through a double.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace mlc::json {

// `text` as a JSON string literal, quotes included.
std::string quote(std::string_view text);

class Writer {
public:
    Writer();
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    Writer& begin_object();
    Writer& end_object();
    Writer& begin_array();
    Writer& end_array();
    Writer& key(std::string_view k);
    Writer& string(std::string_view v);
    Writer& integer(std::int64_t v);
    Writer& boolean(bool v);
    Writer& null();
    // A number given as text (e.g. "1234.50"); must be a valid JSON number.
    Writer& raw_number(std::string_view v);
    // An already-serialized JSON value, inserted verbatim (must be valid JSON).
    Writer& raw_json(std::string_view v);

    // Shorthands for object members.
    Writer& field(std::string_view k, std::string_view v) { return key(k).string(v); }
    Writer& field(std::string_view k, const char* v) { return key(k).string(v); }
    Writer& field(std::string_view k, std::int64_t v) { return key(k).integer(v); }
    Writer& field(std::string_view k, int v) { return key(k).integer(v); }
    Writer& field(std::string_view k, bool v) { return key(k).boolean(v); }
    // The member only when `v` is not empty (APIs that read "" as a value to store).
    Writer& field_if_set(std::string_view k, std::string_view v);
    // A number member from decimal text, written in the decimal's plain form (always a JSON
    // number: "1234.50" as 1234.5, the same value), never through a double. Empty or
    // non-decimal text leaves the member out, so the API names the missing attribute rather
    // than receiving a body that is not JSON.
    Writer& decimal_field(std::string_view k, const std::string& text);

    const std::string& str() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace mlc::json
