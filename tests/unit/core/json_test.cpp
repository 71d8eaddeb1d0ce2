// json::parse and json::parse_in_place: values, escapes and exact numbers; each document owns
// everything it points to; copies of parts outliving the document; errors with where and why,
// the same from both.
#include "core/json.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

namespace {

using Parser = std::expected<mlc::json::Document, mlc::json::ParseError> (*)(std::string_view);

} // namespace

TEST_CASE("json parses strings, escapes and exact integers", "[core][json]")
{
    for (const Parser parse : {&mlc::json::parse, &mlc::json::parse_in_place}) {
        const auto doc = parse(
            R"({"name":"Acme \"Steel\"\n","city":"K\u00f6ln","id":9007199254740993,"n":null})");
        REQUIRE(doc);
        CHECK(mlc::json::get_string(*doc, "name") == "Acme \"Steel\"\n");
        CHECK(mlc::json::get_string(*doc, "city") == "K\xc3\xb6ln");
        CHECK(mlc::json::get_int64(*doc, "id") == 9007199254740993);
        CHECK(mlc::json::get_string(*doc, "n") == std::nullopt);
    }
}

TEST_CASE("json documents do not point into the text they were given", "[core][json]")
{
    for (const Parser parse : {&mlc::json::parse, &mlc::json::parse_in_place}) {
        auto text = std::make_unique<std::string>(R"({"items":[{"v":"first"},{"v":"second"}]})");
        auto doc = parse(*text);
        REQUIRE(doc);
        text->assign(text->size(), 'x'); // the caller reuses its buffer...
        text.reset();                    // ...and frees it
        const mlc::json::Document moved = std::move(*doc);
        REQUIRE(moved["items"].IsArray());
        CHECK(mlc::json::get_string(moved["items"][0], "v") == "first");
        CHECK(mlc::json::get_string(moved["items"][1], "v") == "second");
    }
}

TEST_CASE("json::parse: a part copied out outlives its document", "[core][json]")
{
    const std::string text = R"({"part":{"name":"kept after the document is gone"}})";
    mlc::json::Document part;
    {
        auto doc = mlc::json::parse(text);
        REQUIRE(doc);
        part.CopyFrom((*doc)["part"], part.GetAllocator()); // copies its strings
    }
    CHECK(mlc::json::get_string(part, "name") == "kept after the document is gone");
    // Not so for parse_in_place, whose strings such a copy would share (see json.hpp): its
    // documents stay inside the function that parsed them.
}

TEST_CASE("json reports where the text stops being JSON, the same from both parsers",
          "[core][json]")
{
    for (const Parser parse : {&mlc::json::parse, &mlc::json::parse_in_place}) {
        const auto bad = parse("{\"a\": 1,\n \"b\": }");
        REQUIRE_FALSE(bad);
        CHECK(bad.error().line == 2);
        CHECK(bad.error().column == 7);
        CHECK_FALSE(bad.error().message.empty());

        // A NUL byte ends the input: inside a string it is an unterminated string.
        const std::string with_nul("{\"a\": \"x\0y\"}", 12);
        const auto nul = parse(with_nul);
        REQUIRE_FALSE(nul);
        CHECK(nul.error().offset == 8); // at the NUL

        CHECK_FALSE(parse(""));
        CHECK_FALSE(parse("{\"a\":\"unterminated"));
        CHECK_FALSE(parse("[1] x"));
    }
}

TEST_CASE("json::parse_numbers_as_text keeps every number as the text it was sent as",
          "[core][json]")
{
    const auto doc = mlc::json::parse_numbers_as_text(
        R"({"a":1234.56,"b":0.1,"c":"250.0","d":300000047507499,"e":-0.25,"f":1.5E3,"g":2.5e-3,
            "h":null,"i":true,"j":"12,5","k":"1e3","l":123456789012345678901234.5,"m":{"n":1},
            "o":"+.5","p":1E50})");
    REQUIRE(doc.has_value());
    using mlc::json::get_decimal_text;
    CHECK(get_decimal_text(*doc, "a") == "1234.56");
    CHECK(get_decimal_text(*doc, "b") == "0.1");
    CHECK(get_decimal_text(*doc, "c") == "250.0"); // a string holding a decimal
    CHECK(get_decimal_text(*doc, "d") == "300000047507499");
    CHECK(get_decimal_text(*doc, "e") == "-0.25");
    CHECK(get_decimal_text(*doc, "f") == "1500"); // exponent rewritten exactly
    CHECK(get_decimal_text(*doc, "g") == "0.0025");
    CHECK(get_decimal_text(*doc, "k") == "1000"); // the same for a string in number form
    CHECK(get_decimal_text(*doc, "l") == "123456789012345678901234.5"); // beyond a double
    CHECK(get_decimal_text(*doc, "o") == "+.5"); // a decimal as written; Decimal::parse reads it
    CHECK_FALSE(get_decimal_text(*doc, "h").has_value());
    CHECK_FALSE(get_decimal_text(*doc, "i").has_value());
    CHECK_FALSE(get_decimal_text(*doc, "j").has_value());
    CHECK_FALSE(get_decimal_text(*doc, "m").has_value());
    CHECK_FALSE(get_decimal_text(*doc, "p").has_value()); // an absurd exponent
    CHECK_FALSE(get_decimal_text(*doc, "missing").has_value());
    // Ids stay readable: get_id takes the digit string.
    CHECK(mlc::json::get_id(*doc, "d") == 300000047507499);
    CHECK(mlc::json::get_id((*doc)["m"], "n") == 1);
    // Errors are reported as from parse().
    const auto bad = mlc::json::parse_numbers_as_text("{\"a\":1.}");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().offset == 7);
}

