#pragma once
// What every fuzz target in tests/fuzz shares: libFuzzer's entry point, which each target
// defines, and the check a target makes on what the code under test promises. The targets are
// plain C++ so GCC builds them too: the normal test suite replays the kept inputs through them
// (replay_main.cpp) without libFuzzer.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace mlc::fuzz {

// The input as text, as the code under test receives a body or a file.
inline std::string_view text_of(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

// Aborts when a promise of the code under test does not hold: libFuzzer then keeps the input
// as a crash, and the replay of a kept input fails.
inline void check(bool holds, const char* promise)
{
    if (!holds) {
        std::fprintf(stderr, "fuzz: broken promise: %s\n", promise);
        std::abort();
    }
}

// True when `s` is one line: what an error message that reaches a log must be.
inline bool one_line(std::string_view s)
{
    return s.find_first_of("\r\n") == std::string_view::npos;
}

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF):
// what text bound for the audit trail and its JSON export must be.
inline bool valid_utf8(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        const auto lead = static_cast<unsigned char>(s[i]);
        std::size_t more = 0; // continuation bytes
        unsigned min = 0;     // the smallest code point that needs this many bytes
        unsigned cp = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        }
        if (lead >= 0xC2 && lead <= 0xDF) {
            more = 1;
            min = 0x80;
            cp = lead & 0x1Fu;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            more = 2;
            min = 0x800;
            cp = lead & 0x0Fu;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            more = 3;
            min = 0x10000;
            cp = lead & 0x07u;
        } else {
            return false;
        }
        if (s.size() - i <= more) {
            return false; // cut short
        }
        for (std::size_t k = 1; k <= more; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0u) != 0x80u) {
                return false;
            }
            cp = (cp << 6) | (c & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += more + 1;
    }
    return true;
}

} // namespace mlc::fuzz
