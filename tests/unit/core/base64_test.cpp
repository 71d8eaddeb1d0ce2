// base64 both ways: the RFC 4648 test vectors, every byte value, line-wrapped input, and what is
// refused (characters outside the alphabet, misplaced padding, a cut quad).
#include "core/base64.hpp"

#include <catch2/catch.hpp>

using mlc::base64_decode;
using mlc::base64_encode;

TEST_CASE("base64_encode: the RFC 4648 vectors", "[core][base64]")
{
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
}

TEST_CASE("base64_decode inverts base64_encode", "[core][base64]")
{
    for (const char* text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        const auto back = base64_decode(base64_encode(text));
        REQUIRE(back.has_value());
        CHECK(*back == text);
    }
    std::string every;
    for (int i = 0; i < 256; ++i) {
        every += static_cast<char>(i);
    }
    for (std::size_t cut = 0; cut < 4; ++cut) { // every padding length
        const std::string bytes = every.substr(cut);
        const auto back = base64_decode(base64_encode(bytes));
        REQUIRE(back.has_value());
        CHECK(*back == bytes);
    }
    // Line-wrapped (MIME-style) input.
    const auto wrapped = base64_decode("Zm9v\r\nYmFy\n Zg==\n");
    REQUIRE(wrapped.has_value());
    CHECK(*wrapped == "foobarf");
}

TEST_CASE("base64_decode refuses what is not base64", "[core][base64]")
{
    for (const char* bad : {"Zm9", "Z", "Zm9v=", "Zg=", "Z===", "Zm=v", "Zg==Zm9v", "Zm9v!", "Zm9-",
                            "Zm9_", "====", "Zm9vYmFy="}) {
        INFO(bad);
        CHECK_FALSE(base64_decode(bad).has_value());
    }
}