TEST_CASE("json::get_decimal_text on a document parsed with doubles", "[core][json]")
{
    const auto doc = mlc::json::parse(R"({"a":0.1,"b":1234.56,"c":42,"d":-7,"e":"9.99"})");
    REQUIRE(doc.has_value());
    CHECK(mlc::json::get_decimal_text(*doc, "a") == "0.1"); // shortest round-trip text
    CHECK(mlc::json::get_decimal_text(*doc, "b") == "1234.56");
    CHECK(mlc::json::get_decimal_text(*doc, "c") == "42");
    CHECK(mlc::json::get_decimal_text(*doc, "d") == "-7");
    CHECK(mlc::json::get_decimal_text(*doc, "e") == "9.99");
}

TEST_CASE("json refuses text nested deeper than k_max_depth from every parser", "[core][json]")
{
    using mlc::json::k_max_depth;
    for (const Parser parse :
         {&mlc::json::parse, &mlc::json::parse_in_place, &mlc::json::parse_numbers_as_text}) {
        const std::string deepest = std::string(k_max_depth, '[') + std::string(k_max_depth, ']');
        CHECK(parse(deepest));

        const std::string deeper =
            "\n" + std::string(k_max_depth, '[') + "{\"a\":1}" + std::string(k_max_depth, ']');
        const auto refused = parse(deeper);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().offset == k_max_depth + 1); // at the '{' one level too deep
        CHECK(refused.error().line == 2);
        CHECK(refused.error().message == "arrays and objects nested deeper than 256 levels");

        // Once a stack overflow in RapidJSON's recursive parser: refused before it is parsed.
        CHECK_FALSE(parse(std::string(100'000, '[')));
        CHECK_FALSE(parse(std::string(50'000, '{') + "\"a\":"));

        // Brackets inside strings (escaped quotes too) are text, not levels.
        const std::string in_strings = "[\"" + std::string(1000, '[') + "\\\"{{{\"]";
        CHECK(parse(in_strings));
    }
}

TEST_CASE("json refuses a lone low surrogate escape from every parser, pairs are characters",
          "[core][json]")
{
    for (const Parser parse :
         {&mlc::json::parse, &mlc::json::parse_in_place, &mlc::json::parse_numbers_as_text}) {
        // U+1F600 as a surrogate pair: one character, four bytes of UTF-8.
        const auto pair = parse(R"({"a":"\ud83d\ude00"})");
        REQUIRE(pair);
        CHECK(mlc::json::get_string(*pair, "a") == "\xF0\x9F\x98\x80");

        // RapidJSON 1.1 would write these out as ED B0 80, which is not UTF-8.
        const auto lone = parse("{\"a\":\n\"x\\udc00\"}");
        REQUIRE_FALSE(lone);
        CHECK(lone.error().offset == 8);
        CHECK(lone.error().line == 2);
        CHECK(lone.error().message.starts_with("a \\u escape of a low surrogate"));
        CHECK_FALSE(parse(R"(["\uDFFF"])"));
        CHECK_FALSE(parse(R"(["\ud83d\ud83d\ude00\udc00"])"));

        // An escaped backslash followed by "udc00" is text, and a lone high surrogate is
        // RapidJSON's own error.
        CHECK(parse(R"(["\\udc00"])"));
        CHECK_FALSE(parse(R"(["\ud83d"])"));
        CHECK_FALSE(parse(R"(["\ud83dx"])"));
    }
}
