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
