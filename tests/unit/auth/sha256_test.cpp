#include "auth/sha256.hpp"

#include <catch2/catch.hpp>

#include <string>

using mlc::sha256_hex;

TEST_CASE("sha256 matches the FIPS 180-2 vectors", "[auth][sha256]")
{
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
          == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1'000'000, 'a'))
          == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 gives the same digest however the input is split", "[auth][sha256]")
{
    const std::string text(1'000, 'x');
    const std::string whole = sha256_hex(text);
    // Chunk sizes around the 64-byte block and the 56-byte padding boundary.
    for (const std::size_t chunk : {1u, 7u, 55u, 56u, 63u, 64u, 65u, 127u}) {
        mlc::Sha256 h;
        for (std::size_t pos = 0; pos < text.size(); pos += chunk) {
            h.update(std::string_view(text).substr(pos, chunk));
        }
        CHECK(mlc::to_hex(h.finish()) == whole);
    }
    // Lengths across the padding boundary differ from each other (no off-by-one collisions).
    CHECK(sha256_hex(std::string(55, 'a')) != sha256_hex(std::string(56, 'a')));
    CHECK(sha256_hex(std::string(56, 'a'))
          == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    CHECK(sha256_hex(std::string(64, 'a'))
          == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
