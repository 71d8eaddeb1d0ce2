#include "core/base64.hpp"

#include <array>
#include <cstdint>

namespace mlc {

namespace {

constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for an alphabet character, -1 otherwise.
constexpr std::array<signed char, 256> k_values = [] {
    std::array<signed char, 256> v{};
    v.fill(-1);
    for (int i = 0; i < 64; ++i) {
        v[static_cast<unsigned char>(k_alphabet[i])] = static_cast<signed char>(i);
    }
    return v;
}();

std::uint32_t byte(std::string_view data, std::size_t i)
{
    return static_cast<unsigned char>(data[i]);
}

} // namespace

std::string base64_encode(std::string_view data)
{
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        const std::uint32_t n =
            (byte(data, i) << 16) | (byte(data, i + 1) << 8) | byte(data, i + 2);
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
        out += k_alphabet[(n >> 6) & 63];
        out += k_alphabet[n & 63];
    }
    const std::size_t rest = data.size() - i;
    if (rest > 0) {
        std::uint32_t n = byte(data, i) << 16;
        if (rest == 2) {
            n |= byte(data, i + 1) << 8;
        }
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
        out += rest == 2 ? k_alphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text)
{
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t quad = 0;
    int have = 0;    // sextets in `quad`
    int padding = 0; // '=' seen
    for (const char c : text) {
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
            continue;
        }
        if (c == '=') {
            // Only the last one or two characters of the last quad.
            if (have < 2 || ++padding > 2) {
                return std::nullopt;
            }
            continue;
        }
        const int v = k_values[static_cast<unsigned char>(c)];
        if (v < 0 || padding > 0) {
            return std::nullopt;
        }
        quad = (quad << 6) | static_cast<std::uint32_t>(v);
        if (++have == 4) {
            out += static_cast<char>((quad >> 16) & 0xff);
            out += static_cast<char>((quad >> 8) & 0xff);
            out += static_cast<char>(quad & 0xff);
            quad = 0;
            have = 0;
        }
    }
    if (padding > 0) {
        // "xx==" or "xxx=": the quad is whole once the padding is counted.
        if (have + padding != 4) {
            return std::nullopt;
        }
        if (have == 2) {
            out += static_cast<char>((quad >> 4) & 0xff);
        } else {
            out += static_cast<char>((quad >> 10) & 0xff);
            out += static_cast<char>((quad >> 2) & 0xff);
        }
        return out;
    }
    if (have != 0) {
        return std::nullopt;
    }
    return out;
}

} // namespace mlc
